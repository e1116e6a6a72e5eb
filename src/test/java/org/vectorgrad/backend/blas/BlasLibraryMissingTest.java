package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.BackendUnavailableException;
import org.vectorgrad.backend.Backends;

/** An absent or wrong library is a reported reason, never a crash; runs whether or not OpenBLAS is installed. */
class BlasLibraryMissingTest {
    private static final String ABSENT = "libvectorgrad-no-such-openblas.so.0";
    private final String saved = System.getProperty(OpenBlasLoader.PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) System.clearProperty(OpenBlasLoader.PROPERTY);
        else System.setProperty(OpenBlasLoader.PROPERTY, saved);
    }

    @Test
    void absentLibraryIsUnavailableWithInstallHint() {
        Availability a = new BlasBackendFactory(ABSENT).availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains(ABSENT), a.reason());
        assertTrue(a.reason().contains("apt-get install libopenblas0"), a.reason());
    }

    @Test
    void absentPathIsUnavailable() {
        Availability a = new BlasBackendFactory("/nonexistent/dir/libopenblas.so.0").availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains("/nonexistent/dir/libopenblas.so.0"), a.reason());
    }

    @Test
    void libraryWithoutTheSymbolsIsUnavailable() {
        // libc exists everywhere and has none of the cblas_* symbols
        Availability a = new BlasBackendFactory("libc.so.6").availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains("lacks cblas_sgemm"), a.reason());
    }

    @Test
    void namedBlasBackendFailsFastWhenPropertyPointsNowhere() {
        System.setProperty(OpenBlasLoader.PROPERTY, ABSENT);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.create("blas", 1));
        assertEquals("blas", e.backend());
        assertTrue(e.getMessage().contains(ABSENT) && e.getMessage().contains("apt-get install libopenblas0"), e.getMessage());
        assertFalse(Backends.report().get("blas").available());
    }

    @Test
    void autoStillWorksWithoutBlas() {
        System.setProperty(OpenBlasLoader.PROPERTY, ABSENT);
        try (Backend auto = Backends.create("auto", 1, s -> { })) {
            float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
            auto.gemm().gemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
            assertEquals(19f, c[0]);
            assertEquals(50f, c[3]);
        }
    }
}
