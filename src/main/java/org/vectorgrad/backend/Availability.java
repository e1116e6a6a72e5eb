package org.vectorgrad.backend;

/**
 * Whether a backend can run here and, when it cannot, why and what to install or change.
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record Availability(boolean available, String reason) {
    /** Available; {@code detail} says what will run (e.g. the OpenBLAS core). */
    public static Availability yes(String detail) { return new Availability(true, detail); }
    /** Unavailable, with why and what to install or change. */
    public static Availability no(String reason) { return new Availability(false, reason); }
}
