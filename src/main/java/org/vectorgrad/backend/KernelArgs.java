package org.vectorgrad.backend;

/**
 * The argument checks of every {@link Backend} kernel, one method per kernel family, written once and called by
 * every implementation (scalar, vector; the blas backend adds its own native-safety rules in {@code BlasArgs}) before
 * it touches memory. Bad input is an {@link IllegalArgumentException} naming the kernel, the operand, what was
 * expected and what was found, never an {@code ArrayIndexOutOfBoundsException} from inside a loop. Allocation-free
 * unless a check fails (messages are built only then).
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

    private static void nonNegative(String kernel, int... sizes) {
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException(kernel + ": negative size " + s);
        }
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

    /** {@link Backend#biasActivation}: x holds rows×cols, bias (when given) cols. */
    public static void biasActivation(int rows, int cols, float[] x, int xOff, float[] bias, int biasOff) {
        nonNegative("biasActivation", rows, cols);
        length("biasActivation", "x (" + rows + "x" + cols + ")", x, xOff, (long) rows * cols);
        if (bias != null) length("biasActivation", "bias (" + cols + ")", bias, biasOff, cols);
    }

    /** {@link Backend#columnSums}: dy holds rows×cols, db cols. */
    public static void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff) {
        nonNegative("columnSums", rows, cols);
        length("columnSums", "dy (" + rows + "x" + cols + ")", dy, dyOff, (long) rows * cols);
        length("columnSums", "db (" + cols + ")", db, dbOff, cols);
    }

    /** {@link Backend#channelSums}: dy holds batch×channels×spatial, db channels. */
    public static void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff) {
        nonNegative("channelSums", batch, channels, spatial);
        length("channelSums", "dy (" + batch + "x" + channels + "x" + spatial + ")", dy, dyOff, (long) batch * channels * spatial);
        length("channelSums", "db (" + channels + ")", db, dbOff, channels);
    }

    /** An elementwise kernel: n ≥ 0 and one or two operands of n elements each ({@code name2} null: one). */
    public static void elementwise(String kernel, int n, String name1, float[] x1, int off1, String name2, float[] x2, int off2) {
        nonNegative(kernel, n);
        length(kernel, name1, x1, off1, n);
        if (name2 != null) length(kernel, name2, x2, off2, n);
    }

    /** {@link Backend#activationBackward}: y, dy and dx hold n each. */
    public static void activationBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        elementwise("activationBackward", n, "y", y, yOff, "dy", dy, dyOff);
        length("activationBackward", "dx", dx, dxOff, n);
    }

    // ---- softmax and losses -------------------------------------------------------------------------------------

    /** A row-wise kernel ({@code softmax}): x, and y unless null, hold rows×cols. */
    public static void rows(String kernel, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        nonNegative(kernel, rows, cols);
        length(kernel, "x (" + rows + "x" + cols + ")", x, xOff, (long) rows * cols);
        if (y != null) length(kernel, "y (" + rows + "x" + cols + ")", y, yOff, (long) rows * cols);
    }

    /** {@link Backend#softmaxCrossEntropy}: logits (and grad) rows×cols, labels rows entries. */
    public static void softmaxCrossEntropy(int rows, int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff) {
        nonNegative("softmaxCrossEntropy", rows, cols);
        length("softmaxCrossEntropy", "logits (" + rows + "x" + cols + ")", logits, lOff, (long) rows * cols);
        if (grad != null) length("softmaxCrossEntropy", "grad (" + rows + "x" + cols + ")", grad, gOff, (long) rows * cols);
        if (rows > 0 && (labels == null || labOff < 0 || labOff + rows > labels.length)) {
            throw new IllegalArgumentException("softmaxCrossEntropy: labels need " + rows + " entries from offset " + labOff);
        }
    }

    /** An elementwise loss (BCE with logits, MSE): prediction, target and grad (unless null) hold n each. */
    public static void elementwiseLoss(String kernel, int n, String predName, float[] pred, int pOff, String targetName,
                                       float[] target, int tOff, float[] grad, int gOff) {
        elementwise(kernel, n, predName, pred, pOff, targetName, target, tOff);
        if (grad != null) length(kernel, "grad", grad, gOff, n);
    }

    /** {@link Backend#argmaxRows}: x holds rows×cols with cols ≥ 1 when rows > 0, out rows entries. */
    public static void argmaxRows(int rows, int cols, float[] x, int xOff, int[] out, int outOff) {
        rows("argmaxRows", rows, cols, x, xOff, null, 0);
        if (rows > 0 && cols < 1) throw new IllegalArgumentException("argmaxRows: " + rows + " rows of " + cols + " columns have no arg-max");
        length("argmaxRows", "out", out, outOff, rows);
    }

    // ---- optimizer updates --------------------------------------------------------------------------------------

    /** {@link Backend#sgdUpdate}: w and g hold n, the velocity too when momentum is on. */
    public static void sgdUpdate(int n, float momentum, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        elementwise("sgdUpdate", n, "w", w, wOff, "g", g, gOff);
        if (momentum != 0f) length("sgdUpdate", "velocity", v, vOff, n);
    }

    /** {@link Backend#adamUpdate}: w, g, m and v hold n each. */
    public static void adamUpdate(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        elementwise("adamUpdate", n, "w", w, wOff, "g", g, gOff);
        length("adamUpdate", "m", m, mOff, n);
        length("adamUpdate", "v", v, vOff, n);
    }

    /** {@link Backend#adamWUpdate}: w, g, m and v hold n each. */
    public static void adamWUpdate(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        elementwise("adamWUpdate", n, "w", w, wOff, "g", g, gOff);
        length("adamWUpdate", "m", m, mOff, n);
        length("adamWUpdate", "v", v, vOff, n);
    }

    /**
     * {@link Backend#rmsPropUpdate}: w, g and the square average hold n each, the gradient average too when centered,
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

    /** The three arrays of a convolution kernel hold at least what the geometry needs. */
    public static void conv(String kernel, ConvGeometry g, float[] in, String inName, int inSize,
                            float[] w, float[] out, String outName, int outSize) {
        if (in == null || w == null || out == null) throw new IllegalArgumentException(kernel + ": null array for " + g);
        if (in.length < inSize || out.length < outSize || w.length < g.weightSize()) {
            throw new IllegalArgumentException(kernel + ": arrays too small for " + g + ": " + inName + " has " + in.length
                    + " (needs " + inSize + "), weights " + w.length + " (needs " + g.weightSize() + "), " + outName + " has "
                    + out.length + " (needs " + outSize + ")");
        }
    }

    /** An optional bias (forward) or bias gradient (backward-weights) has one entry per output channel. */
    public static void convBias(String kernel, String name, ConvGeometry g, float[] bias) {
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException(kernel + ": " + name + " has " + bias.length + " elements, expected " + g.outChannels());
        }
    }

    /** The input side and output side of a pooling kernel hold at least what the geometry needs. */
    public static void pool(String kernel, PoolGeometry p, int inLen, int outLen) {
        if (inLen < p.inputSize() || outLen < p.outputSize()) {
            throw new IllegalArgumentException(kernel + ": arrays too small for " + p + ": input side has " + inLen
                    + " (needs " + p.inputSize() + "), output side has " + outLen + " (needs " + p.outputSize() + ")");
        }
    }
}
