package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.Task;
import org.vectorgrad.loss.BinaryCrossEntropyWithLogits;
import org.vectorgrad.loss.HuberLoss;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.loss.MeanAbsoluteError;
import org.vectorgrad.loss.MeanSquaredError;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/** The trainer on float targets: regression (MSE, MAE, Huber) and multi-label (BCE), their metrics, and mismatches. */
class TaskTrainingTest {

    /** y = 2·x0 - x1 + 0.5·x2 + 1 + noise(0.1): the noise's variance 0.01 is the best test MSE. */
    static Dataset linear(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 3], y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float) Tensor.gaussian(r);
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f * x[i * 3 + 2] + 1 + (float) (0.1 * Tensor.gaussian(r));
        }
        return Dataset.ofRegression("linear", x, new int[] {3}, y, 1);
    }

    /** Two labels: x0 > 0, and x1 + x2 > 0. */
    static Dataset twoLabels(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 3], y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float) Tensor.gaussian(r);
            y[i * 2] = x[i * 3] > 0 ? 1 : 0;
            y[i * 2 + 1] = x[i * 3 + 1] + x[i * 3 + 2] > 0 ? 1 : 0;
        }
        return Dataset.ofMultiLabel("two labels", x, new int[] {3}, y, 2);
    }

    static Sequential mlp(int in, int out, long seed) {
        return new Sequential(new Dense(in, 32, seed), new ReLU(), new Dense(32, out, seed + 1));
    }

    private static List<EpochStats> train(Loss<?> loss, Dataset train, Dataset test, int out) {
        Sequential m = mlp(3, out, 11);
        Trainer t = new Trainer(m, loss, new SGD(m.parameters(), 0.02f, 0.9f), ScalarBackend.create());
        return t.fit(train, test, 4, 32, 5);
    }

    @Test
    void regressionLearnsWithEveryLossAndReportsMseAndMae() {
        Dataset train = linear(1, 800), test = linear(2, 200);
        double variance = 0; // of the test targets: what predicting the mean would score
        double mean = 0;
        for (int i = 0; i < test.size(); i++) mean += test.target(i, 0) / test.size();
        for (int i = 0; i < test.size(); i++) variance += Math.pow(test.target(i, 0) - mean, 2) / test.size();
        for (Loss<?> loss : List.<Loss<?>>of(new MeanSquaredError(), new MeanAbsoluteError(), new HuberLoss())) {
            List<EpochStats> s = train(loss, train, test, 1);
            EpochStats last = s.get(3);
            assertEquals(List.of(EpochStats.MSE, EpochStats.MAE), List.copyOf(last.testMetrics().keySet()), loss.describe());
            assertTrue(Double.isNaN(last.testAccuracy()));
            assertTrue(last.trainLoss() < s.get(0).trainLoss(), loss.describe() + " falls: " + s);
            assertTrue(last.metric(EpochStats.MSE) < 0.05 * variance, loss.describe() + " learns: variance " + variance + ", " + last);
            assertTrue(last.metric(EpochStats.MAE) <= Math.sqrt(last.metric(EpochStats.MSE)) + 1e-12, "MAE <= RMSE: " + last);
        }
    }

    @Test
    void evaluateComputesMseAndMaeOverEveryValue() {
        // a model that outputs 0: mse = mean(y²), mae = mean(|y|), over 2 targets per sample
        float[] x = new float[5], y = {1, -2, 3, 0, 0.5f, -1, 2, 2, -4, 1};
        Dataset d = Dataset.ofRegression("d", x, new int[] {1}, y, 2);
        Dense zero = new Dense(1, 2, 1);
        zero.parameters().forEach(p -> p.value().fill(0f));
        Trainer t = new Trainer(zero, new MeanSquaredError(), new SGD(zero.parameters(), 0.1f, 0f), ScalarBackend.create());
        Map<String, Double> m = t.evaluate(d, 3); // batches of 3 samples, the last one of 2
        double sq = 0, abs = 0;
        for (float v : y) { sq += v * v; abs += Math.abs(v); }
        assertEquals(sq / 10, m.get(EpochStats.MSE), 1e-12);
        assertEquals(abs / 10, m.get(EpochStats.MAE), 1e-12);
    }

    @Test
    void multiLabelLearnsAndReportsExactMatchAndLabelAccuracy() {
        List<EpochStats> s = train(new BinaryCrossEntropyWithLogits(), twoLabels(1, 800), twoLabels(2, 300), 2);
        EpochStats last = s.get(3);
        assertEquals(List.of(EpochStats.EXACT_MATCH, EpochStats.LABEL_ACCURACY), List.copyOf(last.testMetrics().keySet()));
        assertTrue(last.metric(EpochStats.EXACT_MATCH) > 0.85, last.toString());
        assertTrue(last.metric(EpochStats.LABEL_ACCURACY) >= last.metric(EpochStats.EXACT_MATCH), last.toString());
    }

    @Test
    void multiLabelMetricsThresholdLogitsAtZero() {
        // identity-like model: output = input (2 features -> 2 logits); targets fixed
        float[] x = {3, -1, -2, 0.5f, 0, 0}; // logits; 0 is "off"
        float[] y = {1, 0, 0, 0, 0, 1};
        Dataset d = Dataset.ofMultiLabel("m", x, new int[] {2}, y, 2);
        Dense id = new Dense(2, 2, 1);
        id.parameters().get(0).value().fill(0f);
        id.parameters().get(0).value().set(1f, 0, 0);
        id.parameters().get(0).value().set(1f, 1, 1);
        id.parameters().get(1).value().fill(0f);
        Trainer t = new Trainer(id, new BinaryCrossEntropyWithLogits(), new SGD(id.parameters(), 0.1f, 0f), ScalarBackend.create());
        Map<String, Double> m = t.evaluate(d, 2);
        // sample 0: (on, off) vs (1, 0) right; sample 1: (off, on) vs (0, 0): one wrong; sample 2: (off, off) vs (0, 1): one wrong
        assertEquals(1.0 / 3, m.get(EpochStats.EXACT_MATCH), 1e-12);
        assertEquals(4.0 / 6, m.get(EpochStats.LABEL_ACCURACY), 1e-12);
    }

    @Test
    void vectorAndScalarBackendsTrainRegressionAlike() {
        Dataset train = linear(3, 300), test = linear(4, 100);
        double[] mse = new double[2];
        int k = 0;
        for (var be : List.of(ScalarBackend.create(), VectorBackend.create(1))) {
            Sequential m = mlp(3, 1, 9);
            Trainer t = new Trainer(m, new HuberLoss(), new SGD(m.parameters(), 0.02f, 0.9f), be);
            mse[k++] = t.fit(train, test, 2, 32, 5).get(1).metric(EpochStats.MSE);
        }
        assertEquals(mse[0], mse[1], 1e-3 * mse[0], "scalar " + mse[0] + ", vector " + mse[1]);
    }

    @Test
    void aLossThatDoesNotFitTheTaskIsRefusedBeforeTheFirstStep() {
        Sequential m = mlp(3, 1, 1);
        Trainer ce = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.1f, 0f), ScalarBackend.create());
        var e = assertThrows(IllegalArgumentException.class, () -> ce.fit(linear(1, 10), null, 1, 4, 1));
        assertTrue(e.getMessage().contains("SoftmaxCrossEntropy takes class labels") && e.getMessage().contains("regression dataset")
                && e.getMessage().contains("MeanSquaredError"), e.getMessage());
        Trainer mse = new Trainer(m, new MeanSquaredError(), new SGD(m.parameters(), 0.1f, 0f), ScalarBackend.create());
        var e2 = assertThrows(IllegalArgumentException.class, () -> mse.fit(TrainerTest.blobs(1, 10), null, 1, 4, 1));
        assertTrue(e2.getMessage().contains("takes float targets") && e2.getMessage().contains("classification dataset"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> mse.fit(linear(1, 10), twoLabels(1, 10), 1, 4, 1));
        assertTrue(e3.getMessage().contains("different tasks"), e3.getMessage());
        // an output width that does not match the targets is named by the loss
        Sequential wide = mlp(3, 2, 1);
        Trainer w = new Trainer(wide, new MeanSquaredError(), new SGD(wide.parameters(), 0.1f, 0f), ScalarBackend.create());
        var e4 = assertThrows(IllegalArgumentException.class, () -> w.fit(linear(1, 10), null, 1, 4, 1));
        assertTrue(e4.getMessage().contains("[4, 2]") && e4.getMessage().contains("[4, 1]"), e4.getMessage());
    }

    @Test
    void batchesCarryTargetsInTheShuffledOrder() {
        Dataset d = linear(5, 37);
        for (Batch b : d.batches(8, 3, 1, true)) {
            assertEquals(Task.REGRESSION, d.task());
            assertThrows(IllegalStateException.class, b::labels);
            for (int i = 0; i < b.size(); i++) {
                // find the sample by its features; its target must come with it
                float x0 = b.images().get(i, 0);
                boolean found = false;
                for (int s = 0; s < d.size() && !found; s++) {
                    float[] x = new float[3];
                    d.copySample(s, x, 0);
                    if (x[0] == x0 && x[1] == b.images().get(i, 1)) {
                        assertEquals(d.target(s, 0), b.targets().get(i, 0));
                        found = true;
                    }
                }
                assertTrue(found);
            }
        }
    }

    @Test
    void perFeatureStandardizationUsesTheGivenStatistics() {
        float[] x = {1, 100, 3, 300, 5, 500};
        Dataset d = Dataset.ofRegression("s", x, new int[] {2}, new float[] {0, 0, 0}, 1);
        double[][] ms = d.featureMeanAndStd();
        assertEquals(3, ms[0][0], 1e-12);
        assertEquals(300, ms[0][1], 1e-9);
        assertEquals(Math.sqrt(8 / 3.0), ms[1][0], 1e-12);
        Dataset s = d.standardizedPerFeature(ms[0], ms[1]);
        float[] v = new float[2];
        s.copySample(2, v, 0);
        assertEquals(2 / Math.sqrt(8 / 3.0), v[0], 1e-6);
        assertEquals(200 / (100 * Math.sqrt(8 / 3.0)), v[1], 1e-6);
        // a constant column is only centred
        Dataset c = Dataset.ofRegression("c", new float[] {7, 7}, new int[] {1}, new float[] {0, 0}, 1);
        double[][] cs = c.featureMeanAndStd();
        assertEquals(0, cs[1][0]);
        float[] one = new float[1];
        c.standardizedPerFeature(cs[0], cs[1]).copySample(0, one, 0);
        assertEquals(0f, one[0]);
        assertThrows(IllegalArgumentException.class, () -> d.standardizedPerFeature(new double[1], new double[1]));
    }

    @Test
    void targetsAreValidated() {
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofRegression("r", new float[2], new int[] {1}, new float[] {0, Float.NaN}, 1));
        assertTrue(e.getMessage().contains("sample 1") && e.getMessage().contains("not finite"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> Dataset.ofMultiLabel("m", new float[2], new int[] {1}, new float[] {0, 2}, 1));
        assertTrue(m.getMessage().contains("outside [0, 1]"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofRegression("r", new float[3], new int[] {1}, new float[] {0, 1}, 1));
    }

    @Test
    void generalMlpWithTheReferenceWidthsIsTheReferenceMlpBitForBit() {
        var a = Models.mlp(42).parameters();
        var b = Models.mlp(784, new int[] {512, 256}, 10, 42).parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(java.util.Arrays.equals(a.get(i).value().toArray(), b.get(i).value().toArray()), "parameter " + i);
        }
        Sequential tabular = Models.mlp(5, new int[] {7}, 1, 1);
        assertEquals("Sequential(Flatten, Dense(5 -> 7), ReLU, Dense(7 -> 1))", tabular.describe());
    }

    @Test
    void aRegressionRunResumedFromACheckpointKeepsItsMetricsAndBits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Dataset train = linear(6, 200), test = linear(7, 50);
        Sequential full = mlp(3, 1, 3);
        SGD fullOpt = new SGD(full.parameters(), 0.02f, 0.9f);
        List<EpochStats> want = new Trainer(full, new MeanAbsoluteError(), fullOpt, ScalarBackend.create()).fit(train, test, 2, 16, 9);

        Sequential first = mlp(3, 1, 3);
        SGD firstOpt = new SGD(first.parameters(), 0.02f, 0.9f);
        var stopped = new ResumableFit(new Trainer(first, new MeanAbsoluteError(), firstOpt, ScalarBackend.create()), first, firstOpt,
                org.vectorgrad.optim.LearningRateSchedule.constant()).checkpointTo(dir, 0).stopWhen(() -> true).run(train, test, 2, 16, 9);
        assertTrue(stopped.stopped());
        Sequential second = mlp(3, 1, 4); // other initial weights: the checkpoint overwrites them
        SGD secondOpt = new SGD(second.parameters(), 0.02f, 0.9f);
        var resumed = new ResumableFit(new Trainer(second, new MeanAbsoluteError(), secondOpt, ScalarBackend.create()), second, secondOpt,
                org.vectorgrad.optim.LearningRateSchedule.constant()).resumeFrom(dir).run(train, test, 2, 16, 9);
        assertEquals(2, resumed.epochs().size());
        for (int e = 0; e < 2; e++) {
            assertEquals(want.get(e).testMetrics(), resumed.epochs().get(e).testMetrics(), "epoch " + (e + 1));
            assertEquals(want.get(e).trainLoss(), resumed.epochs().get(e).trainLoss());
        }
    }
}
