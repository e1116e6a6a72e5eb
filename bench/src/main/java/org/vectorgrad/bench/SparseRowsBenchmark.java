package org.vectorgrad.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The vector GEMM on an op(A) with a given fraction of exact zeros at random places (as behind a ReLU), with its
 * sparse-rows path ({@code sparse}: only op(A)'s nonzeros' FMAs, docs/decisions.md §2br) or without it
 * ({@code dense}), one thread, ns per call. Shapes: the reference MLP's four products whose op(A) a ReLU zeroes,
 * as {@code nn.Dense} calls them. The path has kernels at 256 bits, and at 512 bits on CPUs that run 512-bit
 * operations as two halves (AMD Zen 4; docs/decisions.md §2bx): on another AVX-512 CPU run the proxy, or both paths
 * read the same; {@code -jvmArgsAppend} replaces the fork's flags, so give them all:
 * {@code -jvmArgsAppend "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -XX:UseAVX=2"}.
 * Add {@code -XX:ObjectAlignmentInBytes=64} to measure what the launcher runs: op(B)'s rows copied onto the
 * kernels' vector boundaries (docs/decisions.md §2bu, §2bx); without it a fork's arrays fall on or off them by chance.
 * Not named *GemmBenchmark: scripts select {@link GemmBenchmark} by that regex ({@code bench/acceptance.py}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class SparseRowsBenchmark {

    @Param({"sparse", "dense"})
    public String path;

    @Param({"0.5", "0.7", "0.8"})
    public double zeros;

    @Param({"512x784x128:TN", "128x256x512:NT", "256x512x128:TN", "128x512x256:NN"})
    public String shape;

    private Dispatcher dispatcher;
    private BlockedGemm gemm;
    private Shape s;
    private float[] a, b, c;

    @Setup
    public void setUp() {
        s = Shape.parse(shape);
        dispatcher = new Dispatcher(1);
        gemm = BlockedGemm.withSparseRows(VectorBackend.blockingFor(VectorBackend.defaultBits()), dispatcher, Long.MAX_VALUE,
                path.equals("sparse"));
        SplittableRandom rng = new SplittableRandom(42);
        a = GemmBenchmark.random(rng, s.m() * s.k());
        for (int i = 0; i < a.length; i++) if (rng.nextDouble() < zeros) a[i] = 0f;
        b = GemmBenchmark.random(rng, s.k() * s.n());
        c = new float[s.m() * s.n()];
        if (!JitQuiet.run(this::gemm, 1, 20)) System.out.println("note: the JIT was still compiling after 20 s of " + path + " " + shape);
    }

    @Benchmark
    public float[] gemm() {
        gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @TearDown
    public void tearDown() {
        dispatcher.close();
    }
}
