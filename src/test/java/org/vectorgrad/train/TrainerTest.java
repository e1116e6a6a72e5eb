package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.Adam;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/** The training loop on a synthetic, learnable problem: it learns, and it is reproducible bit for bit. */
class TrainerTest {

    /** Three Gaussian blobs in 2x3 "images"; class = blob. Linearly separable enough to reach > 90 %. */
    static Dataset blobs(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centers = {{1, 1, 0, 0, -1, 0}, {-1, 0, 1, 1, 0, 0}, {0, -1, 0, -1, 1, 1}};
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 6; j++) x[i * 6 + j] = centers[y[i]][j] + (float) (0.4 * Tensor.gaussian(r));
        }
        return Dataset.ofFloats("blobs", x, new int[] {1, 2, 3}, y, 3);
    }

    static Sequential model(long seed) {
        return new Sequential(new Flatten(), new Dense(6, 16, seed), new ReLU(), new Dense(16, 3, seed + 1));
    }

    @Test
    void learnsASeparableProblem() {
        Dataset train = blobs(1, 600), test = blobs(2, 300);
        Sequential m = model(3);
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.05f, 0.9f), ScalarBackend.create());
        double before = t.accuracy(test, 64);
        List<EpochStats> stats = t.fit(train, test, 3, 32, 7);
        assertEquals(3, stats.size());
        assertTrue(stats.get(2).trainLoss() < stats.get(0).trainLoss(), "loss falls: " + stats);
        assertTrue(stats.get(2).testAccuracy() > 0.9 && stats.get(2).testAccuracy() > before, "learns: " + before + " -> " + stats);
    }

    @Test
    void adamLearnsToo() {
        Sequential m = model(5);
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new Adam(m.parameters(), 0.01f), ScalarBackend.create());
        List<EpochStats> stats = t.fit(blobs(1, 600), blobs(2, 300), 2, 32, 7);
        assertTrue(stats.get(1).testAccuracy() > 0.9, stats.toString());
    }

    @Test
    void sameSeedSameBackendSameThreadsGivesIdenticalWeights() {
        for (String backend : List.of("scalar", "auto")) {
            float[][] w = new float[2][];
            double[] loss = new double[2];
            for (int run = 0; run < 2; run++) {
                try (Backend be = Backends.create(backend, 2, s -> {})) {
                    Sequential m = model(11);
                    Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.05f, 0.9f), be);
                    loss[run] = t.fit(blobs(3, 500), null, 2, 50, 99).get(1).trainLoss();
                    w[run] = m.parameters().get(0).value().toArray();
                }
            }
            assertEquals(loss[0], loss[1], 0.0, backend);
            assertArrayEquals(w[0], w[1], backend + ": bitwise identical weights");
        }
        // a different seed must give a different run, or the test above proves nothing
        Sequential a = model(11), b = model(11);
        Backend be = ScalarBackend.create();
        new Trainer(a, new SoftmaxCrossEntropy(), new SGD(a.parameters(), 0.05f, 0.9f), be).fit(blobs(3, 500), null, 1, 50, 99);
        new Trainer(b, new SoftmaxCrossEntropy(), new SGD(b.parameters(), 0.05f, 0.9f), be).fit(blobs(3, 500), null, 1, 50, 100);
        assertFalse(java.util.Arrays.equals(a.parameters().get(0).value().toArray(), b.parameters().get(0).value().toArray()));
    }

    /** Blobs with a fraction of their pixels replaced by NaN (seeded positions). */
    static Dataset blobsWithNan(long seed, int n, double fraction) {
        Dataset clean = blobs(seed, n);
        SplittableRandom r = new SplittableRandom(seed + 100);
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (Batch b : clean.batches(n, 0, 0, false)) {
            System.arraycopy(b.images().toArray(), 0, x, 0, n * 6);
            System.arraycopy(b.labels(), 0, y, 0, n);
        }
        for (int i = 0; i < x.length; i++) if (r.nextDouble() < fraction) x[i] = Float.NaN;
        return Dataset.ofFloats("blobs-with-nan", x, new int[] {1, 2, 3}, y, 3);
    }

    private static Trainer sgd(Sequential m, float lr, Backend be) {
        return new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), lr, 0.9f), be);
    }

    @Test
    void nanPixelsStopTrainingWithAMessageNamingTheInput() {
        for (String backend : List.of("scalar", "vector", "auto")) {
            try (Backend be = Backends.create(backend, 2, s -> {})) {
                Sequential m = model(1);
                Trainer t = sgd(m, 0.05f, be);
                var e = assertThrows(NonFiniteException.class, () -> t.fit(blobsWithNan(1, 600, 0.01), null, 2, 32, 7), backend);
                assertEquals("loss", e.quantity());
                assertEquals(1, e.epoch());
                assertTrue(e.step() >= 1, e.getMessage());
                assertTrue(e.getMessage().startsWith("training stopped at epoch 1, step " + e.step() + ": the loss is NaN; the input batch [32, 1, 2, 3] holds "),
                        backend + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("NaN/Inf values: check the data"), e.getMessage());
            }
        }
    }

    @Test
    void nanFirstLayerWeightsStopTrainingAtTheFirstStepNamingTheParameter() {
        for (String backend : List.of("scalar", "vector", "auto")) {
            try (Backend be = Backends.create(backend, 2, s -> {})) {
                Sequential m = model(1);
                m.parameters().get(0).value().setFlat(5, Float.NaN);
                Trainer t = sgd(m, 0.05f, be);
                var e = assertThrows(NonFiniteException.class, () -> t.fit(blobs(1, 600), null, 1, 32, 7), backend);
                assertEquals(1, e.step());
                assertEquals("training stopped at epoch 1, step 1: the loss is NaN; layers[1] Dense(6 -> 16) weight holds 1 NaN/Inf values of 96;"
                        + " the model's output holds 96 NaN/Inf values", e.getMessage(), backend);
            }
        }
    }

    /** A layer that passes its input through and, on backward, puts {@code poison} into its parameter's gradient. */
    static final class PoisonGradient extends org.vectorgrad.nn.AbstractLayer {
        final Parameter p = new Parameter("scale", Tensor.full(1f, 4));
        final float poison;

        PoisonGradient(float poison) { this.poison = poison; }

        @Override public Tensor forward(Tensor x, boolean training) { return x; }

        @Override public Tensor backward(Tensor gy) {
            p.grad().setFlat(2, poison);
            return gy;
        }

        @Override public List<Parameter> parameters() { return List.of(p); }
        @Override public String describe() { return "PoisonGradient"; }
    }

    @Test
    void aNonFiniteGradientNormStopsTheStepBeforeTheUpdateNamingTheParameter() {
        for (float poison : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Sequential m = new Sequential(new Flatten(), new Dense(6, 16, 1), new ReLU(), new PoisonGradient(poison), new Dense(16, 3, 2));
            float[] before = m.parameters().get(0).value().toArray();
            Trainer t = sgd(m, 0.05f, ScalarBackend.create());
            var e = assertThrows(NonFiniteException.class, () -> t.fit(blobs(1, 100), null, 1, 32, 7));
            assertEquals("gradient of layers[3] PoisonGradient scale", e.quantity());
            assertEquals(1, e.epoch());
            assertEquals(1, e.step());
            assertTrue(e.getMessage().startsWith("training stopped at epoch 1, step 1: the gradient norm of layers[3] PoisonGradient scale [4] is "
                    + (Float.isNaN(poison) ? "NaN" : "Infinity") + " (1 of its 4 values are NaN/Inf; the loss was "), e.getMessage());
            assertArrayEquals(before, m.parameters().get(0).value().toArray(), "no update from the failing step");
            // through step() too, without epoch and step
            var direct = assertThrows(NonFiniteException.class, () -> t.step(Tensor.zeros(4, 1, 2, 3), new int[4]));
            assertTrue(direct.getMessage().startsWith("training stopped: the gradient norm of layers[3] PoisonGradient scale"), direct.getMessage());
            assertEquals(0, direct.epoch());
            // the check can be switched off (for measuring its cost); the loss is still checked
            t.checkGradients(false);
            assertTrue(Double.isFinite(t.step(Tensor.zeros(4, 1, 2, 3), new int[4])));
        }
    }

    @Test
    void parametersOfNestedModelsAreNamedByTheirPath() {
        Sequential m = new Sequential(new Flatten(), new Sequential(new PoisonGradient(Float.NaN), new Dense(6, 3, 2)));
        var e = assertThrows(NonFiniteException.class, () -> sgd(m, 0.05f, ScalarBackend.create()).fit(blobs(1, 64), null, 1, 32, 7));
        assertEquals("gradient of layers[1].layers[0] PoisonGradient scale", e.quantity());
    }

    @Test
    void anOverflowingLossStopsTrainingAndSaysToLowerTheLearningRate() {
        Sequential m = model(1);
        Trainer t = sgd(m, 1e6f, ScalarBackend.create());
        var e = assertThrows(NonFiniteException.class, () -> t.fit(blobs(1, 600), null, 20, 32, 7));
        assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    }

    @Test
    void aRunThatEndsFarAboveItsStartIsFlaggedAsDiverged() {
        // linear softmax regression on random labels at a huge rate: the gradients stay bounded (|x|), the weights
        // grow, and every misclassified sample's loss grows with them, yet stays finite
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[600 * 6];
        int[] y = new int[600];
        for (int i = 0; i < x.length; i++) x[i] = (float) Tensor.gaussian(r);
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(3);
        Sequential m = new Sequential(new Flatten(), new Dense(6, 3, 1));
        Trainer t = sgd(m, 500f, ScalarBackend.create());
        List<EpochStats> stats = t.fit(Dataset.ofFloats("noise", x, new int[] {1, 2, 3}, y, 3), null, 3, 32, 7);
        double last = stats.get(2).trainLoss();
        assertTrue(Double.isFinite(last) && Double.isFinite(t.startLoss()), stats.toString());
        assertEquals(Math.min(t.startLoss(), Math.log(3)), t.referenceLoss());
        assertTrue(last > Trainer.DIVERGENCE_FACTOR * t.referenceLoss(), "start " + t.startLoss() + ", end " + last);
        assertTrue(t.diverged());
        // a working run is not
        Sequential ok = model(3);
        Trainer good = sgd(ok, 0.05f, ScalarBackend.create());
        List<EpochStats> s2 = good.fit(blobs(1, 600), null, 2, 32, 7);
        assertTrue(s2.get(1).trainLoss() < good.startLoss(), s2 + " start " + good.startLoss());
        assertFalse(good.diverged());
        Sequential fresh = model(1);
        Trainer unused = new Trainer(fresh, new SoftmaxCrossEntropy(), new SGD(fresh.parameters(), 0.1f, 0f), ScalarBackend.create());
        assertTrue(Double.isNaN(unused.startLoss()) && !unused.diverged(), "nothing before a fit");
    }

    @Test
    void shapeMismatchNamesLayerAndShapes() {
        Sequential m = new Sequential(new Dense(5, 3, 1)).on(ScalarBackend.create());
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(2, 4), true));
        assertEquals("Dense(5 -> 3): input has shape [2, 4], expected [batch, 5]", e.getMessage());
        var unbound = assertThrows(IllegalStateException.class, () -> new Dense(2, 2, 1).forward(Tensor.zeros(1, 2), false));
        assertTrue(unbound.getMessage().contains("bind"), unbound.getMessage());
    }
}
