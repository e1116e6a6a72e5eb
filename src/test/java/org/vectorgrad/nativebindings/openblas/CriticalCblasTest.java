package org.vectorgrad.nativebindings.openblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.blas.OpenBlasLoader;

/**
 * The generated bindings find their symbols in the library the loader bound (not in some other copy), and
 * {@link CriticalCblas} passes heap arrays where jextract's plain handles refuse them.
 */
class CriticalCblasTest {

    @BeforeEach
    void requireOpenBlas() {
        Availability a = OpenBlasLoader.availability(OpenBlasLoader.configuredName());   // binds it
        if (!a.available()) System.err.println("SKIPPED: OpenBLAS tests need the library: " + a.reason());
        org.vectorgrad.Prerequisites.require(a.available(), "OpenBLAS unavailable: " + a.reason());
    }

    @Test
    void generatedAddressesAreThoseOfTheBoundLibrary() {
        OpenBlasLibrary lib = OpenBlasLibrary.bound();
        Map<String, Supplier<MemorySegment>> generated = Map.of(
                "cblas_sgemm", cblas_h::cblas_sgemm$address, "cblas_sgemv", cblas_h::cblas_sgemv$address,
                "cblas_saxpy", cblas_h::cblas_saxpy$address, "cblas_sdot", cblas_h::cblas_sdot$address,
                "cblas_sscal", cblas_h::cblas_sscal$address,
                "openblas_set_num_threads", cblas_h::openblas_set_num_threads$address,
                "openblas_get_num_threads", cblas_h::openblas_get_num_threads$address,
                "openblas_get_config", cblas_h::openblas_get_config$address,
                "openblas_get_corename", cblas_h::openblas_get_corename$address);
        assertEquals(OpenBlasLibrary.SYMBOLS.size(), generated.size());
        for (String s : OpenBlasLibrary.SYMBOLS) {
            assertEquals(lib.findOrThrow(s).address(), generated.get(s).get().address(), s + " in " + lib.name());
        }
    }

    @Test
    void theBoundLibrarysFileIsFoundInTheMappings() {
        long sgemm = OpenBlasLibrary.bound().findOrThrow("cblas_sgemm").address();
        Optional<Path> file = OpenBlasLibrary.mappedFile(sgemm);
        assertTrue(file.isPresent() && Files.isRegularFile(file.get()), String.valueOf(file));
        assertEquals(Optional.empty(), OpenBlasLibrary.mappedFile(0L));
    }

    @Test
    void criticalHandlesTakeHeapArraysWhereGeneratedOnesRefuseThem() {
        int rm = cblas_h.CblasRowMajor(), nt = cblas_h.CblasNoTrans(), t = cblas_h.CblasTrans();
        float[] a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12}, c = {99, 99, 99, 99};
        // C (2x2) = A (2x3) . B (3x2), B read from offset 0, C's old values scaled by beta 0
        CriticalCblas.cblas_sgemm(rm, nt, nt, 2, 2, 3, 1f, MemorySegment.ofArray(a), 3, MemorySegment.ofArray(b), 2,
                0f, MemorySegment.ofArray(c), 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
        float[] y = {1, 1};
        CriticalCblas.cblas_sgemv(rm, t, 3, 2, 1f, MemorySegment.ofArray(b), 2,
                MemorySegment.ofArray(new float[] {1, 0, 1}), 1, 1f, MemorySegment.ofArray(y), 1);
        assertArrayEquals(new float[] {1 + 7 + 11, 1 + 8 + 12}, y);
        float[] x = {1, 2, 3}, z = {10, 20, 30, 40};
        CriticalCblas.cblas_saxpy(3, 2f, MemorySegment.ofArray(x), 1, MemorySegment.ofArray(z).asSlice(4), 1);
        assertArrayEquals(new float[] {10, 22, 34, 46}, z);
        CriticalCblas.cblas_sscal(2, -1f, MemorySegment.ofArray(z).asSlice(8), 1);
        assertArrayEquals(new float[] {10, 22, -34, -46}, z);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cblas_h.cblas_sgemm(rm, nt, nt,
                2, 2, 3, 1f, MemorySegment.ofArray(a), 3, MemorySegment.ofArray(b), 2, 0f, MemorySegment.ofArray(c), 2));
        assertTrue(e.getMessage().contains("Heap segment not allowed"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {   // the generated handle itself works on off-heap memory
            MemorySegment oa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), ob = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment oc = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            cblas_h.cblas_sgemm(rm, nt, nt, 2, 2, 3, 1f, oa, 3, ob, 2, 0f, oc, 2);
            assertArrayEquals(new float[] {58, 64, 139, 154}, oc.toArray(ValueLayout.JAVA_FLOAT));
            // sdot over A's first column (1, 4) and C's first column (58, 139)
            assertEquals(1f * 58 + 4f * 139, cblas_h.cblas_sdot(2, oa, 3, oc, 2));
        }
    }
}
