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
     * dispatcher (one-thread OpenBLAS calls, {@code BlasGemm}); the convolutions' GEMMs follow the same rule, each
     * call whole on the thread of the convolution task that makes it (docs/decisions.md §8). A null
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
            AutoGemm gemm = new AutoGemm(blas, base.gemm(), base.name(), rule);
            // conv GEMMs run inside the convolution's dispatcher tasks, one per core: each OpenBLAS call whole on its task's thread
            AutoGemm conv = threads == 1 || blas == null ? gemm : new AutoGemm(blasFactory.gemm(base.gemm()), base.gemm(), base.name(), rule);
            return new Gemm[] {gemm, conv};
        });
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
