package org.vectorgrad.backend.vector;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.GemmConvolutions;
import org.vectorgrad.backend.KernelArgs;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.backend.vector.elementwise.ActivationKernels;
import org.vectorgrad.backend.vector.elementwise.FiniteKernels;
import org.vectorgrad.backend.vector.elementwise.Blas1Kernels;
import org.vectorgrad.backend.vector.elementwise.LossKernels;
import org.vectorgrad.backend.vector.elementwise.ReductionKernels;
import org.vectorgrad.backend.vector.elementwise.SoftmaxKernels;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.backend.vector.gemm.CacheSizes;
import org.vectorgrad.backend.vector.gemm.GemmBlocking;
import org.vectorgrad.backend.vector.optim.OptimizerKernels;
import org.vectorgrad.backend.vector.pool.VectorPooling;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The Vector API backend: a blocked, packed GEMM ({@link BlockedGemm}) and vectorized elementwise kernels, run
 * over a {@link Dispatcher} owned by this backend. Deterministic for a given thread count; GEMM and every
 * reduction are in fact bitwise identical for any thread count (work is split on fixed boundaries only).
 */
public final class VectorBackend implements Backend, GemmConvolutions {
    /** System property choosing the GEMM vector width (128, 256 or 512); default: the preferred species. */
    public static final String BITS_PROPERTY = "vectorgrad.vector.bits";

    private final Dispatcher dispatcher;
    private final BlockedGemm gemm;
    private final VectorConvolution convolution;
    private final VectorPooling pooling;
    private final org.vectorgrad.backend.vector.norm.VectorNormalization normalization;

    /** A backend with the default vector width (property or preferred species) and this machine's caches. */
    public VectorBackend(int threads) {
        this(threads, defaultBits());
    }

    /** A backend whose GEMM uses {@code bits}-wide vectors (128, 256 or 512) and this machine's caches. */
    public VectorBackend(int threads, int bits) {
        this(threads, blockingFor(bits));
    }

    /** A backend with an explicit GEMM blocking table (tests and measurements). */
    public VectorBackend(int threads, GemmBlocking blocking) {
        this.dispatcher = new Dispatcher(threads);
        this.gemm = new BlockedGemm(blocking, dispatcher, Tuning.GEMM_PARALLEL_MIN_WORK);
        this.convolution = new VectorConvolution(gemm, dispatcher);
        this.pooling = new VectorPooling(dispatcher);
        this.normalization = new org.vectorgrad.backend.vector.norm.VectorNormalization(dispatcher);
    }

