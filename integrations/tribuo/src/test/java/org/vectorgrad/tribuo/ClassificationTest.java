package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;

class ClassificationTest {
    static VectorgradTrainer<Label> trainer(long seed) {
        return VectorgradTrainer.classification().hidden(16).sgd(0.05f, 0.9f)
                .schedule(VectorgradTrainer.Schedule.COSINE, 10).epochs(10).batchSize(16).seed(seed).threads(2).build();
    }

    /** Every score of every prediction, label by label, as raw double bits. */
    static long[] scoreBits(List<Prediction<Label>> ps) {
        List<Long> bits = new ArrayList<>();
        for (Prediction<Label> p : ps) {
            for (Map.Entry<String, Label> e : p.getOutputScores().entrySet()) bits.add(Double.doubleToRawLongBits(e.getValue().getScore()));
        }
        return bits.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void learnsDenseBlobsAndLabelEvaluatorWorksOnTheModel() {
        MutableDataset<Label> train = Data.blobs(600, 1), test = Data.blobs(300, 2);
        Model<Label> model = trainer(7).train(train);
        assertTrue(model.generatesProbabilities());
        LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);
        assertTrue(eval.accuracy() > 0.95, "accuracy " + eval.accuracy() + "\n" + eval);
        assertEquals(300, eval.getPredictions().size());
        for (Prediction<Label> p : model.predict(test)) {
            Map<String, Label> scores = p.getOutputScores();
            assertEquals(3, scores.size());
            double sum = 0, best = -1;
            for (Label l : scores.values()) {
                sum += l.getScore();
                best = Math.max(best, l.getScore());
            }
            assertEquals(1.0, sum, 1e-9);
            assertEquals(best, p.getOutput().getScore());
            assertEquals(best, scores.get(p.getOutput().getLabel()).getScore());
            assertEquals(4, p.getNumActiveFeatures());
        }
    }

