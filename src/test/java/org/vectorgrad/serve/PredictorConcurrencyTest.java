package org.vectorgrad.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.tensor.Tensor;

/**
 * 16 threads × 8 requests each (128 in all; sizes are kept small so the suite stays short: the first MLP layer
 * still reaches the parallel GEMM threshold at large batches) of batch sizes 1..300 on one predictor give exactly the bits of the same requests
 * run serially (and those of the model's own forward). The check does not depend on timing: whatever the
 * interleaving, every result must be identical; the start gate only makes overlap likely.
 */
class PredictorConcurrencyTest {
    static final int THREADS = 16, REQUESTS_PER_THREAD = 8;

    static Sequential mlp() {
        return new Sequential(new Flatten(), new Dense(64, 256, 1), new ReLU(), new Dense(256, 32, 2), new ReLU(), new Dense(32, 10, 3));
    }

    static Sequential cnn() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, 1), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(4, 8, 3, 1, 1, 2), new ReLU(), new MaxPool2d(2, 2), new Flatten(), new Dense(8 * 2 * 2, 10, 3));
    }

    @ParameterizedTest
    @CsvSource({"mlp, vector", "mlp, blas", "mlp, auto", "cnn, vector", "cnn, blas", "cnn, auto"})
    void concurrentRequestsGiveTheSerialBits(String modelName, String backendName) throws Exception {
        Availability a = Backends.report().get(backendName);
        org.vectorgrad.Prerequisites.require(a == null || a.available(), backendName + " unavailable: " + (a == null ? "" : a.reason()));
        try (Backend backend = Backends.create(backendName, 2)) {
            Sequential model = modelName.equals("mlp") ? mlp() : cnn();
            model.bind(backend);
            Predictor p = Predictor.of(model, backend);
            int n = THREADS * REQUESTS_PER_THREAD;
            SplittableRandom rng = new SplittableRandom(11);
            List<Tensor> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int batch = i < 2 ? (i == 0 ? 1 : 300) : 1 + rng.nextInt(300);
                inputs.add(Tensor.randn(rng.nextLong(), 0f, 1f, batch, 1, 8, 8));
            }
            // The reference is the first, serial pass (kernels still interpreted: their bits do not depend on the JIT,
            // docs/decisions.md §5a); what this test checks is that concurrency changes nothing.
            for (Tensor x : inputs) expected.add(p.predict(x).toArray());
            // the serial results are the model's own forward
            for (int i : new int[] {0, 1, 2}) assertBits(expected.get(i), model.forward(inputs.get(i), false).toArray(), "model forward " + i);
            // training (or any use) of the source model after creation does not reach the predictor
            model.parameters().get(0).value().fill(Float.NaN);

            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger checked = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        float[] reused = new float[300 * 10];
                        for (int k = 0; k < REQUESTS_PER_THREAD; k++) {
                            int i = (first + k * THREADS) % n;
                            float[] got = k % 2 == 0 ? p.predict(inputs.get(i)).toArray() : java.util.Arrays.copyOf(reused, p.predict(inputs.get(i), reused, 0));
                            assertBits(expected.get(i), got, "request " + i + " on thread " + first);
                            checked.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            start.countDown();
            for (Thread th : threads) th.join();
            if (failure.get() != null) throw new AssertionError(modelName + " on " + backendName + ": " + failure.get(), failure.get());
            assertEquals(n, checked.get());
            assertTrue(p.replicas() >= 1 && p.replicas() <= THREADS + 1, "replicas " + p.replicas());
        }
    }

    static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": value " + i + " is " + got[i] + ", serial run gave " + want[i]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void outputArrayTooSmallIsRefusedAndCustomLayersAreNamed() {
        try (Backend backend = Backends.create("scalar", 1)) {
            Predictor p = Predictor.of(mlp(), backend);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.predict(Tensor.zeros(2, 1, 8, 8), new float[19], 0));
            assertTrue(e.getMessage().contains("needs 20 floats"), e.getMessage());
            org.vectorgrad.nn.Layer custom = new org.vectorgrad.nn.Layer() {
                @Override public Tensor forward(Tensor x, boolean training) { return x; }
                @Override public Tensor backward(Tensor g) { return g; }
                @Override public void bind(Backend b) {}
                @Override public String describe() { return "Custom"; }
            };
            String m = assertThrows(IllegalArgumentException.class, () -> Predictor.of(custom, backend)).getMessage();
            assertTrue(m.contains("layer Custom") && m.contains("no architecture spec"), m);
        }
    }
}
