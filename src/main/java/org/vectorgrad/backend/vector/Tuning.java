package org.vectorgrad.backend.vector;

/** Measured thresholds of the vector backend; {@code docs/decisions.md} has the measurements behind each. */
final class Tuning {
    private Tuning() {}

    /** GEMMs with m·n·k below this run on the calling thread: dispatch costs more than it saves. */
    static final long GEMM_PARALLEL_MIN_WORK = 1L << 22;

    /** Elementwise maps shorter than this stay on the calling thread (memory-bound: a dispatch costs ~10 µs). */
    static final int ELEMENTWISE_PARALLEL_MIN = 1 << 17;

    /** Fixed piece size of a parallel elementwise map (independent of the thread count). */
    static final int ELEMENTWISE_GRAIN = 1 << 14;
}
