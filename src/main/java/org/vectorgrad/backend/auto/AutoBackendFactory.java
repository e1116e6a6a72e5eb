package org.vectorgrad.backend.auto;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.BackendFactory;
import org.vectorgrad.backend.Backends;
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
        return create(threads, Backends.factories().get("vector"), new BlasBackendFactory(), GemmRule.fromSystemProperties());
    }

    /**
     * Builds an auto backend from explicit parts (tests substitute an absent library or another rule): the Java
     * backend's families with an {@link AutoGemm} for dense layers; the convolutions' GEMMs follow the rule with one
     * thread and stay on the Java GEMM with more: measured in the CNN's training step (docs/decisions.md §8), the
     * convolution's tasks then take turns on the process-wide BLAS lock while the vector GEMM runs inside each task,
     * and the step ran about 20 % slower on OpenBLAS.
     */
    FamilyBackend create(int threads, BackendFactory vector, BlasBackendFactory blasFactory, GemmRule rule) {
        FamilyBackend base = Backends.vectorElseScalar(vector, threads, s -> {
            if (VECTOR_WARNED.compareAndSet(false, true)) warnings.accept("vectorgrad: auto: " + s);
        });
        Availability ba = blasFactory.availability();
        Gemm blas = null, blasOneThread = null;
        if (ba.available()) {
            blas = blasFactory.gemm(threads, base.gemm());
            blasOneThread = threads == 1 ? blas : blasFactory.gemm(1, base.gemm());
        } else if (BLAS_WARNED.compareAndSet(false, true)) {
            warnings.accept("vectorgrad: auto: OpenBLAS off (" + ba.reason() + "); GEMM runs on the " + base.name() + " backend");
        }
        AutoGemm gemm = new AutoGemm(blas, base.gemm(), base.name(), rule);
        // conv GEMMs run inside the convolution's dispatcher tasks, one per core: OpenBLAS with one thread each
        AutoGemm conv = threads == 1 ? gemm : new AutoGemm(blasOneThread, base.gemm(), base.name(), rule);
        return base.withGemm("auto", gemm, conv);
    }

    /** Resets the once-per-process warnings (tests only). */
    static void resetWarningsForTest() {
        BLAS_WARNED.set(false);
        VECTOR_WARNED.set(false);
    }
}
