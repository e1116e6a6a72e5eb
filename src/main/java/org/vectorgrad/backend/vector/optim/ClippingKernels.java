package org.vectorgrad.backend.vector.optim;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * Gradient clipping's sum of squares: every float widened to double, squared and accumulated in double in two
 * vector accumulators, their lanes reduced by the fixed tree of {@link Lanes#sum}, the tail added in index order.
 * One thread, a fixed order: the same bits on every call whatever the JIT compiled (never {@code reduceLanes}).
 * Stateless; safe for concurrent use.
 */
public final class ClippingKernels {
    private static final Class<? extends Vector<Double>> DT = D.vectorType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private ClippingKernels() {}

    /** {@code Σ x[i]²} for i in [0, n), squares and sum in double. */
    public static double sumOfSquares(int n, float[] x, int xOff) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector a = (FloatVector) FT.cast(FloatVector.fromArray(F, x, xOff + i));
            DoubleVector lo = (DoubleVector) DT.cast(a.convertShape(VectorOperators.F2D, D, 0));
            DoubleVector hi = (DoubleVector) DT.cast(a.convertShape(VectorOperators.F2D, D, 1));
            acc0 = lo.fma(lo, acc0);
            acc1 = hi.fma(hi, acc1);
        }
        double s = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) s += (double) x[xOff + i] * x[xOff + i];
        return s;
    }
}
