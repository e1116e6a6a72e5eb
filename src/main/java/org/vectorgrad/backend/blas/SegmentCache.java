package org.vectorgrad.backend.blas;

import java.lang.foreign.MemorySegment;

/**
 * Remembers the heap segments made for recent (array, offset) pairs, so a training loop that hands the same
 * layer buffers to BLAS every step creates no segment objects in steady state.
 *
 * <p>Why: C2 scalar-replaces {@code MemorySegment.ofArray(a).asSlice(off)} only when the whole call path inlines
 * with a clean type profile. In a JVM that has also used other segment kinds, it did not: 672 bytes per GEMM call
 * were measured in the full test suite, against 0 in a JVM that only ran BLAS calls. A lookup here is a few
 * reference compares. Direct-mapped on the array's identity hash and the offset; a miss replaces the slot.
 * Not thread-safe by itself: {@link BlasBackend} calls it under its own lock.
 */
final class SegmentCache {
    private static final int SLOTS = 64; // power of two; a network has a few dozen distinct operands
    private final float[][] arrays = new float[SLOTS][];
    private final int[] offsets = new int[SLOTS];
    private final MemorySegment[] segments = new MemorySegment[SLOTS];

    MemorySegment get(float[] a, int off) {
        int slot = (System.identityHashCode(a) * 31 + off) & (SLOTS - 1);
        if (arrays[slot] == a && offsets[slot] == off) return segments[slot];
        MemorySegment s = MemorySegment.ofArray(a).asSlice(off * 4L);
        arrays[slot] = a;
        offsets[slot] = off;
        segments[slot] = s;
        return s;
    }
}
