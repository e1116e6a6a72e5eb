package org.vectorgrad.backend.vector.gemm;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets a vector micro-kernel (and its transposer) compiled by C2 on a background daemon thread, so that the first
 * GEMMs of a fresh JVM do not run Vector API code in the interpreter (measured: 1.3 s for the first
 * 128x512x784 call instead of ~2 ms). Until {@link #ready()}, {@link BlockedGemm} uses {@link ScalarKernel}
 * (bitwise identical results) and scalar packing. One warm-up per kernel class per JVM: compiled code is shared.
 */
final class KernelWarmup {
    /** A kernel call of this many k steps counts as compiled below this many nanoseconds (compiled: ~2 µs). */
    private static final int PROBE_KC = 256;
    private static final long COMPILED_NS = 40_000;
    /** Give up waiting after this long and switch anyway (e.g. a JVM whose C2 is very slow). */
    private static final long MAX_NS = 20_000_000_000L;

    private static final ConcurrentHashMap<String, KernelWarmup> BY_KERNEL = new ConcurrentHashMap<>();

    private volatile boolean ready;

    private KernelWarmup() {}

    /** The warm-up state of this kernel's class, starting its thread on first request. */
    static KernelWarmup forKernel(MicroKernel kernel, Transposer transposer) {
        return BY_KERNEL.computeIfAbsent(kernel.getClass().getName(), k -> {
            KernelWarmup w = new KernelWarmup();
            Thread t = new Thread(() -> w.warm(kernel, transposer), "vectorgrad-kernel-warmup");
            t.setDaemon(true);
            t.start();
            return w;
        });
    }

    /** True once the vector kernel runs compiled (or the warm-up gave up). */
    boolean ready() { return ready; }

    private void warm(MicroKernel kernel, Transposer transposer) {
        try {
            int mr = kernel.mr, nr = kernel.nr;
            float[] a = new float[mr * PROBE_KC], b = new float[nr * PROBE_KC], tile = new float[mr * nr];
            float[] c = new float[mr * nr];
            for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.125f;
            for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.25f;
            int lanes = transposer == null ? 0 : transposer.lanes;
            float[] src = new float[Math.max(1, lanes * lanes)], dst = new float[Math.max(1, lanes * lanes + Transposer.SLACK)];
            long start = System.nanoTime();
            int fastInARow = 0;
            while (fastInARow < 3 && System.nanoTime() - start < MAX_NS) {
                for (int i = 0; i < 8; i++) {
                    kernel.run(PROBE_KC, a, 0, b, 0, tile);
                    kernel.storeFull(tile, 1f, c, 0, nr);
                    kernel.storeFull(tile, 1f, 0.5f, c, 0, nr);
                    if (transposer != null) {
                        transposer.full(src, 0, lanes, dst, 0, lanes);
                        transposer.mrRows(src, 0, lanes, dst, 0, transposer.mr);
                    }
                }
                long t0 = System.nanoTime();
                kernel.run(PROBE_KC, a, 0, b, 0, tile);
                fastInARow = System.nanoTime() - t0 < COMPILED_NS ? fastInARow + 1 : 0;
            }
        } catch (Throwable t) {
            // whatever happened, the vector kernel is still correct: switch to it
        } finally {
            ready = true;
        }
    }
}
