package org.vectorgrad.data;

import org.vectorgrad.tensor.Tensor;

/**
 * One batch: {@code n} samples as a tensor {@code (n, sample shape…)} (for images {@code (n, C, H, W)}) and their
 * labels. A batch is a reused buffer owned by its {@link BatchLoader}: its contents are valid until the loader's
 * iterator moves on; copy what must outlive that.
 */
public final class Batch {
    private final Tensor images;
    private final int[] labels;

    Batch(int n, int[] sampleShape) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        this.images = Tensor.zeros(shape);
        this.labels = new int[n];
    }

    /** The samples, shaped {@code (n, sample shape…)}, contiguous. */
    public Tensor images() { return images; }

    /** The labels, of length {@link #size()} (the array itself, reused). */
    public int[] labels() { return labels; }

    /** Number of samples in this batch. */
    public int size() { return labels.length; }

    @Override
    public String toString() {
        return "Batch of " + size() + " " + images.shapeString();
    }
}
