package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Regression losses beside {@link LossKernels#squaredError}: the absolute error (PyTorch's {@code L1Loss}) and the
 * Huber loss ({@code HuberLoss(delta)}). Each returns the <em>sum</em> of its per-element terms, computed in double
 * (differences widened before subtracting, as the scalar twin in
 * {@link org.vectorgrad.backend.scalar.ScalarRegressionLosses} does; the {@link org.vectorgrad.backend.Losses} family
 * divides by n) and reduced by {@link Lanes#sum} in a fixed
 * order, so the same inputs give the same bits; the gradient is written in float.
 *
 * <p>NaN propagates as in PyTorch 1.13: a NaN prediction or target gives a NaN sum, and a NaN Huber gradient element
 * (the clamp of NaN is NaN); the L1 gradient there is 0, as PyTorch's {@code sgn(NaN) = 0}. Stateless and thread-safe.
 */
public final class RegressionLossKernels {
    private static final Class<? extends Vector<Double>> DT = D.vectorType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private RegressionLossKernels() {}

    /**
     * Σ |p - t| in double; {@code grad = scale·sign(p - t)} unless null, with {@code sign(0) = 0} (PyTorch's
     * {@code sgn}, so an exact prediction gets no gradient) and {@code sign(NaN) = 0} (PyTorch 1.13's too).
     */
    public static double absoluteError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector p = (FloatVector) FT.cast(FloatVector.fromArray(F, pred, pOff + i)), t = (FloatVector) FT.cast(FloatVector.fromArray(F, target, tOff + i));
            DoubleVector d0 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 0))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 0)));
            DoubleVector d1 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 1))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 1)));
            acc0 = acc0.add(d0.abs());
            acc1 = acc1.add(d1.abs());
        }
        double total = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) total += Math.abs((double) pred[pOff + i] - target[tOff + i]);
        if (grad != null) signGradient(n, pred, pOff, target, tOff, grad, gOff, scale);
        return total;
    }

    /** grad = scale·sign(p - t); float p - t is 0 exactly when p == t, so the sign is the double difference's. */
    private static void signGradient(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        FloatVector plus = (FloatVector) FT.cast(FloatVector.broadcast(F, scale)), minus = (FloatVector) FT.cast(FloatVector.broadcast(F, -scale)), zero = (FloatVector) FT.cast(FloatVector.zero(F));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector d = (FloatVector.fromArray(F, pred, pOff + i)).sub(FloatVector.fromArray(F, target, tOff + i));
            VectorMask<Float> pos = d.compare(VectorOperators.GT, 0f), neg = d.compare(VectorOperators.LT, 0f);
            // zero and NaN lanes get 0: PyTorch 1.13's L1 gradient is grad·sgn(d), and its sgn(NaN) is 0
            zero.blend(plus, pos).blend(minus, neg).intoArray(grad, gOff + i);
        }
        for (; i < n; i++) grad[gOff + i] = signTimes(pred[pOff + i] - target[tOff + i], scale);
    }

    /** scale·sign(d) with sign(±0) = 0 and sign(NaN) = 0 (PyTorch 1.13's sgn): the scalar lanes of {@link #signGradient}. */
    static float signTimes(float d, float scale) {
        return d > 0f ? scale : d < 0f ? -scale : 0f;
    }

    /**
     * Σ huber(p - t) in double, {@code huber(d) = d²/2} when {@code |d| < delta}, else {@code delta·(|d| - delta/2)}
     * (PyTorch's {@code HuberLoss}); {@code grad = scale·clamp(p - t, -delta, delta)} unless null (NaN stays NaN).
     */
    public static double huber(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        double dd = delta;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector p = (FloatVector) FT.cast(FloatVector.fromArray(F, pred, pOff + i)), t = (FloatVector) FT.cast(FloatVector.fromArray(F, target, tOff + i));
            DoubleVector d0 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 0))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 0)));
            DoubleVector d1 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 1))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 1)));
            acc0 = acc0.add(huberTerms(d0, dd));
            acc1 = acc1.add(huberTerms(d1, dd));
        }
        double total = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) total += huberTerm((double) pred[pOff + i] - target[tOff + i], dd);
        if (grad != null) clampGradient(n, pred, pOff, target, tOff, grad, gOff, scale, delta);
        return total;
    }

    private static DoubleVector huberTerms(DoubleVector d, double delta) {
        DoubleVector a = d.abs();
        DoubleVector quad = d.mul(d).mul(0.5);
        DoubleVector lin = a.sub(0.5 * delta).mul(delta);
        // |d| < delta is false for NaN: the linear branch, NaN as well
        return lin.blend(quad, a.compare(VectorOperators.LT, delta));
    }

    /** One term of {@link #huber}, the scalar lanes of {@link #huberTerms}. */
    static double huberTerm(double d, double delta) {
        double a = Math.abs(d);
        return a < delta ? d * d * 0.5 : (a - 0.5 * delta) * delta;
    }

    private static void clampGradient(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale, float delta) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector d = (FloatVector.fromArray(F, pred, pOff + i)).sub(FloatVector.fromArray(F, target, tOff + i));
            // compare-and-blend, not min/max, so that it is the scalar lanes' expression exactly (NaN compares false)
            FloatVector c = d.blend(delta, d.compare(VectorOperators.GT, delta)).blend(-delta, d.compare(VectorOperators.LT, -delta));
            c.mul(scale).intoArray(grad, gOff + i);
        }
        for (; i < n; i++) grad[gOff + i] = clampTimes(pred[pOff + i] - target[tOff + i], scale, delta);
    }

    /** scale·clamp(d, -delta, delta) with NaN kept: the scalar lanes of {@link #clampGradient}. */
    static float clampTimes(float d, float scale, float delta) {
        float c = d > delta ? delta : d < -delta ? -delta : d;
        return c * scale;
    }
}
