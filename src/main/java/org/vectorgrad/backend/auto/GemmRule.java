package org.vectorgrad.backend.auto;

/**
 * When the {@code auto} backend sends a GEMM to OpenBLAS: when {@code m·n·k >= minWork}, and never for an empty
 * product. Below the threshold the fixed cost of a BLAS call (FFM downcall plus OpenBLAS's own setup, about 50 ns
 * on the Zen 4 of docs/blas.md) outweighs the work and a Java loop wins.
 *
 * <p>The default comes from the measurement in docs/blas.md ("auto rule"): on that machine OpenBLAS beat both
 * Java backends on every GEMM from 4³ up, and lost only at 2³. Re-measure with {@code bench/tools/harness/BlasGemmHarness compare}
 * when the vector GEMM changes; the system property {@value #PROPERTY} overrides the threshold (0 = always
 * BLAS, a huge value = never). The convolutions' GEMMs follow the same rule, each a one-thread call on the thread of
 * the convolution task that makes it ({@link AutoBackendFactory}, docs/decisions.md §8).
 */
public record GemmRule(long minWork) {
    /** System property overriding {@link #DEFAULT_MIN_WORK}. */
    public static final String PROPERTY = "vectorgrad.auto.blasMinWork";

    /** m·n·k from which OpenBLAS is used: 4³ (see docs/blas.md for the measurement). */
    public static final long DEFAULT_MIN_WORK = 4L * 4 * 4;

    public GemmRule {
        if (minWork < 0) throw new IllegalArgumentException("minWork must be >= 0, got " + minWork);
    }

    /** The rule from {@value #PROPERTY}, or the default; a malformed value is an error naming the property. */
    public static GemmRule fromSystemProperties() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) return new GemmRule(DEFAULT_MIN_WORK);
        try {
            return new GemmRule(Long.parseLong(p.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a whole number >= 0, got '" + p + "'");
        }
    }

    /** True when a GEMM of this shape should run on OpenBLAS. */
    public boolean useBlas(boolean transA, boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        return work > 0 && work >= minWork;
    }

    @Override
    public String toString() { return "m*n*k >= " + minWork; }
}
