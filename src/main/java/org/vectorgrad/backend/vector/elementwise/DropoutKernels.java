package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.scalar.ScalarDropout;

/**
 * Dropout's mask and multiply in vector lanes: the hash of {@link ScalarDropout} (its scalar twin, which also
 * finishes the tail) computed on int lanes of the float species' shape, with wrapping int multiply, xor and
 * unsigned shifts only, each defined to the bit; so the mask of element i depends on (seed, step, i) alone: not on
 * the thread split, the lane count, or the JIT. Stateless and thread-safe.
 */
public final class DropoutKernels {
    private DropoutKernels() {}

    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final Class<? extends Vector<Float>> FT = F.vectorType();
    private static final Class<? extends Vector<Integer>> IT = I.vectorType();
    private static final IntVector IOTA = (IntVector.zero(I)).addIndex(1);

    private static IntVector fmix32(IntVector h) {
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        h = h.mul(0x85EBCA6B);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13));
        h = h.mul(0xC2B2AE35);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
    }

    /** {@code y[i] = x[i]·m_i} for i in [from, to) (offsets added; may be in place), as {@link ScalarDropout#apply}. */
    public static void apply(double p, long seed, long step, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        long key = ScalarDropout.key(seed, step);
        int k0 = (int) key, k1 = (int) (key >>> 32), threshold = ScalarDropout.threshold(p);
        float scale = ScalarDropout.scale(p);
        FloatVector zero = (FloatVector) FT.cast(FloatVector.zero(F)), kept = (FloatVector) FT.cast(FloatVector.broadcast(F, scale));
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            IntVector h = IOTA.add(i).mul(ScalarDropout.INDEX_MULTIPLIER).add(k0);
            h = fmix32(fmix32(h).lanewise(VectorOperators.XOR, k1));
            VectorMask<Float> keep = h.lanewise(VectorOperators.LSHR, 8).compare(VectorOperators.GE, threshold).cast(F);
            (FloatVector.fromArray(F, x, xOff + i)).mul(zero.blend(kept, keep)).intoArray(y, yOff + i);
        }
        ScalarDropout.apply(p, seed, step, x, xOff, y, yOff, i, to);
    }
}
