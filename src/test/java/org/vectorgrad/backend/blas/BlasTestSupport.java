package org.vectorgrad.backend.blas;

import org.vectorgrad.Prerequisites;
import org.vectorgrad.backend.Availability;

/** Skips a test, with the reason printed, when OpenBLAS cannot be loaded here (fails it in strict mode: see {@link Prerequisites}). */
final class BlasTestSupport {
    private BlasTestSupport() {}

    static BlasBackendFactory requireOpenBlas() {
        BlasBackendFactory f = new BlasBackendFactory(OpenBlasLoader.configuredName());
        Availability a = f.availability();
        Prerequisites.require(a.available(), "OpenBLAS tests need the library: " + a.reason());
        return f;
    }
}
