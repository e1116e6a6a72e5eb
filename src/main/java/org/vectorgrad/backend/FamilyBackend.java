package org.vectorgrad.backend;

import java.util.Objects;

/**
 * A backend as what it is: one implementation per kernel family, plus what to release on {@link #close()}. The
 * scalar and vector backends are built as one ({@code scalar.ScalarBackend}, {@code vector.VectorBackend}); the
 * {@code blas} and {@code auto} backends are a Java backend {@link #withGemm with another GEMM}. Thread safety: as
 * the families it holds.
 *
 * @param name        the backend's short name
 * @param threads     threads one call may use
 * @param onClose     run once by {@link #close()} (stops the backend's threads); never null
 */
public record FamilyBackend(String name, int threads, Gemm gemm, Pointwise pointwise, Losses losses, Updates updates,
                            Convolution convolution, Pooling pooling, Normalization normalization, Runnable onClose) implements Backend {
    public FamilyBackend {
        Objects.requireNonNull(name, "name");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        Objects.requireNonNull(gemm, "gemm");
        Objects.requireNonNull(pointwise, "pointwise");
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(convolution, "convolution");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(onClose, "onClose");
    }

    /**
     * This backend's families under another name with {@code gemm} for dense layers and the convolution kernels
     * running their GEMMs on {@code convGemm} ({@link Convolution#on}). Closing either backend releases the same
     * resources: close only one.
     */
    public FamilyBackend withGemm(String newName, Gemm gemm, Gemm convGemm) {
        return new FamilyBackend(newName, threads, gemm, pointwise, losses, updates, convolution.on(convGemm), pooling, normalization, onClose);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
