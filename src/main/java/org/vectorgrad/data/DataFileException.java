package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that exists but cannot be used: a directory, FIFO, device or socket where a regular file was expected,
 * a file this process may not read, or (as the subclass {@link IdxFormatException}) a file whose content is not
 * valid IDX. The message always reads {@code "<file>: <problem>"}.
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class DataFileException extends IOException {
    private final Path file;

    /** A problem with {@code file}; the message reads {@code "<file>: <problem>"}. */
    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** As {@link #DataFileException(Path, String)}, keeping the low-level cause. */
    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }
}
