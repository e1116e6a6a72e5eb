package org.vectorgrad.backend.vector.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * SGD and Adam steps over ranges [from, to). Both use exactly the oracle's float operations in the same order
 * (no fused multiply-add; the vector SQRT is correctly rounded like {@code (float) Math.sqrt}), so they match
 * {@link org.vectorgrad.backend.scalar.ScalarUpdates} bitwise, and any split of the range gives the same bits.
 *
 * <p>Thread safety: static and stateless; safe to call from several threads at once on outputs that do not overlap.
 */
public final class OptimizerKernels {
    private static final VectorSpecies<Float> F = Lanes.F;   // the one preferred species
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private static final int N = F.length();

    private OptimizerKernels() {}

    public static void sgd(float lr, float momentum, float weightDecay, boolean nesterov,
                           float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = (FloatVector) FT.cast(FloatVector.fromArray(F, w, wOff + i));
            FloatVector grad = (FloatVector) FT.cast(FloatVector.fromArray(F, g, gOff + i));
            if (weightDecay != 0f) grad = grad.add(wv.mul(weightDecay)); // as PyTorch: no 0·w term (0·Inf is NaN)
            FloatVector d = grad;
            if (momentum != 0f) {
                FloatVector vel = (FloatVector.fromArray(F, v, vOff + i)).mul(momentum).add(grad);
                vel.intoArray(v, vOff + i);
                d = nesterov ? grad.add(vel.mul(momentum)) : vel;
            }
            wv.sub(d.mul(lr)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + weightDecay * w[wOff + i];
            float d = grad;
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                d = nesterov ? grad + momentum * vel : vel;
            }
            w[wOff + i] -= lr * d;
        }
    }

    /** See {@link org.vectorgrad.backend.Updates#adam}: PyTorch 1.13's order, as {@link AdamWRmsPropKernels#adamW}. */
    public static void adam(float weightDecay, float beta1, float ob1, float beta2, float ob2, float eps, float stepSize, float sqrtC2,
                            float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = (FloatVector) FT.cast(FloatVector.fromArray(F, w, wOff + i));
            FloatVector grad = (FloatVector) FT.cast(FloatVector.fromArray(F, g, gOff + i));
            if (weightDecay != 0f) grad = grad.add(wv.mul(weightDecay)); // as PyTorch: no 0·w term (0·Inf is NaN)
            FloatVector mi = (FloatVector.fromArray(F, m, mOff + i)).mul(beta1).add(grad.mul(ob1));
            // (1-b2)·g·g is evaluated left to right in the oracle: (g·(1-b2))·g.
            FloatVector vi = (FloatVector.fromArray(F, v, vOff + i)).mul(beta2).add(grad.mul(ob2).mul(grad));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector denom = vi.sqrt().div(sqrtC2).add(eps);
            wv.sub(mi.mul(stepSize).div(denom)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            float wi = w[wOff + i];
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + weightDecay * wi;
            float mi = m[mOff + i] * beta1 + grad * ob1;
            float vi = v[vOff + i] * beta2 + grad * ob2 * grad;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtC2 + eps;
            w[wOff + i] = wi - stepSize * mi / denom;
        }
    }
}
