package org.vectorgrad.bench;

/**
 * A GEMM shape written {@code MxNxK} with an optional transpose suffix {@code :NN}, {@code :NT}, {@code :TN} or
 * {@code :TT} (op(A), op(B); default NN): C (MxN) = op(A) (MxK) · op(B) (KxN), row-major, as Backend.gemm.
 */
public record Shape(int m, int n, int k, boolean transA, boolean transB) {

    public static Shape parse(String s) {
        String[] parts = s.trim().split(":");
        String[] dims = parts[0].split("x");
        if (dims.length != 3) throw new IllegalArgumentException("shape '" + s + "' is not MxNxK[:NN|NT|TN|TT]");
        String tr = parts.length > 1 ? parts[1].toUpperCase(java.util.Locale.ROOT) : "NN";
        if (!tr.matches("[NT][NT]")) throw new IllegalArgumentException("shape '" + s + "': transpose must be NN, NT, TN or TT");
        return new Shape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]), tr.charAt(0) == 'T', tr.charAt(1) == 'T');
    }

    /** Floating-point operations of one call: 2·m·n·k. */
    public double flops() { return 2.0 * m * n * k; }

    public int lda() { return transA ? m : k; }
    public int ldb() { return transB ? k : n; }
    public int ldc() { return n; }
}
