package org.vectorgrad.spark;

import java.io.Serializable;

/**
 * One partition's training samples, held by its executor for the whole run (a cached RDD of one shard per
 * partition): row {@code partition + i * partitions} of the source data set is sample {@code i}, so which rows a
 * partition holds, and in which order, depends only on the row order and the partition count.
 *
 * <p>Immutable after construction (the arrays are not copied: do not change them); safe to share between threads.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final int sampleSize;
    final float[] features; // count × sampleSize
    final int[] labels;

    Shard(int partition, int sampleSize, float[] features, int[] labels) {
        this.partition = partition;
        this.sampleSize = sampleSize;
        this.features = features;
        this.labels = labels;
    }

    int size() { return labels.length; }
}
