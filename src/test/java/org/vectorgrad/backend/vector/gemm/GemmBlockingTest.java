package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The blocking tables are pure functions of (vector bits, caches): checked for both CPUs of PERFORMANCE.md. */
class GemmBlockingTest {

    @Test
    void avx512XeonTable() {
        GemmBlocking b = GemmBlocking.forCaches(512, 48 << 10, 2 << 20, 32 << 20);
        // KC: the 12 x 512 A micro-panel fills half of the 48 KiB L1; NC: the 512 x 512 B block half of L2
        assertEquals(new GemmBlocking(512, 12, 32, 512, 672, 512), b);
        assertInvariants(b, 48 << 10, 2 << 20);
        assertTrue((long) b.kc() * b.nc() * 4 <= (1 << 20), "B block in half of L2: " + b);
    }

    @Test
    void avx512Zen4Table() {
        GemmBlocking b = GemmBlocking.forCaches(512, 32 << 10, 1 << 20, 32 << 20);
        // a 12 x 384 A micro-panel is more than half of a 32 KiB L1: KC stays 384; the B block in half of L2: 320
        assertEquals(new GemmBlocking(512, 12, 32, 384, 336, 320), b);
        assertInvariants(b, 32 << 10, 1 << 20);
    }

    @Test
    void avx512OnAmdKeepsTheL3BoundOnNc() {
        // AMD's L3 feeds the 512-bit tile's sweeps: NC from a quarter of L3 (capped at 4096), as for the other widths,
        // so op(A) is packed once per 4096 columns instead of once per 320-512 (decisions §2y); KC and MC as on Intel;
        // single-row-block products take K up to 1024 in one pass (decisions §2ac)
        assertEquals(new GemmBlocking(512, 12, 32, 384, 336, 4096, 1024), GemmBlocking.forCaches(512, 32 << 10, 1 << 20, 32 << 20, false, true));
        assertEquals(new GemmBlocking(512, 12, 32, 512, 672, 4096, 1024), GemmBlocking.forCaches(512, 48 << 10, 2 << 20, 32 << 20, false, true));
        // a small L3 still bounds it: 8 MiB / 4 / (512 x 4 bytes) = 1024 columns
        assertEquals(1024, GemmBlocking.forCaches(512, 48 << 10, 1 << 20, 8 << 20, false, true).nc());
        // the narrower tiles had the L3 bound already: the flag changes nothing there
        for (int bits : new int[] {128, 256}) {
            for (boolean polls : new boolean[] {false, true}) {
                assertEquals(GemmBlocking.forCaches(bits, 32 << 10, 512 << 10, 32 << 20, polls, false),
                        GemmBlocking.forCaches(bits, 32 << 10, 512 << 10, 32 << 20, polls, true));
            }
        }
        assertEquals(GemmBlocking.forCaches(512, 48 << 10, 2 << 20, 32 << 20), GemmBlocking.forCaches(512, 48 << 10, 2 << 20, 32 << 20, true, false));
    }

    @Test
    void streamingL3IsAmdsOnly() {
        String flags = "fpu sse sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl";
        assertTrue(GemmBlocking.streamingL3(org.vectorgrad.backend.CpuFeatures.of("AuthenticAMD", 25, 1, "AMD EPYC 7B13", "fpu avx avx2 fma")), "Zen 3");
        assertTrue(GemmBlocking.streamingL3(org.vectorgrad.backend.CpuFeatures.of("AuthenticAMD", 25, 17, "AMD EPYC 9B14", flags)), "Zen 4");
        assertTrue(GemmBlocking.streamingL3(org.vectorgrad.backend.CpuFeatures.of("AuthenticAMD", 26, 2, "AMD EPYC", flags)), "Zen 5");
        assertTrue(!GemmBlocking.streamingL3(org.vectorgrad.backend.CpuFeatures.of("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Platinum 8581C CPU", flags)), "Xeon");
        assertTrue(!GemmBlocking.streamingL3(org.vectorgrad.backend.CpuFeatures.unknown()), "unknown CPU: the measured Xeon default");
    }

