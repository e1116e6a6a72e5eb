package org.vectorgrad.cli;

/**
 * A command-line mistake; the message names the argument. Main prints it with the usage and exits with 2.
 *
 * <p>Thread safety: carries only its message; safe to pass between threads.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) { super(message); }
}
