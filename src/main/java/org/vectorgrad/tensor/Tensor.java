package org.vectorgrad.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A float32 n-dimensional array: a heap {@code float[]} storage, an offset into it, a shape and strides.
 *
 * <p>Storage is a plain heap array (see {@code docs/decisions.md} for the measurement that chose it over
 * off-heap segments): Vector API loads from heap arrays were faster on JDK 25, and FFM downcalls made with
 * {@code Linker.Option.critical(true)} pass heap arrays to native code without copying. {@link #data()} and
 * {@link #offset()} expose the storage to kernels; everything else treats a tensor as a value with a shape.
 *
 * <p>Views ({@link #reshape}, {@link #transpose2d}, {@link #slice0}) share storage with their source.
 * Kernels require {@link #isContiguous() contiguous} row-major tensors unless they say otherwise.
 *
 * <p>{@code equals} and {@code hashCode} are {@link Object}'s (identity): compare contents with {@link #toArray()}
 * and {@link #shape()}. Element counts are ints: a shape of more than 2^31-1 elements is refused.
 *
 * <p>Thread safety: not thread-safe; a tensor is a mutable view of its storage, and views share it. Concurrent reads
 * are safe while no thread writes that storage.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.size = Shape.size(shape);
    }

    // ---- factories -------------------------------------------------------------------------------

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(new float[Shape.size(s)], 0, s, Shape.rowMajorStrides(s));
    }

    /** A tensor with every element equal to {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code values} (not copied) as a tensor of the given shape. */
    public static Tensor wrap(float[] values, int... shape) {
        int[] s = shape.clone();
        if (Shape.size(s) != values.length) {
            throw new IllegalArgumentException("array of length " + values.length + " does not match shape " + Shape.format(s));
        }
        return new Tensor(values, 0, s, Shape.rowMajorStrides(s));
    }

    /** Copies {@code values} into a new tensor of the given shape. */
    public static Tensor of(float[] values, int... shape) {
        return wrap(values.clone(), shape);
    }

    /**
     * Samples from N(mean, std²) with a seeded generator (Box-Muller over {@link SplittableRandom}): same seed, same
     * tensor. The stream is not PyTorch's: {@code torch.manual_seed} with the same seed gives other numbers.
     *
     * @throws IllegalArgumentException if {@code std} is negative or NaN (as PyTorch's {@code normal_})
     */
    public static Tensor randn(long seed, float mean, float std, int... shape) {
        if (!(std >= 0f)) throw new IllegalArgumentException("randn needs std >= 0, got " + std);
        Tensor t = zeros(shape);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.size; i++) t.data[i] = (float) (mean + std * gaussian(rng));
        return t;
    }

    /**
     * Samples uniformly from the half-open interval [lo, hi) with a seeded generator: same seed, same tensor (not
     * PyTorch's stream). Every sample is {@code >= lo} and {@code < hi}, also after rounding to float; when
     * {@code lo == hi} every element is {@code lo} (as PyTorch's {@code uniform_}).
     *
     * @throws IllegalArgumentException if {@code lo > hi} or either bound is NaN or infinite
     */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        if (!(lo <= hi) || Float.isInfinite(lo) || Float.isInfinite(hi)) {
            throw new IllegalArgumentException("uniform needs finite lo <= hi, got [" + lo + ", " + hi + ")");
        }
        Tensor t = zeros(shape);
        SplittableRandom rng = new SplittableRandom(seed);
        double range = (double) hi - lo; // in double: hi - lo can overflow float
        for (int i = 0; i < t.size; i++) {
            float v = (float) (lo + range * rng.nextDouble());
            t.data[i] = v < hi || lo == hi ? v : Math.nextDown(hi); // rounding to float can reach hi
        }
        return t;
    }

    /** Standard normal sample by Box-Muller; {@link SplittableRandom} has no nextGaussian on every JDK path we rely on. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    // ---- shape ------------------------------------------------------------------------------------

    /** The dimensions (a copy). */
    public int[] shape() { return shape.clone(); }

    /**
     * Size of dimension {@code i}; negative {@code i} counts from the end.
     *
     * @throws IndexOutOfBoundsException unless {@code -rank() <= i < rank()}
     */
    public int dim(int i) {
        int d = i < 0 ? shape.length + i : i;
        if (d < 0 || d >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + i + " out of range for tensor " + shapeString() + " of rank " + shape.length);
        }
        return shape[d];
    }

    /** Number of dimensions. */
    public int rank() { return shape.length; }

    /** Number of elements. */
    public int size() { return size; }

    /** The strides in elements (a copy). */
    public int[] strides() { return strides.clone(); }

    /** Backing storage, shared with every view of it. Kernels index it from {@link #offset()}. */
    public float[] data() { return data; }

    /** Index of element (0, …, 0) in {@link #data()}. */
    public int offset() { return offset; }

    /**
     * True when the elements lie row-major and densely from {@link #offset()}. A tensor with no elements (a
     * dimension of 0) is contiguous whatever its strides, as in PyTorch.
     */
    public boolean isContiguous() {
        if (size == 0) return true;
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** True when this tensor's dimensions are exactly {@code dims}. */
    public boolean hasShape(int... dims) { return Arrays.equals(shape, dims); }

    /** True when both tensors have the same dimensions. */
    public boolean sameShape(Tensor other) { return Arrays.equals(shape, other.shape); }

    /** Shape as text, e.g. {@code [128, 784]}. */
    public String shapeString() { return Shape.format(shape); }

    // ---- views ------------------------------------------------------------------------------------

    /**
     * A view with new dimensions over the same storage; one dimension may be -1 (inferred). Never copies: a
     * non-contiguous tensor (e.g. a {@link #transpose2d} view) is refused; call {@link #contiguous()} first.
     *
     * @throws IllegalArgumentException if the element counts differ, a dimension is negative (other than one -1),
     *     or -1 cannot be inferred (e.g. {@code [-1, 0]})
     * @throws IllegalStateException if this tensor is not contiguous
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shape.format(newShape) + ": only one -1 allowed");
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + shapeString() + " to " + Shape.format(newShape));
            }
            s[infer] = (int) (size / known);
        }
        if (Shape.size(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " (" + size + " elements) to " + Shape.format(newShape));
        }
        if (!isContiguous()) {
            throw new IllegalStateException("reshape of a non-contiguous tensor " + shapeString() + "; call contiguous() first");
        }
        return new Tensor(data, offset, s, Shape.rowMajorStrides(s));
    }

    /**
     * A view of rows {@code [from, to)} along dimension 0 (may be empty, {@code from == to}); it keeps this tensor's
     * strides, so a slice of a contiguous tensor is contiguous and a slice of a transposed view is not.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= dim(0)}, or if this tensor has rank 0
     */
    public Tensor slice0(int from, int to) {
        if (rank() == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of dimension 0 of " + shapeString());
        }
        int[] s = shape.clone();
        s[0] = to - from;
        // An empty view keeps this offset: offset + from * stride could lie past the storage of an empty tensor
        // (zeros(3, 0, 2).slice0(2, 3)), and contiguous fast paths index the storage from the offset.
        int off = Shape.size(s) == 0 ? offset : offset + from * strides[0];
        return new Tensor(data, off, s, strides.clone());
    }

    /**
     * A transposed view of a matrix (no copy; not contiguous unless a dimension is 1 or 0). Works on any rank-2
     * view, e.g. a {@link #slice0} of a matrix.
     *
     * @throws IllegalArgumentException if the rank is not 2
     */
    public Tensor transpose2d() {
        if (rank() != 2) throw new IllegalArgumentException("transpose2d needs a matrix, got " + shapeString());
        return new Tensor(data, offset, new int[] {shape[1], shape[0]}, new int[] {strides[1], strides[0]});
    }

    /** This tensor itself if {@link #isContiguous() contiguous} (sharing storage), else a new contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    // ---- elements ---------------------------------------------------------------------------------

    /**
     * Linear storage index of a multi-index (one index per dimension; none for rank 0).
     *
     * @throws IllegalArgumentException if the number of indices differs from {@link #rank()}
     * @throws IndexOutOfBoundsException if an index is outside its dimension (the message names the index and shape)
     */
    public int index(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for tensor " + shapeString());
        }
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for " + shapeString());
            }
            p += idx[i] * strides[i];
        }
        return p;
    }

    /** Element at a multi-index (for tests and small tools, not for hot loops); errors as {@link #index}. */
    public float get(int... idx) { return data[index(idx)]; }

    /** Sets the element at a multi-index (for tests and small tools, not for hot loops); errors as {@link #index}. */
    public void set(float value, int... idx) { data[index(idx)] = value; }

    /** Element {@code i} in row-major order, whatever the strides; {@link IndexOutOfBoundsException} unless {@code 0 <= i < size()}. */
    public float getFlat(int i) { return data[flatToStorage(i)]; }

    /** Sets element {@code i} in row-major order, whatever the strides; {@link IndexOutOfBoundsException} unless {@code 0 <= i < size()}. */
    public void setFlat(int i, float v) { data[flatToStorage(i)] = v; }

    private int flatToStorage(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("flat index " + i + " for " + shapeString());
        if (isContiguous()) return offset + i;
        int p = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            p += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return p;
    }

    /** Fills every element of this view with {@code value} (other elements of the shared storage are untouched). */
    public Tensor fill(float value) {
        if (isContiguous()) Arrays.fill(data, offset, offset + size, value);
        else for (int i = 0; i < size; i++) setFlat(i, value);
        return this;
    }

    /** A new contiguous tensor with the same elements and its own storage. */
    public Tensor copy() {
        Tensor t = zeros(shape);
        t.copyFrom(this);
        return t;
    }

    /**
     * Copies the elements of {@code src} (same shape) into this tensor, in row-major order. {@code src} may be a view
     * of the same storage, overlapping this tensor (e.g. {@code m.copyFrom(m.transpose2d())}): the result is as if
     * {@code src} had been copied first. (PyTorch's {@code copy_} refuses such an overlap.)
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    public Tensor copyFrom(Tensor src) {
        if (!sameShape(src)) throw new IllegalArgumentException("copy from " + src.shapeString() + " into " + shapeString());
        if (isContiguous() && src.isContiguous()) System.arraycopy(src.data, src.offset, data, offset, size);
        else {
            if (src.data == data) src = src.copy(); // overlapping views: read every element before writing any
            for (int i = 0; i < size; i++) setFlat(i, src.getFlat(i));
        }
        return this;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        float[] out = new float[size];
        if (isContiguous()) System.arraycopy(data, offset, out, 0, size);
        else for (int i = 0; i < size; i++) out[i] = getFlat(i);
        return out;
    }

    /**
     * The shape and at most the first 8 elements in row-major order, e.g. {@code Tensor[2, 3] [1.0, NaN, …]}: short
     * whatever the size. Not a serialization.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shapeString()).append(' ');
        int n = Math.min(size, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(getFlat(i));
        return sb.append(size > n ? ", …]" : "]").toString();
    }
}
