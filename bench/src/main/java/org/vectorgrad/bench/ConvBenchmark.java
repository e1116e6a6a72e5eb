package org.vectorgrad.bench;

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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.tensor.Tensor;

/**
 * The convolution and pooling kernels of the reference CNN at batch 128, one kernel call per op:
 * <ul>
 *   <li>{@code conv1}: Conv2d 1→32, 3×3, pad 1 on 28×28 (57.8 MFLOP per pass, the same for each of the three ops);</li>
 *   <li>{@code conv2}: Conv2d 32→64, 3×3, pad 1 on 14×14 (925 MFLOP per pass);</li>
 *   <li>{@code pool1}/{@code pool2}: MaxPool 2×2 stride 2 on (32, 28, 28) and (64, 14, 14), on ReLU-like
 *       data (half zeros: ties and unpredictable comparisons, as in training).</li>
 * </ul>
 * GFLOP/s = 2·MACs / time: {@code docs/conv.md} lists them. Each trial's set-up first runs its op until the JIT has
 * been quiet for half a second ({@link JitQuiet}, 1 to 20 s), as {@code GemmBenchmark} does. Example (on the shared machine, under the lock):
 * <pre>
 *   flock /tmp/vectorgrad-bench.lock java -jar bench/target/benchmarks.jar ConvBenchmark.conv -p backend=vector -p threads=1,2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class ConvBenchmark {
    @Param({"vector", "blas", "scalar"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"conv1", "conv2"})
    public String layer;

    private Backend be;
    private ConvGeometry g;
    private float[] x, w, b, y, dy, dx, dw, db;
    private final Scratch scratch = new Scratch();
    private PoolGeometry pool;
    private float[] px, py, pdy, pdx;
    private int[] argmax;

    @Setup
    public void setUp(BenchmarkParams params) {
        be = Backends.create(backend, threads);
        g = layer.equals("conv1") ? ConvGeometry.simple(128, 1, 28, 28, 32, 3, 1, 1) : ConvGeometry.simple(128, 32, 14, 14, 64, 3, 1, 1);
        x = Tensor.randn(1, 0f, 1f, g.inputSize()).data();
        w = Tensor.randn(2, 0f, 0.1f, g.weightSize()).data();
        b = Tensor.randn(3, 0f, 0.1f, g.outChannels()).data();
        dy = Tensor.randn(4, 0f, 0.01f, g.outputSize()).data();
        y = new float[g.outputSize()];
        dx = new float[g.inputSize()];
        dw = new float[g.weightSize()];
        db = new float[g.outChannels()];
        // the max pool that follows this conv layer in the reference CNN, on its ReLU output
        pool = new PoolGeometry(128, g.outChannels(), g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, true);
        px = Tensor.randn(5, 0f, 1f, pool.inputSize()).data();
        for (int i = 0; i < px.length; i++) px[i] = Math.max(0f, px[i]);
        py = new float[pool.outputSize()];
        pdy = Tensor.randn(6, 0f, 1f, pool.outputSize()).data();
        pdx = new float[pool.inputSize()];
        argmax = new int[pool.outputSize()];
        be.pooling().maxForward(pool, px, 0, py, 0, argmax);
        // this trial's op until the JIT is quiet (1 to 20 s), so JMH's warm-up starts from compiled kernels (JitQuiet)
        String op = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Runnable run = switch (op) {
            case "convForward" -> this::convForward;
            case "convBackwardData" -> this::convBackwardData;
            case "convBackwardWeights" -> this::convBackwardWeights;
            case "maxPoolForward" -> this::maxPoolForward;
            case "maxPoolBackward" -> this::maxPoolBackward;
            default -> throw new IllegalStateException("ConvBenchmark has no op " + op);
        };
        if (!JitQuiet.run(run, 1, 20)) System.out.println("note: the JIT was still compiling after 20 s of " + backend + " " + layer + " " + op);
    }

    @Benchmark
    public float[] convForward() {
        be.convolution().forward(g, x, 0, w, 0, b, 0, y, 0, scratch);
        return y;
    }

    @Benchmark
    public float[] convBackwardData() {
        be.convolution().backwardData(g, dy, 0, w, 0, dx, 0, scratch);
        return dx;
    }

    @Benchmark
    public float[] convBackwardWeights() {
        be.convolution().backwardWeights(g, x, 0, dy, 0, dw, 0, db, 0, scratch);
        return dw;
    }

    @Benchmark
    public float[] maxPoolForward() {
        be.pooling().maxForward(pool, px, 0, py, 0, argmax);
        return py;
    }

    @Benchmark
    public float[] maxPoolBackward() {
        be.pooling().maxBackward(pool, pdy, 0, argmax, pdx, 0);
        return pdx;
    }

    @TearDown
    public void tearDown() { be.close(); }
}
