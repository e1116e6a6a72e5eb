package org.vectorgrad.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the CPU is, as far as kernel selection cares: vendor id, family, model, model name and feature flags, as
 * Linux reports them in {@code /proc/cpuinfo} (family and model already combined with their extended fields, e.g.
 * AMD Zen 4 = family 25 model 17, Intel Emerald Rapids = family 6 model 207). A value, so policies that depend on
 * it (such as the OpenBLAS core choice) are pure functions testable with any CPU on any machine.
 *
 * <p>Thread safety: immutable (the flags are an unmodifiable copy); safe to share.
 */
public record CpuFeatures(String vendor, int family, int model, String modelName, Set<String> flags) {

    /** Flags that matter for our kernels, in the order {@code info} prints them. */
    public static final List<String> NOTABLE_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512dq", "avx512cd", "avx512_bf16", "amx_tile");

    public CpuFeatures {
        vendor = vendor == null ? "unknown" : vendor;
        modelName = modelName == null ? "unknown" : modelName;
        flags = Set.copyOf(flags);
    }

    /** Convenience for tests and tables: flags as one space-separated string. */
    public static CpuFeatures of(String vendor, int family, int model, String modelName, String flags) {
        return new CpuFeatures(vendor, family, model, modelName,
                Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toSet()));
    }

    /** True when the CPU reports {@code flag} (lower case, as in /proc/cpuinfo). */
    public boolean has(String flag) { return flags.contains(flag); }

    /** True for the AVX-512 subset every AVX-512 OpenBLAS kernel (SkylakeX and later) needs. */
    public boolean hasAvx512Core() {
        return has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512dq") && has("avx512cd");
    }

    /**
     * True for an AMD CPU of family 25 with AVX-512 (Zen 4): it executes each 512-bit operation as two 256-bit halves,
     * so its FMA throughput in floats per cycle is the same with 256-bit and 512-bit vectors, and work that trades
     * multiplications for other operations pays as it does on an AVX2 CPU. Zen 5 (family 26) and Intel's AVX-512
     * CPUs have full-width 512-bit units; an unknown CPU is taken to have them.
     */
    public boolean runsAvx512AsHalves() {
        return "AuthenticAMD".equals(vendor) && family == 25 && has("avx512f");
    }

    /** The notable flags this CPU has, in {@link #NOTABLE_FLAGS} order. */
    public List<String> notableFlags() {
        return NOTABLE_FLAGS.stream().filter(flags::contains).toList();
    }

    /** An unknown CPU (non-Linux, unreadable /proc): no flags, so every feature-based policy does nothing. */
    public static CpuFeatures unknown() {
        return new CpuFeatures("unknown", -1, -1, "unknown", Set.of());
    }

    /** This machine's CPU, read from {@code /proc/cpuinfo}; {@link #unknown()} when it cannot be read. */
    public static CpuFeatures current() {
        return Holder.CURRENT;
    }

    private static final class Holder {
        static final CpuFeatures CURRENT = read();
        private static CpuFeatures read() {
            try {
                return parseProcCpuinfo(Files.readString(Path.of("/proc/cpuinfo")));
            } catch (IOException | RuntimeException e) {
                return unknown();
            }
        }
    }

    /** Parses the first processor block of a {@code /proc/cpuinfo} text (x86 field names). */
    public static CpuFeatures parseProcCpuinfo(String text) {
        String vendor = null, name = null;
        int family = -1, model = -1;
        Set<String> flags = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (vendor != null) break;      // end of the first processor block
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "model name" -> name = value;
                case "flags" -> flags.addAll(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+")));
                default -> { }
            }
        }
        return new CpuFeatures(vendor, family, model, name, flags);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return vendor + " family " + family + " model " + model + " (" + modelName + ")";
    }
}
