package org.vectorgrad.backend.blas;

import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasNoTrans;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasRowMajor;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasTrans;

import java.lang.foreign.MemorySegment;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * GEMM through OpenBLAS ({@code cblas_sgemm}, {@code cblas_sgemv} for one-row/one-column products), axpy and scale
 * through {@code cblas_saxpy}/{@code cblas_sscal} when the factory says so (they only beat the scalar loops, not
 * the vector kernels: docs/blas.md); every other kernel through a delegate (vector when available, else scalar).
 *
 * <p>Operands go to native code without copying: a heap segment over the {@code float[]}, sliced at the offset,
 * through handles linked with {@code Linker.Option.critical(true)}. The garbage collector waits while such a call
 * runs (a 1024³ GEMM holds it for ~20 ms), the price of zero copy. Every dimension, leading dimension and extent
 * is checked in Java first ({@link BlasArgs}), so bad arguments throw instead of crashing the JVM.
 *
 * <p>{@code dot} is delegated: the contract accumulates in double, {@code cblas_sdot} in float.
 *
 * <p>Threads: OpenBLAS's thread count is process-global. Before each BLAS call this backend makes it equal to
 * {@link #threads()} if the last value vectorgrad set differs, so OpenBLAS never runs more threads than the
 * caller asked for (no oversubscription with our own dispatcher, which is idle during a BLAS call).
 */
public final class BlasBackend implements Backend {
    private static final Object THREADS_LOCK = new Object();
    private static volatile int openBlasThreads = -1;

    private final int threads;
    private final Backend delegate;
    private final boolean gemvForVectors;
    private final boolean level1;

    /**
     * @param threads         threads for OpenBLAS and the delegate
     * @param delegate        runs every non-BLAS kernel; closed with this backend
     * @param gemvForVectors  route GEMMs with m == 1 or n == 1 to {@code cblas_sgemv}
     * @param level1          run axpy and scale on OpenBLAS (else on the delegate)
     */
    BlasBackend(int threads, Backend delegate, boolean gemvForVectors, boolean level1) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.delegate = delegate;
        this.gemvForVectors = gemvForVectors;
        this.level1 = level1;
        syncThreads();
    }

    @Override public String name() { return "blas"; }
    @Override public int threads() { return threads; }

    /** The backend running the non-BLAS kernels. */
    public Backend delegate() { return delegate; }

    private void syncThreads() {
        if (openBlasThreads == threads) return;
        synchronized (THREADS_LOCK) {
            if (openBlasThreads != threads) {
                cblas_h.openblas_set_num_threads(threads);
                openBlasThreads = threads;
            }
        }
    }

    private static MemorySegment seg(float[] a, int off) {
        return MemorySegment.ofArray(a).asSlice(off * 4L);
    }

    // ---- BLAS ------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        BlasArgs.dims("blas gemm", m, n, k);
        if (m == 0 || n == 0) return;     // empty C: nothing is read or written, as in the scalar oracle
        if (k == 0) {                     // C = beta·C: nothing for OpenBLAS to multiply
            BlasArgs.gemmOutput(transA, transB, m, n, k, c, cOff, ldc);   // only C is touched
            delegate.gemm(transA, transB, m, n, 0, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        BlasArgs.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        syncThreads();
        if (gemvForVectors && (m == 1 || n == 1)) {
            gemv(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        cblas_h.cblas_sgemm(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(), transB ? CblasTrans() : CblasNoTrans(),
                m, n, k, alpha, seg(a, aOff), lda, seg(b, bOff), ldb, beta, seg(c, cOff), ldc);
    }

    /** A GEMM with one output row or column is a matrix-vector product; arguments already checked. */
    private static void gemv(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                             int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (n == 1) {
            // C[:,0] = alpha·op(A)·op(B)[:,0] + beta·C[:,0]; x is B's column (stride ldb) or row (stride 1)
            cblas_h.cblas_sgemv(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(),
                    transA ? k : m, transA ? m : k, alpha, seg(a, aOff), lda,
                    seg(b, bOff), transB ? 1 : ldb, beta, seg(c, cOff), ldc);
        } else {
            // C[0,:]ᵀ = alpha·op(B)ᵀ·op(A)[0,:]ᵀ + beta·C[0,:]ᵀ; x is A's row (stride 1) or column (stride lda)
            cblas_h.cblas_sgemv(CblasRowMajor(), transB ? CblasNoTrans() : CblasTrans(),
                    transB ? n : k, transB ? k : n, alpha, seg(b, bOff), ldb,
                    seg(a, aOff), transA ? lda : 1, beta, seg(c, cOff), 1);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        if (!level1) {
            delegate.axpy(n, alpha, x, xOff, y, yOff);
            return;
        }
        BlasArgs.vector("blas axpy", "x", x, xOff, n);
        BlasArgs.vector("blas axpy", "y", y, yOff, n);
        if (n == 0) return;
        syncThreads();
        cblas_h.cblas_saxpy(n, alpha, seg(x, xOff), 1, seg(y, yOff), 1);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        if (!level1) {
            delegate.scale(n, alpha, x, xOff);
            return;
        }
        BlasArgs.vector("blas scale", "x", x, xOff, n);
        if (n == 0) return;
        syncThreads();
        cblas_h.cblas_sscal(n, alpha, seg(x, xOff), 1);
    }

    // ---- delegated -------------------------------------------------------------------------------

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) { return delegate.dot(n, x, xOff, y, yOff); }

    @Override
    public void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff, Activation act, float alpha) {
        delegate.biasActivation(rows, cols, x, xOff, bias, biasOff, act, alpha);
    }

    @Override
    public void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        delegate.columnSums(rows, cols, dy, dyOff, db, dbOff);
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff) {
        delegate.channelSums(batch, channels, spatial, dy, dyOff, db, dbOff);
    }

    @Override
    public void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        delegate.activationForward(act, alpha, n, x, xOff, y, yOff);
    }

    @Override
    public void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        delegate.activationBackward(act, alpha, n, y, yOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        delegate.softmax(rows, cols, x, xOff, y, yOff);
    }

    @Override
    public void logSoftmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        delegate.logSoftmax(rows, cols, x, xOff, y, yOff);
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale) {
        return delegate.softmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff, scale);
    }

    @Override
    public double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        return delegate.binaryCrossEntropyWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
    }

    @Override
    public double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        return delegate.meanSquaredError(n, pred, pOff, target, tOff, grad, gOff, scale);
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        delegate.argmaxRows(rows, cols, x, xOff, out, outOff);
    }

    @Override
    public double sum(int n, float[] x, int xOff) { return delegate.sum(n, x, xOff); }

    @Override
    public void sgdUpdate(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        delegate.sgdUpdate(n, lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff);
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        delegate.adamUpdate(n, lr, beta1, beta2, eps, weightDecay, c1, c2, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        delegate.conv2dForward(g, x, w, bias, y, scratch);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        delegate.conv2dBackwardData(g, dy, w, dx, scratch);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        delegate.conv2dBackwardWeights(g, x, dy, dw, db, scratch);
    }

    @Override
    public void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax) { delegate.maxPool2dForward(p, x, y, argmax); }

    @Override
    public void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) { delegate.maxPool2dBackward(p, dy, argmax, dx); }

    @Override
    public void avgPool2dForward(PoolGeometry p, float[] x, float[] y) { delegate.avgPool2dForward(p, x, y); }

    @Override
    public void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx) { delegate.avgPool2dBackward(p, dy, dx); }

    @Override
    public void close() { delegate.close(); }
}
