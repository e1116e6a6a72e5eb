package org.vectorgrad.backend;

import java.util.Objects;
import org.vectorgrad.parallel.Dispatcher;

/**
 * A backend as what it is: one implementation per kernel family, plus what to release on {@link #close()}. The
 * scalar and vector backends are built as one ({@code scalar.ScalarBackend}, {@code vector.VectorBackend}); the
 * {@code blas} and {@code auto} backends are a Java backend {@link #withGemm with another GEMM}. Thread safety: as
 * the families it holds.
 *
 * @param name        the backend's short name
 * @param dispatcher  the threads one call may use (its {@link Dispatcher#threads()} is the backend's thread count),
 *                    shared by every family that splits work, so they never compete for the cores
 * @param onClose     run once by {@link #close()} (stops the backend's threads); never null
 */
public record FamilyBackend(String name, Dispatcher dispatcher, Gemm gemm, Pointwise pointwise, Losses losses, Updates updates,
                            Convolution convolution, Pooling pooling, Normalization normalization, Runnable onClose) implements Backend {
    public FamilyBackend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dispatcher, "dispatcher");
        Objects.requireNonNull(gemm, "gemm");
        Objects.requireNonNull(pointwise, "pointwise");
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(convolution, "convolution");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(onClose, "onClose");
    }

    /** Threads one call may use: the dispatcher's. */
    @Override
    public int threads() { return dispatcher.threads(); }

    /**
     * This backend's families under another name with {@code gemm} for dense layers and the convolution kernels
     * running their GEMMs on {@code convGemm} ({@link Convolution#on}). Closing either backend releases the same
     * resources: close only one.
     */
    public FamilyBackend withGemm(String newName, Gemm gemm, Gemm convGemm) {
        return new FamilyBackend(newName, dispatcher, gemm, pointwise, losses, updates, convolution.on(convGemm), pooling, normalization, onClose);
    }

    /**
     * As {@link #withGemm(String, Gemm, Gemm)} on {@code threads} threads: when this backend runs fewer (the scalar
     * backend runs one), the new backend gets a dispatcher of its own for {@code threads} threads, which the GEMMs
     * built by {@code gemms} use and its {@link #close()} stops after this backend's resources.
     *
     * @param gemms builds (dense GEMM, convolution GEMM) from the dispatcher the new backend will have
     */
    public FamilyBackend withGemm(String newName, int threads, java.util.function.Function<Dispatcher, Gemm[]> gemms) {
        Dispatcher d = threads == dispatcher.threads() ? dispatcher : new Dispatcher(threads);
        Gemm[] g = gemms.apply(d);
        Runnable close = d == dispatcher ? onClose : () -> {
            try {
                onClose.run();
            } finally {
                d.close();
            }
        };
        return new FamilyBackend(newName, d, g[0], pointwise, losses, updates, convolution.on(g[1]), pooling, normalization, close);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
