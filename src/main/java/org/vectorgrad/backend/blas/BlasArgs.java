package org.vectorgrad.backend.blas;

/**
 * Checks, in Java, every argument that reaches OpenBLAS: a bad leading dimension or a short array passed to
 * native code is a segfault, not an exception. Messages name the kernel, the operand and the shapes.
 */
final class BlasArgs {
    private BlasArgs() {}

    static void dims(String kernel, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(kernel + ": negative dimension m=" + m + " n=" + n + " k=" + k);
        }
    }

    /**
     * A row-major {@code rows × cols} block at {@code off} with leading dimension {@code ld} must fit in
     * {@code arr}, and {@code ld >= max(1, cols)} (OpenBLAS's own rule). {@code what} names the operand,
     * {@code shape} the op() shape for the message.
     */
    static void matrix(String kernel, String what, float[] arr, int off, int rows, int cols, int ld, String shape) {
        if (arr == null) throw new NullPointerException(kernel + ": " + what + " is null (" + shape + ")");
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(kernel + ": ld" + what.toLowerCase() + "=" + ld + " is less than the "
                    + cols + " columns of " + what + " stored " + rows + "x" + cols + " (" + shape + ")");
        }
        if (off < 0) throw new IllegalArgumentException(kernel + ": negative offset " + off + " for " + what);
        long end = rows == 0 || cols == 0 ? off : off + (long) (rows - 1) * ld + cols;
        if (end > arr.length) {
            throw new IllegalArgumentException(kernel + ": " + what + " stored " + rows + "x" + cols + " with ld " + ld
                    + " at offset " + off + " needs " + end + " floats, array has " + arr.length + " (" + shape + ")");
        }
    }

    /** A contiguous vector of {@code n} floats at {@code off}. */
    static void vector(String kernel, String what, float[] arr, int off, int n) {
        if (arr == null) throw new NullPointerException(kernel + ": " + what + " is null (n=" + n + ")");
        if (n < 0) throw new IllegalArgumentException(kernel + ": negative length " + n);
        if (off < 0 || (long) off + n > arr.length) {
            throw new IllegalArgumentException(kernel + ": " + what + " of " + n + " floats at offset " + off
                    + " does not fit an array of " + arr.length);
        }
    }
}
