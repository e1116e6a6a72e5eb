package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/**
 * Five trainings in one JVM give the same parameters bit for bit, on every fast backend at 1 and 2 threads. The
 * first trainings run kernels interpreted and through C1, the later ones through C2, so a kernel whose bits
 * depend on the JIT (an unordered lane reduction, an intrinsic transcendental) gives different hashes: the MLP
 * trained this way on the vector backend gave 3 hashes in 5 runs before lane sums had a fixed order. The MLP has
 * the reference shapes (784-512-256-10, batch 16: its GEMMs are large enough to run on 2 threads); the CNN is the
 * reference CNN's structure with fewer channels (both conv paths: the single-input-channel direct kernel and
 * im2col + GEMM).
 */
class TrainingReproducibilityTest {
    private static final int RUNS = 5;

    /** Random 1×28×28 images with 10 classes, each class shifting a different block of pixels (learnable). */
    static Dataset images(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
            for (int p = 0; p < 784; p++) x[i * 784 + p] = (float) r.nextDouble() + (p / 79 == y[i] ? 1f : 0f);
        }
        return Dataset.ofFloats("synthetic", x, new int[] {1, 28, 28}, y, 10);
    }

    static Sequential model(String name) {
        return switch (name) {
            case "mlp" -> Models.mlp(42);
            case "cnn" -> new Sequential(
                    new Conv2d(1, 4, 3, 1, 1, 1), new ReLU(), new MaxPool2d(2, 2),
                    new Conv2d(4, 8, 3, 1, 1, 2), new ReLU(), new MaxPool2d(2, 2),
                    new Flatten(), new Dense(392, 10, true, Init.HE_NORMAL, 3));
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A model and a copy of its initial parameters, so runs restore them instead of initializing again. */
    record Start(Sequential model, List<Tensor> initial) {
        static Start of(String name) {
            Sequential m = TrainingReproducibilityTest.model(name);
            return new Start(m, m.parameters().stream().map(p -> p.value().copy()).toList());
        }
    }

    /** Trains from {@code start}'s initial parameters for one epoch; hashes every parameter's bits and the loss. */
    static long trainAndHash(Start start, String backend, int threads, Dataset data, int batch) {
        Sequential m = start.model();
        List<Parameter> params = m.parameters();
        for (int i = 0; i < params.size(); i++) {
            params.get(i).value().copyFrom(start.initial().get(i));
            params.get(i).zeroGrad();
        }
        try (Backend be = Backends.create(backend, threads, s -> {})) {
            Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(params, 0.05f, 0.9f), be);
            double loss = t.fit(data, null, 1, batch, 7).get(0).trainLoss();
            long h = Double.doubleToRawLongBits(loss);
            for (Parameter p : params) {
                for (float v : p.value().toArray()) h = h * 31 + Float.floatToRawIntBits(v);
            }
            return h;
        }
    }

    @ParameterizedTest(name = "{0} on {1}, {2} thread(s)")
    @CsvSource({"mlp, vector, 1", "mlp, vector, 2", "mlp, blas, 1", "mlp, blas, 2", "mlp, auto, 1", "mlp, auto, 2",
            "cnn, vector, 1", "cnn, vector, 2", "cnn, blas, 1", "cnn, blas, 2", "cnn, auto, 1", "cnn, auto, 2"})
    void fiveTrainingsInOneJvmGiveIdenticalParameters(String model, String backend, int threads) {
        if (!backend.equals("auto")) {
            Availability a = Backends.report().get(backend);
            if (!a.available()) System.err.println("SKIPPED: " + backend + " unavailable: " + a.reason());
            org.vectorgrad.Prerequisites.require(a.available(), backend + " unavailable: " + a.reason());
        }
        Dataset data = images(5, 16 * 10);
        Start start = Start.of(model);
        Set<Long> hashes = new HashSet<>();
        long first = 0;
        for (int run = 0; run < RUNS; run++) {
            long h = trainAndHash(start, backend, threads, data, 16);
            if (run == 0) first = h;
            hashes.add(h);
        }
        assertEquals(1, hashes.size(), model + " on " + backend + " at " + threads + " thread(s): " + RUNS + " runs gave " + hashes.size() + " different parameter hashes");
        // the hash must see the training: other data gives other parameters
        assertNotEquals(first, trainAndHash(start, backend, threads, images(6, 16 * 10), 16));
    }

    /**
     * The README's promise beyond "same thread count": on {@code vector} (and {@code scalar}) the thread count does
     * not change a single bit, because no sum is split by threads (GEMM splits M×N, never K; conv weight gradients
     * use fixed batch chunks). Not true of {@code blas}/{@code auto}: OpenBLAS's bits depend on its thread count.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp", "cnn"})
    void vectorGivesTheSameBitsAtOneAndTwoThreads(String model) {
        Dataset data = images(5, 16 * 10);
        Start start = Start.of(model);
        assertEquals(trainAndHash(start, "vector", 1, data, 16), trainAndHash(start, "vector", 2, data, 16), model);
    }
}
