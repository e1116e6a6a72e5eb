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

    /**
     * All the checks of a row-major GEMM with non-empty C and k > 0; allocation-free unless it throws (the message
     * is built only then).
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (fits(c, cOff, m, n, ldc) && fits(a, aOff, transA ? k : m, transA ? m : k, lda)
                && fits(b, bOff, transB ? n : k, transB ? k : n, ldb)) {
            return;
        }
        String shape = "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k;
        matrix("blas gemm", "C", c, cOff, m, n, ldc, shape);
        matrix("blas gemm", "A", a, aOff, transA ? k : m, transA ? m : k, lda, shape);
        matrix("blas gemm", "B", b, bOff, transB ? n : k, transB ? k : n, ldb, shape);
        throw new AssertionError("unreachable: " + shape);
    }

    /** The checks of C alone (for k == 0, where A and B are not read); allocation-free unless it throws. */
    static void gemmOutput(boolean transA, boolean transB, int m, int n, int k, float[] c, int cOff, int ldc) {
        if (fits(c, cOff, m, n, ldc)) return;
        matrix("blas gemm", "C", c, cOff, m, n, ldc,
                "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k);
    }

    private static boolean fits(float[] arr, int off, int rows, int cols, int ld) {
        return arr != null && ld >= Math.max(1, cols) && off >= 0
                && (rows == 0 || cols == 0 || off + (long) (rows - 1) * ld + cols <= arr.length);
    }
}
