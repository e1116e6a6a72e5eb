package org.vectorgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
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
 * {@link IOException} whose message starts with the file and says what is wrong:
 * <ul>
 *   <li>{@link DataNotFoundException}: no such file, or a symbolic link to nothing;</li>
 *   <li>{@link DataFileException}: a directory, FIFO, device or socket instead of a regular file, or a file this
 *       process may not read (each with its own message);</li>
 *   <li>{@link IdxFormatException}: an empty file, a wrong magic number (bytes found and expected), dimensions that
 *       disagree with the amount of data (expected and actual byte counts), data after the declared end, a header
 *       that declares more than the file can hold, a truncated or corrupt gzip stream, a label outside the class
 *       range;</li>
 *   <li>{@link InsufficientHeapException}: data the heap cannot hold, found from the header before allocating.</li>
 * </ul>
 *
 * <p><b>Bounded work on hostile files.</b> Only regular files are read (a FIFO or {@code /dev/zero} could supply
 * endless data). The reader never reads more than the header declares, plus at most {@value #TRAILING_CHECK} bytes
 * to tell that nothing follows, so a gzip bomb (a small header followed by gigabytes of zeros) is refused after
 * inflating only a few kilobytes. Before the payload is allocated, the declared size is checked against what the file
 * can hold (a raw file: its exact size; a gzip file: at most {@value #MAX_DEFLATE_RATIO} times its size, DEFLATE's
 * largest ratio) and against the free heap ({@link HeapBudget}). A gzipped payload's buffer grows as data really
 * arrives, starting at 64 MiB. The data is read in bulk through 64 KiB buffers.
 *
 * <p>Thread-safe: static methods without shared state.
 */
public final class IdxReader {
    /** The IDX type byte of unsigned 8-bit elements, the only one supported. */
    public static final int UNSIGNED_BYTE = 0x08;
    /**
     * DEFLATE's largest expansion: a 258-byte match costs at least a 1-bit length and a 1-bit distance code, so one
     * compressed byte yields at most 1032 bytes. A gzip file of {@code n} bytes never inflates to more.
     */
    static final long MAX_DEFLATE_RATIO = 1032;
    /** How many bytes past the declared end are read to tell that nothing follows (and to count a few extra). */
    static final int TRAILING_CHECK = 1 << 16;

    private static final int BUFFER_SIZE = 1 << 16;
    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /**
     * First allocation for a gzipped payload, which grows (doubling) as data really arrives, so that a header
     * declaring far more than the stream holds does not allocate it all up front. 64 MiB holds the largest
     * Fashion-MNIST file (47 MB) without regrowing.
     */
    static final int FIRST_GZIP_CHUNK = 64 << 20;

    /** What a caller expects the file to hold: any rank, images (rank 3) or labels (rank 1, kept as an int[]). */
    enum Expect { ANY, IMAGES, LABELS }

    /**
     * A parsed and checked IDX header.
     *
     * @param gzip     whether the file is gzipped
     * @param fileSize size of the file on disk (compressed for gzip)
     * @param dims     the declared dimensions
     * @param payload  declared data bytes (product of the dimensions)
     */
    record Header(Path file, boolean gzip, long fileSize, int[] dims, long payload) {
        /** Bytes of heap reading this file takes at its peak (buffer growth of a gzipped payload, a label int[]). */
        long peakHeap(Expect expect) {
            long read = gzip ? gzipPeak(payload) : payload;
            return expect == Expect.LABELS ? Math.max(read, payload + 4L * dims[0]) : read;
        }

        /** Bytes still held once the file is read: the image bytes, or the labels as ints. */
        long retainedHeap(Expect expect) {
            return expect == Expect.LABELS ? 4L * dims[0] : payload;
        }

        /** "&lt;file&gt;: its IDX header declares [d0, d1, ...] = N data bytes". */
        String claim() {
            return file + ": its IDX header declares " + Arrays.toString(dims) + " = " + payload + " data bytes";
        }
    }

    private IdxReader() {}

    /** Reads any IDX file of unsigned bytes. */
    public static IdxArray read(Path file) throws IOException {
        return read(file, Expect.ANY, HeapBudget.runtime());
    }

    /**
     * Reads an image file: three dimensions {@code (count, rows, columns)}. A file of another rank (e.g. a label file
     * passed by mistake) is rejected before its data is read.
     */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, Expect.IMAGES, HeapBudget.runtime());
    }

    /**
     * Reads a label file: one dimension {@code (count)}, every label in {@code [0, numClasses)}.
     *
     * @param numClasses number of classes, 1..256 (an unsigned byte cannot name more)
     */
    public static int[] readLabels(Path file, int numClasses) throws IOException {
        return readLabels(file, numClasses, HeapBudget.runtime());
    }

    static int[] readLabels(Path file, int numClasses, HeapBudget heap) throws IOException {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("readLabels(" + file + "): numClasses must be in 1..256, got " + numClasses);
        }
        IdxArray a = read(file, Expect.LABELS, heap);
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

    /** Reads header and payload, checking the declared size against the file and {@code heap} before allocating. */
    static IdxArray read(Path file, Expect expect, HeapBudget heap) throws IOException {
        try (Source src = Source.open(file)) {
            Decoder d = new Decoder(src);
            return d.guarded(() -> {
                Header h = d.readHeader(expect);
                heap.require(h.peakHeap(expect), h.claim() + (expect == Expect.LABELS ? " (kept as " + h.dims[0]
                        + " int labels)" : "") + ", which");
                return d.readBody(h);
            });
        }
    }

    /**
     * Opens {@code file}, reads and checks its header only (file type, permissions, emptiness, magic, rank,
     * declared size against what the file can hold), and closes it. Reads a few bytes, whatever the file's size.
     */
    static Header header(Path file, Expect expect) throws IOException {
        try (Source src = Source.open(file)) {
            Decoder d = new Decoder(src);
            return d.guarded(() -> d.readHeader(expect));
        }
    }

    /** Bytes a gzipped payload of {@code payload} bytes takes at its peak: the last buffer growth holds old and new. */
    static long gzipPeak(long payload) {
        if (payload <= FIRST_GZIP_CHUNK) return payload;
        long s = FIRST_GZIP_CHUNK;
        while (2 * s < payload) s *= 2;
        return s + payload;
    }

    // ---- opening: only regular, readable, non-empty files ----------------------------------------------------------

    /** An open data file: its checked attributes and a buffered stream over its content (inflated when gzipped). */
    private static final class Source implements AutoCloseable {
        final Path file;
        final long fileSize;
        final BufferedInputStream raw;
        final boolean gzip;

        private Source(Path file, long fileSize, BufferedInputStream raw, boolean gzip) {
            this.file = file;
            this.fileSize = fileSize;
            this.raw = raw;
            this.gzip = gzip;
        }

        static Source open(Path file) throws IOException {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw missing(file);
            } catch (AccessDeniedException e) {
                throw new DataFileException(file, "cannot be reached: permission denied on a directory of its path ("
                        + e.getMessage() + ")", e);
            } catch (FileSystemException e) {
                throw new DataFileException(file, "cannot be examined: " + reason(e), e);
            }
            if (a.isDirectory()) throw new DataFileException(file, linkPrefix(file) + "is a directory, not an IDX file");
            if (!a.isRegularFile()) {
                throw new DataFileException(file, linkPrefix(file) + "is " + specialKind(file) + ", not a regular file:"
                        + " IDX data is read only from regular files, whose size is known before reading");
            }
            SeekableByteChannel ch;
            try {
                ch = Files.newByteChannel(file);
            } catch (AccessDeniedException e) {
                throw unreadable(file, e);
            } catch (NoSuchFileException e) {
                throw missing(file);
            } catch (FileSystemException e) {
                throw new DataFileException(file, "cannot be opened: " + reason(e), e);
            }
            try {
                long size = ch.size();
                if (size == 0) {
                    throw new IdxFormatException(file, linkPrefix(file) + "is empty (0 bytes): an IDX file holds at"
                            + " least a 4-byte magic number (00 00 08 <dimension count>) and its dimensions"
                            + " (was a download or a copy interrupted?)");
                }
                BufferedInputStream in = new BufferedInputStream(Channels.newInputStream(ch), BUFFER_SIZE);
                in.mark(2);
                int b0 = in.read();
                int b1 = in.read();
                in.reset();
                return new Source(file, size, in, b0 == 0x1F && b1 == 0x8B);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    private static DataNotFoundException missing(Path file) {
        if (Files.isSymbolicLink(file)) {
            try {
                return new DataNotFoundException(file, file + ": is a symbolic link to " + Files.readSymbolicLink(file)
                        + ", which does not exist");
            } catch (IOException ignored) {
                // fall through to the plain message
            }
        }
        return new DataNotFoundException(file, file + ": no such file");
    }

    /** The message for a file this process may not read, with its permissions and owner when the OS tells them. */
    static DataFileException unreadable(Path file, AccessDeniedException cause) {
        String detail = "";
        try {
            PosixFileAttributes p = Files.readAttributes(file, PosixFileAttributes.class);
            detail = " (permissions " + PosixFilePermissions.toString(p.permissions()) + ", owner " + p.owner().getName() + ")";
        } catch (IOException | UnsupportedOperationException ignored) {
            // no POSIX view: the plain message
        }
        return new DataFileException(file, linkPrefix(file) + "is not readable: permission denied to this process"
                + detail + "; make it readable (e.g. chmod a+r) or use a readable copy", cause);
    }

    /** "is a symbolic link to T, which " when {@code file} is one, else "". */
    private static String linkPrefix(Path file) {
        if (!Files.isSymbolicLink(file)) return "";
        try {
            return "is a symbolic link to " + Files.readSymbolicLink(file) + ", which ";
        } catch (IOException e) {
            return "";
        }
    }

    /** What a non-regular, non-directory file is, from its Unix mode ("a FIFO (named pipe)", "a character device"...). */
    static String specialKind(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            switch (mode & 0170000) {
                case 0010000: return "a FIFO (named pipe)";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException ignored) {
            // no unix view here: the generic wording
        }
        return "a special file (neither a regular file nor a directory)";
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.toString();
    }

    // ---- decoding ---------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    /** Parses one stream; knows its file for messages and counts the (decompressed) bytes consumed so far. */
    private static final class Decoder {
        private final Source src;
        private final Path file;
        private InputStream in;
        private long position;
        /** Header plus payload size once the header is read, for messages; -1 before. */
        private long expectedTotal = -1;

        Decoder(Source src) {
            this.src = src;
            this.file = src.file;
        }

        /** Runs {@code action}, turning the inflater's EOF and format errors into messages naming the file. */
        <T> T guarded(IoAction<T> action) throws IOException {
            try {
                if (in == null) in = src.gzip ? new GZIPInputStream(src.raw, BUFFER_SIZE) : src.raw;
                return action.run();
            } catch (EOFException e) {
                throw new IdxFormatException(file, "truncated gzip stream: it ends after " + position
                        + " decompressed bytes" + (expectedTotal >= 0 ? " of the " + expectedTotal + " its IDX header declares" : "")
                        + " (" + e.getMessage() + ")", e);
            } catch (ZipException e) {
                throw new IdxFormatException(file, "corrupt gzip stream after " + position + " decompressed bytes ("
                        + e.getMessage() + ")", e);
            }
        }

        /** Reads and checks the header; nothing of the payload is read or allocated. */
        Header readHeader(Expect expect) throws IOException {
            byte[] magic = new byte[4];
            int got = readUpTo(magic, 4);
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
            int[] dims = readDims(rank);
            if (expect == Expect.IMAGES && rank != 3) {
                throw new IdxFormatException(file, "an image file has 3 dimensions (count, rows, columns), this one has "
                        + rank + " " + Arrays.toString(dims) + (rank == 1 ? " (is it a label file?)" : ""));
            }
            if (expect == Expect.LABELS && rank != 1) {
                throw new IdxFormatException(file, "a label file has 1 dimension (count), this one has " + rank + " "
                        + Arrays.toString(dims) + (rank == 3 ? " (is it an image file?)" : ""));
            }
            long payload = payloadBytes(dims);
            long header = 4 + 4L * rank;
            expectedTotal = header + payload;
            if (!src.gzip && src.fileSize != header + payload) {
                long fileSize = src.fileSize;
                throw new IdxFormatException(file, (fileSize < header + payload ? "truncated" : "too long")
                        + ": dimensions " + Arrays.toString(dims) + " need " + (header + payload) + " bytes ("
                        + header + " header + " + payload + " data), the file has " + fileSize + " ("
                        + Math.abs(header + payload - fileSize) + (fileSize < header + payload ? " missing)" : " extra)"));
            }
            if (src.gzip && header + payload > MAX_DEFLATE_RATIO * src.fileSize) {
                throw new IdxFormatException(file, "its IDX header declares " + Arrays.toString(dims) + " = " + payload
                        + " data bytes, but a gzip file of " + src.fileSize + " bytes inflates to at most "
                        + MAX_DEFLATE_RATIO * src.fileSize + " (" + MAX_DEFLATE_RATIO
                        + " times its size, DEFLATE's largest ratio): corrupt header or cut-off file");
            }
            return new Header(file, src.gzip, src.fileSize, dims, payload);
        }

        /** Reads the payload the header declares, then checks (reading a bounded amount) that nothing follows. */
        IdxArray readBody(Header h) throws IOException {
            long header = 4 + 4L * h.dims.length;
            byte[] data = readPayload(h.dims, h.payload, header);
            long extra = countTrailing();
            if (extra > TRAILING_CHECK) {
                throw new IdxFormatException(file, "too long: its IDX header declares " + Arrays.toString(h.dims) + " = "
                        + h.payload + " data bytes after the " + header + "-byte header, but " + streamNoun()
                        + " goes on: more than " + TRAILING_CHECK + " extra bytes follow (reading stopped there;"
                        + " a gzip bomb?)");
            }
            if (extra > 0) {
                throw new IdxFormatException(file, "too long: dimensions " + Arrays.toString(h.dims) + " need " + h.payload
                        + " data bytes after the " + header + "-byte header, " + streamNoun() + " has "
                        + (h.payload + extra) + " (" + extra + " extra)");
            }
            return new IdxArray(file, h.dims, data);
        }

        private int[] readDims(int rank) throws IOException {
            byte[] raw = new byte[4 * rank];
            int got = readUpTo(raw, raw.length);
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
        private byte[] readPayload(int[] dims, long payload, long header) throws IOException {
            byte[] data = new byte[(int) (src.gzip ? Math.min(payload, FIRST_GZIP_CHUNK) : payload)];
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

        /**
         * Bytes after the payload, reading at most {@link #TRAILING_CHECK} + 1 of them: a count up to that, or more
         * than it when the stream goes on. Reaching the end also makes the gzip layer verify its CRC trailer.
         */
        private long countTrailing() throws IOException {
            byte[] scratch = new byte[8192];
            long extra = 0;
            while (extra <= TRAILING_CHECK) {
                int n = in.read(scratch, 0, (int) Math.min(scratch.length, TRAILING_CHECK + 1 - extra));
                if (n < 0) break;
                extra += n;
                position += n;
            }
            return extra;
        }

        /** Reads up to {@code len} bytes, fewer only at end of stream; returns how many were read. */
        private int readUpTo(byte[] b, int len) throws IOException {
            int total = 0;
            while (total < len) {
                int n = in.read(b, total, len - total);
                if (n < 0) break;
                total += n;
            }
            position += total;
            return total;
        }

        private String streamNoun() {
            return src.gzip ? "the decompressed gzip stream" : "the file";
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
