package org.vectorgrad.backend.vector.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Per-core L1d and L2 and the L3 size in bytes, read from Linux's {@code /sys/devices/system/cpu/cpu0/cache};
 * where that is missing or unreadable, the {@link GemmBlocking} defaults. Only feeds {@link GemmBlocking#forCaches}.
 */
public record CacheSizes(long l1d, long l2, long l3) {

    /** This machine's caches, or the defaults. Never throws. */
    public static CacheSizes detect() {
        long l1 = GemmBlocking.DEFAULT_L1, l2 = GemmBlocking.DEFAULT_L2, l3 = GemmBlocking.DEFAULT_L3;
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path idx = dir.resolve("index" + i);
            try {
                if (!Files.isDirectory(idx)) break;
                int level = Integer.parseInt(Files.readString(idx.resolve("level")).trim());
                String type = Files.readString(idx.resolve("type")).trim();
                long size = parseSize(Files.readString(idx.resolve("size")).trim());
                if (size <= 0 || type.equals("Instruction")) continue;
                if (level == 1) l1 = size;
                else if (level == 2) l2 = size;
                else if (level == 3) l3 = size;
            } catch (IOException | RuntimeException e) {
                // keep the defaults for what could not be read
            }
        }
        return new CacheSizes(l1, l2, l3);
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M}. */
    static long parseSize(String s) {
        if (s.isEmpty()) return -1;
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long mul = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
        String digits = mul == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits.trim()) * mul;
    }
}
