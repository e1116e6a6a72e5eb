package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.vectorgrad.tensor.Shape;

/**
 * A dataset held in memory: {@link #size()} samples of one fixed {@link #sampleShape()} (for images
 * {@code (C, H, W)}, e.g. {@code (1, 28, 28)}; for table rows {@code (features)}), each with a target whose kind is
 * the dataset's {@link #task()}: an {@code int} class label in {@code [0, numClasses)} ({@link Task#CLASSIFICATION},
 * the IDX and pixel datasets), or {@link #targetWidth()} floats ({@link Task#REGRESSION} values,
 * {@link Task#MULTI_LABEL} 0/1 labels), which batches deliver as a tensor ({@link Batch#targets()}).
 *
 * <p>Sample values reach the caller as floats through {@link Batch}es; pixel datasets built with
 * {@link #ofUnsignedBytes} keep their bytes and scale them to [0, 1] while filling a batch.
 *
 * <p>Iterate with {@link #loader(int, boolean)} (keep the loader across epochs: it owns the reused batch buffers)
 * or, for one pass, {@link #batches(int, long, int, boolean)}. Datasets are immutable; {@link #subset} shares storage.
 *
 * <p>Thread safety: immutable; safe to share across threads. Its loaders are not: one loader per thread.
 */
public final class Dataset {
    private final String name;
    private final SampleStore store;
    private final int[] sampleShape;
    private final int sampleSize;
    private final Task task;
    private final int[] labels;     // CLASSIFICATION only
    private final float[] targets;  // REGRESSION and MULTI_LABEL: count × targetWidth
    private final int targetWidth;  // classes for CLASSIFICATION
    private final int count;

    private Dataset(String name, SampleStore store, int[] sampleShape, Task task, int[] labels, float[] targets,
                    int targetWidth, int count) {
        this.name = name;
        this.store = store;
        this.sampleShape = sampleShape;
        this.sampleSize = Shape.size(sampleShape);
        this.task = task;
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.count = count;
    }

