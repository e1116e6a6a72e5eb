package org.vectorgrad.backend;

/**
 * The argument checks of every kernel, written once and called by the public methods of the kernel families
 * ({@link Gemm}, {@link Pointwise}, {@link Losses}, {@link Updates}, {@link Convolution}, {@link Pooling}) before any
 * implementation (scalar, vector, blas) touches memory; the blas GEMM adds its own native-safety rules in
 * {@code BlasArgs}. Bad input is an {@link IllegalArgumentException} naming the kernel, the operand, what was
 * expected and what was found, never an {@code ArrayIndexOutOfBoundsException} from inside a loop. Allocation-free
 * unless a check fails (messages are built only then).
 *
 * <p>Thread safety: stateless static checks; safe to call from any thread.
 */
public final class KernelArgs {
    private KernelArgs() {}

    /** {@code n} floats of {@code x} from {@code off} (nothing is required when {@code n <= 0}). */
    public static void length(String kernel, String name, float[] x, int off, long n) {
        if (n > 0 && (x == null || off < 0 || off + n > x.length)) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs " + n + " elements from offset " + off
                    + " but has length " + (x == null ? "null" : String.valueOf(x.length)));
        }
    }

    /** {@code n} ints of {@code x} from {@code off}. */
    public static void length(String kernel, String name, int[] x, int off, long n) {
        if (n > 0 && (x == null || off < 0 || off + n > x.length)) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs " + n + " entries from offset " + off
                    + " but has length " + (x == null ? "null" : String.valueOf(x.length)));
        }
    }

    private static void nonNegative(String kernel, int size) {
        if (size < 0) throw new IllegalArgumentException(kernel + ": negative size " + size);
    }

    private static void nonNegative(String kernel, int rows, int cols) {
        nonNegative(kernel, rows);
        nonNegative(kernel, cols);
    }

    // The checks run on every kernel call: they build a message only when they fail, so a call allocates nothing.

    /** {@link #length} for a rows×cols operand, named "name (rowsxcols)" in the message. */
    private static void matrixLength(String kernel, String name, int rows, int cols, float[] x, int off) {
        long n = (long) rows * cols;
        if (n > 0 && (x == null || off < 0 || off + n > x.length)) length(kernel, name + " (" + rows + "x" + cols + ")", x, off, n);
    }

    /** {@link #length} for a vector of n elements, named "name (n)" in the message. */
    private static void vectorLength(String kernel, String name, int n, float[] x, int off) {
        if (n > 0 && (x == null || off < 0 || (long) off + n > x.length)) length(kernel, name + " (" + n + ")", x, off, n);
    }

    // ---- gemm ---------------------------------------------------------------------------------------------------

    /** A row-major GEMM call describes valid, in-bounds operands (see {@link Gemm#gemm}). */
    public static void gemm(String kernel, boolean transA, boolean transB, int m, int n, int k,
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

    private static String shape(String name, int rows, int cols, int m, int n, int k) {
        return " (" + name + " stored " + rows + "x" + cols + " for m=" + m + " n=" + n + " k=" + k + ")";
    }

    // ---- pointwise: bias, activations, BLAS-1, reductions -------------------------------------------------------

    /** {@link Pointwise#addBias}: x holds rows×cols, bias cols. */
    public static void addBias(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        nonNegative("addBias", rows, cols);
        matrixLength("addBias", "x", rows, cols, x, xOff);
        vectorLength("addBias", "bias", cols, bias, biasOff);
    }

    /** {@link Pointwise#addBiasActivation}: x holds rows×cols, bias cols. */
    public static void addBiasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        nonNegative("addBiasActivation", rows, cols);
        matrixLength("addBiasActivation", "x", rows, cols, x, xOff);
        vectorLength("addBiasActivation", "bias", cols, bias, biasOff);
    }

    /** {@link Pointwise#columnSums}: dy holds rows×cols, db cols. */
    public static void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        nonNegative("columnSums", rows, cols);
        matrixLength("columnSums", "dy", rows, cols, dy, dyOff);
        vectorLength("columnSums", "db", cols, db, dbOff);
    }

    /** An elementwise kernel: n ≥ 0 and one or two operands of n elements each ({@code name2} null: one). */
    public static void elementwise(String kernel, int n, String name1, float[] x1, int off1, String name2, float[] x2, int off2) {
        nonNegative(kernel, n);
        length(kernel, name1, x1, off1, n);
        if (name2 != null) length(kernel, name2, x2, off2, n);
    }

    /** {@link Pointwise#activationBackward}: y, dy and dx hold n each. */
    public static void activationBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        elementwise("activationBackward", n, "y", y, yOff, "dy", dy, dyOff);
        length("activationBackward", "dx", dx, dxOff, n);
    }

    /** {@link Pointwise#dropout}: p in [0, 1], x and y hold n each. */
    public static void dropout(double p, int n, float[] x, int xOff, float[] y, int yOff) {
        org.vectorgrad.backend.scalar.ScalarDropout.checkProbability("dropout", p);
        elementwise("dropout", n, "x", x, xOff, "y", y, yOff);
    }

    // ---- softmax and losses -------------------------------------------------------------------------------------

    /** A row-wise kernel ({@code softmax}): x, and y unless null, hold rows×cols. */
    public static void rows(String kernel, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        nonNegative(kernel, rows, cols);
        matrixLength(kernel, "x", rows, cols, x, xOff);
        if (y != null) matrixLength(kernel, "y", rows, cols, y, yOff);
    }

    /** {@link Losses#softmaxCrossEntropy}: logits (and grad) rows×cols, labels rows entries. */
    public static void softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff) {
        nonNegative("softmaxCrossEntropy", rows, cols);
        matrixLength("softmaxCrossEntropy", "logits", rows, cols, logits, lOff);
        if (grad != null) matrixLength("softmaxCrossEntropy", "grad", rows, cols, grad, gOff);
        if (rows > 0 && (labels == null || labOff < 0 || labOff + rows > labels.length)) {
            throw new IllegalArgumentException("softmaxCrossEntropy: labels need " + rows + " entries from offset " + labOff);
        }
    }

    /** An elementwise loss (BCE with logits, MSE, MAE, Huber): prediction, target and grad (unless null) hold n each. */
    public static void elementwiseLoss(String kernel, int n, String predName, float[] pred, int pOff, String targetName,
                                       float[] target, int tOff, float[] grad, int gOff) {
        elementwise(kernel, n, predName, pred, pOff, targetName, target, tOff);
        if (grad != null) length(kernel, "grad", grad, gOff, n);
    }

    /** {@link Losses#huberLoss}: as {@link #elementwiseLoss}, and delta positive and finite. */
    public static void huberLoss(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float delta) {
        elementwiseLoss("huberLoss", n, "pred", pred, pOff, "target", target, tOff, grad, gOff);
        if (!(delta > 0f) || delta == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("huberLoss: delta must be positive and finite, got " + delta);
        }
    }

    /** {@link Losses#argmaxRows}: x holds rows×cols with cols ≥ 1 when rows > 0, out rows entries. */
    public static void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        rows("argmaxRows", rows, cols, x, xOff, null, 0);
        if (rows > 0 && cols < 1) throw new IllegalArgumentException("argmaxRows: " + rows + " rows of " + cols + " columns have no arg-max");
        length("argmaxRows", "out", out, outOff, rows);
    }

    // ---- optimizer updates --------------------------------------------------------------------------------------

    /** {@link Updates#sgd}: w and g hold n, the velocity too when momentum is on. */
    public static void sgdUpdate(int n, float momentum, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        elementwise("sgdUpdate", n, "w", w, wOff, "g", g, gOff);
        if (momentum != 0f) length("sgdUpdate", "velocity", v, vOff, n);
    }

    /** {@link Updates#adam}: w, g, m and v hold n each. */
    public static void adamUpdate(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        elementwise("adamUpdate", n, "w", w, wOff, "g", g, gOff);
        length("adamUpdate", "m", m, mOff, n);
        length("adamUpdate", "v", v, vOff, n);
    }

    /** {@link Updates#adamW}: w, g, m and v hold n each. */
    public static void adamWUpdate(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        elementwise("adamWUpdate", n, "w", w, wOff, "g", g, gOff);
        length("adamWUpdate", "m", m, mOff, n);
        length("adamWUpdate", "v", v, vOff, n);
    }

    /**
     * {@link Updates#rmsProp}: w, g and the square average hold n each, the gradient average too when centered,
     * the momentum buffer too when momentum is on.
     */
    public static void rmsPropUpdate(int n, float momentum, boolean centered, float[] w, int wOff, float[] g, int gOff,
                                     float[] sq, int sqOff, float[] ga, int gaOff, float[] buf, int bufOff) {
        elementwise("rmsPropUpdate", n, "w", w, wOff, "g", g, gOff);
        length("rmsPropUpdate", "square_avg", sq, sqOff, n);
        if (centered) length("rmsPropUpdate", "grad_avg", ga, gaOff, n);
        if (momentum > 0f) length("rmsPropUpdate", "momentum_buffer", buf, bufOff, n);
    }

    // ---- convolution and pooling --------------------------------------------------------------------------------

    /** The input, weights and output of a convolution kernel hold what the geometry needs from their offsets. */
    public static void conv(String kernel, ConvGeometry g, String inName, float[] in, int inOff, int inSize,
                            float[] w, int wOff, String outName, float[] out, int outOff, int outSize) {
        convArray(kernel, g, inName, in, inOff, inSize);
        convArray(kernel, g, "weights", w, wOff, g.weightSize());
        convArray(kernel, g, outName, out, outOff, outSize);
    }

    private static void convArray(String kernel, Object geometry, String name, float[] x, int off, int size) {
        if (x == null || off < 0 || (long) off + size > x.length) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs " + size + " elements from offset " + off
                    + " but has length " + (x == null ? "null" : String.valueOf(x.length)) + " (" + geometry + ")");
        }
    }

    /** An optional bias (forward) or bias gradient (backward-weights) has one entry per output channel from its offset. */
    public static void convBias(String kernel, String name, ConvGeometry g, float[] bias, int off) {
        if (bias != null && (off < 0 || (long) off + g.outChannels() > bias.length)) {
            throw new IllegalArgumentException(kernel + ": " + name + " has " + (bias.length - off) + " elements"
                    + (off == 0 ? "" : " from offset " + off) + ", expected " + g.outChannels());
        }
    }

    /** The input side and output side of a pooling kernel hold what the geometry needs from their offsets. */
    public static void pool(String kernel, PoolGeometry p, String inName, float[] in, int inOff, String outName, float[] out, int outOff) {
        convArray(kernel, p, inName, in, inOff, p.inputSize());
        convArray(kernel, p, outName, out, outOff, p.outputSize());
    }

    /** The arg-max array of a max-pooling kernel has one entry per output element (from index 0). */
    public static void argmax(String kernel, PoolGeometry p, int[] argmax) {
        if (argmax == null || argmax.length < p.outputSize()) {
            throw new IllegalArgumentException(kernel + ": argmax has " + (argmax == null ? "null" : argmax.length + " elements")
                    + ", needs " + p.outputSize() + " for " + p);
        }
    }
}
