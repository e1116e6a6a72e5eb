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
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.tensor.Tensor;

/**
 * Forward + backward of {@code Dense(784, 512)} at batch 128 (three GEMMs and a bias pass: 3·2·128·784·512 =
 * 308 MFLOP per op). Run with {@code -prof gc} to see the allocation per op ({@code gc.alloc.rate.norm}). Each trial's
 * set-up first runs the op until the JIT has been quiet for half a second ({@link JitQuiet}, 1 to 20 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class DenseLayerBenchmark {
    @Param({"vector", "blas", "scalar"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Backend be;
    private Dense layer;
    private Tensor x, dy;

    @Setup
    public void setUp() {
        be = Backends.create(backend, threads);
        layer = new Dense(784, 512, 1L);
        layer.bind(be);
        x = Tensor.randn(2, 0f, 1f, 128, 784);
        dy = Tensor.randn(3, 0f, 0.01f, 128, 512);
        // until the JIT is quiet (1 to 20 s), so JMH's warm-up starts from compiled kernels (JitQuiet)
        if (!JitQuiet.run(this::forwardBackward, 1, 20)) System.out.println("note: the JIT was still compiling after 20 s of " + backend);
    }

    @Benchmark
    public Tensor forwardBackward() {
        layer.forward(x, true);
        return layer.backward(dy);
    }

    @TearDown
    public void tearDown() { be.close(); }
}
