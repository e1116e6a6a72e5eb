package org.vectorgrad.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a {@link ProgressBar} per epoch and a one-line summary after each.
 *
 * <p>Thread safety: not thread-safe; the {@link Trainer} calls it on its own thread, one call at a time.
 */
public final class ProgressListener implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    /** {@code interactive}: a terminal (live bar redrawn in place) rather than a log (periodic plain lines). */
    public ProgressListener(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int steps) {
        bar = new ProgressBar(out, interactive, steps, "epoch " + epoch + "/" + epochs);
    }

    @Override
    public void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        bar.update(step, loss, samplesPerSecond);
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        if (s.testMetrics().isEmpty() || s.testMetrics().containsKey(EpochStats.ACCURACY)) {
            bar.finish(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, test accuracy %.2f %%, %.0f samples/s, %.1f s",
                    s.epoch(), s.epochs(), s.trainLoss(), 100 * s.testAccuracy(), s.samplesPerSecond(), s.seconds()));
            return;
        }
        StringBuilder m = new StringBuilder();
        for (var e : s.testMetrics().entrySet()) {
            boolean fraction = e.getKey().equals(EpochStats.EXACT_MATCH) || e.getKey().equals(EpochStats.LABEL_ACCURACY);
            m.append(", test ").append(e.getKey().replace('_', ' ')).append(' ')
                    .append(fraction ? String.format(Locale.ROOT, "%.2f %%", 100 * e.getValue()) : String.format(Locale.ROOT, "%.4g", e.getValue()));
        }
        bar.finish(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f%s, %.0f samples/s, %.1f s",
                s.epoch(), s.epochs(), s.trainLoss(), m, s.samplesPerSecond(), s.seconds()));
    }
}
