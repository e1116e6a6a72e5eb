package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.CpuFeatures;

/** The core-type table, on CPUs described by hand: the result must not depend on the machine running the test. */
class CoreTypeChooserTest {
    static final String AVX512 = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2 avx512f avx512dq avx512cd avx512bw avx512vl";

    static final CpuFeatures XEON_207 = CpuFeatures.of("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Platinum 8581C",
            AVX512 + " avx512_bf16 amx_tile amx_bf16");
    static final CpuFeatures ZEN3 = CpuFeatures.of("AuthenticAMD", 25, 1, "AMD EPYC 7B13",
            "fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2");
    static final CpuFeatures ZEN4 = CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC", AVX512 + " avx512_bf16");
    static final CpuFeatures ZEN5 = CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC 9005", AVX512 + " avx512_bf16");
    static final CpuFeatures HASWELL = CpuFeatures.of("GenuineIntel", 6, 63, "Intel Xeon E5-2690 v3",
            "fpu sse sse2 sse4_2 avx fma avx2");
    static final CpuFeatures CORE2 = CpuFeatures.of("GenuineIntel", 6, 23, "Intel Core2 Duo", "fpu sse sse2 ssse3 sse4_1");
    static final CpuFeatures OPTERON = CpuFeatures.of("AuthenticAMD", 16, 2, "AMD Opteron 2356", "fpu sse sse2 sse4a");

    @Test
    void xeonWithAvx512GetsSkylakeX() {
        assertEquals("SkylakeX", CoreTypeChooser.choose(XEON_207).coreType());
    }

    @Test
    void zen3AndZen4AreLeftToOpenBlas() {
        CoreTypeChooser.Choice z3 = CoreTypeChooser.choose(ZEN3), z4 = CoreTypeChooser.choose(ZEN4);
        assertNull(z3.coreType(), z3.reason());
        assertNull(z4.coreType(), z4.reason());
        assertTrue(z4.reason().contains("Cooperlake"), z4.reason());
    }

    @Test
    void cpusNewerThanOpenBlasTableGetFeatureBasedCore() {
        assertEquals("SkylakeX", CoreTypeChooser.choose(ZEN5).coreType());
        assertEquals("Zen", CoreTypeChooser.choose(CpuFeatures.of("AuthenticAMD", 26, 0, "x", "avx fma avx2")).coreType());
        assertEquals("Haswell", CoreTypeChooser.choose(HASWELL).coreType());
    }

    @Test
    void oldOrUnknownCpusAreLeftAlone() {
        assertNull(CoreTypeChooser.choose(CORE2).coreType());
        assertNull(CoreTypeChooser.choose(OPTERON).coreType());
        assertNull(CoreTypeChooser.choose(CpuFeatures.unknown()).coreType());
        assertNull(CoreTypeChooser.choose(CpuFeatures.of("HygonGenuine", 24, 0, "x", AVX512)).coreType());
        // AVX-512F alone (no BW/VL: Knights Landing) is not the SkylakeX set
        assertEquals("Haswell", CoreTypeChooser.choose(CpuFeatures.of("GenuineIntel", 6, 87, "Xeon Phi",
                "avx fma avx2 avx512f avx512cd")).coreType());
    }

    @Test
    void userEnvironmentAndPropertyTakePrecedence() {
        assertEquals(new CoreTypeSetup.Outcome("Haswell", "environment",
                "set by the user before the JVM started; left as is"), CoreTypeSetup.decide("Haswell", "auto", XEON_207));
        assertNull(CoreTypeSetup.decide(null, "off", XEON_207).coreType());
        assertEquals("Zen", CoreTypeSetup.decide("", "Zen", XEON_207).coreType());
        CoreTypeSetup.Outcome auto = CoreTypeSetup.decide(null, null, XEON_207);
        assertEquals("SkylakeX", auto.coreType());
        assertEquals("chooser", auto.source());
        assertEquals("none", CoreTypeSetup.decide(null, "auto", ZEN4).source());
    }

    @Test
    void parsesProcCpuinfo() {
        String text = """
                processor\t: 0
                vendor_id\t: AuthenticAMD
                cpu family\t: 25
                model\t\t: 17
                model name\t: AMD EPYC
                flags\t\t: fpu sse avx2 fma avx512f avx512bw avx512vl avx512dq avx512cd avx512_bf16

                processor\t: 1
                vendor_id\t: GenuineIntel
                cpu family\t: 6
                """;
        CpuFeatures cpu = CpuFeatures.parseProcCpuinfo(text);
        assertEquals("AuthenticAMD", cpu.vendor());
        assertEquals(25, cpu.family());
        assertEquals(17, cpu.model());
        assertEquals("AMD EPYC", cpu.modelName());
        assertTrue(cpu.hasAvx512Core());
        assertEquals(java.util.List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd",
                "avx512_bf16"), cpu.notableFlags());
    }
}
