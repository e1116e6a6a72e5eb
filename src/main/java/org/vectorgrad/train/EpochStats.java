package org.vectorgrad.train;

/**
 * What one epoch did: mean training loss over its batches, test accuracy (NaN when no test set), training
 * throughput (samples per second of training steps only, evaluation excluded) and wall seconds.
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double testAccuracy, double samplesPerSecond, double seconds) {}
