package org.vectorgrad.backend.vector.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * SGD and Adam steps over ranges [from, to). Both use exactly the oracle's float operations in the same order
 * (no fused multiply-add; the vector SQRT is correctly rounded like {@code (float) Math.sqrt}), so they match
 * {@link org.vectorgrad.backend.scalar.ScalarUpdates} bitwise, and any split of the range gives the same bits.
 */
public final class OptimizerKernels {
    private static final VectorSpecies<Float> F = Lanes.F;   // the one preferred species
    private static final int N = F.length();

    private OptimizerKernels() {}

    public static void sgd(float lr, float momentum, float weightDecay, boolean nesterov,
                           float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = FloatVector.fromArray(F, w, wOff + i);
            FloatVector grad = FloatVector.fromArray(F, g, gOff + i).add(wv.mul(weightDecay));
            FloatVector d = grad;
            if (momentum != 0f) {
                FloatVector vel = FloatVector.fromArray(F, v, vOff + i).mul(momentum).add(grad);
                vel.intoArray(v, vOff + i);
                d = nesterov ? grad.add(vel.mul(momentum)) : vel;
            }
            wv.sub(d.mul(lr)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float d = grad;
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                d = nesterov ? grad + momentum * vel : vel;
            }
            w[wOff + i] -= lr * d;
        }
    }

    public static void adam(float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                            float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int from, int to) {
        float ob1 = 1f - beta1, ob2 = 1f - beta2;
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = FloatVector.fromArray(F, w, wOff + i);
            FloatVector grad = FloatVector.fromArray(F, g, gOff + i).add(wv.mul(weightDecay));
            FloatVector mi = FloatVector.fromArray(F, m, mOff + i).mul(beta1).add(grad.mul(ob1));
            // (1-b2)·g·g is evaluated left to right in the oracle: ((1-b2)·g)·g.
            FloatVector vi = FloatVector.fromArray(F, v, vOff + i).mul(beta2).add(grad.mul(ob2).mul(grad));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector denom = vi.div(c2).sqrt().add(eps);
            wv.sub(mi.div(c1).mul(lr).div(denom)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * grad;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * grad * grad;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            w[wOff + i] -= lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
        }
    }
}
