package org.vectorgrad.nn;

import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * Shared plumbing for layers: the bound backend, reusable buffers and input checks with clear messages.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer}: subclasses keep buffers in fields.
 */
public abstract class AbstractLayer implements Layer {
    private Backend backend;

    @Override
    public void bind(Backend backend) {
        this.backend = backend;
    }

    /** The bound backend; fails with a clear message when {@link #bind} was never called. */
    protected final Backend backend() {
        if (backend == null) {
            throw new IllegalStateException(describe() + " has no backend: call bind(backend) on the model (or use Trainer) before forward");
        }
        return backend;
    }

    /** {@code buffer} if it already has {@code shape}, else a new zero tensor of that shape. */
    protected static Tensor reuse(Tensor buffer, int... shape) {
        if (buffer != null && buffer.hasShape(shape)) return buffer;
        return Tensor.zeros(shape);
    }

    /** {@link #reuse(Tensor, int...)} for a rank-4 shape without the varargs array (the steady path allocates nothing). */
    protected static Tensor reuse(Tensor buffer, int d0, int d1, int d2, int d3) {
        if (buffer != null && hasShape(buffer, d0, d1, d2, d3)) return buffer;
        return Tensor.zeros(d0, d1, d2, d3);
    }

    /** {@link #reuse(Tensor, int...)} for a matrix without the varargs array. */
    protected static Tensor reuse(Tensor buffer, int rows, int cols) {
        return reuseMatrix(buffer, rows, cols);
    }

    private static boolean hasShape(Tensor t, int d0, int d1, int d2, int d3) {
        return t.rank() == 4 && t.dim(0) == d0 && t.dim(1) == d1 && t.dim(2) == d2 && t.dim(3) == d3;
    }

    /** {@code buffer} if it already has the shape of {@code like}, else a new zero tensor of that shape. */
    protected static Tensor reuseLike(Tensor buffer, Tensor like) {
        if (buffer != null && buffer.sameShape(like)) return buffer;
        return Tensor.zeros(like.shape());
    }

    /** {@code buffer} if it is a (rows, cols) matrix, else a new one; no varargs array on the steady path. */
    protected static Tensor reuseMatrix(Tensor buffer, int rows, int cols) {
        if (buffer != null && buffer.rank() == 2 && buffer.dim(0) == rows && buffer.dim(1) == cols) return buffer;
        return Tensor.zeros(rows, cols);
    }

    /** Fails unless backward follows a forward. */
    protected final void requireForward(Object saved) {
        if (saved == null) throw new IllegalStateException(describe() + ": backward called before forward");
    }

    /** Fails with both shapes and this layer's name unless {@code t} has exactly {@code expected} shape. */
    protected final void requireShape(String what, Tensor t, int... expected) {
        if (!t.hasShape(expected)) {
            throw new IllegalArgumentException(describe() + ": " + what + " has shape " + t.shapeString()
                    + ", expected " + java.util.Arrays.toString(expected));
        }
    }

    /** {@link #requireShape(String, Tensor, int...)} for a rank-4 shape, without the varargs array on the steady path. */
    protected final void requireShape(String what, Tensor t, int d0, int d1, int d2, int d3) {
        if (!hasShape(t, d0, d1, d2, d3)) requireShape(what, t, new int[] {d0, d1, d2, d3});
    }

    /** {@link #requireShape(String, Tensor, int...)} for a matrix, without the varargs array on the steady path. */
    protected final void requireShape(String what, Tensor t, int rows, int cols) {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) requireShape(what, t, new int[] {rows, cols});
    }

    /** Throws, naming this layer and both shapes, unless {@code t} has {@code like}'s shape. */
    protected final void requireSameShape(String what, Tensor t, Tensor like) {
        if (!t.sameShape(like)) {
            throw new IllegalArgumentException(describe() + ": " + what + " has shape " + t.shapeString()
                    + ", expected " + like.shapeString());
        }
    }

    /** The tensor itself when contiguous, else a contiguous copy (kernels need row-major storage). */
    protected static Tensor dense(Tensor t) { return t.contiguous(); }

    @Override
    public String toString() { return describe(); }
}
