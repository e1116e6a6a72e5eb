package org.vectorgrad.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The content of an IDX file of unsigned bytes (type {@code 0x08}): its dimensions and its bytes in row-major
 * order. Dimension 0 counts the items (images or labels).
 *
 * <p>Thread safety: safe to share for reading; {@link #data()} returns the array itself, which no one may write.
 */
public final class IdxArray {
    private final Path source;
    private final int[] dims;
    private final byte[] data;

    IdxArray(Path source, int[] dims, byte[] data) {
        this.source = source;
        this.dims = dims;
        this.data = data;
    }

    /** The file this array was read from. */
    public Path source() { return source; }

    /** The dimensions (a copy), e.g. {@code [60000, 28, 28]}. */
    public int[] dims() { return dims.clone(); }

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Size of dimension {@code i}. */
    public int dim(int i) { return dims[i]; }

    /** Number of items, i.e. dimension 0. */
    public int count() { return dims[0]; }

    /** The raw bytes (not copied: the array is handed over, not shared with the reader). */
    public byte[] data() { return data; }

    /** Element {@code i} in row-major order, read as an unsigned byte 0..255. */
    public int unsigned(int i) { return data[i] & 0xFF; }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims) + " from " + source;
    }
}
