package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a sysfs cache directory, the defaults for what it does not give, and the line {@code info} prints. */
class CacheSizesTest {

    private static void index(Path dir, int i, String level, String type, String size) throws IOException {
        Path idx = Files.createDirectories(dir.resolve("index" + i));
        Files.writeString(idx.resolve("level"), level + "\n");
        Files.writeString(idx.resolve("type"), type + "\n");
        Files.writeString(idx.resolve("size"), size + "\n");
    }

    @Test
    void aZen3DirectoryGivesZen3sTable(@TempDir Path dir) throws IOException {
        index(dir, 0, "1", "Data", "32K");
        index(dir, 1, "1", "Instruction", "64K");   // larger than L1d on purpose: it must not be taken for it
        index(dir, 2, "2", "Unified", "512K");
        index(dir, 3, "3", "Unified", "32768K");
        CacheSizes.Reading r = CacheSizes.read(dir);
        assertEquals(new CacheSizes(32 << 10, 512 << 10, 32 << 20), r.sizes());
        assertTrue(r.l1Read() && r.l2Read() && r.l3Read());
        assertEquals("L1d 32 KiB, L2 512 KiB, L3 32 MiB (from " + dir + ")", r.describe(dir));
        // the 256-bit table this feeds is Zen 3's (GemmBlockingTest pins it)
        assertEquals(512, GemmBlocking.forCaches(256, r.sizes().l1d(), r.sizes().l2(), r.sizes().l3(), true).kc());
    }

    @Test
    void noDirectoryMeansTheDefaultsAndSaysSo(@TempDir Path dir) {
        Path missing = dir.resolve("cache");
        CacheSizes.Reading r = CacheSizes.read(missing);
        assertEquals(new CacheSizes(GemmBlocking.DEFAULT_L1, GemmBlocking.DEFAULT_L2, GemmBlocking.DEFAULT_L3), r.sizes());
        assertFalse(r.l1Read() || r.l2Read() || r.l3Read());
        assertEquals("L1d 48 KiB, L2 2 MiB, L3 32 MiB (L1d, L2, L3: the defaults, the measured Xeon's; " + missing
                + " gives no sizes)", r.describe(missing));
    }

    @Test
    void levelsMissingOrUnreadableFallBackOneByOne(@TempDir Path dir) throws IOException {
        index(dir, 0, "1", "Data", "32K");
        index(dir, 1, "2", "Unified", "garbage");   // unreadable size: L2 stays the default
        CacheSizes.Reading r = CacheSizes.read(dir);
        assertEquals(new CacheSizes(32 << 10, GemmBlocking.DEFAULT_L2, GemmBlocking.DEFAULT_L3), r.sizes());
        assertTrue(r.l1Read());
        assertFalse(r.l2Read() || r.l3Read());
        assertTrue(r.describe(dir).endsWith("(L2, L3: the defaults, the measured Xeon's; " + dir + " gives no size for them)"),
                r.describe(dir));
    }

    @Test
    void sizesPrintInWholeUnits() {
        assertEquals("48 KiB", CacheSizes.human(48 << 10));
        assertEquals("1 MiB", CacheSizes.human(1 << 20));
        assertEquals("1280 KiB", CacheSizes.human(1280 << 10));
        assertEquals("1000 B", CacheSizes.human(1000));
    }

    @Test
    void detectAgreesWithItsDescription() {
        // whatever this machine exposes: the sizes detect() returns are the ones the line names
        CacheSizes c = CacheSizes.detect();
        String line = CacheSizes.describeDetected();
        assertTrue(line.startsWith("L1d " + CacheSizes.human(c.l1d()) + ", L2 " + CacheSizes.human(c.l2()) + ", L3 "
                + CacheSizes.human(c.l3()) + " ("), line);
    }
}