    @Test
    void avx2Zen3Table() {
        GemmBlocking b = GemmBlocking.forCaches(256, 32 << 10, 512 << 10, 32 << 20);
        // without safepoint polls in counted loops the 6 x 16 tile with strip-mined k loops; its B micro-panel fills
        // L1: 32 KiB / (16 columns x 4 bytes) = 512 steps; MC as for a 384-deep panel (168 rows: M = 128 stays one
        // row block), the A block within 3/4 of L2
        assertEquals(new GemmBlocking(256, 6, 16, 512, 168, 4096, 512, true), b);
        // with safepoint polls in counted loops (G1, ZGC, Shenandoah) the same table with plain k loops
        GemmBlocking six = GemmBlocking.forCaches(256, 32 << 10, 512 << 10, 32 << 20, true);
        assertEquals(new GemmBlocking(256, 6, 16, 512, 168, 4096), six);
        assertEquals(b.withKStrips(false), six);
        assertInvariants(six, 32 << 10, 512 << 10);
        assertEquals(b, GemmBlocking.forCaches(256, 32 << 10, 512 << 10, 32 << 20, false));
        // only the 256-bit 6 x 16 tile has a strip-mined twin: with() keeps the strips for it alone
        assertTrue(b.with(6, 256, 60, 64).kStrips());
        assertTrue(!b.with(5, 256, 60, 64).kStrips() && !b.with(12, 256, 60, 64).kStrips());
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(256, 5, 16, 512, 170, 4096, 512, true));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(512, 12, 32, 512, 672, 512, 512, true));
        // the other widths do not depend on it
        for (int bits : new int[] {128, 512}) {
            assertEquals(GemmBlocking.forCaches(bits, 32 << 10, 512 << 10, 32 << 20, false), GemmBlocking.forCaches(bits, 32 << 10, 512 << 10, 32 << 20, true));
        }
        assertInvariants(b, 32 << 10, 512 << 10);
        // a smaller L1 gives a shallower panel: 8 KiB / 64 bytes
        assertEquals(128, GemmBlocking.forCaches(256, 8 << 10, 512 << 10, 8 << 20).kc());
        assertEquals(64, GemmBlocking.forCaches(256, 1 << 10, 512 << 10, 8 << 20).kc());
        // the 12-row tile takes one vector of columns, other MRs two
        assertEquals(8, b.with(12, 512, 168, 4096).nr());
        assertEquals(16, b.with(4, 384, 168, 4096).nr());
    }

    @Test
    void avx2ProxyOnTheXeonTable() {
        // -XX:UseAVX=2 on the Xeon's caches: its 48 KiB L1 holds 768 steps of 16 columns; capped at KC_NARROW
        GemmBlocking b = GemmBlocking.forCaches(256, 48 << 10, 2 << 20, 32 << 20);
        // MC: 3/4 of 2 MiB over 768 x 4 bytes = 512 rows, rounded to 510; NC: the packed B block in a quarter of L3
        assertEquals(new GemmBlocking(256, 6, 16, 768, 510, 2720, 768, true), b);
        assertEquals(new GemmBlocking(256, 6, 16, 768, 510, 2720), GemmBlocking.forCaches(256, 48 << 10, 2 << 20, 32 << 20, true));
        assertInvariants(b, 48 << 10, 2 << 20);
        assertEquals(GemmBlocking.KC_NARROW, GemmBlocking.forCaches(256, 1 << 20, 8 << 20, 32 << 20).kc());
        // the two-vector tiles go no deeper than KC_WIDE (512 bits) or KC (128 bits) whatever the L1
        assertEquals(GemmBlocking.KC_WIDE, GemmBlocking.forCaches(512, 1 << 20, 8 << 20, 32 << 20).kc());
        assertEquals(GemmBlocking.KC, GemmBlocking.forCaches(128, 1 << 20, 8 << 20, 32 << 20).kc());
        // and a small L1 still bounds them: 2 x 16 KiB over 32 columns x 4 bytes
        assertEquals(256, GemmBlocking.forCaches(512, 16 << 10, 1 << 20, 32 << 20).kc());
    }

    @Test
    void everyWidthHasAKernelAndConsistentBlocks() {
        for (int bits : new int[] {128, 256, 512}) {
            GemmBlocking b = GemmBlocking.forBits(bits);
            assertEquals(2 * bits / 32, b.nr());
            assertEquals(GemmBlocking.nrFor(bits, b.mr()), b.nr());
            assertInvariants(b, GemmBlocking.DEFAULT_L1, GemmBlocking.DEFAULT_L2);
            MicroKernel k = MicroKernel.create(b);
            assertEquals(b.mr(), k.mr);
            assertEquals(b.nr(), k.nr);
        }
        assertThrows(IllegalArgumentException.class, () -> GemmBlocking.forBits(64));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(256, 6, 16, 64, 25, 64));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(256, 12, 16, 64, 24, 64)); // 12 rows take 1 vector
    }

    private static void assertInvariants(GemmBlocking b, long l1, long l2) {
        assertEquals(0, b.mc() % b.mr(), b.toString());
        assertEquals(0, b.nc() % b.nr(), b.toString());
        assertTrue((long) b.mc() * b.kc() * 4 <= l2, "A block fits L2: " + b);
        assertTrue((long) b.kc() * b.nr() * 4 <= l1 * 2, "B micro-panel within 2x L1: " + b);
    }

    @Test
    void summaryNamesEveryParameter() {
        assertEquals("6 x 16 tile, KC 512, MC 168, NC 4096, k loops strip-mined by hand",
                GemmBlocking.forCaches(256, 32 << 10, 512 << 10, 32 << 20).summary());
        assertEquals("12 x 32 tile, KC 512 (one pass up to K 1024), MC 672, NC 4096",
                GemmBlocking.forCaches(512, 48 << 10, 2 << 20, 32 << 20, false, true).summary());
        assertEquals("4 x 8 tile, KC 384, MC 168, NC 4096", GemmBlocking.forCaches(128, 32 << 10, 512 << 10, 32 << 20).summary());
    }

    @Test
    void sysfsSizesParse() {
        assertEquals(32 << 10, CacheSizes.parseSize("32K"));
        assertEquals(32L << 20, CacheSizes.parseSize("32768K"));
        assertEquals(2L << 20, CacheSizes.parseSize("2M"));
        assertEquals(-1, CacheSizes.parseSize(""));
    }
}
