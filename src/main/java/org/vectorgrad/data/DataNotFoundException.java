package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data directory or data file that does not exist. The message names the missing path and says how to get the
 * data ({@code apt-get install dataset-fashion-mnist}, or {@code --data DIR} for another directory).
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class DataNotFoundException extends IOException {
    private final Path missing;

    /** {@code missing} was looked for and not found; {@code message} says what to install or pass instead. */
    public DataNotFoundException(Path missing, String message) {
        super(message);
        this.missing = missing;
    }

    /** The path that was looked for and not found. */
    public Path missing() {
        return missing;
    }
}
