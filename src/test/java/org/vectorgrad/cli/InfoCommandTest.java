package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.blas.BlasBackendFactory;
import org.vectorgrad.backend.blas.OpenBlasLoader;

class InfoCommandTest {

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, InfoCommand.run(args, out));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneObjectOnOneLineWithEverySectionAndTheCorename() {
        String s = run("--json").strip();
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.startsWith("{") && s.endsWith("}"), s);
        for (String section : SystemInfo.sections()) assertTrue(s.contains("\"" + section + "\":{"), section + " in " + s);
        assertTrue(s.contains("\"corename\":"), s);
        assertTrue(s.contains("\"avx512f\":"), s);
        assertTrue(s.contains("\"coretype\":{"), s);
        assertBalanced(s);
        Availability blas = new BlasBackendFactory(OpenBlasLoader.configuredName()).availability();
        if (blas.available()) {
            // the corename printed is what OpenBLAS itself reports
            assertTrue(s.contains("\"corename\":\"" + OpenBlasLoader.info().coreName() + "\""), s);
        } else {
            System.err.println("OpenBLAS absent, info reports the reason: " + blas.reason());
            assertTrue(s.contains("apt-get install libopenblas0"), s);
        }
    }

    @Test
    void textListsTheSections() {
        String s = run();
        for (String section : SystemInfo.sections()) assertTrue(s.contains("\n" + section + ":") || s.startsWith(section + ":"), s);
        assertTrue(s.contains("corename:"), s);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // the vector GEMM's table and the caches it was built from, so a user can see which table runs
            assertTrue(s.contains("gemmBlocking: " + org.vectorgrad.backend.vector.VectorBackend.blockingFor(
                    org.vectorgrad.backend.vector.VectorBackend.defaultBits()).summary()), s);
            assertTrue(s.contains("caches: L1d "), s);
            assertTrue(s.contains("winograd: " + org.vectorgrad.backend.vector.conv.VectorConvolution.winogradStatus(
                    jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(), org.vectorgrad.backend.CpuFeatures.current())), s);
        }
    }

    @Test
    void badArgumentIsUsageError() {
        assertEquals(2, InfoCommand.run(new String[] {"--yaml"}, new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void jsonWriterEscapesAndNests() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("q\"uote", "a\\b\nc\t\u0001");
        m.put("list", List.of(1, 2L, true));
        m.put("none", null);
        m.put("nan", Double.NaN);
        m.put("d", 1.5);
        StringBuilder sb = new StringBuilder();
        InfoCommand.writeJson(sb, m);
        assertEquals("{\"q\\\"uote\":\"a\\\\b\\nc\\t\\u0001\",\"list\":[1,2,true],\"none\":null,\"nan\":null,\"d\":1.5}",
                sb.toString());
    }

    /** Braces and brackets balance outside strings: a cheap structural check without a JSON library. */
    private static void assertBalanced(String s) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                assertTrue(depth >= 0, "unbalanced at " + i + ": " + s);
            }
        }
        assertEquals(0, depth, s);
        assertTrue(!inString, s);
    }
}