    /** The GEMM vector width: {@value #BITS_PROPERTY} if set, else the preferred species' width. */
    public static int defaultBits() {
        String p = System.getProperty(BITS_PROPERTY);
        if (p != null) {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + p + " is not 128, 256 or 512");
            }
        }
        return Math.min(512, SpeciesProbe.preferredBits());
    }

    /** The blocking table for {@code bits} on this machine's caches. */
    public static GemmBlocking blockingFor(int bits) {
        CacheSizes cs = CacheSizes.detect();
        return GemmBlocking.forCaches(bits, cs.l1d(), cs.l2(), cs.l3());
    }

    /**
     * This backend's convolution kernels (and threads) with their GEMMs sent to {@code gemm}: how the {@code blas}
     * and {@code auto} backends run convolution on the GEMM they chose. Pass the caller's backend, not this one.
     */
    @Override
    public VectorConvolution convolutionOn(Gemm gemm) {
        return new VectorConvolution(gemm, dispatcher);
    }

    /** The GEMM's blocking table. */
    public GemmBlocking blocking() { return gemm.blocking(); }

    @Override public String name() { return "vector"; }
    @Override public int threads() { return dispatcher.threads(); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        gemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    // ---- elementwise: arithmetic in the elementwise/optim packages, only the split decided here ----

    /** A contiguous piece [from, to) of an elementwise job. */
    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n): on the calling thread below {@link Tuning#ELEMENTWISE_PARALLEL_MIN}, else in
     * fixed pieces of {@link Tuning#ELEMENTWISE_GRAIN} spread over the dispatcher. Only for maps whose every output
     * element depends on its own inputs, so the split cannot change a bit.
     */
    private void split(int n, Range body) {
        if (dispatcher.threads() == 1 || n < Tuning.ELEMENTWISE_PARALLEL_MIN) {
            body.run(0, n);
            return;
        }
        int grain = Tuning.ELEMENTWISE_GRAIN;
        dispatcher.forEach((n + grain - 1) / grain, c -> body.run(c * grain, Math.min(n, c * grain + grain)));
    }

    @Override
    public void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff, Activation act, float alpha) {
        KernelArgs.biasActivation(rows, cols, x, xOff, bias, biasOff);
        if ((long) rows * cols < Tuning.ELEMENTWISE_PARALLEL_MIN || dispatcher.threads() == 1 || rows < 2) {
            ActivationKernels.biasActivation(0, rows, cols, x, xOff, bias, biasOff, act, alpha);
        } else {
            int rowsPer = Math.max(1, Tuning.ELEMENTWISE_GRAIN / Math.max(1, cols));
            dispatcher.forEach((rows + rowsPer - 1) / rowsPer, c -> ActivationKernels.biasActivation(
                    c * rowsPer, Math.min(rows, c * rowsPer + rowsPer), cols, x, xOff, bias, biasOff, act, alpha));
        }
    }

    @Override
    public void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        KernelArgs.columnSums(rows, cols, dy, dyOff, db, dbOff);
        ReductionKernels.columnSums(rows, cols, dy, dyOff, db, dbOff, 0, cols);
    }

    @Override
    public void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff) {
        KernelArgs.channelSums(batch, channels, spatial, dy, dyOff, db, dbOff);
        ReductionKernels.channelSums(batch, channels, spatial, dy, dyOff, db, dbOff, 0, channels);
    }

    @Override
    public void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("activationForward", n, "x", x, xOff, "y", y, yOff);
        split(n, (from, to) -> ActivationKernels.forward(act, alpha, x, xOff, y, yOff, from, to));
    }

    @Override
    public void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        KernelArgs.activationBackward(n, y, yOff, dy, dyOff, dx, dxOff);
        split(n, (from, to) -> ActivationKernels.backward(act, alpha, y, yOff, dy, dyOff, dx, dxOff, from, to));
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.rows("softmax", rows, cols, x, xOff, y, yOff);
        SoftmaxKernels.softmax(cols, x, xOff, y, yOff, 0, rows);
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale) {
        KernelArgs.softmaxCrossEntropy(rows, cols, logits, lOff, labels, labOff, grad, gOff);
        double total = SoftmaxKernels.crossEntropy(cols, logits, lOff, labels, labOff, grad, gOff, scale, 0, rows);
        return rows == 0 ? 0 : total / rows;
    }

    @Override
    public double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("binaryCrossEntropyWithLogits", n, "logits", logits, lOff, "targets", targets, tOff, grad, gOff);
        double total = LossKernels.binaryCrossEntropyWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
        return n == 0 ? 0 : total / n;
    }

    @Override
    public double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        KernelArgs.elementwiseLoss("meanSquaredError", n, "pred", pred, pOff, "target", target, tOff, grad, gOff);
        double total = LossKernels.squaredError(n, pred, pOff, target, tOff, grad, gOff, scale);
        return n == 0 ? 0 : total / n;
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        KernelArgs.argmaxRows(rows, cols, x, xOff, out, outOff);
        SoftmaxKernels.argmaxRows(cols, x, xOff, out, outOff, 0, rows);
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("dot", n, "x", x, xOff, "y", y, yOff);
        return ReductionKernels.dot(n, x, xOff, y, yOff);
    }

    @Override
    public boolean allFinite(int n, float[] x, int xOff) {
        KernelArgs.elementwise("allFinite", n, "x", x, xOff, null, null, 0);
        return FiniteKernels.allFinite(n, x, xOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.elementwise("axpy", n, "x", x, xOff, "y", y, yOff);
        split(n, (from, to) -> Blas1Kernels.axpy(alpha, x, xOff, y, yOff, from, to));
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        KernelArgs.elementwise("scale", n, "x", x, xOff, null, null, 0);
        split(n, (from, to) -> Blas1Kernels.scale(alpha, x, xOff, from, to));
    }

    @Override
    public void sgdUpdate(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        KernelArgs.sgdUpdate(n, momentum, w, wOff, g, gOff, v, vOff);
        split(n, (from, to) -> OptimizerKernels.sgd(lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff, from, to));
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        KernelArgs.adamUpdate(n, w, wOff, g, gOff, m, mOff, v, vOff);
        split(n, (from, to) -> OptimizerKernels.adam(lr, beta1, beta2, eps, weightDecay, c1, c2, w, wOff, g, gOff, m, mOff, v, vOff, from, to));
    }

    // ---- convolution and pooling: owned by the conv/pool packages --------------------------------

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        convolution.forward(g, x, w, bias, y, scratch);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        convolution.backwardData(g, dy, w, dx, scratch);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        convolution.backwardWeights(g, x, dy, dw, db, scratch);
    }

    @Override
    public void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax) { pooling.maxForward(p, x, y, argmax); }

    @Override
    public void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx) { pooling.maxBackward(p, dy, argmax, dx); }

    @Override
    public void avgPool2dForward(PoolGeometry p, float[] x, float[] y) { pooling.avgForward(p, x, y); }

    @Override
    public void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx) { pooling.avgBackward(p, dy, dx); }

    @Override
    public org.vectorgrad.backend.Normalization normalization() { return normalization; }

    @Override
    public void close() { dispatcher.close(); }
}
