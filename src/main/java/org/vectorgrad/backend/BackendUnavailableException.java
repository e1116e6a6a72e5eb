package org.vectorgrad.backend;

/** A backend was asked for by name but cannot run here; the message says why and what to install. */
public final class BackendUnavailableException extends RuntimeException {
    private final String backend;

    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is unavailable: " + reason);
        this.backend = backend;
    }

    public String backend() { return backend; }
}
