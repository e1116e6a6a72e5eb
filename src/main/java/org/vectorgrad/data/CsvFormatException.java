package org.vectorgrad.data;

import java.nio.file.Path;

/**
 * A CSV file that is not valid RFC 4180 or not a numeric table as asked: the message reads
 * {@code "<file>: line <n>: <problem>"}, the line being the 1-based physical line (header included) where the
 * offending record starts, so that {@code sed -n '<n>p' <file>} shows it.
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class CsvFormatException extends DataFileException {
    private final long line;

    /** A problem in the record starting on {@code line} (1-based) of {@code file}. */
    public CsvFormatException(Path file, long line, String problem) {
        super(file, "line " + line + ": " + problem);
        this.line = line;
    }

    /** A problem with the file as a whole (no line: e.g. it holds no data row); {@link #line()} is 0. */
    public CsvFormatException(Path file, String problem) {
        super(file, problem);
        this.line = 0;
    }

    /** The 1-based line the offending record starts on; 0 when the problem is not on one line. */
    public long line() { return line; }
}
