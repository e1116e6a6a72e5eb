package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;
import static org.vectorgrad.backend.vector.elementwise.Lanes.ND;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Row-wise softmax, log-softmax, softmax cross-entropy and arg-max over rows [rowFrom, rowTo). Exponentials are
 * float ({@link FixedMath#exp}), their sums double (reduced by the fixed tree of {@link Lanes#sum}, written out in the kernel), logs {@link StrictMath}; results
 * stay within 1e-6 absolute / 1e-5 relative of the double-precision oracle. Rows are independent, so splitting rows across threads changes nothing.
 */
public final class SoftmaxKernels {
    private static final Class<? extends VectorMask<Float>> FM = F.maskType();
    private static final Class<? extends Vector<Double>> DT = D.vectorType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private SoftmaxKernels() {}

    /** Largest value of a row (NaN if the row holds one). */
    static float rowMax(float[] x, int off, int cols) {
        int j = 0;
        FloatVector m = (FloatVector) FT.cast(FloatVector.broadcast(F, Float.NEGATIVE_INFINITY));
        for (int bound = F.loopBound(cols); j < bound; j += N) m = m.max(FloatVector.fromArray(F, x, off + j));
        if (j < cols) { // the tail as one masked vector: rows narrower than a vector (10 classes) have nothing else
            VectorMask<Float> tail = (VectorMask<Float>) FM.cast(F.indexInRange(j, cols));
            m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + j, tail), tail);
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Per-thread buffer for the lane sum of {@link #expShifted} with species wider than 512 bits (not seen on x86; the
     * tree otherwise runs in registers there). No vector may cross a call: inlined into {@link #crossEntropy}, C2 hit
     * its node-count cutoff and left a {@code Lanes.sum(vector)} call un-inlined, boxing the vector: 64 bytes per row,
     * 2 KB per CNN step at batch 32 and 8 lanes.
     */
    private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[Lanes.D.length()]);

    /**
     * Writes e^(x - shift) to y (may be x's storage for y) and returns their sum in double; {@code lanes} holds at
     * least {@link Lanes#D}'s lane count (overwritten).
     */
    static double expShifted(float[] x, int xOff, float shift, int cols, float[] y, int yOff, double[] lanes) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        // Whole vectors and the tail share one FixedMath.exp call site: with a second one for the tail, C2's inlining
        // budget ran out inside the tail's exp, whose lanewise ops then ran the Java fallback (three float[] per row,
        // 24 KB per batch of 128 rows, for every row width past a vector that is not whole vectors)
        for (int j = 0; j < cols; j += N) {
            boolean whole = j + N <= cols;
            // the tail as one masked vector (a 10-class row is all tail: ten scalar exps cost 4x this); lanes past the
            // row load 0 and are zeroed after the exp, so they add nothing to the sum
            VectorMask<Float> tail = (VectorMask<Float>) FM.cast(F.indexInRange(j, cols));
            FloatVector v = whole ? (FloatVector) FT.cast(FloatVector.fromArray(F, x, xOff + j)) : (FloatVector) FT.cast(FloatVector.fromArray(F, x, xOff + j, tail));
            FloatVector e = FixedMath.exp(v.sub(shift));
            if (!whole) e = e.blend(0f, tail.not());
            if (y != null) {
                if (whole) e.intoArray(y, yOff + j);
                else e.intoArray(y, yOff + j, tail);
            }
            acc0 = acc0.add((DoubleVector) DT.cast(e.convertShape(VectorOperators.F2D, D, 0)));
            acc1 = acc1.add((DoubleVector) DT.cast(e.convertShape(VectorOperators.F2D, D, 1)));
        }
        // Lanes.sum's fixed tree written out here, so that no vector crosses a call (see LANES); in registers rather
        // than through lanes[] and Lanes.sumInPlace, whose stores and reloads were a third of a narrow row's time
        DoubleVector s = acc0.add(acc1);
        if (Lanes.ND > 8) {
            s.intoArray(lanes, 0);
            return Lanes.sumInPlace(lanes, 0);
        }
        if (Lanes.ND == 8) s = s.add(s.rearrange(Lanes.D4));
        if (Lanes.ND >= 4) s = s.add(s.rearrange(Lanes.D2));
        if (Lanes.ND >= 2) s = s.add(s.rearrange(Lanes.D1));
        return s.lane(0);
    }

    /**
     * Rows of at most a vector of columns go {@link Lanes#N} rows at a time, lanes along rows ({@link #narrowRows}),
     * where one row per vector leaves lanes idle (3 classes: 3 of 16) and pays a lane reduction per row. Measured on
     * AMD Zen 5 (docs/decisions.md §2bi): 128 rows of 3 columns 4.1 → 1.35 µs, 10 columns 4.0 → 2.7 µs, 16 columns
     * 4.8 → 3.8 µs.
     */
    static final int NARROW_COLS = N;
    /** STRIDES[cols][l] = l·cols: lane l's offset in a group of N rows of cols columns (the gathers' index map). */
    private static final int[][] STRIDES = new int[NARROW_COLS + 1][];
    static {
        for (int cols = 1; cols <= NARROW_COLS; cols++) {
            STRIDES[cols] = new int[N];
            for (int l = 0; l < N; l++) STRIDES[cols][l] = l * cols;
        }
    }

    /** Per-thread scratch of {@link #narrowRows}: the exponentials by column, the rows' maxima, the sums' tree. */
    private static final class NarrowScratch {
        final float[] e = new float[NARROW_COLS * N], max = new float[N];
        final double[] sums = new double[NARROW_COLS * N];
    }

    private static final ThreadLocal<NarrowScratch> NARROW = ThreadLocal.withInitial(NarrowScratch::new);

    /**
     * N rows of {@code cols} ≤ {@link #NARROW_COLS} columns from {@code off}, lanes along rows: {@code e[j·N + l]} =
     * e^(x[l][j] − max of row l), {@code max[l]} the row's largest value (NaN if the row holds one), {@code sums[l]}
     * the sum of its exponentials in double. The same bits as {@link #rowMax} and {@link #expShifted} row by row: the
     * same max (exact), the same {@code FixedMath.exp} lane by lane, and the sum by the same fixed tree as
     * {@link Lanes#sum} over the row's lanes (lane i with lane i + h for h = N/2, ..., 1, the lower lane first; the
     * lanes past the row there hold +0, which adds nothing to a sum of exponentials), here over columns.
     */
    private static void narrowRows(float[] x, int off, int cols, NarrowScratch w) {
        int[] idx = STRIDES[cols];
        float[] e = w.e;
        double[] sums = w.sums;
        FloatVector m = (FloatVector) FT.cast(FloatVector.broadcast(F, Float.NEGATIVE_INFINITY));
        for (int j = 0; j < cols; j++) {
            FloatVector v = (FloatVector) FT.cast(FloatVector.fromArray(F, x, off + j, idx, 0)); // column j of the N rows
            v.intoArray(e, j * N);
            m = m.max(v);
        }
        m.intoArray(w.max, 0);
        for (int j = 0; j < cols; j++) {
            FloatVector ej = FixedMath.exp((FloatVector.fromArray(F, e, j * N)).sub(m));
            ej.intoArray(e, j * N);
            ((DoubleVector) DT.cast(ej.convertShape(VectorOperators.F2D, D, 0))).intoArray(sums, j * N);
            ((DoubleVector) DT.cast(ej.convertShape(VectorOperators.F2D, D, 1))).intoArray(sums, j * N + ND);
        }
        for (int h = N / 2; h >= 1; h >>= 1) {
            for (int i = 0; i < h && i + h < cols; i++) {
                for (int p = 0; p < N; p += ND) {
                    (DoubleVector.fromArray(D, sums, i * N + p)).add(DoubleVector.fromArray(D, sums, (i + h) * N + p)).intoArray(sums, i * N + p);
                }
            }
        }
    }

    public static void softmax(int cols, float[] x, int xOff, float[] y, int yOff, int rowFrom, int rowTo) {
        double[] lanes = LANES.get();
        int r = rowFrom;
        if (cols <= NARROW_COLS && rowTo - rowFrom >= N) {
            NarrowScratch w = NARROW.get();
            for (; r + N <= rowTo; r += N) {
                narrowRows(x, xOff + r * cols, cols, w); // reads all N rows before any is written (y may be x)
                for (int l = 0; l < N; l++) {
                    float f = (float) (1.0 / w.sums[l]);
                    for (int j = 0, yr = yOff + (r + l) * cols; j < cols; j++) y[yr + j] = w.e[j * N + l] * f;
                }
            }
        }
        for (; r < rowTo; r++) {
            int xr = xOff + r * cols, yr = yOff + r * cols;
            float max = rowMax(x, xr, cols);
            double sum = expShifted(x, xr, max, cols, y, yr, lanes);
            Blas1Kernels.scale((float) (1.0 / sum), y, yr, 0, cols);
        }
    }

    /**
     * Sum over rows [rowFrom, rowTo) of {@code lse(row) - logit[label]} in double, writing
     * {@code grad = scale·(softmax - onehot)} unless grad is null. Labels are checked.
     */
    public static double crossEntropy(int cols, float[] logits, int lOff, int[] labels, int labOff, float[] grad, int gOff,
                                      float scale, int rowFrom, int rowTo) {
        // loss = Σ (max - logit[label]) + Σ ln(sum): the sums (each in [1, cols] for a finite row: the max's own term
        // is e^0 = 1) are multiplied up and one StrictMath.log taken per product below 1e280 (times one more sum it
        // stays finite), instead of a log per row, which was a quarter of the kernel's time on 10-class rows
        double total = 0, product = 1;
        double[] lanes = LANES.get();
        int r = rowFrom;
        if (cols <= NARROW_COLS && rowTo - rowFrom >= N) {
            // N rows at a time, lanes along rows (narrowRows: the same bits); then row by row in order, as below
            NarrowScratch w = NARROW.get();
            for (; r + N <= rowTo; r += N) {
                for (int l = r; l < r + N; l++) checkLabel(labels[labOff + l], l, cols);
                narrowRows(logits, lOff + r * cols, cols, w);
                for (int l = 0; l < N; l++) {
                    int row = r + l, label = labels[labOff + row];
                    double sum = w.sums[l];
                    total += (double) w.max[l] - logits[lOff + row * cols + label];
                    product *= sum;
                    if (!(product < 1e280)) {
                        total += StrictMath.log(product);
                        product = 1;
                    }
                    if (grad != null) {
                        int gr = gOff + row * cols;
                        double pLabel = w.e[label * N + l] / sum;
                        float f = (float) (scale / sum);
                        for (int j = 0; j < cols; j++) grad[gr + j] = w.e[j * N + l] * f;
                        grad[gr + label] = (float) (scale * (pLabel - 1.0));
                    }
                }
            }
        }
        for (; r < rowTo; r++) {
            int base = lOff + r * cols;
            int label = labels[labOff + r];
            checkLabel(label, r, cols);
            float max = rowMax(logits, base, cols);
            double sum = expShifted(logits, base, max, cols, grad, gOff + r * cols, lanes);
            total += (double) max - logits[base + label];
            product *= sum;
            if (!(product < 1e280)) { // also NaN: a non-finite row makes the loss non-finite
                total += StrictMath.log(product);
                product = 1;
            }
            if (grad != null) {
                int gr = gOff + r * cols;
                // grad holds e^(x - max); softmax = that / sum. The label's entry: p - 1 in double from the same
                // e / sum, so that p close to 1 keeps its digits
                double pLabel = grad[gr + label] / sum;
                Blas1Kernels.scale((float) (scale / sum), grad, gr, 0, cols);
                grad[gr + label] = (float) (scale * (pLabel - 1.0));
            }
        }
        return total + StrictMath.log(product);
    }

    private static void checkLabel(int label, int row, int cols) {
        if (label < 0 || label >= cols) {
            throw new IllegalArgumentException("softmaxCrossEntropy: label " + label + " of row " + row + " is outside [0, " + cols + ")");
        }
    }

    /** First index of the largest value of each row; in a row holding NaN, the first NaN (PyTorch's argmax). */
    public static void argmaxRows(int cols, float[] x, int xOff, int[] out, int outOff, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = xOff + r * cols;
            float max = rowMax(x, base, cols);
            int best = 0;
            if (Float.isNaN(max)) {
                while (!Float.isNaN(x[base + best])) best++; // a NaN is there: the max says so
            } else {
                int j = 0;
                for (int bound = F.loopBound(cols); j < bound; j += N) {
                    long bits = (FloatVector.fromArray(F, x, base + j)).eq(max).toLong();
                    if (bits != 0) {
                        j += Long.numberOfTrailingZeros(bits);
                        break;
                    }
                }
                while (j < cols && x[base + j] != max) j++;
                best = j < cols ? j : 0;
            }
            out[outOff + r] = best;
        }
    }
}
