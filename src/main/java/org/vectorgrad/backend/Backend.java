package org.vectorgrad.backend;

/**
 * The kernels the engine needs. Implementations: {@code scalar} (plain loops, the oracle every fast path is
 * tested against), {@code vector} (Vector API, blocked and multithreaded) and {@code blas} (OpenBLAS via FFM for
 * GEMM, vector kernels for the rest).
 *
 * <p>Conventions, for every method:
 * <ul>
 *   <li>Operands are heap {@code float[]} arrays with an offset (the storage of a contiguous {@code Tensor});
 *       matrices are row-major with a leading dimension (distance between rows, in elements).</li>
 *   <li>Inputs and outputs may not overlap unless the method says "in place".</li>
 *   <li>"Accumulate" means the result is added to the output; otherwise the output is overwritten and its
 *       previous contents are never read (it may hold NaN).</li>
 *   <li>For a given backend and thread count every method is deterministic: same inputs, same bits, on every
 *       call of the process's life (interpreted, C1- or C2-compiled alike). Determinism is by construction, not
 *       by observation: no kernel may use an operation whose result the JDK or a library leaves unspecified.
 *       In the vector backend that rules out {@code reduceLanes(ADD/MUL)} (unspecified order; C2 reassociates
 *       it) and the Vector API's transcendental {@code lanewise} ops (EXP, TANH, LOG1P, ...: a Java fallback
 *       interpreted, an intrinsic once compiled). Lanes are summed by the one fixed pairwise tree of
 *       {@code vector.elementwise.Lanes.sum}; exp/tanh/sigmoid/log1p are {@code vector.elementwise.FixedMath}
 *       (add/mul/fma only, with bit-identical scalar twins for the tails); scalar code uses {@link StrictMath}
 *       for transcendentals. Sums split across threads use chunks fixed by the shapes, never by the thread
 *       count. The {@code blas} backend runs every OpenBLAS call under one process-wide lock with its own
 *       thread count set (OpenBLAS's count is process-global and its results depend on it).</li>
 * </ul>
 * Kernels hold no policy (no backend choice, no thread sizing): those are fixed when the backend is created.
 */
public interface Backend extends Gemm, AutoCloseable {

    /** Short name: {@code scalar}, {@code vector} or {@code blas}. */
    String name();

    /** Threads this backend may use for one call (1 = the calling thread only). */
    int threads();

    // ---- dense linear algebra: gemm, inherited from {@link Gemm} ------------------------------------

    // ---- bias and activations ----------------------------------------------------------------------

