package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Tribuo's conventions, checked side by side with a built-in Tribuo trainer ({@link LogisticRegressionTrainer}) on
 * the same data wherever Tribuo defines the behaviour.
 */
class TribuoConventionsTest {
    static final MutableDataset<Label> BLOBS = Data.blobs(300, 1);
    static final Model<Label> VG = ClassificationTest.trainer(5).train(BLOBS);
    static final Model<Label> LR = new LogisticRegressionTrainer().train(BLOBS);

    static ArrayExample<Label> example(String[] names, double[] values) {
        return new ArrayExample<>(new Label("class0"), names, values);
    }

    /**
     * Tribuo's SparseVector sums a repeated feature and counts it once. (Its DenseVector path, taken only when an
     * example has exactly as many features as the model, overwrites and counts every entry: so the example here has
     * 3 entries for a 4-feature model, the general case.)
     */
    @Test
    void aFeatureNamedTwiceIsSummedAndCountsOnceAsInTribuosModels() {
        ArrayExample<Label> twice = new ArrayExample<>(new Label("class0"));
        twice.add("f0", 1.5);
        twice.add("f0", 0.5);
        twice.add("f2", -1);
        ArrayExample<Label> summed = example(new String[] {"f0", "f2"}, new double[] {2, -1});
        for (Model<Label> m : List.of(LR, VG)) {
            assertEquals(2, m.predict(twice).getNumActiveFeatures(), m.getName());
            assertEquals(2, m.predict(summed).getNumActiveFeatures(), m.getName());
            assertEquals(m.predict(summed).getOutput().getLabel(), m.predict(twice).getOutput().getLabel(), m.getName());
        }
        assertArrayEquals(ClassificationTest.scoreBits(List.of(VG.predict(summed))), ClassificationTest.scoreBits(List.of(VG.predict(twice))));
        assertArrayEquals(ClassificationTest.scoreBits(VG.predict(List.of(summed))), ClassificationTest.scoreBits(VG.predict(List.of(twice))));
        assertEquals(2, VG.predict(List.of(twice)).get(0).getNumActiveFeatures());
    }

    @Test
    void featureOrderDoesNotMatter() {
        ArrayExample<Label> a = example(new String[] {"f0", "f1", "f2", "f3"}, new double[] {2, 0.5, -1, 1});
        ArrayExample<Label> b = example(new String[] {"f3", "zzz", "f1", "f2", "f0"}, new double[] {1, 7, 0.5, -1, 2});
        assertArrayEquals(ClassificationTest.scoreBits(List.of(VG.predict(a))), ClassificationTest.scoreBits(List.of(VG.predict(b))));
        assertEquals(4, VG.predict(b).getNumActiveFeatures());
    }

    @Test
    void aNaNFeatureIsRefusedAsTribuosModelsDoButANaNUnknownFeatureIsIgnored() {
        ArrayExample<Label> nan = example(new String[] {"f0", "f1"}, new double[] {Double.NaN, 1});
        for (Model<Label> m : List.of(LR, VG)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(nan), m.getName());
            assertTrue(e.getMessage().contains("NaN feature"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.predict(List.of(example(new String[] {"f0"}, new double[] {1}), nan)), m.getName());
            Prediction<Label> p = m.predict(example(new String[] {"f0", "zzz"}, new double[] {1, Double.NaN}));
            assertEquals(1, p.getNumActiveFeatures(), m.getName());
        }
    }

    @Test
    void noKnownFeatureIsRefusedAsTribuosModelsDo() {
        for (ArrayExample<Label> none : List.of(example(new String[] {"zzz"}, new double[] {1}), new ArrayExample<>(new Label("class0")))) {
            for (Model<Label> m : List.of(LR, VG)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(none), m.getName());
                assertTrue(e.getMessage().contains("No features found in Example"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> m.predict(List.of(none)), m.getName());
            }
        }
    }

    // ---- outputs ----

    @Test
    void everyLabelOfTheDomainIsScoredInIDOrderAndSumsToOneEvenForALabelUnseenInTraining() {
        ArrayExample<Label> unseen = new ArrayExample<>(new Label("never-trained"), new String[] {"f0", "f1"}, new double[] {1, 1});
        for (Model<Label> m : List.of(LR, VG)) {
            Map<String, Label> scores = m.predict(unseen).getOutputScores();
            assertEquals(m.getOutputIDInfo().getDomain().stream().map(Label::getLabel).toList(), List.copyOf(scores.keySet()), m.getName());
        }
        Map<String, Label> scores = VG.predict(unseen).getOutputScores();
        assertEquals(1.0, scores.values().stream().mapToDouble(Label::getScore).sum(), 1e-12);
        assertEquals(VG.predict(unseen).getOutput().getScore(), scores.values().stream().mapToDouble(Label::getScore).max().orElseThrow());
    }

