package org.vectorgrad.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU time the hypervisor took while something was timed: the share of "steal" in the CPU time Linux
 * accounted between two readings of {@code /proc/stat}'s aggregate {@code cpu} line. On a virtual machine whose
 * host is busy this runs into tens of percent, and timings move with it; {@code bench train} reports it next to
 * its figures so that a reader can tell a slow machine from slow code.
 *
 * <p>Only reads a file; on systems without {@code /proc/stat} (or with a line it cannot parse) there is no reading and
 * nothing is reported. Immutable snapshots: safe to share across threads.
 */
final class CpuSteal {
    /** Jiffies of the aggregate cpu line: everything Linux counted, and the part of it that was steal. */
    record Snapshot(long total, long steal) {}

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** The most of /proc/stat read (its cpu lines come first); a larger file is not parsed further. */
    private static final int MAX_BYTES = 64 << 10;

    private CpuSteal() {}

    /** A reading of this machine's /proc/stat, or null when it cannot be read or parsed. */
    static Snapshot now() {
        try {
            if (!Files.exists(PROC_STAT)) return null;
            byte[] head;
            try (var in = Files.newInputStream(PROC_STAT)) {
                head = in.readNBytes(MAX_BYTES);
            }
            return parse(new String(head, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The aggregate {@code cpu} line of a /proc/stat text: {@code cpu user nice system idle iowait irq softirq
     * steal [guest guest_nice]}. Guest time is already counted in user and nice, so it is not added again. Null when
     * the line is missing, has fewer than 8 counters, or a counter is not a non-negative number.
     */
    static Snapshot parse(String procStat) {
        for (String line : procStat.split("\n", 64)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 0 || !f[0].equals("cpu")) continue;
            if (f.length < 9) return null;
            long total = 0;
            for (int i = 1; i <= 8; i++) {
                long v;
                try {
                    v = Long.parseLong(f[i]);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (v < 0) return null;
                total += v;
            }
            return new Snapshot(total, Long.parseLong(f[8]));
        }
        return null;
    }

    /**
     * Steal between two readings as a percentage of all CPU time counted between them; NaN when either reading is
     * missing or no time was counted (or the counters went backwards).
     */
    static double percent(Snapshot before, Snapshot after) {
        if (before == null || after == null) return Double.NaN;
        long total = after.total() - before.total(), steal = after.steal() - before.steal();
        if (total <= 0 || steal < 0) return Double.NaN;
        return 100.0 * steal / total;
    }
}
