package org.vectorgrad.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or checkpoint file that cannot be read or does not fit the model: malformed safetensors bytes, a
 * tensor missing or of the wrong shape, an architecture that cannot be rebuilt. The message names the file and
 * the problem (for shape mismatches: every tensor, the shape expected and the shape found).
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class ModelFileException extends IOException {
    private final Path file;

    /** {@code file} cannot be read as a model; the message is the file, then {@code problem}. */
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** As {@link #ModelFileException(Path, String)}, with the underlying cause. */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file concerned. */
    public Path file() { return file; }
}
