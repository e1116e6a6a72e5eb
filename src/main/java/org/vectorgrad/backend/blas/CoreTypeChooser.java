package org.vectorgrad.backend.blas;

import org.vectorgrad.backend.CpuFeatures;

/**
 * Which {@code OPENBLAS_CORETYPE} to force for a CPU, as a pure function of its vendor, family, model and flags.
 *
 * <p>Why: Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build whose detection table predates some CPUs. It detects
 * the Intel Xeon family 6 model 207 (Emerald Rapids, AVX-512) as <em>Prescott</em> and runs SSE3 kernels 4-5×
 * slower than its SkylakeX ones. It detects AMD Zen 1-3 as <em>Zen</em> and AMD Zen 4 (family 25, AVX-512 with
 * BF16) as <em>Cooperlake</em>, both right (measured, docs/blas.md), so AMD families it knows are left alone.
 *
 * <p>The rule, by features rather than model lists, so a new model of a known vendor still gets the widest
 * kernels its flags allow:
 * <ul>
 *   <li>Intel with the AVX-512 core set (F, BW, VL, DQ, CD): {@code SkylakeX} (the sgemm kernels of Cooperlake and
 *       SapphireRapids are the SkylakeX ones, so nothing is lost on CPUs OpenBLAS would have recognised).</li>
 *   <li>Intel with AVX2 + FMA but no AVX-512: {@code Haswell}.</li>
 *   <li>AMD family 23 or 25 (Zen 1-4): nothing, OpenBLAS 0.3.21 detects them correctly.</li>
 *   <li>AMD family 26 and later (Zen 5, unknown to 0.3.21): {@code SkylakeX} with the AVX-512 core set, else
 *       {@code Zen} with AVX2 + FMA.</li>
 *   <li>Anything else (older CPUs, other vendors, unknown): nothing; OpenBLAS's own detection is the best guess.</li>
 * </ul>
 *
 * <p>Thread safety: stateless; safe to call from any thread.
 */
public final class CoreTypeChooser {
    private CoreTypeChooser() {}

    /** A decision: the core to force, or null to let OpenBLAS detect; and why, in one sentence. */
    public record Choice(String coreType, String reason) {
        /** True when a core is forced. */
        public boolean forces() { return coreType != null; }
    }

    /** The core type to force for {@code cpu}; never null. */
    public static Choice choose(CpuFeatures cpu) {
        boolean avx2Fma = cpu.has("avx2") && cpu.has("fma");
        String v = cpu.vendor();
        if (v.equals("GenuineIntel")) {
            if (cpu.hasAvx512Core()) {
                return new Choice("SkylakeX", "Intel with AVX-512 (F/BW/VL/DQ/CD): OpenBLAS 0.3.21 misdetects newer"
                        + " models (e.g. family 6 model 207 as Prescott), SkylakeX selects its AVX-512 kernels");
            }
            if (avx2Fma) {
                return new Choice("Haswell", "Intel with AVX2+FMA, no AVX-512: Haswell selects the AVX2 kernels"
                        + " whatever the model number");
            }
            return new Choice(null, "Intel without AVX2+FMA: OpenBLAS's own detection");
        }
        if (v.equals("AuthenticAMD")) {
            if (cpu.family() == 23 || cpu.family() == 25) {
                return new Choice(null, "AMD family " + cpu.family() + " (Zen 1-4): OpenBLAS 0.3.21 detects it"
                        + " correctly (Zen, or Cooperlake on AVX-512 Zen 4)");
            }
            if (cpu.family() > 25) {
                if (cpu.hasAvx512Core()) {
                    return new Choice("SkylakeX", "AMD family " + cpu.family()
                            + " is newer than OpenBLAS 0.3.21's table; it has AVX-512, SkylakeX selects those kernels");
                }
                if (avx2Fma) {
                    return new Choice("Zen", "AMD family " + cpu.family()
                            + " is newer than OpenBLAS 0.3.21's table; it has AVX2+FMA, Zen selects those kernels");
                }
            }
            return new Choice(null, "older AMD CPU: OpenBLAS's own detection");
        }
        return new Choice(null, "vendor '" + v + "': OpenBLAS's own detection");
    }
}