    /**
     * In place: {@code x[r, j] = act(x[r, j] + bias[j])} for a rows×cols row-major block (leading dim cols).
     * {@code bias} may be null (no bias). {@code alpha} is the leaky-ReLU slope, ignored otherwise.
     */
    void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff, Activation act, float alpha);

    /** Accumulate column sums: {@code db[j] += Σ_r dy[r, j]} (the bias gradient) for a rows×cols block. */
    void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff);

    /** Bias gradient of an NCHW tensor: {@code db[c] += Σ_{n,p} dy[n, c, p]}, p over {@code spatial} positions. */
    void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff);

    /** {@code y[i] = act(x[i])} for n elements (may be in place: y == x, same offset). */
    void activationForward(Activation act, float alpha, int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code dx[i] = dy[i]·act'(x[i])}, the derivative written in terms of the forward output {@code y}
     * (see {@link Activation}). May be in place (dx == dy, same offset).
     */
    void activationBackward(Activation act, float alpha, int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);

    // ---- softmax and losses ------------------------------------------------------------------------

    /** Row-wise softmax of a rows×cols block, numerically stable (max subtracted). */
    void softmax(int rows, int cols, float[] x, int xOff, float[] y, int yOff);

    /**
     * Softmax cross-entropy on logits with integer class labels. Returns the mean loss over rows, computed in
     * double and stable for large logits, and writes {@code grad = scale·(softmax(logits) - onehot(labels))}
     * (callers pass scale = 1/rows for the gradient of the mean). {@code grad} may be null (loss only).
     */
    double softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff, float scale);

    /**
     * Binary cross-entropy on logits, elementwise over n values with targets in [0, 1]. Returns the mean loss
     * (stable: {@code max(x,0) - x·t + log(1 + e^-|x|)}) and writes {@code grad = scale·(sigmoid(x) - t)} unless null.
     */
    double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale);

    /** Mean squared error over n values; writes {@code grad = scale·2·(p - t)} unless null. */
    double meanSquaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale);

    /**
     * Index of the largest value of each row of a rows×cols block (first one on ties). NaN counts as the largest
     * value, as in PyTorch's {@code argmax}: a row holding NaN gets the index of its first NaN.
     */
    void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff);

    // ---- reductions and BLAS-1 ---------------------------------------------------------------------

    /** Σ x[i]·y[i], accumulated in double. */
    double dot(int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * Whether every one of the n values from {@code x[xOff]} is finite (no NaN, no ±Inf). The trainer's per-step
     * gradient check; its result depends on the values only, never on an order of operations.
     */
    default boolean allFinite(int n, float[] x, int xOff) {
        KernelArgs.elementwise("allFinite", n, "x", x, xOff, null, null, 0);
        for (int i = 0; i < n; i++) if (!Float.isFinite(x[xOff + i])) return false;
        return true;
    }

    /** {@code y[i] += alpha·x[i]}. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** In place {@code x[i] *= alpha}. */
    void scale(int n, float alpha, float[] x, int xOff);

    // ---- optimizer updates -------------------------------------------------------------------------

    /**
     * One SGD step in place, PyTorch's formulation: {@code g' = g + weightDecay·w}; with momentum
     * {@code v = momentum·v + g'} and the step direction {@code d = nesterov ? g' + momentum·v : v};
     * without momentum (0) {@code d = g'} and {@code v} is not touched (may be null); {@code w -= lr·d}.
     */
    void sgdUpdate(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                   float[] w, int wOff, float[] g, int gOff, float[] v, int vOff);

    /**
     * One Adam step in place (PyTorch's Adam, L2 weight decay added to the gradient):
     * {@code m = b1·m + (1-b1)·g'; v = b2·v + (1-b2)·g'²; w -= lr·(m/c1) / (sqrt(v/c2) + eps)} with
     * bias corrections {@code c1 = 1 - b1^t}, {@code c2 = 1 - b2^t} computed by the caller.
     */
    void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                    float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff);

    // ---- convolution and pooling (NCHW, contiguous, offset 0) --------------------------------------

    /** Convolution forward: y = conv(x, w) + bias (bias may be null). y is overwritten. */
    void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch);

    /** Gradient w.r.t. the input: dx is overwritten with convᵀ(dy, w). */
    void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch);

    /** Gradients w.r.t. weights and bias, accumulated into dw and db (db may be null). */
    void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch);

    /**
     * Max pooling forward. {@code argmax[i]} receives, for output element i, the flat index into x of the
     * winner; ties go to the first position in row-major window order (lowest kh, then lowest kw). NaN
     * propagates as in PyTorch 1.13: a window holding NaN outputs NaN, and its arg-max is the last NaN in window
     * order (PyTorch's {@code val > max || isnan(val)}).
     */
    void maxPool2dForward(PoolGeometry p, float[] x, float[] y, int[] argmax);

    /** Max pooling backward: dx is overwritten, each dy routed to its arg-max (sums where windows overlap). */
    void maxPool2dBackward(PoolGeometry p, float[] dy, int[] argmax, float[] dx);

    /** Average pooling forward. */
    void avgPool2dForward(PoolGeometry p, float[] x, float[] y);

    /** Average pooling backward: dx is overwritten. */
    void avgPool2dBackward(PoolGeometry p, float[] dy, float[] dx);

    // ---- normalization ------------------------------------------------------------------------------

    /** The batch-norm and layer-norm kernels ({@link Normalization}) of this backend, on its threads. */
    Normalization normalization();

    /** Releases threads or native resources; the default does nothing. */
    @Override
    default void close() {}
}
