package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;

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
}