    @Test
    void aSingleClassDatasetTrainsAsWithTribuosTrainersAndPredictsThatLabelWithProbabilityOne() {
        MutableDataset<Label> one = new MutableDataset<>(new SimpleDataSourceProvenance("one", new LabelFactory()), new LabelFactory());
        for (int i = 0; i < 20; i++) one.add(new ArrayExample<>(new Label("only"), new String[] {"f0", "f1"}, new double[] {i, 1}));
        for (Trainer<Label> t : List.of(new LogisticRegressionTrainer(), ClassificationTest.trainer(1))) {
            Prediction<Label> p = t.train(one).predict(one.getExample(3));
            assertEquals("only", p.getOutput().getLabel());
            assertEquals(1.0, p.getOutput().getScore());
            assertEquals(1, p.getOutputScores().size());
        }
    }

    @Test
    void unknownOutputsInTrainingAreRefusedUpFrontAsTribuosTrainersDo() {
        MutableDataset<Label> labels = Data.blobs(30, 3);
        labels.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, new String[] {"f0", "f1"}, new double[] {1, 1}));
        VectorgradTrainer<Label> vg = ClassificationTest.trainer(1);
        String tribuos = assertThrows(IllegalArgumentException.class, () -> new LogisticRegressionTrainer().train(labels)).getMessage();
        assertEquals(tribuos, assertThrows(IllegalArgumentException.class, () -> vg.train(labels)).getMessage());
        assertEquals(0, vg.getInvocationCount()); // refused before the call counts, as Tribuo's trainers do

        // a one-dimensional unknown regressor is no dimension of the domain: it used to train as a NaN target
        MutableDataset<Regressor> values = new MutableDataset<>(new SimpleDataSourceProvenance("r", new RegressionFactory()), new RegressionFactory());
        for (int i = 0; i < 10; i++) values.add(new ArrayExample<>(new Regressor(Regressor.DEFAULT_NAME, i), new String[] {"x"}, new double[] {i}));
        values.add(new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, new String[] {"x"}, new double[] {1}));
        assertEquals(tribuos, assertThrows(IllegalArgumentException.class, () -> RegressionTest.trainer(1).train(values)).getMessage());
    }

    @Test
    void aNaNRegressionTargetIsRefusedNamingTheExampleAndTheDimension() {
        MutableDataset<Regressor> data = Data.regression(20, 1);
        data.add(new ArrayExample<>(new Regressor(new String[] {"a", "b"}, new double[] {1, Double.NaN}), new String[] {"x0"}, new double[] {1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegressionTest.trainer(1).train(data));
        assertTrue(e.getMessage().contains("example 20") && e.getMessage().contains("dimension b"), e.getMessage());
    }

    @Test
    void regressionDimensionsFollowTheOutputIDsEvenWhenTheyAreNotInNameOrder() {
        // dimension "a" is a constant 5, "b" a constant -3; the output domain gives "b" ID 0 and "a" ID 1
        MutableDataset<Regressor> sorted = new MutableDataset<>(new SimpleDataSourceProvenance("r", new RegressionFactory()), new RegressionFactory());
        for (int i = 0; i < 64; i++) {
            sorted.add(new ArrayExample<>(new Regressor(new String[] {"a", "b"}, new double[] {5, -3}), new String[] {"x"}, new double[] {(i % 8) / 8.0}));
        }
        ImmutableOutputInfo<Regressor> swapped = new RegressionFactory().constructInfoForExternalModel(
                Map.of(new Regressor("a", Double.NaN), 1, new Regressor("b", Double.NaN), 0));
        List<Example<Regressor>> examples = new ArrayList<>();
        sorted.forEach(examples::add);
        ImmutableDataset<Regressor> data = new ImmutableDataset<>(examples, sorted.getProvenance(), new RegressionFactory(),
                sorted.getFeatureIDMap(), swapped, false);
        assertEquals(0, data.getOutputIDInfo().getID(new Regressor("b", Double.NaN)));
        Model<Regressor> m = VectorgradTrainer.regression().hidden(8).adam(0.02f).schedule(VectorgradTrainer.Schedule.CONSTANT, 0).epochs(60).batchSize(16).threads(2).build().train(data);
        Regressor y = m.predict(examples.get(3)).getOutput();
        assertArrayEquals(new String[] {"a", "b"}, y.getNames());
        assertEquals(5, y.getValues()[0], 1.0); // swapped dimensions would be 8 off
        assertEquals(-3, y.getValues()[1], 1.0);
    }

    @Test
    void theDefaultRegressionDimensionNameComesBack() {
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("r", new RegressionFactory()), new RegressionFactory());
        for (int i = 0; i < 32; i++) data.add(new ArrayExample<>(new Regressor(Regressor.DEFAULT_NAME, i / 32.0), new String[] {"x"}, new double[] {i / 32.0}));
        Regressor y = RegressionTest.trainer(1).train(data).predict(data.getExample(0)).getOutput();
        assertArrayEquals(new String[] {Regressor.DEFAULT_NAME}, y.getNames());
    }

    // ---- model contracts ----

    @Test
    void topFeaturesAndExcusesAreUnsupportedTheWayTribuoSpecifies() {
        assertTrue(VG.getTopFeatures(5).isEmpty());
        assertTrue(VG.getTopFeatures(-1).isEmpty());
        assertTrue(VG.getExcuse(BLOBS.getExample(0)).isEmpty());
    }

    @Test
    void predictFromManyThreadsAtOnceGivesTheSingleThreadedBits() throws Exception {
        MutableDataset<Label> test = Data.blobs(VectorgradModel.PREDICT_BATCH + 50, 4);
        long[] batched = ClassificationTest.scoreBits(VG.predict(test));
        List<Prediction<Label>> one = new ArrayList<>();
        for (Example<Label> e : test) one.add(VG.predict(e));
        long[] single = ClassificationTest.scoreBits(one);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                boolean batch = t % 2 == 0;
                fs.add(pool.submit(() -> {
                    if (batch) return ClassificationTest.scoreBits(VG.predict(test));
                    List<Prediction<Label>> ps = new ArrayList<>();
                    for (Example<Label> e : test) ps.add(VG.predict(e));
                    return ClassificationTest.scoreBits(ps);
                }));
            }
            for (int t = 0; t < fs.size(); t++) assertArrayEquals(t % 2 == 0 ? batched : single, fs.get(t).get(), "task " + t);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- trainer contracts ----

    @Test
    void anEmptyDatasetIsRefusedClearly() {
        MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance("empty", new LabelFactory()), new LabelFactory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassificationTest.trainer(1).train(empty));
        assertTrue(e.getMessage().contains("no examples"), e.getMessage());
    }

    @Test
    void buildGivesATrainerTheBuilderNoLongerChanges() {
        VectorgradTrainer.Builder<Label> b = VectorgradTrainer.classification().epochs(1).threads(2);
        VectorgradTrainer<Label> first = b.build();
        Map<String, Provenance> before = first.getProvenance().getConfiguredParameters();
        VectorgradTrainer<Label> second = b.epochs(7).hidden(3).seed(99).build();
        assertNotSame(first, second);
        assertEquals(before, first.getProvenance().getConfiguredParameters());
        assertEquals("1", first.getProvenance().getConfiguredParameters().get("epochs").toString());
        assertEquals("7", second.getProvenance().getConfiguredParameters().get("epochs").toString());
        first.train(Data.blobs(30, 1));
        assertEquals(0, second.getInvocationCount());
    }

    @Test
    void buildCarriesEverySetting() {
        Map<String, Provenance> defaults = VectorgradTrainer.regression().build().getProvenance().getConfiguredParameters();
        Map<String, Provenance> set = VectorgradTrainer.classification().hidden(3).activation(VectorgradTrainer.Activation.TANH)
                .adam(0.003f).weightDecay(0.01f).schedule(VectorgradTrainer.Schedule.CONSTANT, 7).epochs(2).batchSize(5)
                .seed(1).inputScale(0.5f).standardize(true).backend("scalar").threads(3).build().getProvenance().getConfiguredParameters();
        assertEquals(defaults.keySet(), set.keySet());
        for (String key : defaults.keySet()) {
            if (key.equals("momentum")) continue; // adam() leaves it (Adam ignores it)
            assertNotEquals(defaults.get(key), set.get(key), key);
        }
    }

    /**
     * Tribuo reproduces a model from its provenance: the trainer's configuration comes back through OLCUT's
     * configuration system, and its invocation count from the provenance; the model it trains has the same bits.
     */
    @Test
    void theProvenanceRebuildsTheTrainerThroughOlcutAndReproducesTheModel() {
        VectorgradTrainer<Label> original = ClassificationTest.trainer(21);
        original.train(BLOBS); // invocation 0
        Model<Label> second = original.train(BLOBS); // invocation 1
        List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(second.getProvenance());
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(config);
        String name = config.stream().filter(c -> c.getClassName().equals(VectorgradTrainer.class.getName())).findFirst().orElseThrow().getName();
        @SuppressWarnings("unchecked")
        VectorgradTrainer<Label> rebuilt = (VectorgradTrainer<Label>) cm.lookup(name);
        assertEquals(original.getProvenance().getConfiguredParameters(), rebuilt.getProvenance().getConfiguredParameters());
        int count = Integer.parseInt(second.getProvenance().getTrainerProvenance().getInstanceValues().get("train-invocation-count").toString());
        assertEquals(1, count);
        Model<Label> again = rebuilt.train(BLOBS, Map.of(), count);
        MutableDataset<Label> test = Data.blobs(60, 2);
        assertArrayEquals(ClassificationTest.scoreBits(second.predict(test)), ClassificationTest.scoreBits(again.predict(test)));
    }

    /** Example weights are ignored (documented): weighting examples changes nothing. */
    @Test
    void exampleWeightsAreIgnored() {
        MutableDataset<Label> weighted = new MutableDataset<>(BLOBS.getProvenance(), new LabelFactory());
        int i = 0;
        for (Example<Label> e : BLOBS) {
            Example<Label> c = e.copy();
            c.setWeight(i++ % 3 == 0 ? 10f : 0.1f);
            weighted.add(c);
        }
        MutableDataset<Label> test = Data.blobs(60, 2);
        assertArrayEquals(ClassificationTest.scoreBits(ClassificationTest.trainer(5).train(BLOBS).predict(test)),
                ClassificationTest.scoreBits(ClassificationTest.trainer(5).train(weighted).predict(test)));
    }
}
