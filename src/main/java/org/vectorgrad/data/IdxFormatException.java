package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file (or a pair of them) that cannot be used: bad magic number, unsupported data type, dimensions that
 * disagree with the data, a truncated or corrupt gzip stream, labels outside the class range, or images and labels
 * that do not match. The message always starts with the file it is about and then says what is wrong.
 */
public class IdxFormatException extends IOException {
    private final Path file;

    /** A problem with {@code file}; the message reads {@code "<file>: <problem>"}. */
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** As {@link #IdxFormatException(Path, String)}, keeping the low-level cause (e.g. a {@code ZipException}). */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }
}
