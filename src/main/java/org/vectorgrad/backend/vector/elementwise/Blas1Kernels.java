package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;

/**
 * axpy (the pointwise family) and scale (the softmax kernels) on ranges; the same float operations as the oracle (no
 * fused multiply-add), so bitwise equal.
 *
 * <p>Thread safety: static and stateless; safe to call from several threads at once on outputs that do not overlap.
 */
public final class Blas1Kernels {
    private static final Class<? extends VectorMask<Float>> FM = F.maskType();
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private Blas1Kernels() {}

    /** {@code y[i] += alpha·x[i]} for i in [from, to). */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            (FloatVector.fromArray(F, x, xOff + i)).mul(alpha).add(FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < to; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** {@code x[i] *= alpha} for i in [from, to). */
    public static void scale(float alpha, float[] x, int xOff, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += N) {
            (FloatVector.fromArray(F, x, xOff + i)).mul(alpha).intoArray(x, xOff + i);
        }
        if (i < to) { // the tail as one masked vector: the same product per element as a scalar loop
            VectorMask<Float> tail = (VectorMask<Float>) FM.cast(F.indexInRange(i, to));
            (FloatVector.fromArray(F, x, xOff + i, tail)).mul(alpha).intoArray(x, xOff + i, tail);
        }
    }
}
