package org.vectorgrad.backend;

/**
 * A backend that hands every kernel to a delegate; subclasses override the few they run differently (the BLAS
 * backend its GEMM, the auto backend its choice of GEMM). Convolution follows the GEMM: when the delegate's
 * convolution kernels can run on another GEMM ({@link GemmConvolutions}, the vector backend), they run on this
 * backend's {@link #gemm}, whatever the subclass made of it. {@link #close()} closes the delegate.
 */
public abstract class ForwardingBackend implements Backend {
    private final Backend delegate;
    /** The delegate's convolution on this backend's GEMM; null when the delegate cannot do that (scalar). */
    private final Convolution convolution;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        // the kernels only keep the reference: nothing is called before the subclass constructor has finished
        this.convolution = delegate instanceof GemmConvolutions c ? c.convolutionOn(convolutionGemm()) : null;
    }

    /**
     * The GEMM the delegate's convolution kernels run on: this backend's {@link #gemm} unless a subclass says
     * otherwise. Called once, from this class's constructor: an override may use {@link #delegate()} and
     * {@link #threads()} only (the subclass's own fields are not set yet).
     */
    protected Gemm convolutionGemm() {
        return this;
    }

    /** The backend running every kernel this one does not override. */
    public final Backend delegate() { return delegate; }

    @Override public int threads() { return delegate.threads(); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        delegate.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

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
    public void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) { delegate.softmax(rows, cols, x, xOff, y, yOff); }

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
    public void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) { delegate.argmaxRows(rows, cols, x, xOff, out, outOff); }

    @Override public double dot(int n, float[] x, int xOff, float[] y, int yOff) { return delegate.dot(n, x, xOff, y, yOff); }

    @Override public boolean allFinite(int n, float[] x, int xOff) { return delegate.allFinite(n, x, xOff); }

    @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) { delegate.axpy(n, alpha, x, xOff, y, yOff); }

    @Override public void scale(int n, float alpha, float[] x, int xOff) { delegate.scale(n, alpha, x, xOff); }

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
        if (convolution == null) delegate.conv2dForward(g, x, w, bias, y, scratch);
        else convolution.forward(g, x, w, bias, y, scratch);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        if (convolution == null) delegate.conv2dBackwardData(g, dy, w, dx, scratch);
        else convolution.backwardData(g, dy, w, dx, scratch);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        if (convolution == null) delegate.conv2dBackwardWeights(g, x, dy, dw, db, scratch);
        else convolution.backwardWeights(g, x, dy, dw, db, scratch);
    }

    @Override public void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax) { delegate.maxPool2dForward(p, x, y, argmax); }

    @Override public void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) { delegate.maxPool2dBackward(p, dy, argmax, dx); }

    @Override public void avgPool2dForward(PoolGeometry p, float[] x, float[] y) { delegate.avgPool2dForward(p, x, y); }

    @Override public void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx) { delegate.avgPool2dBackward(p, dy, dx); }

    @Override public Normalization normalization() { return delegate.normalization(); }

    @Override public void close() { delegate.close(); }
}
