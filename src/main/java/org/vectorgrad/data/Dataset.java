package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.vectorgrad.tensor.Shape;

/**
 * A labelled dataset held in memory: {@link #size()} samples of one fixed {@link #sampleShape()} (for images
 * {@code (C, H, W)}, e.g. {@code (1, 28, 28)}), each with an {@code int} label in {@code [0, numClasses)}.
 *
 * <p>Sample values reach the caller as floats through {@link Batch}es; pixel datasets built with
 * {@link #ofUnsignedBytes} keep their bytes and scale them to [0, 1] while filling a batch.
 *
 * <p>Iterate with {@link #loader(int, boolean)} (keep the loader across epochs: it owns the reused batch buffers)
 * or, for one pass, {@link #batches(int, long, int, boolean)}. Datasets are immutable; {@link #subset} shares storage.
 */
public final class Dataset {
    private final String name;
    private final SampleStore store;
    private final int[] sampleShape;
    private final int sampleSize;
    private final int[] labels;
    private final int count;
    private final int numClasses;

    private Dataset(String name, SampleStore store, int[] sampleShape, int[] labels, int count, int numClasses) {
        this.name = name;
        this.store = store;
        this.sampleShape = sampleShape;
        this.sampleSize = Shape.size(sampleShape);
        this.labels = labels;
        this.count = count;
        this.numClasses = numClasses;
    }

    /**
     * A dataset of unsigned-byte samples (pixels 0..255), scaled to [0, 1] when batched. The arrays are not copied.
     *
     * @param name        shown in messages, e.g. {@code "fashion-mnist train"}
     * @param pixels      {@code labels.length × size(sampleShape)} bytes, sample after sample
     * @param sampleShape shape of one sample, e.g. {@code {1, 28, 28}}
     * @param labels      one label per sample, each in {@code [0, numClasses)}
     */
    public static Dataset ofUnsignedBytes(String name, byte[] pixels, int[] sampleShape, int[] labels, int numClasses) {
        return create(name, new UnsignedByteStore(pixels), sampleShape, labels, numClasses);
    }

    /** A dataset of float samples, batched unchanged. The arrays are not copied. See {@link #ofUnsignedBytes}. */
    public static Dataset ofFloats(String name, float[] samples, int[] sampleShape, int[] labels, int numClasses) {
        return create(name, new FloatStore(samples), sampleShape, labels, numClasses);
    }

    /**
     * Loads an image file {@code (count, rows, columns)} and a label file {@code (count)} in IDX format (raw or
     * gzipped) as a dataset of samples shaped {@code (1, rows, columns)}.
     *
     * @throws IdxFormatException     when either file is malformed, a label is out of range, or the two files hold
     *                                different numbers of items (the message names both files and both counts)
     * @throws DataNotFoundException  when a file does not exist
     * @throws DataFileException      when a file is a directory, FIFO, device or socket, or is not readable
     * @throws InsufficientHeapException when the sizes the headers declare do not fit in the free heap
     * @see IdxReader
     */
    public static Dataset fromIdx(String name, Path imageFile, Path labelFile, int numClasses) throws IOException {
        IdxArray images = IdxReader.readImages(imageFile);
        int[] labels = IdxReader.readLabels(labelFile, numClasses);
        if (images.count() != labels.length) throw countMismatch(imageFile, images.count(), labelFile, labels.length);
        return ofUnsignedBytes(name, images.data(), new int[] {1, images.dim(1), images.dim(2)}, labels, numClasses);
    }

    static IdxFormatException countMismatch(Path imageFile, int images, Path labelFile, int labels) {
        return new IdxFormatException(imageFile, "holds " + images + " images but the label file " + labelFile
                + " holds " + labels + " labels; the two files must have the same count");
    }

