package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nativebindings.openblas.OpenBlasLibrary;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/** The loader's bookkeeping, the one-library-per-process binding and the thread policy. */
class OpenBlasLibraryTest {

    @Test
    void absentLibraryIsOpenedOnceAndReportsWhy() {
        OpenBlasLibrary a = OpenBlasLibrary.open("libvectorgrad-absent-2.so");
        assertSame(a, OpenBlasLibrary.open("libvectorgrad-absent-2.so"));
        assertFalse(a.usable());
        assertTrue(a.failure().contains("libvectorgrad-absent-2.so"), a.failure());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.findOrThrow("cblas_sgemm"));
        assertTrue(e.getMessage().contains("OpenBLAS unavailable"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenBlasLibrary.bind(a));
    }

    @Test
    void enumConstantsHaveCblasValues() {
        // plain values in cblas_h; its class initializer opens no library (symbols are looked up per function)
        assertEquals(101, cblas_h.CblasRowMajor());
        assertEquals(111, cblas_h.CblasNoTrans());
        assertEquals(112, cblas_h.CblasTrans());
    }

    @Test
    void aSecondLibraryNameIsRefusedOnceOneIsBound() {
        BlasTestSupport.requireOpenBlas();   // binds the configured library
        OpenBlasLibrary bound = OpenBlasLibrary.boundOrNull();
        assertNotNull(bound);
        Path real = Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(real) && !bound.name().equals(real.toString()),
                "needs Debian's " + real + " under another name than the bound one");
        Availability a = new BlasBackendFactory(real.toString()).availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains("already in use") && a.reason().contains(bound.name()), a.reason());
    }

    /** OpenBLAS never runs threads of its own: a 2-thread backend's GEMMs are one-thread OpenBLAS calls (docs/blas.md). */
    @Test
    void openBlasRunsOneThreadWhateverTheBackendsThreadCount() {
        BlasBackendFactory f = BlasTestSupport.requireOpenBlas();
        try (Backend one = f.create(1); Backend two = f.create(2)) {
            assertEquals(1, cblas_h.openblas_get_num_threads());
            float[] a = new float[256 * 256], b = new float[256 * 256], c = new float[256 * 256];
            for (int i = 0; i < a.length; i++) { a[i] = (i % 7) - 3; b[i] = (i % 5) - 2; }
            two.gemm().gemm(false, false, 256, 256, 256, 1f, a, 0, 256, b, 0, 256, 0f, c, 0, 256);   // cut over 2 threads
            assertEquals(1, cblas_h.openblas_get_num_threads());
            float want = 0;
            for (int p = 0; p < 256; p++) want += a[255 * 256 + p] * b[p * 256 + 255];
            assertEquals(want, c[256 * 256 - 1]);   // small integers: exact in any order
            one.gemm().gemm(false, false, 256, 256, 256, 1f, a, 0, 256, b, 0, 256, 0f, c, 0, 256);
            assertEquals(1, cblas_h.openblas_get_num_threads());
        }
    }
}
