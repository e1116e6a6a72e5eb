package org.vectorgrad.backend.auto;

import org.vectorgrad.backend.CpuFeatures;

/**
 * When the {@code auto} backend sends a GEMM to OpenBLAS: when {@code m·n·k >= minWork}, and never for an empty
 * product. Below the threshold the fixed cost of a BLAS call (FFM downcall plus OpenBLAS's own setup, about 50 ns
 * on the Zen 4 of docs/blas.md) outweighs the work and a Java loop wins.
 *
 * <p>Which rule a machine gets ({@link #forMachine}) is a pure function of its CPU and of the width the vector GEMM
 * runs at. Where the vector GEMM's 512-bit kernels were measured at OpenBLAS's speed or better in whole training
 * steps ({@link #javaGemmFirst}: AMD Zen 5 and later with AVX-512), only products of one or two rows go to OpenBLAS
 * ({@link #fewRows}, {@link #fewRowsToBlas()}): there the vector GEMM matched or beat OpenBLAS's best (SkylakeX)
 * kernels, ran 1.1-1.8x faster than the AVX2 kernels OpenBLAS runs when its core type is held to Haswell, and splits
 * a product over threads without cutting it into separate one-thread calls (docs/decisions.md §8, "auto on Zen 5"),
 * while on one or two rows (a served request of one sample) OpenBLAS's GEMV-like kernels ran 3-9x faster than the
 * vector GEMM, which transposes all of a transposed op(B) into panels for them (§2at). Everywhere else OpenBLAS takes every product from
 * {@link #DEFAULT_MIN_WORK} on: on the Zen 4 of docs/blas.md it beat both Java backends on every GEMM from 4³ up,
 * and on AVX2 CPUs the vector GEMM reaches about 0.9 of it.
 *
 * <p>The system property {@value #PROPERTY} overrides the rule on any machine (0 = always BLAS, a huge value =
 * never). The convolutions' GEMMs follow the same rule, each a one-thread call on the thread of the convolution task
 * that makes it ({@link AutoBackendFactory}, docs/decisions.md §8). An immutable value: safe to share.
 *
 * @param minWork the smallest {@code m·n·k} sent to OpenBLAS ({@link #NEVER}: none)
 * @param reason  why this rule, in a few words, for {@code info} and logs
 * @param fewRowsToBlas products of one or two rows that {@link #fewRows} picks go to OpenBLAS whatever {@code minWork}
 */
public record GemmRule(long minWork, String reason, boolean fewRowsToBlas) {
    /** System property overriding the machine's rule. */
    public static final String PROPERTY = "vectorgrad.auto.blasMinWork";

    /** m·n·k from which OpenBLAS is used where it is preferred: 4³ (see docs/blas.md for the measurement). */
    public static final long DEFAULT_MIN_WORK = 4L * 4 * 4;

    /** {@link #minWork} of a rule that sends no GEMM to OpenBLAS. */
    public static final long NEVER = Long.MAX_VALUE;

    /** The smallest {@code n·k} of a product that {@link #fewRows} sends to OpenBLAS: below it the call's fixed cost weighs. */
    public static final long FEW_ROWS_MIN_NK = 4096;

    public GemmRule {
        if (minWork < 0) throw new IllegalArgumentException("minWork must be >= 0, got " + minWork);
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a GemmRule needs a reason");
    }

    /** A rule by work alone ({@code fewRowsToBlas} false). */
    public GemmRule(long minWork, String reason) {
        this(minWork, reason, false);
    }

    /** A rule with an explicit threshold (tests, harnesses). */
    public GemmRule(long minWork) {
        this(minWork, "set explicitly");
    }

    /**
     * The products of one or two rows that OpenBLAS runs faster than the vector GEMM on AMD Zen 5 (docs/decisions.md
     * §2at; `AB`, 1 thread, OpenBLAS SkylakeX ÷ vector time): one row with {@code n·k} of at least
     * {@value #FEW_ROWS_MIN_NK} (1x512x784 NT 0.29, 1x256x512 NT 0.25, 1x128x3136 NT 0.25, 1x512x784 NN and TN 0.29,
     * 1x32x1024 NT 0.11, 1x64x64 NT 0.33; 1x16x16 NN 1.1 below the bound), and two rows with K deeper than 256 or N at
     * most 512 (2x512x784 NT 0.33, 2x128x3136 NT 0.24, 2x10x3136 NT 0.02, 2x256x128 NT 0.37, 2x64x64 NN 0.98; not
     * 2x1024x256 NT 1.15 nor 2x4096x128 NT 1.16, where OpenBLAS's two-row kernel is the slower). A pure function of
     * the shape.
     */
    public static boolean fewRows(int m, int n, int k) {
        if ((long) n * k < FEW_ROWS_MIN_NK) return false;
        return m == 1 || (m == 2 && (k > 256 || n <= 512));
    }

    /**
     * True where the vector GEMM, running {@code javaGemmBits}-wide vectors (0 when the vector backend cannot run),
     * should take every product instead of OpenBLAS: its 512-bit kernels on an AMD CPU of family 26 (Zen 5) or later
     * with AVX-512. Intel's AVX-512 CPUs and Zen 4 keep OpenBLAS: the last measurements there (the Xeon's twelfth
     * pass, Zen 4 before issue 12) had OpenBLAS at least level with the vector GEMM, and nothing since was measured
     * on them. A pure function of its arguments.
     */
    public static boolean javaGemmFirst(CpuFeatures cpu, int javaGemmBits) {
        return javaGemmBits == 512 && "AuthenticAMD".equals(cpu.vendor()) && cpu.family() >= 26 && cpu.hasAvx512Core();
    }

    /** The rule for a machine without the property: see {@link #javaGemmFirst}. A pure function of its arguments. */
    public static GemmRule forMachine(CpuFeatures cpu, int javaGemmBits) {
        if (javaGemmFirst(cpu, javaGemmBits)) {
            return new GemmRule(NEVER, "AMD family " + cpu.family() + " with AVX-512: the 512-bit vector GEMM is at least"
                    + " OpenBLAS's speed here but on one or two rows", true);
        }
        return new GemmRule(DEFAULT_MIN_WORK, javaGemmBits == 0 ? "no vector GEMM on this JVM"
                : "OpenBLAS is the faster GEMM on this CPU at " + javaGemmBits + " bits");
    }

    /**
     * The rule from {@value #PROPERTY} when it is set, else {@link #forMachine}; a malformed value is an error naming
     * the property.
     */
    public static GemmRule fromSystemProperties(CpuFeatures cpu, int javaGemmBits) {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) return forMachine(cpu, javaGemmBits);
        try {
            return new GemmRule(Long.parseLong(p.trim()), "-D" + PROPERTY);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a whole number >= 0, got '" + p + "'");
        }
    }

    /** True when a GEMM of this shape should run on OpenBLAS. */
    public boolean useBlas(boolean transA, boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        return work > 0 && (work >= minWork || fewRowsToBlas && fewRows(m, n, k));
    }

    /** True when no product goes to OpenBLAS. */
    public boolean never() { return minWork == NEVER && !fewRowsToBlas; }

    @Override
    public String toString() {
        String when = never() ? "never" : minWork == NEVER ? "1-2 rows (GemmRule.fewRows)"
                : "m*n*k >= " + minWork + (fewRowsToBlas ? " or 1-2 rows (GemmRule.fewRows)" : "");
        return when + " (" + reason + ")";
    }
}
