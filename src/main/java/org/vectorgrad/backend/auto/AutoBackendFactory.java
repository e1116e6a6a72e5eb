package org.vectorgrad.backend.auto;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.BackendFactory;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.blas.BlasBackendFactory;

/**
 * The {@code auto} backend: always available. Combines the best Java backend (vector, else scalar) with OpenBLAS
 * for the GEMMs {@link GemmRule} picks. When OpenBLAS or the vector backend is off it says why, one line on stderr,
 * once per process, and carries on with what there is.
 *
 * <p>Thread safety: safe to share; its warnings are printed at most once per process whichever threads ask.
 */
public final class AutoBackendFactory implements BackendFactory {
    private static final AtomicBoolean BLAS_WARNED = new AtomicBoolean();
    private static final AtomicBoolean VECTOR_WARNED = new AtomicBoolean();

    private final Consumer<String> warnings;

    /** The factory {@link Backends} loads; warnings go to stderr. */
    public AutoBackendFactory() { this(System.err::println); }

    AutoBackendFactory(Consumer<String> warnings) { this.warnings = warnings; }

    @Override public String name() { return "auto"; }

    @Override
    public Availability availability() {
        return Availability.yes("picks per call among vector, blas and scalar");
    }

    @Override
    public FamilyBackend create(int threads) {
        return create(threads, Backends.factories().get("vector"), new BlasBackendFactory(), null);
    }

    /**
     * Builds an auto backend from explicit parts (tests substitute an absent library or another rule): the Java
     * backend's families with an {@link AutoGemm} for dense layers, its OpenBLAS calls cut over the Java backend's
     * dispatcher (one-thread OpenBLAS calls, {@code BlasGemm}), and the products the Java GEMM would run on its
     * zero-skipping path ({@link Gemm#skipsZerosOf}) left to it; the convolutions' GEMMs follow the rule alone, each
     * call whole on the thread of the convolution task that makes it (docs/decisions.md §8, §2bt). A null
     * {@code ruleOrNull} means this machine's ({@link GemmRule#fromSystemProperties}, from the CPU and the Java GEMM's vector width).
     */
    FamilyBackend create(int threads, BackendFactory vector, BlasBackendFactory blasFactory, GemmRule ruleOrNull) {
        FamilyBackend base = Backends.vectorElseScalar(vector, threads, s -> {
            if (VECTOR_WARNED.compareAndSet(false, true)) warnings.accept("vectorgrad: auto: " + s);
        });
        GemmRule rule = ruleOrNull != null ? ruleOrNull : GemmRule.fromSystemProperties(CpuFeatures.current(), javaGemmBits(base));
        // a rule that sends nothing to OpenBLAS neither loads it nor warns that it is missing
        Availability ba = rule.never() ? null : blasFactory.availability();
        if (ba != null && !ba.available() && BLAS_WARNED.compareAndSet(false, true)) {
            warnings.accept("vectorgrad: auto: OpenBLAS off (" + ba.reason() + "); GEMM runs on the " + base.name() + " backend");
        }
        return base.withGemm("auto", threads, d -> {
            Gemm blas = ba != null && ba.available() ? blasFactory.gemm(d, base.gemm()) : null;
            Gemm blasOnCaller = blas == null || threads == 1 ? blas : blasFactory.gemm(base.gemm());
            return routers(blas, blasOnCaller, base.gemm(), base.name(), rule);
        });
    }

    /**
     * The dense layers' router and the convolutions' (what {@link FamilyBackend#withGemm} takes). The first leaves
     * a product whose op(A) is mostly zero to the Java GEMM's zero-skipping path whatever the rule (256 bits, and 512 bits on
     * AMD Zen 4; on any thread count; docs/decisions.md §2bt, §2bx). The second keeps to the rule, its OpenBLAS calls whole on the thread of the
     * convolution task that makes them ({@code blasOnCaller}; §8): the convolutions' zeros sent to the Java GEMM
     * measured slower (§2bt).
     *
     * @param blas         OpenBLAS on the backend's dispatcher, or null when it is off or unused
     * @param blasOnCaller OpenBLAS on the caller's thread (the same as {@code blas} with one thread), or null
     */
    static AutoGemm[] routers(Gemm blas, Gemm blasOnCaller, Gemm java, String javaName, GemmRule rule) {
        AutoGemm dense = new AutoGemm(blas, java, javaName, rule, true);
        return new AutoGemm[] {dense, blasOnCaller == null ? dense : new AutoGemm(blasOnCaller, java, javaName, rule, false)};
    }

    /** The vector width of {@code base}'s GEMM ({@link Gemm#vectorBits}: 0 for the scalar one). */
    static int javaGemmBits(FamilyBackend base) {
        return base.gemm().vectorBits();
    }

    /** Resets the once-per-process warnings (tests only). */
    static void resetWarningsForTest() {
        BLAS_WARNED.set(false);
        VECTOR_WARNED.set(false);
    }
}
