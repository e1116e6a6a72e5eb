package org.vectorgrad.backend.blas;

import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.BackendFactory;
import org.vectorgrad.backend.BackendUnavailableException;
import org.vectorgrad.backend.Backends;

/**
 * The {@code blas} backend: OpenBLAS through FFM. Loaded reflectively by {@link Backends}. The library comes from
 * {@code -Dvectorgrad.blas.library} (read at each {@link #availability()} call, each name opened once) or
 * {@code libopenblas.so.0}; when it is absent or incomplete the backend is unavailable with the reason and what to
 * install.
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
    public Backend create(int threads) {
        requireAvailable();
        // the best Java backend runs what OpenBLAS does not; the blas backend's own reason is the one that matters
        return createWithDelegate(threads, Backends.vectorElseScalar(threads, s -> { }));
    }

    /**
     * A BLAS backend whose non-BLAS kernels run on {@code delegate} (the {@code auto} backend shares its base).
     * Closing it closes {@code delegate}; a caller that owns {@code delegate} should close only one of them.
     */
    public Backend createWithDelegate(int threads, Backend delegate) {
        requireAvailable();
        java.util.Objects.requireNonNull(delegate, "delegate");
        return new BlasBackend(threads, delegate, GEMV_FOR_VECTORS, level1ViaBlas(delegate));
    }

    private void requireAvailable() {
        Availability a = availability();
        if (!a.available()) throw new BackendUnavailableException("blas", a.reason());
    }

    /**
     * Whether GEMMs with one output row or column go to {@code cblas_sgemv}; chosen by measurement
     * (docs/blas.md, "GEMV").
     */
    static final boolean GEMV_FOR_VECTORS = true;

    /**
     * axpy and scale go to OpenBLAS only when the delegate is the scalar backend: measured (docs/blas.md, "Level 1"),
     * {@code cblas_saxpy}/{@code cblas_sscal} beat the scalar loops (3.6× on long axpy) but never the vector kernels
     * (equal on long vectors, slower on short ones, where the downcall dominates).
     */
    static boolean level1ViaBlas(Backend delegate) {
        return delegate.name().equals("scalar");
    }
}
