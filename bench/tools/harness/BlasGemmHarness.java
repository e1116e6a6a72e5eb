package org.vectorgrad.backend.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.nativebindings.openblas.CriticalCblas;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * A small timing harness (not a test): GFLOP/s of {@link BlasGemm#gemm} on the reference shapes, the per-call
 * cost of the critical heap path against off-heap segments, GEMV against GEMM for one-row/one-column products, and
 * BLAS against the Java backends on small GEMMs (the auto rule). Each figure is the median of several timed runs
 * after warm-up. Run it under {@code flock /tmp/vectorgrad-bench.lock}; see docs/blas.md or this folder's README for
 * the command (it declares the blas package to reach its package-private parts, on the class path only).
 *
 * <p>Arguments: {@code gemm [threads]}, {@code overhead}, {@code gemv}, {@code small}, {@code compare [threads]}
 * (BLAS against the vector backend on the reference shapes, when a vector backend is on the class path),
 * {@code mixed [threads]} (a BLAS GEMM followed by a vector-backend GEMM, as auto alternates them: do OpenBLAS's
 * idle threads, which spin after a call, slow down the vector backend's workers?).
 */
public final class BlasGemmHarness {
    private static final int RUNS = 7;
    private static final long MIN_RUN_NS = 40_000_000L;

    private BlasGemmHarness() {}

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "gemm";
        var lib = OpenBlasLoader.availability(OpenBlasLoader.configuredName());
        if (!lib.available()) throw new IllegalStateException("OpenBLAS unavailable: " + lib.reason());
        OpenBlasLoader.Info info = OpenBlasLoader.info();
        System.out.println("# cpu: " + CpuFeatures.current() + ", flags " + CpuFeatures.current().notableFlags());
        System.out.println("# " + info.config() + " | corename " + info.coreName() + " | core type " + CoreTypeSetup.outcome());
        switch (what) {
            case "gemm" -> gemm(args.length > 1 ? Integer.parseInt(args[1]) : 1);
            case "overhead" -> overhead();
            case "gemv" -> gemv();
            case "small" -> small();
            case "mixed" -> mixed(args.length > 1 ? Integer.parseInt(args[1]) : 2);
            case "compare" -> compare(args.length > 1 ? Integer.parseInt(args[1]) : 1, args.length > 2 ? args[2] : "both");
            default -> throw new IllegalArgumentException("unknown mode " + what);
        }
    }

    /** m, n, k, transA, transB. */
    private record Shape(int m, int n, int k, boolean ta, boolean tb) {
        String label() { return m + "x" + n + "x" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : ""); }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape(4, 4, 4, false, false), new Shape(16, 16, 16, false, false), new Shape(64, 64, 64, false, false),
            new Shape(256, 256, 256, false, false), new Shape(1024, 1024, 1024, false, false),
            new Shape(128, 512, 784, false, false), new Shape(128, 256, 512, false, false),
            new Shape(784, 512, 128, true, false), new Shape(128, 784, 512, false, true),
            new Shape(128, 784, 512, false, false));

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() - 0.5);
        return x;
    }

    /** Median ns per call of {@code op}; see {@link #medianNs(Runnable...)}. */
    private static double medianNs(Runnable op) {
        return medianNs(new Runnable[] {op})[0];
    }

    /**
     * Median ns per call of each op. Each op is warmed up (at least ~0.3 s, so C2 has compiled it) and batched so
     * that one timed run lasts at least MIN_RUN_NS; the timed runs of the ops are interleaved so that load from
     * other processes on this shared machine hits them alike.
     */
    private static double[] medianNs(Runnable... ops) {
        long[] reps = new long[ops.length];
        for (int o = 0; o < ops.length; o++) {
            Runnable op = ops[o];
            long n = 1, warmStart = System.nanoTime();
            while (true) {
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) op.run();
                long dt = System.nanoTime() - t0;
                if (dt >= MIN_RUN_NS / 4 && System.nanoTime() - warmStart > 300_000_000L) {
                    reps[o] = Math.max(1, n * MIN_RUN_NS / Math.max(1, dt));
                    break;
                }
                if (dt < MIN_RUN_NS / 4) n *= 2;
            }
        }
        double[][] per = new double[ops.length][RUNS];
        for (int r = 0; r < RUNS; r++) {
            for (int o = 0; o < ops.length; o++) {
                long t0 = System.nanoTime();
                for (long i = 0; i < reps[o]; i++) ops[o].run();
                per[o][r] = (System.nanoTime() - t0) / (double) reps[o];
            }
        }
        double[] med = new double[ops.length];
        for (int o = 0; o < ops.length; o++) {
            Arrays.sort(per[o]);
            med[o] = per[o][RUNS / 2];
        }
        return med;
    }

    private static Runnable gemmOp(Backend b, Shape s) {
        return gemmOp(b.gemm(), s);
    }

    private static Runnable gemmOp(Gemm b, Shape s) {
        float[] a = random(s.m * s.k, 1), bb = random(s.k * s.n, 2), c = new float[s.m * s.n];
        int lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
        return () -> b.gemm(s.ta, s.tb, s.m, s.n, s.k, 1f, a, 0, lda, bb, 0, ldb, 0f, c, 0, s.n);
    }

    private static void gemm(int threads) {
        System.out.println("# BlasGemm.gemm, threads=" + threads + ", median of " + RUNS);
        System.out.println("| shape (MxNxK) | ns/call | GFLOP/s |");
        System.out.println("|---|---|---|");
        try (Backend blas = new BlasBackendFactory().create(threads)) {
            for (Shape s : SHAPES) {
                double ns = medianNs(gemmOp(blas, s));
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f |%n", s.label(), ns, 2.0 * s.m * s.n * s.k / ns);
            }
        }
    }

    /** 4x4x4 (and 16³) per call: backend heap path, raw binding heap, raw binding off-heap, scalar Java. */
    private static void overhead() {
        System.out.println("| path | 4x4x4 ns/call | 16x16x16 ns/call |");
        System.out.println("|---|---|---|");
        int[] sizes = {4, 16};
        String[] names = {"BlasGemm.gemm (checks + heap slices, critical)", "CriticalCblas.cblas_sgemm, heap segments (critical)",
                "CriticalCblas.cblas_sgemm, off-heap segments (critical)", "ScalarBackend.gemm (plain Java)"};
        double[][] ns = new double[names.length][sizes.length];
        try (Backend blas = new BlasBackendFactory().create(1); Arena arena = Arena.ofConfined()) {
            for (int si = 0; si < sizes.length; si++) {
                int n = sizes[si];
                float[] a = random(n * n, 1), b = random(n * n, 2), c = new float[n * n];
                MemorySegment oa = arena.allocate(4L * n * n, 64), ob = arena.allocate(4L * n * n, 64), oc = arena.allocate(4L * n * n, 64);
                MemorySegment.copy(a, 0, oa, ValueLayout.JAVA_FLOAT, 0, n * n);
                MemorySegment.copy(b, 0, ob, ValueLayout.JAVA_FLOAT, 0, n * n);
                int rm = cblas_h.CblasRowMajor(), nt = cblas_h.CblasNoTrans();
                Backend scalar = ScalarBackend.create();
                double[] t = medianNs(
                        () -> blas.gemm().gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n),
                        () -> CriticalCblas.cblas_sgemm(rm, nt, nt, n, n, n, 1f, MemorySegment.ofArray(a), n,
                                MemorySegment.ofArray(b), n, 0f, MemorySegment.ofArray(c), n),
                        () -> CriticalCblas.cblas_sgemm(rm, nt, nt, n, n, n, 1f, oa, n, ob, n, 0f, oc, n),
                        () -> scalar.gemm().gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
                for (int i = 0; i < t.length; i++) ns[i][si] = t[i];
            }
        }
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", names[i], ns[i][0], ns[i][1]);
        }
    }

    /** GEMMs with one output row or column: through cblas_sgemv vs cblas_sgemm. */
    private static void gemv() {
        List<Shape> shapes = List.of(new Shape(1, 512, 784, false, false), new Shape(1, 784, 512, false, true),
                new Shape(784, 1, 512, false, false), new Shape(512, 1, 784, true, false), new Shape(1, 256, 512, true, false),
                new Shape(1, 10, 256, false, true), new Shape(64, 1, 64, false, false));
        System.out.println("| shape | sgemm ns | sgemv ns | sgemm/sgemv |");
        System.out.println("|---|---|---|---|");
        Gemm viaGemm = new BlasGemm(new org.vectorgrad.parallel.Dispatcher(1), false, ScalarBackend.create().gemm());
        Gemm viaGemv = new BlasGemm(new org.vectorgrad.parallel.Dispatcher(1), true, ScalarBackend.create().gemm());
        for (Shape s : shapes) {
            double[] t = medianNs(gemmOp(viaGemm, s), gemmOp(viaGemv, s));
            double g = t[0], v = t[1];
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f |%n", s.label(), g, v, g / v);
        }
    }

    /** Small square GEMMs: BLAS against the Java backends (vector when built in, scalar), for the auto rule. */
    private static void small() {
        List<Backend> java = new ArrayList<>();
        var vf = Backends.factories().get("vector");
        if (vf != null && vf.availability().available()) java.add(vf.create(1));
        java.add(ScalarBackend.create());
        System.out.print("| n (n³ GEMM) | blas ns");
        for (Backend b : java) System.out.print(" | " + b.name() + " ns");
        System.out.println(" |");
        System.out.println("|---|---" + "|---".repeat(java.size()) + "|");
        try (Backend blas = new BlasBackendFactory().create(1)) {
            for (int n : new int[] {2, 4, 8, 12, 16, 24, 32, 48, 64}) {
                Shape s = new Shape(n, n, n, false, false);
                Runnable[] ops = new Runnable[java.size() + 1];
                ops[0] = gemmOp(blas, s);
                for (int i = 0; i < java.size(); i++) ops[i + 1] = gemmOp(java.get(i), s);
                double[] t = medianNs(ops);
                System.out.printf(Locale.ROOT, "| %d | %.0f", n, t[0]);
                for (int i = 1; i < t.length; i++) System.out.printf(Locale.ROOT, " | %.0f", t[i]);
                System.out.println(" |");
            }
        }
        for (Backend b : java) b.close();
    }

    /** The reference shapes on BLAS and on the vector backend, interleaved; ratio vector/BLAS in GFLOP/s. */
    private static void compare(int threads, String which) {
        var vf = Backends.factories().get("vector");
        if (vf == null || !vf.availability().available()) throw new IllegalStateException("no vector backend here");
        System.out.println("# threads=" + threads + ", median of " + RUNS);
        System.out.println("| shape (MxNxK) | blas GFLOP/s | vector GFLOP/s | vector/blas |");
        System.out.println("|---|---|---|---|");
        try (Backend blas = new BlasBackendFactory().create(threads); Backend vector = vf.create(threads)) {
            for (Shape s : SHAPES) {
                double[] t = switch (which) {   // "vector"/"blas": one backend only, so the other's threads stay idle
                    case "vector" -> new double[] {Double.NaN, medianNs(gemmOp(vector, s))};
                    case "blas" -> new double[] {medianNs(gemmOp(blas, s)), Double.NaN};
                    default -> medianNs(gemmOp(blas, s), gemmOp(vector, s));
                };
                double flops = 2.0 * s.m * s.n * s.k;
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", s.label(), flops / t[0], flops / t[1], t[0] / t[1]);
            }
        }
    }

    /** Time of BLAS alone, vector alone, and BLAS-then-vector in one op, in one process. */
    private static void mixed(int threads) {
        var vf = Backends.factories().get("vector");
        if (vf == null || !vf.availability().available()) throw new IllegalStateException("no vector backend here");
        System.out.println("# threads=" + threads + ", median of " + RUNS + "; blas 128x512x784, then vector on the shape given");
        System.out.println("| vector shape | blas ns | vector ns | blas then vector ns | excess over the sum |");
        System.out.println("|---|---|---|---|---|");
        try (Backend blas = new BlasBackendFactory().create(threads); Backend vector = vf.create(threads)) {
            Runnable b = gemmOp(blas, new Shape(128, 512, 784, false, false));
            for (Shape s : List.of(new Shape(128, 256, 512, false, false), new Shape(256, 256, 256, false, false))) {
                Runnable v = gemmOp(vector, s);
                double[] t = medianNs(b, v, () -> { b.run(); v.run(); });
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %+.0f%% |%n", s.label(), t[0], t[1], t[2],
                        100 * (t[2] / (t[0] + t[1]) - 1));
            }
        }
    }

}