    private static Dataset create(String name, SampleStore store, int[] sampleShape, int[] labels, int numClasses) {
        String what = "Dataset '" + name + "'";
        if (sampleShape == null || sampleShape.length == 0) {
            throw new IllegalArgumentException(what + ": sample shape must have at least one dimension, got "
                    + Arrays.toString(sampleShape));
        }
        int[] shape = sampleShape.clone();
        int sampleSize = Shape.size(shape);
        if (sampleSize == 0) throw new IllegalArgumentException(what + ": empty sample shape " + Shape.format(shape));
        if (numClasses < 1) throw new IllegalArgumentException(what + ": numClasses must be positive, got " + numClasses);
        if (store.length() != (long) labels.length * sampleSize) {
            throw new IllegalArgumentException(what + ": " + labels.length + " labels × sample shape " + Shape.format(shape)
                    + " need " + (long) labels.length * sampleSize + " values, got " + store.length());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(what + ": label " + labels[i] + " at index " + i
                        + " is outside the class range 0.." + (numClasses - 1) + " (" + numClasses + " classes)");
            }
        }
        return new Dataset(name, store, shape, labels, labels.length, numClasses);
    }

    /** Name used in messages. */
    public String name() { return name; }

    /** Number of samples. */
    public int size() { return count; }

    /** Number of classes; every label is in {@code [0, numClasses)}. */
    public int numClasses() { return numClasses; }

    /** Shape of one sample (a copy), e.g. {@code [1, 28, 28]}. */
    public int[] sampleShape() { return sampleShape.clone(); }

    /** Number of values in one sample. */
    public int sampleSize() { return sampleSize; }

    /** Label of sample {@code index}. */
    public int label(int index) {
        checkIndex(index);
        return labels[index];
    }

    /** Copies sample {@code index}, as floats, into {@code dst} starting at {@code offset}. */
    public void copySample(int index, float[] dst, int offset) {
        checkIndex(index);
        if (offset < 0 || offset > dst.length - sampleSize) {
            throw new IndexOutOfBoundsException(describe() + ": sample of " + sampleSize + " values does not fit at offset "
                    + offset + " of an array of length " + dst.length);
        }
        store.copySample(index, sampleSize, dst, offset);
    }

    /** Copy without checks, for the batch loader, whose indices and buffers are right by construction. */
    void copySampleUnchecked(int index, float[] dst, int offset) {
        store.copySample(index, sampleSize, dst, offset);
    }

    int labelUnchecked(int index) { return labels[index]; }

    /** The first {@code n} samples, sharing storage with this dataset (for quick runs). */
    public Dataset subset(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException(describe() + ": subset of " + n + " samples, but the dataset has " + count);
        }
        return n == count ? this : new Dataset(name, store, sampleShape, labels, n, numClasses);
    }

    /**
     * Mean and standard deviation of every value of every sample, as the batches deliver them (computed in double).
     * Used to standardize inputs with statistics of the training set only.
     */
    public double[] meanAndStd() {
        float[] buf = new float[sampleSize];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < count; i++) {
            store.copySample(i, sampleSize, buf, 0);
            for (float v : buf) {
                sum += v;
                sumSq += (double) v * v;
            }
        }
        long n = (long) count * sampleSize;
        double mean = n == 0 ? 0 : sum / n;
        return new double[] {mean, Math.sqrt(Math.max(0, n == 0 ? 0 : sumSq / n - mean * mean))};
    }

    /**
     * A view of this dataset whose values reach batches as {@code (v - mean) / std}; storage is shared. Pass the
     * training set's {@link #meanAndStd()} to standardize both the training and the test set.
     */
    public Dataset standardized(double mean, double std) {
        if (!(std > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException(describe() + ": cannot standardize with mean " + mean + " and std " + std);
        }
        return new Dataset(name, new StandardizedStore(store, (float) mean, (float) std), sampleShape, labels, count, numClasses);
    }

    /**
     * A batch loader: it owns the reused batch buffers and the order array, so one loader kept across epochs
     * allocates nothing per batch and nothing per epoch but a small iterator.
     *
     * @param dropLast when true, a last batch smaller than {@code batchSize} is skipped
     */
    public BatchLoader loader(int batchSize, boolean dropLast) {
        return new BatchLoader(this, batchSize, dropLast);
    }

    /**
     * One epoch of batches of {@code batchSize} (the last one smaller when the size does not divide the dataset),
     * in an order that depends only on {@code seed} and {@code epoch} when {@code shuffle}, else in index order.
     * A convenience for a single pass: it makes a new {@link #loader} (and its buffers) on every call.
     */
    public Iterable<Batch> batches(int batchSize, long seed, int epoch, boolean shuffle) {
        return loader(batchSize, false).epoch(seed, epoch, shuffle);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(describe() + ": sample index " + index + " out of range 0.." + (count - 1));
        }
    }

    private String describe() {
        return "Dataset '" + name + "' (" + count + " × " + Shape.format(sampleShape) + ")";
    }

    @Override
    public String toString() {
        return describe() + ", " + numClasses + " classes";
    }
}
