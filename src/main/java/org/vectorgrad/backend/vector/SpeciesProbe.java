package org.vectorgrad.backend.vector;

import jdk.incubator.vector.FloatVector;

/** Isolates the first touch of {@code jdk.incubator.vector} so the factory can check the module before linking. */
final class SpeciesProbe {
    private SpeciesProbe() {}

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
