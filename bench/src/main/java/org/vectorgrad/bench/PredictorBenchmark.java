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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;

/**
 * {@link Predictor} inference of the reference models: {@code latency} (one caller; SampleTime gives p50/p99;
 * at batch 1 this is the request latency) and {@code concurrent16} (16 callers on one predictor). Throughput in
 * samples/s = batch / score. Each caller writes into its own array ({@code predict(x, out, 0)}): with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation per request. PyTorch's counterpart:
 * {@code bench/pytorch/predict_bench.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"})
public class PredictorBenchmark {
    @Param({"mlp", "cnn"})
    public String model;

    @Param({"auto"})
    public String backend;

    /** Kernel threads of the backend (per call). */
    @Param({"1", "2"})
    public int threads;

    @Param({"1", "256"})
    public int batch;

    Backend be;
    Predictor predictor;
    Tensor input;

    @Setup
    public void setUp() {
        be = Backends.create(backend, threads);
        predictor = Predictor.of(Models.create(model, 1), be);
        input = Tensor.uniform(2, -1f, 2f, batch, 1, 28, 28);
    }

    @TearDown
    public void tearDown() { be.close(); }

    /** Each JMH thread's output array. */
    @State(Scope.Thread)
    public static class Out {
        final float[] logits = new float[256 * 10];
    }

    @Benchmark
    public int latency(Out out) {
        return predictor.predict(input, out.logits, 0);
    }

    @Benchmark
    @Threads(16)
    public int concurrent16(Out out) {
        return predictor.predict(input, out.logits, 0);
    }
}
