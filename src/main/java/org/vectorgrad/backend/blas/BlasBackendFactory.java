package org.vectorgrad.backend.blas;

import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.BackendFactory;
import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.backend.BackendUnavailableException;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The {@code blas} backend: the best Java backend (vector, else scalar; {@link Backends#vectorElseScalar}) with
 * OpenBLAS's GEMM ({@link BlasGemm}, through FFM) for dense layers and convolutions alike. Loaded reflectively by {@link Backends}. The library comes from
 * {@code -Dvectorgrad.blas.library} (read at each {@link #availability()} call, each name opened once) or
 * {@code libopenblas.so.0}; when it is absent or incomplete the backend is unavailable with the reason and what to
 * install.
 *
 * <p>Thread safety: safe to share; opening and binding OpenBLAS is synchronized in {@code OpenBlasLibrary}.
 */
public final class BlasBackendFactory implements BackendFactory {
    private final String library;   // null: the configured name, read each time

    /** The factory {@link Backends} loads: library from {@value OpenBlasLoader#PROPERTY} or the default. */
    public BlasBackendFactory() { this(null); }

    /** A factory bound to one library name or path (tests, tools). */
    public BlasBackendFactory(String library) { this.library = library; }

    /** The library name this factory uses now. */
    public String library() { return library != null ? library : OpenBlasLoader.configuredName(); }

    @Override public String name() { return "blas"; }

    @Override
    public Availability availability() { return OpenBlasLoader.availability(library()); }

    @Override
    public FamilyBackend create(int threads) {
        requireAvailable();
        // the best Java backend runs what OpenBLAS does not; the blas backend's own reason is the one that matters
        FamilyBackend base = Backends.vectorElseScalar(threads, s -> { });
        // the convolution calls its GEMMs from its own dispatcher tasks, one per core: each runs whole on its task's thread
        return base.withGemm("blas", threads, d -> new Gemm[] {gemm(d, base.gemm()), gemm(ONE_THREAD, base.gemm())});
    }

    /** A dispatcher without workers: GEMMs built on it run every call whole on the caller's thread. */
    private static final Dispatcher ONE_THREAD = new Dispatcher(1);

    /**
     * The OpenBLAS GEMM on {@code dispatcher}'s threads (one-thread OpenBLAS calls, one block of C per thread;
     * {@link BlasGemm}); {@code emptyK} (the Java GEMM) computes the products with k == 0. Shared by the
     * {@code blas} and {@code auto} backends.
     */
    public BlasGemm gemm(Dispatcher dispatcher, Gemm emptyK) {
        requireAvailable();
        return new BlasGemm(dispatcher, GEMV_FOR_VECTORS, emptyK);
    }

    /** The OpenBLAS GEMM that runs every call on its caller's thread (tools, tests, convolution tasks). */
    public BlasGemm gemm(Gemm emptyK) { return gemm(ONE_THREAD, emptyK); }

    private void requireAvailable() {
        Availability a = availability();
        if (!a.available()) throw new BackendUnavailableException("blas", a.reason());
    }

    /**
     * Whether GEMMs with one output row or column go to {@code cblas_sgemv}; chosen by measurement
     * (docs/blas.md, "GEMV").
     */
    static final boolean GEMV_FOR_VECTORS = true;
}
