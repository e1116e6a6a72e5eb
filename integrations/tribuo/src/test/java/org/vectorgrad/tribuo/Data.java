package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Datasets the tests build in code, and the Fashion-MNIST location. */
final class Data {
    private Data() {}

    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    /** Skips the test when Fashion-MNIST is absent, or fails under -Dvectorgrad.test.strict=true. */
    static void requireFashionMnist() {
        boolean there = Files.isRegularFile(FASHION.resolve("t10k-images-idx3-ubyte.gz"))
                && Files.isRegularFile(FASHION.resolve("t10k-labels-idx1-ubyte.gz"));
        if (!there && Boolean.getBoolean("vectorgrad.test.strict")) {
            fail("prerequisite missing (vectorgrad.test.strict=true): Fashion-MNIST in " + FASHION + " (apt-get install dataset-fashion-mnist)");
        }
        assumeTrue(there, "Fashion-MNIST not in " + FASHION);
    }

    /**
     * Three Gaussian blobs in 4 dense features ("f0".."f3"); the label is the blob. Centres far apart relative to
     * the noise, so a small network separates them almost perfectly.
     */
    static MutableDataset<Label> blobs(int n, long seed) {
        double[][] centres = {{2, 0, -1, 1}, {-2, 1, 0, -1}, {0, -2, 2, 0}};
        String[] names = {"f0", "f1", "f2", "f3"};
        SplittableRandom rng = new SplittableRandom(seed);
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("blobs", new LabelFactory()), new LabelFactory());
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double[] v = new double[4];
            for (int j = 0; j < 4; j++) v[j] = centres[c][j] + 0.5 * gaussian(rng);
            data.add(new ArrayExample<>(new Label("class" + c), names, v));
        }
        return data;
    }

    /**
     * Regression with two target dimensions "a" = 2·x0 − 3·x1 + 0.5 and "b" = x0·x1 from 3 features (x2 is noise).
     */
    static MutableDataset<Regressor> regression(int n, long seed) {
        String[] names = {"x0", "x1", "x2"};
        SplittableRandom rng = new SplittableRandom(seed);
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("regression", new RegressionFactory()), new RegressionFactory());
        for (int i = 0; i < n; i++) {
            double x0 = rng.nextDouble(-1, 1), x1 = rng.nextDouble(-1, 1), x2 = rng.nextDouble(-1, 1);
            Regressor y = new Regressor(new String[] {"a", "b"}, new double[] {2 * x0 - 3 * x1 + 0.5, x0 * x1});
            data.add(new ArrayExample<>(y, names, new double[] {x0, x1, x2}));
        }
        return data;
    }

    static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u, 1e-300))) * Math.cos(2 * Math.PI * v);
    }
}
