package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rows of at most a vector of columns go through softmax and the softmax cross-entropy {@link Lanes#N} rows at a time,
 * lanes along rows ({@code SoftmaxKernels.narrowRows}, docs/decisions.md §2bi). They must give exactly the bits of the
 * row-by-row path (one row per call takes it): the outputs, the gradients and the loss, for every such width, groups
 * that start anywhere in the rows, rows left over after whole groups, rows holding NaN or infinities, and sums whose
 * product passes the kernel's 1e280 bound (a log taken mid-call).
 */
class NarrowRowsTest {
    private static final int N = Lanes.N;

    @Test
    void softmaxGivesTheRowByRowBits() {
        SplittableRandom rng = new SplittableRandom(31);
        int groups = 0;
        for (int cols = 1; cols <= N + 1; cols++) {
            for (int[] range : ranges()) {
                int from = range[0], to = range[1];
                float[] x = logits(rng, to, cols, from);
                float[] got = new float[to * cols + 3], want = new float[to * cols + 3];
                SoftmaxKernels.softmax(cols, x, 0, got, 3, from, to);
                for (int r = from; r < to; r++) SoftmaxKernels.softmax(cols, x, 0, want, 3, r, r + 1);
                assertSameBits(want, got, "softmax cols " + cols + " rows [" + from + ", " + to + ")");
                // in place (y is x's storage): the group reads all its rows before it writes any
                float[] inPlace = x.clone();
                SoftmaxKernels.softmax(cols, inPlace, 0, inPlace, 0, from, to);
                for (int i = from * cols; i < to * cols; i++) {
                    assertEquals(Float.floatToRawIntBits(want[3 + i]), Float.floatToRawIntBits(inPlace[i]), "in place, cols " + cols);
                }
                if (cols <= SoftmaxKernels.NARROW_COLS) groups += (to - from) / N;
            }
        }
        assertTrue(groups > 0, "no group of rows was tested");
    }

    @Test
    void crossEntropyGivesTheRowByRowBits() {
        SplittableRandom rng = new SplittableRandom(32);
        for (int cols = 1; cols <= N + 1; cols++) {
            for (int[] range : ranges()) {
                int from = range[0], to = range[1];
                float[] x = logits(rng, to, cols, from);
                int[] labels = new int[to + 2];
                for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(cols);
                float scale = (float) rng.nextDouble(0.001, 2);
                float[] got = new float[to * cols + 5], want = new float[to * cols + 5];
                double loss = SoftmaxKernels.crossEntropy(cols, x, 0, labels, 2, got, 5, scale, from, to);
                for (int r = from; r < to; r++) SoftmaxKernels.crossEntropy(cols, x, 0, labels, 2, want, 5, scale, r, r + 1);
                String what = "cross-entropy cols " + cols + " rows [" + from + ", " + to + ")";
                assertSameBits(want, got, what);
                assertEquals(Double.doubleToRawLongBits(rowByRowLoss(cols, x, labels, 2, from, to)), Double.doubleToRawLongBits(loss), what);
                assertEquals(Double.doubleToRawLongBits(loss),
                        Double.doubleToRawLongBits(SoftmaxKernels.crossEntropy(cols, x, 0, labels, 2, null, 0, scale, from, to)),
                        what + ", loss only");
            }
        }
    }

    @Test
    void productOfSumsPastTheBoundTakesItsLogMidCall() {
        // 300 rows of 16 equal logits: each sum is 16, so the product passes 1e280 after 233 rows
        int cols = Math.min(16, N), rows = 300;
        float[] x = new float[rows * cols];
        int[] labels = new int[rows];
        double loss = SoftmaxKernels.crossEntropy(cols, x, 0, labels, 0, new float[rows * cols], 0, 1f, 0, rows);
        assertEquals(Double.doubleToRawLongBits(rowByRowLoss(cols, x, labels, 0, 0, rows)), Double.doubleToRawLongBits(loss));
        assertEquals(rows * Math.log(cols), loss, 1e-9 * rows);
    }

    @Test
    void aBadLabelInAGroupNamesItsRow() {
        int cols = 3, rows = 2 * N;
        int[] labels = new int[rows];
        labels[N + 1] = 3;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxKernels.crossEntropy(cols, new float[rows * cols], 0, labels, 0, new float[rows * cols], 0, 1f, 0, rows));
        assertEquals("softmaxCrossEntropy: label 3 of row " + (N + 1) + " is outside [0, 3)", e.getMessage());
    }

    /** The kernel's loss as its row-by-row loop computes it: Σ (max − logit[label]) + ln Π sums, a log per 1e280. */
    private static double rowByRowLoss(int cols, float[] x, int[] labels, int labOff, int from, int to) {
        double total = 0, product = 1;
        double[] lanes = new double[Lanes.D.length()];
        for (int r = from; r < to; r++) {
            float max = SoftmaxKernels.rowMax(x, r * cols, cols);
            double sum = SoftmaxKernels.expShifted(x, r * cols, max, cols, new float[cols], 0, lanes);
            total += (double) max - x[r * cols + labels[labOff + r]];
            product *= sum;
            if (!(product < 1e280)) {
                total += StrictMath.log(product);
                product = 1;
            }
        }
        return total + StrictMath.log(product);
    }

    /** [from, to): one group, a group and a row, groups starting past row 0, several groups and a remainder. */
    private static int[][] ranges() {
        return new int[][] {{0, N}, {0, N + 1}, {3, 3 + 2 * N}, {1, 4 * N + 3}, {0, N - 1}};
    }

    /** Logits of `rows` rows; some rows hold NaN, +Inf, −Inf or large values, one row all equal. */
    private static float[] logits(SplittableRandom rng, int rows, int cols, int from) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-20, 20);
        if (rows - from > 4) {
            x[(from + 1) * cols + rng.nextInt(cols)] = Float.NaN;
            x[(from + 2) * cols + rng.nextInt(cols)] = Float.POSITIVE_INFINITY;
            x[(from + 3) * cols + rng.nextInt(cols)] = Float.NEGATIVE_INFINITY;
            x[(from + 4) * cols + rng.nextInt(cols)] = 3e38f;
            java.util.Arrays.fill(x, from * cols, (from + 1) * cols, 0.5f);
        }
        return x;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " row by row " + want[i] + ", got " + got[i]);
            }
        }
    }
}
