package org.vectorgrad.bench;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.blas.BlasBackendFactory;
import org.vectorgrad.nativebindings.openblas.CriticalCblas;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * {@code C = op(A)·op(B)} (alpha 1, beta 0) per backend, shape and thread count; the score is ns per call, and
 * {@link Report} turns it into GFLOP/s from the shape. Shapes: FFM per-call overhead rows (4³, 16³, 64³), squares,
 * and the MLP's Dense layers at batch 128 exactly as {@code nn.Dense} calls gemm:
 * forward {@code y = x·Wᵀ} is {@code batch x out x in, NT}; weight gradient {@code dW += dyᵀ·x} is
 * {@code out x in x batch, TN}; input gradient {@code dx = dy·W} is {@code batch x in x out, NN}.
 *
 * <p>Backends: {@code scalar}, {@code vector}, {@code blas} (the project's OpenBLAS backend, from
 * {@code Backends.create}) and {@code openblas} (a bare {@code cblas_sgemm} downcall through the one cblas binding,
 * {@code native-bindings/}'s {@code CriticalCblas}, without the backend's argument checks, lock and segment cache:
 * what the blas backend costs on top of OpenBLAS). A backend that is not available here fails its own @Setup with a clear message;
 * JMH reports that one combination as failed and goes on with the others.
 *
 * <p>Each trial's set-up first runs its product until the JIT has been quiet for half a second ({@link JitQuiet}, 1 to
 * 20 s, every backend alike), so that the scores are those of compiled kernels whatever {@code -wi}/{@code -w} a run
 * passes; the time a fresh JVM takes to its first compiled call is measured separately (docs/decisions.md §7).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class GemmBenchmark {

    @Param({"vector", "blas", "scalar"})
    public String backend;

    @Param({"4x4x4", "16x16x16", "64x64x64", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "128x512x784:NT", "128x256x512:NT", "512x784x128:TN", "256x512x128:TN", "128x784x512:NN", "128x512x256:NN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Backend be;
    private boolean openblas;
    private Shape s;
    private float[] a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        s = Shape.parse(shape);
        if (backend.equals("scalar") && s.flops() > 2.0 * 512 * 512 * 512) {
            throw new IllegalStateException("skipped: scalar is only benchmarked up to 512^3 (" + shape + " would take minutes)");
        }
        if (backend.equals("openblas")) {
            // loads the library the way the blas backend does (core type corrected for this CPU first)
            Availability av = new BlasBackendFactory().availability();
            if (!av.available()) throw new IllegalStateException("openblas: " + av.reason());
            cblas_h.openblas_set_num_threads(threads);
            openblas = true;
        } else {
            be = Backends.create(backend, threads); // throws BackendUnavailableException with the reason
        }
        SplittableRandom rng = new SplittableRandom(42);
        a = random(rng, s.m() * s.k());
        b = random(rng, s.k() * s.n());
        c = new float[s.m() * s.n()];
        // every backend alike: until the JIT is quiet (1 to 20 s), so JMH's warm-up starts from compiled kernels (JitQuiet)
        if (!JitQuiet.run(this::gemm, 1, 20)) System.out.println("note: the JIT was still compiling after 20 s of " + backend + " " + shape);
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    @Benchmark
    public float[] gemm() {
        if (openblas) {
            CriticalCblas.cblas_sgemm(cblas_h.CblasRowMajor(), s.transA() ? cblas_h.CblasTrans() : cblas_h.CblasNoTrans(),
                    s.transB() ? cblas_h.CblasTrans() : cblas_h.CblasNoTrans(), s.m(), s.n(), s.k(), 1f,
                    MemorySegment.ofArray(a), s.lda(), MemorySegment.ofArray(b), s.ldb(), 0f, MemorySegment.ofArray(c), s.ldc());
        } else {
            be.gemm().gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        }
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (be != null) be.close();
    }
}
