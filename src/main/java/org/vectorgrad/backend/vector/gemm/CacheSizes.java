package org.vectorgrad.backend.vector.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-core L1d and L2 and the L3 size in bytes, read from Linux's {@code /sys/devices/system/cpu/cpu0/cache};
 * where that is missing or unreadable, the {@link GemmBlocking} defaults. Only feeds {@link GemmBlocking#forCaches}.
 *
 * <p>Some VMs expose no cache directory in sysfs (the Zen 5 one of docs/benchmarks.md): the table is then the
 * defaults' (the measured Xeon's), whatever the CPU. {@link #describeDetected()} says which, for {@code vectorgrad
 * info}. {@code /proc/cpuinfo}'s "cache size" (L2 on AMD) is deliberately not used in their place: on the Zen 5 VM the
 * table from its 1 MiB L2 bought nothing, and cost 2.7 % on one 512-bit shape (docs/decisions.md §2, sixty-fourth pass).
 *
 * <p>Thread safety: immutable; safe to share. {@link #detect()} reads sysfs on each call and keeps nothing.
 */
public record CacheSizes(long l1d, long l2, long l3) {

    /** Where Linux reports the first CPU's caches. */
    static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** This machine's caches, or the defaults. Never throws. */
    public static CacheSizes detect() {
        return read(SYSFS).sizes();
    }

    /** {@link #detect()}'s sizes and where each came from, in one line (for {@code vectorgrad info}). Never throws. */
    public static String describeDetected() {
        return read(SYSFS).describe(SYSFS);
    }

    /** The sizes read from a sysfs cache directory, the defaults standing in for the levels it did not give. */
    record Reading(CacheSizes sizes, boolean l1Read, boolean l2Read, boolean l3Read) {
        /** E.g. {@code L1d 32 KiB, L2 512 KiB, L3 32 MiB (from /sys/...)}, naming the levels that are defaults. */
        String describe(Path dir) {
            String sizes = "L1d " + human(sizes().l1d()) + ", L2 " + human(sizes().l2()) + ", L3 " + human(sizes().l3());
            List<String> defaulted = new ArrayList<>();
            if (!l1Read) defaulted.add("L1d");
            if (!l2Read) defaulted.add("L2");
            if (!l3Read) defaulted.add("L3");
            if (defaulted.isEmpty()) return sizes + " (from " + dir + ")";
            return sizes + " (" + String.join(", ", defaulted) + ": the defaults, the measured Xeon's; " + dir
                    + (defaulted.size() == 3 ? " gives no sizes" : " gives no size for them") + ")";
        }
    }

    /** Reads {@code dir}'s {@code index0..7} entries (level, type, size); never throws. */
    static Reading read(Path dir) {
        long l1 = -1, l2 = -1, l3 = -1;
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
                // a level that could not be read stays unset: the default stands in for it below
            }
        }
        return new Reading(new CacheSizes(l1 > 0 ? l1 : GemmBlocking.DEFAULT_L1, l2 > 0 ? l2 : GemmBlocking.DEFAULT_L2,
                l3 > 0 ? l3 : GemmBlocking.DEFAULT_L3), l1 > 0, l2 > 0, l3 > 0);
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M}. */
    static long parseSize(String s) {
        if (s.isEmpty()) return -1;
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long mul = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
        String digits = mul == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits.trim()) * mul;
    }

    /** Bytes as KiB or MiB where whole, else bytes. */
    static String human(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) return (bytes >> 10) + " KiB";
        return bytes + " B";
    }
}
