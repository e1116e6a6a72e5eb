package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Row-wise softmax, log-softmax, softmax cross-entropy and arg-max over rows [rowFrom, rowTo). Exponentials are
 * float ({@link FixedMath#exp}), their sums double (reduced by the fixed tree of {@link Lanes#sum}, written out in the kernel), logs {@link StrictMath}; results
 * stay within 1e-6 absolute / 1e-5 relative of the double-precision oracle. Rows are independent, so splitting rows across threads changes nothing.
 */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    /** Largest value of a row (NaN if the row holds one). */
    static float rowMax(float[] x, int off, int cols) {
        int j = 0;
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int bound = F.loopBound(cols); j < bound; j += N) m = m.max(FloatVector.fromArray(F, x, off + j));
        if (j < cols) { // the tail as one masked vector: rows narrower than a vector (10 classes) have nothing else
            VectorMask<Float> tail = F.indexInRange(j, cols);
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
        DoubleVector acc0 = DoubleVector.zero(D), acc1 = DoubleVector.zero(D);
        // Whole vectors and the tail share one FixedMath.exp call site: with a second one for the tail, C2's inlining
        // budget ran out inside the tail's exp, whose lanewise ops then ran the Java fallback (three float[] per row,
        // 24 KB per batch of 128 rows, for every row width past a vector that is not whole vectors)
        for (int j = 0; j < cols; j += N) {
            boolean whole = j + N <= cols;
            // the tail as one masked vector (a 10-class row is all tail: ten scalar exps cost 4x this); lanes past the
            // row load 0 and are zeroed after the exp, so they add nothing to the sum
            VectorMask<Float> tail = F.indexInRange(j, cols);
            FloatVector v = whole ? FloatVector.fromArray(F, x, xOff + j) : FloatVector.fromArray(F, x, xOff + j, tail);
            FloatVector e = FixedMath.exp(v.sub(shift));
            if (!whole) e = e.blend(0f, tail.not());
            if (y != null) {
                if (whole) e.intoArray(y, yOff + j);
                else e.intoArray(y, yOff + j, tail);
            }
            acc0 = acc0.add((DoubleVector) e.convertShape(VectorOperators.F2D, D, 0));
            acc1 = acc1.add((DoubleVector) e.convertShape(VectorOperators.F2D, D, 1));
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

    public static void softmax(int cols, float[] x, int xOff, float[] y, int yOff, int rowFrom, int rowTo) {
        double[] lanes = LANES.get();
        for (int r = rowFrom; r < rowTo; r++) {
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
        for (int r = rowFrom; r < rowTo; r++) {
            int base = lOff + r * cols;
            int label = labels[labOff + r];
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("softmaxCrossEntropy: label " + label + " of row " + r + " is outside [0, " + cols + ")");
            }
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
                    long bits = FloatVector.fromArray(F, x, base + j).eq(max).toLong();
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
