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
import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.vector.elementwise.ReductionKernels;

/**
 * The vector kernels whose lane reductions and transcendentals have a fixed order/formula (docs/decisions.md §5):
 * softmax cross-entropy of the reference models (batch 128 × 10 classes), softmax over 1000 columns, the conv
 * bias gradient (channel sums over 128×32×784), sigmoid and tanh over 2^16 floats and
 * binary cross-entropy over 2^16 logits. One kernel call per op, 1 thread (reductions never split).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ElementwiseBenchmark {
    @Param({"vector"})
    public String backend;

    private static final int N = 1 << 16;
    private Backend be;
    private final float[] logits = new float[128 * 10], grad = new float[128 * 10], wide = new float[8 * 1000];
    private final float[] wideOut = new float[8 * 1000];
    private final int[] labels = new int[128];
    private final float[] dy = new float[128 * 32 * 784], db = new float[32];
    private final float[] x = new float[N], y = new float[N], out = new float[N], t = new float[N];

    @Setup
    public void setUp() {
        be = Backends.create(backend, 1, s -> {});
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextDouble() * 10 - 5);
        for (int i = 0; i < wide.length; i++) wide[i] = (float) (r.nextDouble() * 10 - 5);
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(10);
        for (int i = 0; i < dy.length; i++) dy[i] = (float) (r.nextDouble() - 0.5);
        for (int i = 0; i < N; i++) {
            x[i] = (float) (r.nextDouble() * 8 - 4);
            y[i] = (float) (r.nextDouble() - 0.5);
            t[i] = (float) r.nextDouble();
        }
    }

    @Benchmark
    public double softmaxCrossEntropy128x10() {
        return be.losses().softmaxCrossEntropy(128, 10, logits, 0, labels, 0, grad, 0, 1f / 128);
    }

    @Benchmark
    public float[] softmax8x1000() {
        be.losses().softmax(8, 1000, wide, 0, wideOut, 0);
        return wideOut;
    }

    @Benchmark
    public float[] channelSums128x32x784() {
        ReductionKernels.channelSums(128, 4, 32, 784, dy, 0, db, 0, 0, 32);   // the vector conv's bias-gradient kernel (groups of 4 images)
        return db;
    }

    @Benchmark
    public float[] sigmoid64k() {
        be.pointwise().activationForward(Activation.SIGMOID, 0f, N, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] tanh64k() {
        be.pointwise().activationForward(Activation.TANH, 0f, N, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public double bce64k() {
        return be.losses().binaryCrossEntropyWithLogits(N, x, 0, t, 0, out, 0, 1f / N);
    }

    @TearDown
    public void tearDown() { be.close(); }
}
