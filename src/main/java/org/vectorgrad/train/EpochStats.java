package org.vectorgrad.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch did: mean training loss over its batches, the test metrics (empty when there is no test set),
 * training throughput (samples per second of training steps only, evaluation excluded) and wall seconds.
 *
 * <p>The test metrics depend on the task ({@link Trainer#evaluate}): {@value #ACCURACY} for classification;
 * {@value #MSE} and {@value #MAE} for regression; {@value #EXACT_MATCH} and {@value #LABEL_ACCURACY} for
 * multi-label. {@link #testAccuracy()} is the classification accuracy, NaN for the other tasks and without a test
 * set. Immutable.
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double testAccuracy, double samplesPerSecond, double seconds,
                         Map<String, Double> testMetrics) {
    /** Fraction of test samples whose arg-max output is their class. */
    public static final String ACCURACY = "accuracy";
    /** Mean over test samples and targets of (output - target)², in the targets' units squared. */
    public static final String MSE = "mse";
    /** Mean over test samples and targets of |output - target|, in the targets' units. */
    public static final String MAE = "mae";
    /** Fraction of test samples with every label right (a label is predicted on when its logit is above 0). */
    public static final String EXACT_MATCH = "exact_match";
    /** Fraction of all test (sample, label) pairs right (1 - Hamming loss). */
    public static final String LABEL_ACCURACY = "label_accuracy";

    public EpochStats {
        testMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(testMetrics));
    }

    /** A classification epoch: the metrics are {@code {accuracy: testAccuracy}} (none when it is NaN: no test set). */
    public EpochStats(int epoch, int epochs, double trainLoss, double testAccuracy, double samplesPerSecond, double seconds) {
        this(epoch, epochs, trainLoss, testAccuracy, samplesPerSecond, seconds,
                Double.isNaN(testAccuracy) ? Map.of() : Map.of(ACCURACY, testAccuracy));
    }

    /** An epoch with the given test metrics; {@link #testAccuracy()} is their {@value #ACCURACY}, else NaN. */
    public static EpochStats of(int epoch, int epochs, double trainLoss, Map<String, Double> testMetrics, double samplesPerSecond, double seconds) {
        return new EpochStats(epoch, epochs, trainLoss, testMetrics.getOrDefault(ACCURACY, Double.NaN), samplesPerSecond, seconds, testMetrics);
    }

    /** A test metric by name, NaN when this epoch has none of that name. */
    public double metric(String name) {
        Double v = testMetrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
