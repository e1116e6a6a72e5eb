package org.vectorgrad.backend.auto;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;

/**
 * Picks a backend per call: GEMM goes to OpenBLAS when it is present and the product is big enough
 * ({@link GemmRule}), everything else to the base backend (vector, or scalar when vector cannot run).
 *
 * <p>The choice is a fixed function of the shape, decided when the backend is created, never of timings taken
 * while running: the {@link Backend} contract promises the same bits for the same inputs, which a choice that
 * flips after a calibration would break.
 */
public final class AutoBackend implements Backend {
    private final Backend base;
    private final Backend blas;       // null when OpenBLAS is off
    private final GemmRule rule;

    /**
     * @param base runs every kernel the rule does not send to BLAS; owned (closed with this backend)
     * @param blas the OpenBLAS backend or null; it must hold no resources of its own beyond {@code base}
     */
    AutoBackend(Backend base, Backend blas, GemmRule rule) {
        this.base = base;
        this.blas = blas;
        this.rule = rule;
    }

    @Override public String name() { return "auto"; }
    @Override public int threads() { return base.threads(); }

    /** One line for logs and {@code info}: where each kind of call goes. */
    public String describe() {
        return blas == null
                ? "all kernels -> " + base.name() + " (OpenBLAS off)"
                : "gemm -> blas when " + rule + ", else " + base.name() + "; everything else -> " + base.name();
    }

    /** The backend that runs a GEMM of this shape; visible for tests and {@code info}. */
    public Backend gemmBackend(boolean transA, boolean transB, int m, int n, int k) {
        return blas != null && rule.useBlas(transA, transB, m, n, k) ? blas : base;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        gemmBackend(transA, transB, m, n, k).gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    // ---- everything else: the base backend --------------------------------------------------------

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) { return base.dot(n, x, xOff, y, yOff); }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) { base.axpy(n, alpha, x, xOff, y, yOff); }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) { base.scale(n, alpha, x, xOff); }

    @Override
    public void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff, Activation act, float alpha) {
        base.biasActivation(rows, cols, x, xOff, bias, biasOff, act, alpha);
    }

    @Override
    public void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        base.columnSums(rows, cols, dy, dyOff, db, dbOff);
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff) {
        base.channelSums(batch, channels, spatial, dy, dyOff, db, dbOff);
    }

    @Override
    public void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        base.activationForward(act, alpha, n, x, xOff, y, yOff);
    }

    @Override
    public void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        base.activationBackward(act, alpha, n, y, yOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        base.softmax(rows, cols, x, xOff, y, yOff);
    }

    @Override
    public void logSoftmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        base.logSoftmax(rows, cols, x, xOff, y, yOff);
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale) {
        return base.softmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff, scale);
    }

    @Override
    public double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        return base.binaryCrossEntropyWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
    }

    @Override
    public double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        return base.meanSquaredError(n, pred, pOff, target, tOff, grad, gOff, scale);
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        base.argmaxRows(rows, cols, x, xOff, out, outOff);
    }

    @Override
    public double sum(int n, float[] x, int xOff) { return base.sum(n, x, xOff); }

    @Override
    public void sgdUpdate(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        base.sgdUpdate(n, lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff);
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        base.adamUpdate(n, lr, beta1, beta2, eps, weightDecay, c1, c2, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        base.conv2dForward(g, x, w, bias, y, scratch);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        base.conv2dBackwardData(g, dy, w, dx, scratch);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        base.conv2dBackwardWeights(g, x, dy, dw, db, scratch);
    }

    @Override
    public void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax) { base.maxPool2dForward(p, x, y, argmax); }

    @Override
    public void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) { base.maxPool2dBackward(p, dy, argmax, dx); }

    @Override
    public void avgPool2dForward(PoolGeometry p, float[] x, float[] y) { base.avgPool2dForward(p, x, y); }

    @Override
    public void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx) { base.avgPool2dBackward(p, dy, dx); }

    @Override
    public void close() { base.close(); }
}
