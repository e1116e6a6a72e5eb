package org.vectorgrad.backend.vector;

import org.vectorgrad.backend.vector.elementwise.Lanes;

/** Isolates the first touch of {@code jdk.incubator.vector} so the factory can check the module before linking. */
final class SpeciesProbe {
    private SpeciesProbe() {}

    /** Width of the one preferred species, {@link Lanes#F}. */
    static int preferredBits() {
        return Lanes.F.vectorBitSize();
    }
}
