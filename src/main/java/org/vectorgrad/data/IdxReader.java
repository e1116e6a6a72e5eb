package org.vectorgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), raw or gzipped.
 *
 * <p>Format: two zero bytes, a type byte, a dimension count {@code r}, then {@code r} big-endian int32 dimensions,
 * then the elements in row-major order. Only type {@code 0x08} (unsigned byte) is supported, which is what every
 * MNIST-style image and label file uses; other types are rejected with a message saying so.
 *
 * <p>Gzip is recognised by its magic bytes {@code 1F 8B}, not by the file name. Every problem is an
 * {@link IdxFormatException} whose message names the file and the problem: a wrong magic number (bytes found and
 * expected), dimensions that disagree with the amount of data (expected and actual byte counts), a truncated or
 * corrupt gzip stream, a label outside the class range. The data is read in bulk through 64 KiB buffers; for a raw
 * file the size is checked against the header before anything large is allocated.
 */
public final class IdxReader {
    /** The IDX type byte of unsigned 8-bit elements, the only one supported. */
    public static final int UNSIGNED_BYTE = 0x08;

    private static final int BUFFER_SIZE = 1 << 16;
    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /**
     * First allocation for a gzipped payload. The header of a gzipped file cannot be checked against its size before
     * decompressing, so a corrupt header declaring 2 GB must not allocate 2 GB up front; the buffer grows as data
     * really arrives. 64 MiB holds the largest Fashion-MNIST file (47 MB) without regrowing.
     */
    private static final int FIRST_GZIP_CHUNK = 64 << 20;

    private IdxReader() {}

    /** Reads any IDX file of unsigned bytes. */
    public static IdxArray read(Path file) throws IOException {
        if (!Files.exists(file)) throw new DataNotFoundException(file, file + ": no such file");
        try (InputStream fileIn = Files.newInputStream(file);
             BufferedInputStream buffered = new BufferedInputStream(fileIn, BUFFER_SIZE)) {
            if (startsWithGzipMagic(buffered)) {
                return new Decoder(file, true).decodeGzip(buffered);
            }
            return new Decoder(file, false).decode(buffered, Files.size(file));
        } catch (NoSuchFileException e) {
            throw new DataNotFoundException(file, file + ": no such file");
        }
    }

    /**
     * Reads an image file: three dimensions {@code (count, rows, columns)}. A file of another rank (e.g. a label file
     * passed by mistake) is rejected.
     */
    public static IdxArray readImages(Path file) throws IOException {
        IdxArray a = read(file);
        if (a.rank() != 3) {
            throw new IdxFormatException(file, "an image file has 3 dimensions (count, rows, columns), this one has "
                    + a.rank() + " " + Arrays.toString(a.dims()) + (a.rank() == 1 ? " (is it a label file?)" : ""));
        }
        return a;
    }

