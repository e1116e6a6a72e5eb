package org.vectorgrad.data;

import java.nio.file.Path;

/**
 * An IDX file (or a pair of them) that cannot be used: empty, bad magic number, unsupported data type, dimensions
 * that disagree with the data or that the file cannot hold, data after the declared end, a truncated or corrupt gzip
 * stream, labels outside the class range, or images and labels (or train and test splits) that do not match. The
 * message always starts with the file it is about and then says what is wrong.
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class IdxFormatException extends DataFileException {
    /** A problem with {@code file}; the message reads {@code "<file>: <problem>"}. */
    public IdxFormatException(Path file, String problem) {
        super(file, problem);
    }

    /** As {@link #IdxFormatException(Path, String)}, keeping the low-level cause (e.g. a {@code ZipException}). */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
