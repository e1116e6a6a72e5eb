package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxKernels#expShifted} sums its lanes in place ({@link Lanes#sumInPlace}, so that no vector crosses a call
 * C2 may leave un-inlined); it must give exactly the bits of the library's one reduction, {@link Lanes#sum(DoubleVector)},
 * for rows shorter than, equal to and longer than a vector, and with infinities and NaN in the row.
 */
class ExpShiftedSumTest {

    @Test
    void sumHasTheBitsOfLanesSum() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int cols = 1; cols <= 3 * Lanes.N + 3; cols++) {
            for (int trial = 0; trial < 20; trial++) {
                float[] x = new float[cols + 2];
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-30, 30);
                if (trial == 1) x[1 + rng.nextInt(cols)] = Float.POSITIVE_INFINITY;
                if (trial == 2) x[1 + rng.nextInt(cols)] = Float.NaN;
                float shift = (float) rng.nextDouble(-5, 5);
                float[] y = new float[cols + 2], yWant = new float[cols + 2];
                double got = SoftmaxKernels.expShifted(x, 1, shift, cols, y, 1, new double[Lanes.D.length()]);
                double want = reference(x, 1, shift, cols, yWant, 1);
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), "cols " + cols + " trial " + trial);
                for (int i = 0; i < y.length; i++) assertEquals(Float.floatToRawIntBits(yWant[i]), Float.floatToRawIntBits(y[i]));
            }
        }
    }

    /**
     * The kernel as it was written with {@code Lanes.sum(acc0.add(acc1))}, its partial last vector done lane by lane:
     * the row's values past {@code cols} add zero to the accumulators.
     */
    private static double reference(float[] x, int xOff, float shift, int cols, float[] y, int yOff) {
        int n = Lanes.N, vectors = (cols + n - 1) / n;
        double[] lanes = new double[n];
        for (int v = 0; v < vectors; v++) {
            for (int l = 0; l < n && v * n + l < cols; l++) {
                float e = FixedMath.exp(x[xOff + v * n + l] - shift);
                y[yOff + v * n + l] = e;
                lanes[l] += e;
            }
        }
        // acc0 holds lanes 0 .. n/2-1, acc1 lanes n/2 .. n-1: their sum lane by lane, then the library's tree
        double[] half = new double[n / 2];
        for (int l = 0; l < n / 2; l++) half[l] = lanes[l] + lanes[n / 2 + l];
        return Lanes.sum(DoubleVector.fromArray(Lanes.D, half, 0));
    }
}
