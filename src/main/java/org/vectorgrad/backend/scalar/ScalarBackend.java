package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The reference backend: every kernel family as the plainest loop that computes it, single-threaded
 * ({@link ScalarGemm}, {@link ScalarPointwise}, {@link ScalarLosses}, {@link ScalarUpdates},
 * {@link ScalarConvolution}, {@link ScalarPooling}, {@link ScalarNormalization}). It is the oracle the vector and BLAS kernels are tested
 * against, so clarity beats speed here; no tricks. Stateless and safe for concurrent use.
 */
public final class ScalarBackend {
    private ScalarBackend() {}

    /** A scalar backend (name {@code scalar}, one thread: a dispatcher without workers; nothing to close). */
    public static FamilyBackend create() {
        return new FamilyBackend("scalar", new Dispatcher(1), new ScalarGemm(), new ScalarPointwise(), new ScalarLosses(), new ScalarUpdates(),
                new ScalarConvolution(), new ScalarPooling(), ScalarNormalization.INSTANCE, () -> { });
    }
}
