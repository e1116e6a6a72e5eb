package org.vectorgrad.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.BatchLoader;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.ProgressBar;
import org.vectorgrad.train.Trainer;

/**
 * The steady-state allocation goals that used to be unit tests (they flaked: an allocation count depends on when
 * C2 compiles, which a loaded machine delays). Run with {@code -prof gc}; {@code bench/check_goals.py} compares
 * each benchmark's {@code gc.alloc.rate.norm} (bytes per operation) with its goal in {@code bench/goals.json}:
 * <ul>
 *   <li>{@link #blasGemm}: a small BLAS GEMM and a GEMV-shaped call allocate nothing (heap segments are cached);</li>
 *   <li>{@link #vectorGemm}: a vector GEMM of 70x90x300 allocates nothing once compiled;</li>
 *   <li>{@link #batchLoaderEpoch}: one shuffled epoch of 334 batches reuses its buffers;</li>
 *   <li>{@link #progressBarSkippedUpdate}: a progress update that draws nothing allocates nothing;</li>
 *   <li>{@link #cnnTrainStep}: a steady-state training step of the reference CNN (batch 32, vector backend, 1
 *       thread) allocates under 1 KB; its warm-up is long (40 s) so that C2 has compiled every kernel first
 *       (until then the Vector API boxes vectors and a step allocates megabytes).</li>
 * </ul>
 * Run: {@code bash bench/alloc.sh} (builds the benchmarks jar when missing, runs this, checks the goals).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class AllocationBenchmark {
    private Backend blas, blas2, vector;
    private final float[] sa = new float[8 * 8 + 1], sb = new float[8 * 8 + 1], sc = new float[8 * 8 + 1];
    private float[] va, vb, vc, va2, vb2;
    private BatchLoader loader;
    private int epoch;
    private ProgressBar live, plain;
    private int step;
    private Trainer cnn;
    private Tensor cnnImages;
    private int[] cnnLabels;

    @Setup(Level.Trial)
    public void setUp() {
        blas = Backends.create("blas", 1);      // fails this benchmark alone, with the reason, where OpenBLAS is missing
        blas2 = Backends.create("blas", 2);
        vector = Backends.create("vector", 1);
        SplittableRandom rng = new SplittableRandom(5);
        va = GemmBenchmark.random(rng, 70 * 300);
        vb = GemmBenchmark.random(rng, 90 * 300);
        vc = new float[70 * 90];
        va2 = GemmBenchmark.random(rng, 70 * 800);
        vb2 = GemmBenchmark.random(rng, 90 * 800);
        Dataset d = Dataset.ofUnsignedBytes("bytes", new byte[1000 * 64], new int[] {1, 8, 8}, new int[1000], 2);
        loader = d.loader(3, false);             // 334 batches, the last of 1
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        live = new ProgressBar(sink, true, Integer.MAX_VALUE, "epoch 1/1");
        plain = new ProgressBar(sink, false, Integer.MAX_VALUE, "epoch 1/1");
        Sequential model = Models.create("cnn", 1);
        cnn = new Trainer(model, new SoftmaxCrossEntropy(), new SGD(model.parameters(), 0.01f, 0.9f), vector);
        cnnImages = Tensor.uniform(2, -1f, 2f, 32, 1, 28, 28);
        cnnLabels = new int[32];
        for (int i = 0; i < cnnLabels.length; i++) cnnLabels[i] = (i * 7) % 10;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (blas != null) blas.close();
        if (blas2 != null) blas2.close();
        if (vector != null) vector.close();
    }

    @Benchmark
    public float[] blasGemm() {
        blas.gemm().gemm(false, true, 8, 8, 8, 1f, sa, 1, 8, sb, 1, 8, 0f, sc, 1, 8);
        blas.gemm().gemm(true, false, 1, 8, 8, 1f, sa, 0, 1, sb, 0, 8, 0f, sc, 0, 8);   // gemv path
        return sc;
    }

    /** A 2-thread BLAS GEMM cut into one-thread calls on the dispatcher (docs/blas.md, "Threads"). */
    @Benchmark
    public float[] blasGemmCut() {
        blas2.gemm().gemm(false, true, 70, 90, 800, 1f, va2, 0, 800, vb2, 0, 800, 0f, vc, 0, 90);
        return vc;
    }

    @Benchmark
    public float[] vectorGemm() {
        vector.gemm().gemm(false, true, 70, 90, 300, 1f, va, 0, 300, vb, 0, 300, 1f, vc, 0, 90);
        return vc;
    }

    @Benchmark
    public void batchLoaderEpoch(Blackhole bh) {
        for (Batch b : loader.epoch(1, epoch++, true)) bh.consume(b.size());
    }

    @Benchmark
    @Warmup(iterations = 20, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double cnnTrainStep() {
        return cnn.step(cnnImages, cnnLabels);
    }

    @Benchmark
    public void progressBarSkippedUpdate() {
        // the live bar draws at most 10 times a second, the plain one every 30 s: nearly every call is skipped
        int s = 1 + (step++ & 0x3fff_ffff);
        live.update(s, 1.0, 1.0);
        plain.update(s, 1.0, 1.0);
    }
}
