package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;

class VectorBackendFactoryTest {

    @Test
    void availableInTheTestJvmAndLoadedByName() {
        VectorBackendFactory f = new VectorBackendFactory();
        assertEquals("vector", f.name());
        Availability a = f.availability();
        assertTrue(a.available(), a.reason());
        try (Backend b = Backends.create("vector", 2)) {
            assertInstanceOf(org.vectorgrad.backend.vector.gemm.BlockedGemm.class, b.gemm());
            assertEquals(2, b.threads());
            assertEquals("vector", b.name());
        }
        try (Backend b = Backends.create("auto", 1, w -> { throw new AssertionError("unexpected warning " + w); })) {
            assertTrue(List.of("vector", "blas", "auto").contains(b.name()), b.name());
        }
    }

    @Test
    void compilerChecksFollowTheJvmFlags() {
        assertNull(VectorBackendFactory.compilerProblem(List.of("--add-modules", "jdk.incubator.vector"), "mixed mode, sharing"));
        assertNull(VectorBackendFactory.compilerProblem(List.of("-XX:TieredStopAtLevel=4"), "mixed mode"));
        assertTrue(VectorBackendFactory.compilerProblem(List.of("-XX:TieredStopAtLevel=1"), "mixed mode").contains("TieredStopAtLevel=1"));
        assertTrue(VectorBackendFactory.compilerProblem(List.of("-Xint"), "interpreted mode").contains("-Xint"));
        assertTrue(VectorBackendFactory.compilerProblem(List.of(), "interpreted mode, sharing").contains("interpreted"));
        assertTrue(VectorBackendFactory.compilerProblem(List.of("-XX:-UseCompiler"), "mixed mode").contains("UseCompiler"));
    }

    @Test
    void explicitWidthsBuildTheirKernels() {
        for (int bits : new int[] {128, 256, 512}) {
            try (Backend vb = VectorBackend.create(1, bits)) {
                assertEquals(bits, ((org.vectorgrad.backend.vector.gemm.BlockedGemm) vb.gemm()).blocking().bits());
                float[] c = new float[1];
                vb.gemm().gemm(false, false, 1, 1, 1, 1f, new float[] {3f}, 0, 1, new float[] {4f}, 0, 1, 0f, c, 0, 1);
                assertEquals(12f, c[0]);
            }
        }
    }
}
