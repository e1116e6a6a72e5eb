package org.vectorgrad.backend.vector.elementwise;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species of the elementwise kernels, stated once. They are static finals so that C2 sees constants (a
 * species read from an instance field defeats the intrinsics). Elementwise kernels are memory-bound, so they use
 * the preferred width whatever width the GEMM was told to use.
 */
public final class Lanes {
    private Lanes() {}

    /** Floats: the preferred species. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same bit size: half as many lanes, so one float vector converts to two of these. */
    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes per vector. */
    public static final int N = F.length();
}
