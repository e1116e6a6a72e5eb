package org.vectorgrad.backend;

/**
 * Creates one kind of backend and says whether it can run on this machine. Implementations for the vector and
 * BLAS backends are loaded reflectively by {@link Backends} so that a missing incubator module or native library
 * turns into an {@link Availability} with a reason instead of a linkage error (Lucene's provider pattern).
 *
 * <p>Thread safety: implementations are safe to share; {@link #availability()} and {@link #create} may be called from
 * any thread.
 */
public interface BackendFactory {
    /** Name used on the command line and in {@code -Dvectorgrad.backend}. */
    String name();

    /** Checked once; never throws. */
    Availability availability();

    /** A backend using up to {@code threads} threads; only called when available. */
    FamilyBackend create(int threads);
}
