package org.vectorgrad.backend.vector.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
     * The kernel as it was written with {@code Lanes.sum(acc0.add(acc1))}, its tail written out lane by lane: element
     * j of the tail adds to lane j mod N of the float vector, i.e. to the low (acc0) or high (acc1) double half.
     */
    private static double reference(float[] x, int xOff, float shift, int cols, float[] y, int yOff) {
        DoubleVector acc0 = DoubleVector.zero(Lanes.D), acc1 = DoubleVector.zero(Lanes.D);
        int j = 0;
        for (int bound = Lanes.F.loopBound(cols); j < bound; j += Lanes.N) {
            FloatVector e = FixedMath.exp(FloatVector.fromArray(Lanes.F, x, xOff + j).sub(shift));
            e.intoArray(y, yOff + j);
            acc0 = acc0.add((DoubleVector) e.convertShape(VectorOperators.F2D, Lanes.D, 0));
            acc1 = acc1.add((DoubleVector) e.convertShape(VectorOperators.F2D, Lanes.D, 1));
        }
        for (; j < cols; j++) { // the tail, lane by lane into the same accumulators as the kernel's masked vector
            float e = FixedMath.exp(x[xOff + j] - shift);
            y[yOff + j] = e;
            int lane = j % Lanes.N, half = Lanes.D.length();
            double[] a = (lane < half ? acc0 : acc1).toArray();
            a[lane % half] += e;
            if (lane < half) acc0 = DoubleVector.fromArray(Lanes.D, a, 0);
            else acc1 = DoubleVector.fromArray(Lanes.D, a, 0);
        }
        return Lanes.sum(acc0.add(acc1));
    }
}
