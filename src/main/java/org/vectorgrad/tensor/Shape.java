package org.vectorgrad.tensor;

import java.util.Arrays;

/**
 * Immutable helpers for tensor shapes: element counts, row-major strides and readable formatting.
 *
 * <p>Thread safety: static and stateless; safe to call from any thread.
 */
public final class Shape {
    private Shape() {}

    /**
     * Number of elements of a tensor with these dimensions ({@code 1} for none, a scalar).
     *
     * @throws IllegalArgumentException if a dimension is negative, or if the running product of the dimensions, taken
     *     left to right, exceeds 2^31-1 (so {@code [70000, 70000, 0]} is refused while {@code [0, 70000, 70000]} is not)
     */
    public static int size(int... dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + format(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + format(dims) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /**
     * Row-major (C order) strides for the given dimensions; a dimension of 0 counts as 1, as in PyTorch. Does not
     * validate: pass dimensions that {@link #size} accepts (strides of dimensions before a 0 can still overflow int
     * for huge empty shapes; they are never used to address an element).
     */
    public static int[] rowMajorStrides(int... dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** Formats a shape as {@code [2, 3, 4]}. */
    public static String format(int... dims) {
        return Arrays.toString(dims);
    }
}
