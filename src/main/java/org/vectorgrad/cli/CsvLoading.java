package org.vectorgrad.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.vectorgrad.data.CsvTable;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.Task;

/**
 * {@code train --csv FILE}: reads the rows ({@link CsvTable}), splits them into training and test sets
 * ({@code --csv-test FILE}, else a {@code --test-fraction} split seeded with {@code --seed}), picks the target
 * columns, and standardizes every feature column with the mean and standard deviation of the <em>training</em>
 * rows only, applied to both sets (a constant column is only centred). Targets are not standardized: regression
 * losses and the test MSE/MAE are in the target's own units. A malformed file ends the command with one line
 * naming the file and line (exit 1, as every data error).
 */
final class CsvLoading {
    private CsvLoading() {}

    /** The two sets, ready to train on, and what the model must fit: feature names and the output width. */
    record Loaded(Dataset train, Dataset test, List<String> features, List<String> targets, int outputs, String split,
                  double[] featureMean, double[] featureStd) {}

    static Loaded load(TaskOptions t, long seed) {
        try {
            CsvTable all = CsvTable.read(t.csv(), t.header());
            int[] cols = new int[t.targets().size()];
            for (int i = 0; i < cols.length; i++) cols[i] = all.column(t.targets().get(i));
            CsvTable train, test;
            String split;
            if (t.csvTest() != null) {
                train = all;
                test = CsvTable.read(t.csvTest(), t.header());
                if (!test.columnNames().equals(all.columnNames()) && t.header()) {
                    throw new IllegalArgumentException(t.csvTest() + ": its columns " + test.columnNames() + " differ from " + t.csv() + "'s " + all.columnNames());
                }
                if (test.columns() != all.columns()) {
                    throw new IllegalArgumentException(t.csvTest() + ": " + test.columns() + " columns where " + t.csv() + " has " + all.columns());
                }
                split = "test rows from " + t.csvTest();
            } else {
                CsvTable[] parts = all.split(t.testFraction(), seed);
                train = parts[0];
                test = parts[1];
                split = String.format(java.util.Locale.ROOT, "%.3g of the rows held out for testing (split seeded with --seed %d)", t.testFraction(), seed);
            }
            int classes = 0;
            if (t.task() == Task.CLASSIFICATION) classes = Math.max(train.maxLabel(cols[0]), test.maxLabel(cols[0])) + 1;
            Dataset trainSet = train.toDataset(t.csv().getFileName() + " train", cols, t.task(), classes);
            Dataset testSet = test.toDataset((t.csvTest() != null ? t.csvTest() : t.csv()).getFileName() + " test", cols, t.task(), classes);
            double[][] ms = trainSet.featureMeanAndStd();
            List<String> targetNames = java.util.Arrays.stream(cols).mapToObj(c -> all.columnNames().get(c)).toList();
            return new Loaded(trainSet.standardizedPerFeature(ms[0], ms[1]), testSet.standardizedPerFeature(ms[0], ms[1]),
                    all.featureNames(cols), targetNames, trainSet.targetWidth(), split, ms[0], ms[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
