package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;

/**
 * Elementwise losses: per-element terms in float vectors ({@link FixedMath} for exp and log1p), their sum widened
 * to double and reduced by {@link Lanes#sum}. Within 1e-6 relative of
 * the double-precision oracle for the mean; gradients within 1e-6 absolute (scaled by {@code scale}).
 *
 * <p>Thread safety: static and stateless; safe to call from several threads at once on outputs that do not overlap.
 */
public final class LossKernels {
    private static final Class<? extends Vector<Double>> DT = D.vectorType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private LossKernels() {}

    /** Σ (max(x,0) - x·t + log(1 + e^-|x|)); grad = scale·(sigmoid(x) - t) unless null. */
    public static double binaryCrossEntropyWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff,
                                                      float[] grad, int gOff, float scale) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector x = (FloatVector) FT.cast(FloatVector.fromArray(F, logits, lOff + i)), t = (FloatVector) FT.cast(FloatVector.fromArray(F, targets, tOff + i));
            FloatVector e = FixedMath.exp(x.abs().neg());
            FloatVector term = x.max(0f).sub(x.mul(t)).add(FixedMath.log1pUnit(e));
            acc0 = acc0.add((DoubleVector) DT.cast(term.convertShape(VectorOperators.F2D, D, 0)));
            acc1 = acc1.add((DoubleVector) DT.cast(term.convertShape(VectorOperators.F2D, D, 1)));
        }
        double total = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) {  // the scalar twin of the lanes above
            float x = logits[lOff + i], t = targets[tOff + i];
            total += Math.max(x, 0f) - x * t + FixedMath.log1pUnit(FixedMath.exp(-Math.abs(x)));
        }
        if (grad != null) bceGradient(n, logits, lOff, targets, tOff, grad, gOff, scale);
        return total;
    }

    /**
     * grad = scale·(sigmoid(x) - t): a loop of its own, because with it inside the loss loop C2 ran out of its
     * inlining budget and boxed every vector (4.7 MB allocated per 2^16 elements).
     */
    private static void bceGradient(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector x = (FloatVector) FT.cast(FloatVector.fromArray(F, logits, lOff + i)), t = (FloatVector) FT.cast(FloatVector.fromArray(F, targets, tOff + i));
            FixedMath.sigmoid(x).sub(t).mul(scale).intoArray(grad, gOff + i);
        }
        for (; i < n; i++) grad[gOff + i] = (FixedMath.sigmoid(logits[lOff + i]) - targets[tOff + i]) * scale;
    }

    /** Σ (p - t)² in double; grad = scale·2·(p - t) unless null. */
    public static double squaredError(int n, float[] pred, int pOff, float[] target, int tOff, float[] grad, int gOff, float scale) {
        DoubleVector acc0 = (DoubleVector) DT.cast(DoubleVector.zero(D)), acc1 = (DoubleVector) DT.cast(DoubleVector.zero(D));
        float twoScale = 2f * scale;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector p = (FloatVector) FT.cast(FloatVector.fromArray(F, pred, pOff + i)), t = (FloatVector) FT.cast(FloatVector.fromArray(F, target, tOff + i));
            DoubleVector d0 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 0))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 0)));
            DoubleVector d1 = ((DoubleVector) DT.cast(p.convertShape(VectorOperators.F2D, D, 1))).sub((DoubleVector) DT.cast(t.convertShape(VectorOperators.F2D, D, 1)));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            if (grad != null) p.sub(t).mul(twoScale).intoArray(grad, gOff + i);
        }
        double total = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) {
            double d = (double) pred[pOff + i] - target[tOff + i];
            total += d * d;
            if (grad != null) grad[gOff + i] = (float) (scale * 2.0 * d);
        }
        return total;
    }
}
