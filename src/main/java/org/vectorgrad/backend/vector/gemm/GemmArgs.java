package org.vectorgrad.backend.vector.gemm;

/** Argument checks for a row-major GEMM call, with messages that name the shapes and the kernel. */
public final class GemmArgs {
    private GemmArgs() {}

    /** Throws {@link IllegalArgumentException} unless the call describes valid, in-bounds operands. */
    public static void check(String kernel, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(kernel + ": negative size m=" + m + " n=" + n + " k=" + k);
        }
        // op(A) is m x k: stored rows x cols below; likewise op(B) k x n and C m x n.
        matrix(kernel, "A", transA ? k : m, transA ? m : k, m, n, k, a, aOff, lda);
        matrix(kernel, "B", transB ? n : k, transB ? k : n, m, n, k, b, bOff, ldb);
        matrix(kernel, "C", m, n, m, n, k, c, cOff, ldc);
    }

    private static void matrix(String kernel, String name, int rows, int cols, int m, int n, int k,
                               float[] x, int off, int ld) {
        if (rows == 0 || cols == 0) return; // an empty operand is never read, whatever its ld
        if (ld < cols) {
            throw new IllegalArgumentException(kernel + ": ld" + name.toLowerCase() + "=" + ld + " is smaller than the row length "
                    + cols + shape(name, rows, cols, m, n, k));
        }
        if (x == null) throw new IllegalArgumentException(kernel + ": " + name + " is null" + shape(name, rows, cols, m, n, k));
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs elements [" + off + ", " + last + ") but has length "
                    + x.length + shape(name, rows, cols, m, n, k) + ", ld=" + ld);
        }
    }

    /** Built only when a check fails: the happy path must not allocate. */
    private static String shape(String name, int rows, int cols, int m, int n, int k) {
        return " (" + name + " stored " + rows + "x" + cols + " for m=" + m + " n=" + n + " k=" + k + ")";
    }
}
