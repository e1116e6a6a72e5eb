package org.vectorgrad.backend;

/**
 * A backend was asked for by name but cannot run here; the message says why and what to install.
 *
 * <p>Thread safety: carries only its message; safe to pass between threads.
 */
public final class BackendUnavailableException extends RuntimeException {
    private final String backend;

    /** Backend {@code backend} cannot run here because of {@code reason}. */
    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is unavailable: " + reason);
        this.backend = backend;
    }

    /** The name of the backend that was asked for. */
    public String backend() { return backend; }
}