    private Dataset with(String newName, SampleStore newStore, int newCount) {
        return new Dataset(newName, newStore, sampleShape, task, labels, targets, targetWidth, newCount);
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

    /**
     * A regression dataset of float samples and {@code width} float targets per sample (usually 1), batched
     * unchanged; the arrays are not copied.
     *
     * @param targets {@code count × width} values, sample after sample; every one finite
     * @throws IllegalArgumentException when the sizes disagree or a target is NaN or infinite (naming its sample)
     */
    public static Dataset ofRegression(String name, float[] samples, int[] sampleShape, float[] targets, int width) {
        return createFloat(name, new FloatStore(samples), sampleShape, Task.REGRESSION, targets, width);
    }

    /**
     * A multi-label dataset of float samples and {@code labels} yes/no targets per sample, each in [0, 1] (a label
     * is on when its target is at least 0.5); the arrays are not copied.
     *
     * @throws IllegalArgumentException when the sizes disagree or a target is outside [0, 1] (naming its sample)
     */
    public static Dataset ofMultiLabel(String name, float[] samples, int[] sampleShape, float[] targets, int labels) {
        return createFloat(name, new FloatStore(samples), sampleShape, Task.MULTI_LABEL, targets, labels);
    }

    private static int[] checkShape(String what, int[] sampleShape) {
        if (sampleShape == null || sampleShape.length == 0) {
            throw new IllegalArgumentException(what + ": sample shape must have at least one dimension, got "
                    + Arrays.toString(sampleShape));
        }
        int[] shape = sampleShape.clone();
        if (Shape.size(shape) == 0) throw new IllegalArgumentException(what + ": empty sample shape " + Shape.format(shape));
        return shape;
    }

    private static Dataset createFloat(String name, SampleStore store, int[] sampleShape, Task task, float[] targets, int width) {
        String what = "Dataset '" + name + "'";
        int[] shape = checkShape(what, sampleShape);
        int sampleSize = Shape.size(shape);
        if (width < 1) throw new IllegalArgumentException(what + ": target width must be positive, got " + width);
        if (targets.length % width != 0) {
            throw new IllegalArgumentException(what + ": " + targets.length + " target values are not a whole number of samples of "
                    + width + " targets");
        }
        int count = targets.length / width;
        if (store.length() != (long) count * sampleSize) {
            throw new IllegalArgumentException(what + ": " + count + " samples of " + width + " targets × sample shape "
                    + Shape.format(shape) + " need " + (long) count * sampleSize + " values, got " + store.length());
        }
        for (int i = 0; i < targets.length; i++) {
            float t = targets[i];
            boolean ok = task == Task.MULTI_LABEL ? t >= 0f && t <= 1f : Float.isFinite(t);
            if (!ok) {
                throw new IllegalArgumentException(what + ": target " + t + " of sample " + i / width + " (target " + i % width + ") is "
                        + (task == Task.MULTI_LABEL ? "outside [0, 1] (multi-label targets are 0 or 1)" : "not finite"));
            }
        }
        return new Dataset(name, store, shape, task, null, targets, width, count);
    }

    private static Dataset create(String name, SampleStore store, int[] sampleShape, int[] labels, int numClasses) {
        String what = "Dataset '" + name + "'";
        int[] shape = checkShape(what, sampleShape);
        int sampleSize = Shape.size(shape);
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
        return new Dataset(name, store, shape, Task.CLASSIFICATION, labels, null, numClasses, labels.length);
    }

    /** Name used in messages. */
    public String name() { return name; }

    /** Number of samples. */
    public int size() { return count; }

    /** What the targets are: class labels, regression values or multi-label 0/1 targets. */
    public Task task() { return task; }

    /**
     * Number of classes of a {@link Task#CLASSIFICATION} dataset; every label is in {@code [0, numClasses)}.
     *
     * @throws IllegalStateException for a regression or multi-label dataset (see {@link #targetWidth()})
     */
    public int numClasses() {
        if (task != Task.CLASSIFICATION) {
            throw new IllegalStateException(describe() + " is a " + task.cliName() + " dataset with " + targetWidth
                    + " float targets per sample, not classes");
        }
        return targetWidth;
    }

    /**
     * The width of the model output this dataset's targets need: the number of classes (classification), of target
     * values (regression) or of labels (multi-label).
     */
    public int targetWidth() { return targetWidth; }

    /** Shape of one sample (a copy), e.g. {@code [1, 28, 28]}. */
    public int[] sampleShape() { return sampleShape.clone(); }

    /** Number of values in one sample. */
    public int sampleSize() { return sampleSize; }

    /**
     * Label of sample {@code index}.
     *
     * @throws IllegalStateException for a regression or multi-label dataset (see {@link #target})
     */
    public int label(int index) {
        checkIndex(index);
        if (labels == null) throw new IllegalStateException(describe() + " has float targets, not class labels: use target(index, k)");
        return labels[index];
    }

    /**
     * Target {@code k} (of {@link #targetWidth()}) of sample {@code index} of a regression or multi-label dataset.
     *
     * @throws IllegalStateException for a classification dataset (see {@link #label})
     */
    public float target(int index, int k) {
        checkIndex(index);
        if (targets == null) throw new IllegalStateException(describe() + " has class labels, not float targets: use label(index)");
        if (k < 0 || k >= targetWidth) throw new IndexOutOfBoundsException(describe() + ": target " + k + " of " + targetWidth);
        return targets[index * targetWidth + k];
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

    /** Copies the float targets of sample {@code index} (regression, multi-label) into {@code dst} from {@code offset}. */
    void copyTargetsUnchecked(int index, float[] dst, int offset) {
        System.arraycopy(targets, index * targetWidth, dst, offset, targetWidth);
    }

    /** Whether batches carry float targets ({@link Batch#targets()}) rather than labels. */
    boolean hasFloatTargets() { return targets != null; }

    /** The first {@code n} samples, sharing storage with this dataset (for quick runs). */
    public Dataset subset(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException(describe() + ": subset of " + n + " samples, but the dataset has " + count);
        }
        return n == count ? this : with(name, store, n);
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
        return with(name, new StandardizedStore(store, (float) mean, (float) std), count);
    }

    /**
     * Mean and standard deviation (population, in double) of each of the {@link #sampleSize()} positions of a
     * sample over all samples, as the batches deliver them: {@code {mean[], std[]}}. For tabular data, where every
     * column has its own scale; compute it on the training split only and pass it to {@link #standardizedPerFeature}
     * for both splits.
     */
    public double[][] featureMeanAndStd() {
        float[] buf = new float[sampleSize];
        double[] sum = new double[sampleSize], sumSq = new double[sampleSize];
        for (int i = 0; i < count; i++) {
            store.copySample(i, sampleSize, buf, 0);
            for (int j = 0; j < sampleSize; j++) {
                sum[j] += buf[j];
                sumSq[j] += (double) buf[j] * buf[j];
            }
        }
        double[] mean = new double[sampleSize], std = new double[sampleSize];
        for (int j = 0; j < sampleSize; j++) {
            mean[j] = count == 0 ? 0 : sum[j] / count;
            std[j] = Math.sqrt(Math.max(0, count == 0 ? 0 : sumSq[j] / count - mean[j] * mean[j]));
        }
        return new double[][] {mean, std};
    }

    /**
     * A view of this dataset whose value {@code j} of each sample reaches batches as {@code (v - mean[j]) / std[j]};
     * storage is shared. A position whose std is 0 (a constant column) is only centred (divided by 1), so that it
     * stays finite; every mean and std must be finite and no std negative.
     */
    public Dataset standardizedPerFeature(double[] mean, double[] std) {
        if (mean.length != sampleSize || std.length != sampleSize) {
            throw new IllegalArgumentException(describe() + ": per-feature statistics for " + mean.length + " and " + std.length
                    + " values, but a sample has " + sampleSize);
        }
        float[] m = new float[sampleSize], inv = new float[sampleSize];
        for (int j = 0; j < sampleSize; j++) {
            if (!Double.isFinite(mean[j]) || !(std[j] >= 0) || !Double.isFinite(std[j])) {
                throw new IllegalArgumentException(describe() + ": cannot standardize feature " + j + " with mean " + mean[j] + " and std " + std[j]);
            }
            m[j] = (float) mean[j];
            inv[j] = std[j] > 0 ? 1f / (float) std[j] : 1f;
        }
        return with(name, new FeatureStandardizedStore(store, m, inv), count);
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
        return describe() + (task == Task.CLASSIFICATION ? ", " + targetWidth + " classes"
                : task == Task.REGRESSION ? ", " + targetWidth + " regression target" + (targetWidth == 1 ? "" : "s")
                : ", " + targetWidth + " labels");
    }
}
