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

    /** Prints the epoch table and the summary line of {@code epochs} (not empty) to {@code out}. */
    public static void print(PrintStream out, List<EpochStats> epochs, int plannedEpochs, double wallSeconds) {
        if (epochs.isEmpty()) throw new IllegalArgumentException("no finished epoch to summarize");
        double trainSecs = epochs.stream().mapToDouble(EpochStats::seconds).sum();
        out.println("epoch  train_loss  test_acc  samples/s");
        for (EpochStats e : epochs) {
            out.printf(Locale.ROOT, "%5d  %10.4f  %7.2f%%  %9.0f%n", e.epoch(), e.trainLoss(), 100 * e.testAccuracy(), e.samplesPerSecond());
        }
        EpochStats last = epochs.get(epochs.size() - 1);
        out.printf(Locale.ROOT, "final test accuracy %.2f %% after %d epochs, %.1f s training, %.1f s wall%n",
                100 * last.testAccuracy(), plannedEpochs, trainSecs, wallSeconds);
    }

    /** Mean samples per second over the epochs (NaN when there are none): the JSON's {@code samples_per_s}. */
    public static double meanRate(List<EpochStats> epochs) {
        return epochs.stream().mapToDouble(EpochStats::samplesPerSecond).average().orElse(Double.NaN);
    }
}
