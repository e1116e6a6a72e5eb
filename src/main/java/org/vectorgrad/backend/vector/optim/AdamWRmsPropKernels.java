package org.vectorgrad.backend.vector.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * AdamW and RMSProp steps over ranges [from, to), in PyTorch 1.13's order of float operations. Both use exactly
 * the operations of their scalar twins in {@link org.vectorgrad.backend.scalar.ScalarUpdates}, in the same
 * order (no fused multiply-add; the vector SQRT and DIV are correctly rounded like their scalar counterparts), so
 * they match them bitwise, and any split of the range gives the same bits (every element depends on its own
 * inputs only). Stateless; safe for concurrent use on disjoint ranges.
 *
 * <p>Thread safety: static and stateless; safe to call from several threads at once on outputs that do not overlap.
 */
public final class AdamWRmsPropKernels {
    private static final VectorSpecies<Float> F = Lanes.F;   // the one preferred species
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private static final int N = F.length();

    private AdamWRmsPropKernels() {}

    /** See {@link org.vectorgrad.backend.Updates#adamW}. */
    public static void adamW(float decay, float beta1, float ob1, float beta2, float ob2, float eps, float stepSize, float sqrtC2,
                             float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = (FloatVector.fromArray(F, w, wOff + i)).mul(decay);
            FloatVector grad = (FloatVector) FT.cast(FloatVector.fromArray(F, g, gOff + i));
            FloatVector mi = (FloatVector.fromArray(F, m, mOff + i)).mul(beta1).add(grad.mul(ob1));
            FloatVector vi = (FloatVector.fromArray(F, v, vOff + i)).mul(beta2).add(grad.mul(ob2).mul(grad));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector denom = vi.sqrt().div(sqrtC2).add(eps);
            wv.sub(mi.mul(stepSize).div(denom)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            float wi = w[wOff + i] * decay;
            float grad = g[gOff + i];
            float mi = m[mOff + i] * beta1 + grad * ob1;
            float vi = v[vOff + i] * beta2 + grad * ob2 * grad;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtC2 + eps;
            w[wOff + i] = wi - stepSize * mi / denom;
        }
    }

    /** See {@link org.vectorgrad.backend.Updates#rmsProp}. */
    public static void rmsProp(float lr, float alpha, float oa, float eps, float weightDecay, float momentum, boolean centered,
                               float[] w, int wOff, float[] g, int gOff, float[] sq, int sqOff, float[] ga, int gaOff,
                               float[] buf, int bufOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            FloatVector wv = (FloatVector) FT.cast(FloatVector.fromArray(F, w, wOff + i));
            FloatVector grad = (FloatVector) FT.cast(FloatVector.fromArray(F, g, gOff + i));
            if (weightDecay != 0f) grad = grad.add(wv.mul(weightDecay));
            FloatVector s = (FloatVector.fromArray(F, sq, sqOff + i)).mul(alpha).add(grad.mul(oa).mul(grad));
            s.intoArray(sq, sqOff + i);
            FloatVector avg;
            if (centered) {
                FloatVector a = (FloatVector.fromArray(F, ga, gaOff + i)).mul(alpha).add(grad.mul(oa));
                a.intoArray(ga, gaOff + i);
                avg = s.sub(a.mul(a)).sqrt().add(eps);
            } else {
                avg = s.sqrt().add(eps);
            }
            if (momentum > 0f) {
                FloatVector b = (FloatVector.fromArray(F, buf, bufOff + i)).mul(momentum).add(grad.div(avg));
                b.intoArray(buf, bufOff + i);
                wv.sub(b.mul(lr)).intoArray(w, wOff + i);
            } else {
                wv.sub(grad.mul(lr).div(avg)).intoArray(w, wOff + i);
            }
        }
        for (; i < to; i++) {
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + w[wOff + i] * weightDecay;
            float s = sq[sqOff + i] * alpha + grad * oa * grad;
            sq[sqOff + i] = s;
            float avg;
            if (centered) {
                float a = ga[gaOff + i] * alpha + grad * oa;
                ga[gaOff + i] = a;
                avg = (float) Math.sqrt(s - a * a) + eps;
            } else {
                avg = (float) Math.sqrt(s) + eps;
            }
            if (momentum > 0f) {
                float b = buf[bufOff + i] * momentum + grad / avg;
                buf[bufOff + i] = b;
                w[wOff + i] = w[wOff + i] - lr * b;
            } else {
                w[wOff + i] = w[wOff + i] - lr * grad / avg;
            }
        }
    }
}
