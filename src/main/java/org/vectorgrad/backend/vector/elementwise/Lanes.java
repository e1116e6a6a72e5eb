package org.vectorgrad.backend.vector.elementwise;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species of the elementwise kernels, stated once, and the one lane reduction every vector kernel uses.
 * The species are static finals so that C2 sees constants (a species read from an instance field defeats the
 * intrinsics). Elementwise kernels are memory-bound, so they use the preferred width whatever width the GEMM was
 * told to use.
 *
 * <p><b>Fixed lane order.</b> {@code reduceLanes(ADD)} leaves its order unspecified, and C2 does reassociate it:
 * the same kernel gave different bits interpreted and compiled. {@link #sum(FloatVector)} and
 * {@link #sum(DoubleVector)} instead add the lanes in one fixed pairwise tree, written with lanewise adds and
 * constant permutations only: step {@code h = N/2, N/4, .., 1} adds lane {@code i ^ h} to lane {@code i}, and the
 * result is lane 0. For 8 lanes that is {@code ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7))}. Every step is an IEEE add of
 * two given floats, so the interpreter, C1 and C2 give the same bits. No other lane reduction of a sum or product
 * is allowed in the vector backend ({@code reduceLanes(MAX/MIN)} are order-free: Math.max/min results do not depend
 * on the order, NaN and ±0 included).
 *
 * <p>Thread safety: static and stateless (its shuffles are immutable constants); safe to call from any thread.
 */
public final class Lanes {
    private Lanes() {}

    /** Floats: the preferred species. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same bit size: half as many lanes, so one float vector converts to two of these. */
    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes per vector. */
    public static final int N = F.length();
    static final int ND = D.length();

    // lane i <- lane i ^ h, one shuffle per tree level (masking keeps unused levels valid for narrow species)
    private static final VectorShuffle<Float> F8 = VectorShuffle.fromOp(F, i -> (i ^ 8) & (N - 1));
    private static final VectorShuffle<Float> F4 = VectorShuffle.fromOp(F, i -> (i ^ 4) & (N - 1));
    private static final VectorShuffle<Float> F2 = VectorShuffle.fromOp(F, i -> (i ^ 2) & (N - 1));
    private static final VectorShuffle<Float> F1 = VectorShuffle.fromOp(F, i -> (i ^ 1) & (N - 1));
    static final VectorShuffle<Double> D4 = VectorShuffle.fromOp(D, i -> (i ^ 4) & (ND - 1));
    static final VectorShuffle<Double> D2 = VectorShuffle.fromOp(D, i -> (i ^ 2) & (ND - 1));
    static final VectorShuffle<Double> D1 = VectorShuffle.fromOp(D, i -> (i ^ 1) & (ND - 1));

    /** Sum of the lanes of {@code v} (species {@link #F}) in the fixed pairwise order described above. */
    public static float sum(FloatVector v) {
        if (N > 16) return sumWide(v);
        if (N == 16) v = v.add(v.rearrange(F8));
        if (N >= 8) v = v.add(v.rearrange(F4));
        if (N >= 4) v = v.add(v.rearrange(F2));
        if (N >= 2) v = v.add(v.rearrange(F1));
        return v.lane(0);
    }

    /** Sum of the lanes of {@code v} (species {@link #D}) in the fixed pairwise order described above. */
    public static double sum(DoubleVector v) {
        if (ND > 8) return sumWide(v);
        if (ND == 8) v = v.add(v.rearrange(D4));
        if (ND >= 4) v = v.add(v.rearrange(D2));
        if (ND >= 2) v = v.add(v.rearrange(D1));
        return v.lane(0);
    }

    /** The same tree for species wider than 512 bits (not seen on x86); shuffles built per call. */
    private static float sumWide(FloatVector v) {
        for (int h = N / 2; h >= 1; h >>= 1) {
            int hh = h;
            v = v.add(v.rearrange(VectorShuffle.fromOp(F, i -> i ^ hh)));
        }
        return v.lane(0);
    }

    private static double sumWide(DoubleVector v) {
        for (int h = ND / 2; h >= 1; h >>= 1) {
            int hh = h;
            v = v.add(v.rearrange(VectorShuffle.fromOp(D, i -> i ^ hh)));
        }
        return v.lane(0);
    }

    /**
     * {@link #sum(DoubleVector)} of a vector stored at {@code a[off ..]} ({@code v.intoArray(a, off)}): the same tree,
     * in place (the {@link #D}-length slice is overwritten). For kernels whose C2 compile may leave a helper taking a
     * vector un-inlined (past the inlining node budget the vector is boxed, ~100 B a call): a vector stored with the
     * always-inlined {@code intoArray} and summed here never crosses a call.
     */
    public static double sumInPlace(double[] a, int off) {
        for (int h = ND / 2; h >= 1; h >>= 1) {
            for (int i = 0; i < h; i++) a[off + i] = a[off + i] + a[off + (i ^ h)];
        }
        return a[off];
    }

    /** Scalar twin of {@link #sum(FloatVector)}: the same tree over {@code N} consecutive floats of {@code a}. */
    public static float sum(float[] a, int off) {
        float[] t = java.util.Arrays.copyOfRange(a, off, off + N);
        for (int h = N / 2; h >= 1; h >>= 1) {
            for (int i = 0; i < h; i++) t[i] = t[i] + t[i ^ h];
        }
        return t[0];
    }
}