    /**
     * Reads a label file: one dimension {@code (count)}, every label in {@code [0, numClasses)}.
     *
     * @param numClasses number of classes, 1..256 (an unsigned byte cannot name more)
     */
    public static int[] readLabels(Path file, int numClasses) throws IOException {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("readLabels(" + file + "): numClasses must be in 1..256, got " + numClasses);
        }
        IdxArray a = read(file);
        if (a.rank() != 1) {
            throw new IdxFormatException(file, "a label file has 1 dimension (count), this one has " + a.rank() + " "
                    + Arrays.toString(a.dims()) + (a.rank() == 3 ? " (is it an image file?)" : ""));
        }
        int[] labels = new int[a.count()];
        byte[] raw = a.data();
        for (int i = 0; i < labels.length; i++) {
            int label = raw[i] & 0xFF;
            if (label >= numClasses) {
                throw new IdxFormatException(file, "label " + label + " at index " + i + " is outside the class range 0.."
                        + (numClasses - 1) + " (" + numClasses + " classes)");
            }
            labels[i] = label;
        }
        return labels;
    }

    /** Peeks at the first two bytes without consuming them. */
    private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1F && b1 == 0x8B;
    }

    /** Parses one stream; knows its file for messages and counts the (decompressed) bytes consumed so far. */
    private static final class Decoder {
        private final Path file;
        private final boolean gzip;
        private long position;
        /** Header plus payload size once the header is read, for messages; -1 before. */
        private long expectedTotal = -1;

        Decoder(Path file, boolean gzip) {
            this.file = file;
            this.gzip = gzip;
        }

        /** Decodes a gzipped file, turning the inflater's EOF and format errors into messages naming the file. */
        IdxArray decodeGzip(InputStream compressed) throws IOException {
            try (GZIPInputStream in = new GZIPInputStream(compressed, BUFFER_SIZE)) {
                return decode(in, -1);
            } catch (EOFException e) {
                throw new IdxFormatException(file, "truncated gzip stream: it ends after " + position
                        + " decompressed bytes" + (expectedTotal >= 0 ? " of the " + expectedTotal + " its IDX header declares" : "")
                        + " (" + e.getMessage() + ")", e);
            } catch (ZipException e) {
                throw new IdxFormatException(file, "corrupt gzip stream after " + position + " decompressed bytes ("
                        + e.getMessage() + ")", e);
            }
        }

        /**
         * Decodes header and payload.
         *
         * @param fileSize size of a raw file in bytes, checked against the header before the payload is allocated;
         *                 -1 for a decompressed stream, whose length is only known by reading it
         */
        IdxArray decode(InputStream in, long fileSize) throws IOException {
            byte[] magic = new byte[4];
            int got = readUpTo(in, magic, 0, 4);
            if (got < 4) {
                throw new IdxFormatException(file, "truncated: " + streamNoun() + " has only " + got
                        + " bytes, fewer than the 4-byte IDX magic number");
            }
            if (magic[0] != 0 || magic[1] != 0) {
                throw new IdxFormatException(file, "bad magic number: found bytes " + hex(magic)
                        + ", expected 00 00 08 <dimension count> (not an IDX file?)");
            }
            int type = magic[2] & 0xFF;
            if (type != UNSIGNED_BYTE) {
                throw new IdxFormatException(file, "unsupported IDX data type 0x" + String.format("%02X", type)
                        + " (" + typeName(type) + ") in magic number " + hex(magic)
                        + ": only 0x08 (unsigned byte) is supported");
            }
            int rank = magic[3] & 0xFF;
            if (rank == 0) {
                throw new IdxFormatException(file, "bad magic number: found bytes " + hex(magic)
                        + ", dimension count 0; expected 00 00 08 followed by a dimension count of at least 1");
            }
            int[] dims = readDims(in, rank);
            long payload = payloadBytes(dims);
            long header = 4 + 4L * rank;
            expectedTotal = header + payload;
            if (fileSize >= 0 && fileSize != header + payload) {
                throw new IdxFormatException(file, (fileSize < header + payload ? "truncated" : "too long")
                        + ": dimensions " + Arrays.toString(dims) + " need " + (header + payload) + " bytes ("
                        + header + " header + " + payload + " data), the file has " + fileSize + " ("
                        + Math.abs(header + payload - fileSize) + (fileSize < header + payload ? " missing)" : " extra)"));
            }
            byte[] data = readPayload(in, dims, payload, header);
            long extra = countRemaining(in);
            if (extra > 0) {
                throw new IdxFormatException(file, "too long: dimensions " + Arrays.toString(dims) + " need " + payload
                        + " data bytes after the " + header + "-byte header, " + streamNoun() + " has "
                        + (payload + extra) + " (" + extra + " extra)");
            }
            return new IdxArray(file, dims, data);
        }

        private int[] readDims(InputStream in, int rank) throws IOException {
            byte[] raw = new byte[4 * rank];
            int got = readUpTo(in, raw, 0, raw.length);
            if (got < raw.length) {
                throw new IdxFormatException(file, "truncated: the header declares " + rank + " dimensions ("
                        + (4 + raw.length) + " header bytes), " + streamNoun() + " has only " + (4 + got) + " bytes");
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                // big-endian int32
                dims[i] = (raw[4 * i] & 0xFF) << 24 | (raw[4 * i + 1] & 0xFF) << 16
                        | (raw[4 * i + 2] & 0xFF) << 8 | (raw[4 * i + 3] & 0xFF);
                if (dims[i] < 0) {
                    throw new IdxFormatException(file, "dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                            + ", larger than 2^31-1 (corrupt header?)");
                }
            }
            return dims;
        }

        private long payloadBytes(int[] dims) throws IdxFormatException {
            for (int d : dims) if (d == 0) return 0;
            long n = 1;
            for (int d : dims) {
                if (n > MAX_ARRAY / d) {
                    throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims)
                            + " describe more than 2^31-9 bytes, more than one array holds (corrupt header?)");
                }
                n *= d;
            }
            return n;
        }

        /** Reads exactly {@code payload} bytes in bulk; a gzipped payload grows its buffer as data arrives. */
        private byte[] readPayload(InputStream in, int[] dims, long payload, long header) throws IOException {
            byte[] data = new byte[(int) (gzip ? Math.min(payload, FIRST_GZIP_CHUNK) : payload)];
            int filled = 0;
            while (filled < payload) {
                if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(payload, 2L * data.length));
                int n = in.read(data, filled, data.length - filled);
                if (n < 0) break;
                filled += n;
                position += n;
            }
            if (filled < payload) {
                throw new IdxFormatException(file, "truncated: dimensions " + Arrays.toString(dims) + " need " + payload
                        + " data bytes after the " + header + "-byte header, " + streamNoun() + " has only " + filled
                        + " (" + (payload - filled) + " missing)");
            }
            return data;
        }

        /** Bytes left after the payload; reading to the end also makes the gzip layer verify its CRC trailer. */
        private long countRemaining(InputStream in) throws IOException {
            byte[] scratch = new byte[8192];
            long extra = 0;
            for (int n; (n = in.read(scratch)) >= 0; ) {
                extra += n;
                position += n;
            }
            return extra;
        }

        /** Reads up to {@code len} bytes, fewer only at end of stream; returns how many were read. */
        private int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
            int total = 0;
            while (total < len) {
                int n = in.read(b, off + total, len - total);
                if (n < 0) break;
                total += n;
            }
            position += total;
            return total;
        }

        private String streamNoun() {
            return gzip ? "the decompressed gzip stream" : "the file";
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit short";
            case 0x0C -> "32-bit int";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit double";
            default -> "not an IDX type";
        };
    }
}
