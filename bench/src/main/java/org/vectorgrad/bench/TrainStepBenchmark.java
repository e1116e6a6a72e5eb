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
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.Trainer;

/**
 * One training step (forward, loss, backward, SGD with momentum) of a reference model at batch 128 on a fixed
 * random batch. samples/s = 128 / (score in seconds). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is
 * the allocation per step in steady state (goal: under 1 KB). Each trial's set-up first trains until the JIT has been
 * quiet for half a second ({@link JitQuiet}, 1 to 20 s), as {@code GemmBenchmark} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class TrainStepBenchmark {
    public static final int BATCH = 128;

    @Param({"mlp", "cnn"})
    public String model;

    @Param({"vector", "blas", "auto"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    /** The trainer's per-step gradient-norm check (on by default); {@code -p checkGradients=true,false} measures its cost. */
    @Param({"true"})
    public boolean checkGradients;

    private Backend be;
    private Trainer trainer;
    private Tensor images;
    private int[] labels;

    @Setup
    public void setUp() {
        be = Backends.create(backend, threads);
        Sequential m = Models.create(model, 1);
        trainer = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.01f, 0.9f), be).checkGradients(checkGradients);
        images = Tensor.uniform(2, -1f, 2f, BATCH, 1, 28, 28);
        labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) labels[i] = (i * 7) % 10;
        // until the JIT is quiet (1 to 20 s), so JMH's warm-up starts from compiled kernels (JitQuiet)
        if (!JitQuiet.run(this::step, 1, 20)) System.out.println("note: the JIT was still compiling after 20 s of " + backend + " " + model);
    }

    @Benchmark
    public double step() {
        return trainer.step(images, labels);
    }

    @TearDown
    public void tearDown() { be.close(); }
}
