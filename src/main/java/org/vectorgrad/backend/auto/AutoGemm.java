package org.vectorgrad.backend.auto;

import org.vectorgrad.backend.Gemm;

/**
 * The {@code auto} backend's GEMM: each product goes to OpenBLAS when it is present and the product is big enough
 * ({@link GemmRule}, which on some CPUs sends none), else to the Java GEMM (vector, or scalar when vector cannot run);
 * a router built with {@code zerosToJava} also leaves to the Java GEMM every product it would run on its zero-skipping
 * path ({@link Gemm#skipsZerosOf}: at 256 bits, and at 512 on AMD Zen 4, op(A) at least 65 % zeros, on several threads one block of rows each), which does a third of the
 * multiply-adds or fewer of any dense GEMM (docs/decisions.md §2bt). The convolutions' GEMMs go through a second
 * router, without {@code zerosToJava}, whose OpenBLAS calls run whole on the convolution task's thread
 * ({@link AutoBackendFactory}, docs/decisions.md §8).
 *
 * <p>The choice is a fixed function of the shape and of a sample of op(A)'s zeros, never of timings taken while
 * running: the backend contract promises the same bits for the same inputs, which a choice that flips after a
 * calibration would break. Safe for concurrent use (as the two GEMMs).
 */
public final class AutoGemm extends Gemm {
    private final Gemm blas;        // null when OpenBLAS is off or the rule never uses it
    private final Gemm java;
    private final String javaName;
    private final GemmRule rule;
    private final boolean zerosToJava;

    /** A router that leaves mostly-zero op(A)s to the rule too (the convolutions'; see the other constructor). */
    AutoGemm(Gemm blas, Gemm java, String javaName, GemmRule rule) {
        this(blas, java, javaName, rule, false);
    }

    /**
     * @param blas     the OpenBLAS GEMM, or null when OpenBLAS is off or {@code rule} never uses it
     * @param java     the Java backend's GEMM
     * @param javaName the Java backend's name, for {@link #describe()}
     * @param zerosToJava send the products the Java GEMM would run on its zero-skipping path ({@link Gemm#skipsZerosOf})
     *                    to it whatever the rule says
     */
    AutoGemm(Gemm blas, Gemm java, String javaName, GemmRule rule, boolean zerosToJava) {
        this.blas = blas;
        this.java = java;
        this.javaName = javaName;
        this.rule = rule;
        this.zerosToJava = zerosToJava;
    }

    /** The GEMM that runs a product of this shape: the OpenBLAS one or the Java one. */
    public Gemm choose(boolean transA, boolean transB, int m, int n, int k) {
        return blas != null && rule.useBlas(transA, transB, m, n, k) ? blas : java;
    }

    /** One line for logs and {@code info}: where each kind of call goes. */
    public String describe() {
        if (rule.never()) return "all kernels -> " + javaName + " (OpenBLAS not used: " + rule.reason() + ")";
        return blas == null
                ? "all kernels -> " + javaName + " (OpenBLAS off)"
                : "gemm -> blas when " + rule + ", else " + javaName + (zerosToJava ? " (and " + javaName + " whenever it"
                        + " would skip op(A)'s zeros)" : "") + "; conv GEMMs: by the rule alone, one OpenBLAS thread each "
                        + "inside the convolution's tasks; everything else -> " + javaName;
    }

    /**
     * The GEMM that runs this product: the Java one when {@code zerosToJava} and it would skip op(A)'s zeros, else
     * {@link #choose}. A pure function of the shape and op(A), so the same inputs take the same path.
     */
    Gemm chooseFor(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda) {
        Gemm g = choose(transA, transB, m, n, k);
        return g != java && zerosToJava && java.skipsZerosOf(transA, transB, m, n, k, a, aOff, lda) ? java : g;
    }

    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        chooseFor(transA, transB, m, n, k, a, aOff, lda).gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
