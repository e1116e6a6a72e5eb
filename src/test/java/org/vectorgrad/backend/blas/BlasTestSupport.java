package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.vectorgrad.backend.Availability;

/** Skips a test, with the reason printed, when OpenBLAS cannot be loaded here (CI installs libopenblas0). */
final class BlasTestSupport {
    private BlasTestSupport() {}

    static BlasBackendFactory requireOpenBlas() {
        BlasBackendFactory f = new BlasBackendFactory(OpenBlasLoader.configuredName());
        Availability a = f.availability();
        if (!a.available()) System.err.println("SKIPPED: OpenBLAS tests need the library: " + a.reason());
        assumeTrue(a.available(), () -> "OpenBLAS unavailable: " + a.reason());
        return f;
    }
}