    @Test
    void sameSeedAndThreadsGiveTheSameBitsAndAnotherSeedDoesNot() {
        MutableDataset<Label> train = Data.blobs(300, 1), test = Data.blobs(60, 2);
        long[] a = scoreBits(trainer(3).train(train).predict(test));
        long[] b = scoreBits(trainer(3).train(train).predict(test));
        long[] c = scoreBits(trainer(4).train(train).predict(test));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void invocationCountVariesTheSeedAndReproducesAnEarlierCall() {
        MutableDataset<Label> train = Data.blobs(300, 1), test = Data.blobs(60, 2);
        VectorgradTrainer<Label> t = trainer(3);
        long[] first = scoreBits(t.train(train).predict(test));
        long[] second = scoreBits(t.train(train).predict(test));
        assertEquals(2, t.getInvocationCount());
        assertFalse(java.util.Arrays.equals(first, second));
        assertArrayEquals(first, scoreBits(t.train(train, Map.of(), 0).predict(test)));
        assertEquals(1, t.getInvocationCount());
    }

    /**
     * predict(Dataset) runs batches of 256 rows, predict(Example) one row: the backend's kernels may round a row
     * differently at another batch size (seen on auto here), so the two agree to rounding, with the same labels;
     * each path on its own is bitwise repeatable.
     */
    @Test
    void batchedAndSingleExamplePredictionsAgreeToRoundingAndEachIsRepeatable() {
        MutableDataset<Label> train = Data.blobs(300, 1), test = Data.blobs(VectorgradModel.PREDICT_BATCH + 37, 2);
        Model<Label> model = trainer(5).train(train);
        List<Prediction<Label>> single = new ArrayList<>();
        for (Example<Label> e : test) single.add(model.predict(e));
        List<Prediction<Label>> batched = model.predict(test);
        assertEquals(single.size(), batched.size());
        for (int i = 0; i < single.size(); i++) {
            Prediction<Label> s = single.get(i), b = batched.get(i);
            assertEquals(s.getOutput().getLabel(), b.getOutput().getLabel(), "example " + i);
            for (Map.Entry<String, Label> e : s.getOutputScores().entrySet()) {
                assertEquals(e.getValue().getScore(), b.getOutputScores().get(e.getKey()).getScore(), 1e-6, "example " + i + " " + e.getKey());
            }
        }
        assertArrayEquals(scoreBits(batched), scoreBits(model.predict(test)));
        List<Prediction<Label>> again = new ArrayList<>();
        for (Example<Label> e : test) again.add(model.predict(e));
        assertArrayEquals(scoreBits(single), scoreBits(again));
    }

    @Test
    void provenanceRecordsConfigurationVersionBackendSeedAndInvocations() {
        Model<Label> model = trainer(11).train(Data.blobs(90, 1));
        ModelProvenance p = model.getProvenance();
        Map<String, Provenance> conf = p.getTrainerProvenance().getConfiguredParameters();
        assertEquals("11", conf.get("seed").toString());
        assertEquals("[16]", conf.get("hiddenSizes").toString());
        assertEquals("CLASSIFICATION", conf.get("task").toString());
        assertEquals("0.05", conf.get("learningRate").toString());
        assertEquals("2", conf.get("threads").toString());
        assertEquals("auto", conf.get("backend").toString());
        assertEquals("0", p.getTrainerProvenance().getInstanceValues().get("train-invocation-count").toString());
        Map<String, ? extends Provenance> run = p.getInstanceProvenance().getMap();
        assertEquals(org.vectorgrad.io.ModelFile.LIBRARY_VERSION, run.get("vectorgrad-version").toString());
        assertEquals("11", run.get("vectorgrad-seed").toString());
        assertEquals("2", run.get("vectorgrad-threads").toString());
        assertTrue(List.of("vector", "blas", "scalar", "auto").stream().anyMatch(run.get("vectorgrad-backend").toString()::startsWith),
                run.get("vectorgrad-backend").toString());
        assertEquals(VectorgradModel.class.getName(), p.getClassName());
    }

    @Test
    void sparseAndUnknownFeaturesFollowTribuosConventions() {
        Model<Label> model = trainer(5).train(Data.blobs(300, 1));
        // f1 absent (0), "zzz" unknown (ignored): the same as the example with f1 = 0 and without zzz
        ArrayExample<Label> sparse = new ArrayExample<>(new Label("class0"), new String[] {"f0", "f2", "f3", "zzz"}, new double[] {2, -1, 1, 99});
        ArrayExample<Label> dense = new ArrayExample<>(new Label("class0"), new String[] {"f0", "f1", "f2", "f3"}, new double[] {2, 0, -1, 1});
        assertEquals(3, model.predict(sparse).getNumActiveFeatures());
        assertArrayEquals(scoreBits(List.of(model.predict(dense))), scoreBits(List.of(model.predict(sparse))));
        ArrayExample<Label> none = new ArrayExample<>(new Label("class0"), new String[] {"zzz"}, new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(none));
        assertTrue(e.getMessage().contains("No features found"), e.getMessage());
    }

    @Test
    void badConfigurationAndWrongOutputTypeAreRejectedWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorgradTrainer.classification().epochs(0).build());
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorgradTrainer.classification().backend("gpu").build());
        assertTrue(e.getMessage().contains("backend") && e.getMessage().contains("gpu"), e.getMessage());
        @SuppressWarnings({"unchecked", "rawtypes"})
        VectorgradTrainer<Regressor> wrong = (VectorgradTrainer) trainer(1);
        e = assertThrows(IllegalArgumentException.class, () -> wrong.train(Data.regression(20, 1)));
        assertTrue(e.getMessage().contains("regression()"), e.getMessage());
    }

    @Test
    void infInTheInputsIsAcceptedButNaNIsRefusedAsInTribuo() {
        Model<Label> model = trainer(5).train(Data.blobs(90, 1));
        ArrayExample<Label> inf = new ArrayExample<>(new Label("class0"), new String[] {"f0", "f1"}, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        assertEquals(3, model.predict(inf).getOutputScores().size()); // no exception (Tribuo refuses NaN only)
        ArrayExample<Label> nan = new ArrayExample<>(new Label("class0"), new String[] {"f0", "f1"}, new double[] {Double.NaN, 1});
        assertThrows(IllegalArgumentException.class, () -> model.predict(nan));
        assertNotEquals(0, model.predict(Data.blobs(3, 9)).size());
    }
}
