package org.vectorgrad.nn;

import java.util.Arrays;
import org.vectorgrad.tensor.Tensor;

/**
 * A layer's non-trainable state that belongs to the model (PyTorch's "buffers"): saved in model files and checkpoints
 * under its {@code state_dict} name, copied into {@link org.vectorgrad.serve.Predictor} replicas, never touched by an
 * optimizer and without a gradient. Examples: batch norm's {@code running_mean} and {@code running_var} (float32) and
 * {@code num_batches_tracked} (int64, a 0-dimensional tensor in PyTorch).
 *
 * <p>A buffer holds either float32 values (a contiguous {@link Tensor}) or int64 values (a {@code long[]}); the
 * layer that owns it updates it in place. Not thread-safe (it is part of a layer).
 */
public final class Buffer {
    private final String name;
    private final Tensor floats;
    private final long[] longs;
    private final int[] shape;

    private Buffer(String name, Tensor floats, long[] longs, int[] shape) {
        this.name = name;
        this.floats = floats;
        this.longs = longs;
        this.shape = shape;
    }

    /** A float32 buffer over {@code value} (which must be contiguous; not copied). */
    public static Buffer ofFloats(String name, Tensor value) {
        if (!value.isContiguous()) throw new IllegalArgumentException("buffer " + name + " must be contiguous");
        return new Buffer(name, value, null, value.shape());
    }

    /** A zero-filled int64 buffer of {@code shape} ({@code new int[0]}: a scalar, as {@code num_batches_tracked}). */
    public static Buffer ofInt64(String name, int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("buffer " + name + ": negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        return new Buffer(name, null, new long[Math.toIntExact(n)], shape.clone());
    }

    /** The name, e.g. {@code running_mean} (the state_dict suffix). */
    public String name() { return name; }

    /** Whether the values are int64 ({@link #longs()}) rather than float32 ({@link #value()}). */
    public boolean isInt64() { return longs != null; }

    /** The float32 values. @throws IllegalStateException for an int64 buffer */
    public Tensor value() {
        if (floats == null) throw new IllegalStateException("buffer " + name + " holds int64 values: use longs()");
        return floats;
    }

    /** The int64 values, row-major, updated in place by the owner. @throws IllegalStateException for a float buffer */
    public long[] longs() {
        if (longs == null) throw new IllegalStateException("buffer " + name + " holds float32 values: use value()");
        return longs;
    }

    /** The shape (a copy). */
    public int[] shape() { return shape.clone(); }

    /** Number of values. */
    public int size() { return floats != null ? floats.size() : longs.length; }

    /** Copies the values of {@code other}, which must have the same kind and shape. */
    public void copyFrom(Buffer other) {
        if (other.isInt64() != isInt64() || !Arrays.equals(other.shape, shape)) {
            throw new IllegalArgumentException("buffer " + name + " " + this.describeType() + " cannot take " + other.describeType());
        }
        if (isInt64()) System.arraycopy(other.longs, 0, longs, 0, longs.length);
        else floats.copyFrom(other.floats);
    }

    /** A detached copy of the values: a {@code float[]} or a {@code long[]}. */
    public Object snapshot() { return isInt64() ? longs.clone() : floats.toArray(); }

    /** Restores values taken by {@link #snapshot()} of a buffer of the same kind and shape. */
    public void restore(Object values) {
        if (isInt64()) {
            long[] v = (long[]) values;
            if (v.length != longs.length) throw new IllegalArgumentException("buffer " + name + ": " + v.length + " values for " + longs.length);
            System.arraycopy(v, 0, longs, 0, v.length);
        } else {
            float[] v = (float[]) values;
            if (v.length != floats.size()) throw new IllegalArgumentException("buffer " + name + ": " + v.length + " values for " + floats.size());
            System.arraycopy(v, 0, floats.data(), floats.offset(), v.length);
        }
    }

    private String describeType() { return (isInt64() ? "int64" : "float32") + Arrays.toString(shape); }

    @Override public String toString() { return "Buffer(" + name + ", " + describeType() + ")"; }
}
