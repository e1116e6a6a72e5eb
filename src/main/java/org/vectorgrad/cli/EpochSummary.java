package org.vectorgrad.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.vectorgrad.train.EpochStats;

/**
 * The human-readable end of a training command: one row per finished epoch, then one summary line. Shared by
 * {@code train} and the integrations' training commands (e.g. {@code spark-train}), so that every command prints
 * the same table. Stateless; safe to use from any thread.
 */
public final class EpochSummary {
    private EpochSummary() {}

    /**
     * Prints the epoch table and the summary line of {@code epochs} (not empty) to {@code out}. Classification runs
     * (test accuracy, or no test set) print {@code test_acc}; other tasks one column per test metric of the last
     * epoch ({@code test_mse test_mae} for regression, {@code test_exact_match test_label_accuracy} for multi-label,
     * fractions as percentages).
     */
    public static void print(PrintStream out, List<EpochStats> epochs, int plannedEpochs, double wallSeconds) {
        if (epochs.isEmpty()) throw new IllegalArgumentException("no finished epoch to summarize");
        double trainSecs = epochs.stream().mapToDouble(EpochStats::seconds).sum();
        EpochStats last = epochs.get(epochs.size() - 1);
        if (last.testMetrics().isEmpty() || last.testMetrics().containsKey(EpochStats.ACCURACY)) {
            out.println("epoch  train_loss  test_acc  samples/s");
            for (EpochStats e : epochs) {
                out.printf(Locale.ROOT, "%5d  %10.4f  %7.2f%%  %9.0f%n", e.epoch(), e.trainLoss(), 100 * e.testAccuracy(), e.samplesPerSecond());
            }
            out.printf(Locale.ROOT, "final test accuracy %.2f %% after %d epochs, %.1f s training, %.1f s wall%n",
                    100 * last.testAccuracy(), plannedEpochs, trainSecs, wallSeconds);
            return;
        }
        List<String> names = List.copyOf(last.testMetrics().keySet());
        StringBuilder head = new StringBuilder("epoch  train_loss");
        for (String n : names) head.append(String.format(Locale.ROOT, "  %" + width(n) + "s", "test_" + n));
        out.println(head.append("  samples/s"));
        for (EpochStats e : epochs) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d  %10.4f", e.epoch(), e.trainLoss()));
            for (String n : names) row.append("  ").append(String.format(Locale.ROOT, "%" + width(n) + "s", format(n, e.metric(n))));
            out.println(row.append(String.format(Locale.ROOT, "  %9.0f", e.samplesPerSecond())));
        }
        StringBuilder fin = new StringBuilder("final test");
        for (int i = 0; i < names.size(); i++) {
            fin.append(i == 0 ? " " : ", ").append(names.get(i).replace('_', ' ')).append(' ').append(format(names.get(i), last.metric(names.get(i))).strip());
        }
        out.println(fin.append(String.format(Locale.ROOT, " after %d epochs, %.1f s training, %.1f s wall", plannedEpochs, trainSecs, wallSeconds)));
    }

    private static int width(String metric) {
        return Math.max(10, ("test_" + metric).length());
    }

    /** Fractions (exact match, label accuracy) as percentages, errors (mse, mae) with 6 significant digits. */
    private static String format(String metric, double v) {
        boolean fraction = metric.equals(EpochStats.EXACT_MATCH) || metric.equals(EpochStats.LABEL_ACCURACY);
        return fraction ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** Mean samples per second over the epochs (NaN when there are none): the JSON's {@code samples_per_s}. */
    public static double meanRate(List<EpochStats> epochs) {
        return epochs.stream().mapToDouble(EpochStats::samplesPerSecond).average().orElse(Double.NaN);
    }
}
