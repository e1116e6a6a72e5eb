package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
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
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.05f, 0.9f), new ScalarBackend());
        double before = t.accuracy(test, 64);
        List<EpochStats> stats = t.fit(train, test, 3, 32, 7);
        assertEquals(3, stats.size());
        assertTrue(stats.get(2).trainLoss() < stats.get(0).trainLoss(), "loss falls: " + stats);
        assertTrue(stats.get(2).testAccuracy() > 0.9 && stats.get(2).testAccuracy() > before, "learns: " + before + " -> " + stats);
    }

    @Test
    void adamLearnsToo() {
        Sequential m = model(5);
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new Adam(m.parameters(), 0.01f), new ScalarBackend());
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
        ScalarBackend be = new ScalarBackend();
        new Trainer(a, new SoftmaxCrossEntropy(), new SGD(a.parameters(), 0.05f, 0.9f), be).fit(blobs(3, 500), null, 1, 50, 99);
        new Trainer(b, new SoftmaxCrossEntropy(), new SGD(b.parameters(), 0.05f, 0.9f), be).fit(blobs(3, 500), null, 1, 50, 100);
        assertFalse(java.util.Arrays.equals(a.parameters().get(0).value().toArray(), b.parameters().get(0).value().toArray()));
    }

    @Test
    void divergenceIsReportedNotHidden() {
        Sequential m = model(1);
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 90f, 0.99f), new ScalarBackend());
        var e = assertThrows(IllegalStateException.class, () -> t.fit(blobs(1, 600), null, 20, 32, 7));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("learning rate"), e.getMessage());
    }

    @Test
    void shapeMismatchNamesLayerAndShapes() {
        Sequential m = new Sequential(new Dense(5, 3, 1)).on(new ScalarBackend());
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(2, 4), true));
        assertEquals("Dense(5 -> 3): input has shape [2, 4], expected [batch, 5]", e.getMessage());
        var unbound = assertThrows(IllegalStateException.class, () -> new Dense(2, 2, 1).forward(Tensor.zeros(1, 2), false));
        assertTrue(unbound.getMessage().contains("bind"), unbound.getMessage());
    }
}
