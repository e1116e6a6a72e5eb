package org.vectorgrad.data;

import org.vectorgrad.tensor.Tensor;

/**
 * One batch: {@code n} samples as a tensor {@code (n, sample shape…)} (for images {@code (n, C, H, W)}) and their
 * targets: class labels ({@link #labels()}) for a classification dataset, a float tensor {@code (n, width)}
 * ({@link #targets()}) for a regression or multi-label one. A batch is a reused buffer owned by its {@link BatchLoader}: its contents are valid until the loader's
 * iterator moves on; copy what must outlive that.
 *
 * <p>Thread safety: not thread-safe; a reused buffer that its loader refills on its own thread.
 */
public final class Batch {
    private final Tensor images;
    private final int[] labels;
    private final Tensor targets;

    /** A batch of class labels. */
    Batch(int n, int[] sampleShape) {
        this(n, sampleShape, 0);
    }

    /** A batch with {@code targetWidth} float targets per sample, or class labels when {@code targetWidth} is 0. */
    Batch(int n, int[] sampleShape, int targetWidth) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        this.images = Tensor.zeros(shape);
        this.labels = new int[n];
        this.targets = targetWidth > 0 ? Tensor.zeros(n, targetWidth) : null;
    }

    /** The samples, shaped {@code (n, sample shape…)}, contiguous. */
    public Tensor images() { return images; }

    /**
     * The class labels, of length {@link #size()} (the array itself, reused).
     *
     * @throws IllegalStateException when the batch holds float targets (regression, multi-label)
     */
    public int[] labels() {
        if (targets != null) throw new IllegalStateException(this + " holds float targets " + targets.shapeString() + ", not class labels: use targets()");
        return labels;
    }

    /**
     * The float targets {@code (n, width)} of a regression or multi-label batch (the tensor itself, reused).
     *
     * @throws IllegalStateException when the batch holds class labels
     */
    public Tensor targets() {
        if (targets == null) throw new IllegalStateException(this + " holds class labels, not float targets: use labels()");
        return targets;
    }

    /** Whether this batch holds float targets ({@link #targets()}) rather than class labels ({@link #labels()}). */
    public boolean hasFloatTargets() { return targets != null; }

    /** Number of samples in this batch. */
    public int size() { return labels.length; }

    @Override
    public String toString() {
        return "Batch of " + size() + " " + images.shapeString();
    }
}
