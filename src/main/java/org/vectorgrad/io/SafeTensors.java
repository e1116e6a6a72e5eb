package org.vectorgrad.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The safetensors file format (as written by the Hugging Face {@code safetensors} project), for float32 tensors and
 * int64 ones (PyTorch's {@code num_batches_tracked} buffers).
 *
 * <pre>
 *   8 bytes     N, the header length, unsigned little-endian
 *   N bytes     UTF-8 JSON object, padded with spaces to a multiple of 8:
 *                 {"__metadata__": {"key": "value", ...},            (optional; string values only)
 *                  "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
 *   rest        the data section: each tensor's little-endian row-major bytes at [begin, end) of this section
 * </pre>
 *
 * <p>Reading is strict, so a hostile or damaged file is refused with a {@link ModelFileException} that names the
 * file and the problem, before anything is allocated from a number the file claims: the header length must fit
 * in the file and in {@link #MAX_HEADER_BYTES}; the header must be valid UTF-8 and valid JSON (no duplicate names,
 * bounded nesting); every entry needs exactly {@code dtype}, {@code shape} and {@code data_offsets}; only
 * {@code F32} and {@code I64} are read (other dtypes are refused by name); each shape's element count times 4 (8 for
 * I64) must equal its byte
 * range; the ranges, sorted, must tile the data section exactly (no holes, no overlaps, nothing past the end, no
 * trailing bytes). Tensor arrays are allocated only after all of this holds, so their total size is bounded by the
 * file's size. Stateless and thread-safe.
 */
public final class SafeTensors {
    /** Largest header accepted (100 MB), as the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Key of the string-to-string metadata map in the header. */
    public static final String METADATA_KEY = "__metadata__";
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private SafeTensors() {}

    /**
     * One named tensor: its shape and its values in row-major order (not copied), float32 in {@code data} or int64 in
     * {@code longs} (exactly one of them is not null).
     */
    public record Entry(String name, int[] shape, float[] data, long[] longs) {
        public Entry {
            Objects.requireNonNull(name, "name");
            if ((data == null) == (longs == null)) throw new IllegalArgumentException("tensor " + name + ": give float32 or int64 values, not both or neither");
            shape = shape.clone();
            long n = 1;
            for (int d : shape) {
                if (d < 0) throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
                n *= d;
            }
            int given = data != null ? data.length : longs.length;
            if (n != given) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                        + " values but " + given + " were given");
            }
        }

        /** A float32 tensor. */
        public Entry(String name, int[] shape, float[] data) {
            this(name, shape, Objects.requireNonNull(data, "data"), null);
        }

        /** An int64 tensor. */
        public static Entry int64(String name, int[] shape, long[] values) {
            return new Entry(name, shape, null, Objects.requireNonNull(values, "values"));
        }

        /** {@code "F32"} or {@code "I64"}. */
        public String dtype() { return longs != null ? "I64" : "F32"; }

        /** Whether the values are int64 ({@link #longs()}) rather than float32 ({@link #data()}). */
        public boolean isInt64() { return longs != null; }

        @Override public int[] shape() { return shape.clone(); }
    }

    /** A whole file: its metadata and its tensors, in the order of their data offsets. */
    public record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {}

    // ---- writing ------------------------------------------------------------------------------------

    /** The file's bytes: header (tensors in the given order, contiguous data) then data. */
    public static byte[] encode(Map<String, String> metadata, List<Entry> tensors) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            encode(metadata, tensors, bos);
        } catch (IOException e) {
            throw new AssertionError(e); // a byte array stream does not fail
        }
        return bos.toByteArray();
    }

    /** Writes the file's bytes to {@code out}. Names must be distinct and must not be {@value #METADATA_KEY}. */
    public static void encode(Map<String, String> metadata, List<Entry> tensors, OutputStream out) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Entry e : tensors) {
            if (e.name().equals(METADATA_KEY) || header.containsKey(e.name())) {
                throw new IllegalArgumentException("tensor name " + e.name() + " is reserved or used twice");
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", e.dtype());
            t.put("shape", e.shape());
            long end = offset + (e.isInt64() ? 8L * e.longs().length : 4L * e.data().length);
            t.put("data_offsets", List.of(offset, end));
            header.put(e.name(), t);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        out.write(head.array());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : tensors) {
            if (e.isInt64()) {
                long[] d = e.longs();
                for (int i = 0; i < d.length; ) {
                    int n = Math.min(d.length - i, buf.capacity() / 8);
                    buf.clear();
                    buf.asLongBuffer().put(d, i, n);
                    out.write(buf.array(), 0, n * 8);
                    i += n;
                }
                continue;
            }
            float[] d = e.data();
            for (int i = 0; i < d.length; ) {
                int n = Math.min(d.length - i, buf.capacity() / 4);
                buf.clear();
                buf.asFloatBuffer().put(d, i, n);
                out.write(buf.array(), 0, n * 4);
                i += n;
            }
        }
    }

    /** Writes {@code file} atomically (see {@link AtomicFiles}). */
    public static void write(Path file, Map<String, String> metadata, List<Entry> tensors) throws IOException {
        AtomicFiles.write(file, out -> encode(metadata, tensors, out));
    }

    // ---- reading ------------------------------------------------------------------------------------

    /** Reads and validates {@code file}. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, new Source() {
                @Override public long size() throws IOException { return ch.size(); }
                @Override public void read(long pos, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        int r = ch.read(dst, pos);
                        if (r < 0) throw new EOFException("file ended at byte " + pos + " while reading");
                        pos += r;
                    }
                }
            });
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "no such file", e);
        }
    }

    /** Reads and validates a file held in memory; {@code name} is used in messages. */
    public static Contents decode(Path name, byte[] bytes) throws ModelFileException {
        try {
            return read(name, new Source() {
                @Override public long size() { return bytes.length; }
                @Override public void read(long pos, ByteBuffer dst) throws IOException {
                    if (pos + dst.remaining() > bytes.length) throw new EOFException("read past the end");
                    dst.put(bytes, (int) pos, dst.remaining());
                }
            });
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(name, e.getMessage(), e);
        }
    }

    private interface Source {
        long size() throws IOException;
        void read(long pos, ByteBuffer dst) throws IOException;
    }

    private record Span(String name, int[] shape, long begin, long end, boolean int64) {}

    private static Contents read(Path file, Source src) throws IOException {
        long size = src.size();
        if (size < 8) throw new ModelFileException(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, lenBuf);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new ModelFileException(file, "header length " + Long.toUnsignedString(headerLen) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLen > size - 8) {
            throw new ModelFileException(file, "header length " + headerLen + " exceeds the file (" + size + " bytes): truncated or not safetensors");
        }
        if (headerLen < 2) throw new ModelFileException(file, "header length " + headerLen + " is too short for a JSON object");
        ByteBuffer headBytes = ByteBuffer.allocate((int) headerLen);
        src.read(8, headBytes);
        headBytes.flip();
        String headerText;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT).decode(headBytes);
            headerText = cb.toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, "header is not valid UTF-8", e);
        }
        if (headerText.isEmpty() || headerText.charAt(0) != '{') throw new ModelFileException(file, "header does not start with '{'");
        Object parsed;
        try {
            parsed = Json.parse(headerText);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "header: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new ModelFileException(file, "header nesting too deep");
        }
        if (!(parsed instanceof Map<?, ?> header)) throw new ModelFileException(file, "header is not a JSON object");
        long dataSize = size - 8 - headerLen;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new ModelFileException(file, METADATA_KEY + " is not an object");
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new ModelFileException(file, METADATA_KEY + " value of \"" + me.getKey() + "\" is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            spans.add(span(file, name, e.getValue(), dataSize));
        }
        spans.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long expected = 0;
        for (Span s : spans) {
            if (s.begin() < expected) {
                throw new ModelFileException(file, "tensor " + s.name() + " data_offsets [" + s.begin() + ", " + s.end()
                        + "] overlap the previous tensor, which ends at " + expected);
            }
            if (s.begin() > expected) {
                throw new ModelFileException(file, "hole in the data section: bytes [" + expected + ", " + s.begin()
                        + ") belong to no tensor (before " + s.name() + ")");
            }
            expected = s.end();
        }
        if (expected != dataSize) {
            throw new ModelFileException(file, expected > dataSize
                    ? "data section is " + dataSize + " bytes but the tensors need " + expected + ": file truncated"
                    : "data section is " + dataSize + " bytes but the tensors cover only " + expected + ": trailing bytes");
        }
        Map<String, Entry> tensors = new LinkedHashMap<>();
        long base = 8 + headerLen;
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(dataSize, 4))).order(ByteOrder.LITTLE_ENDIAN);
        for (Span s : spans) {
            if (s.int64()) {
                int n = (int) ((s.end() - s.begin()) / 8);
                long[] data = new long[n];
                int done = 0;
                while (done < n) {
                    int take = Math.min(n - done, chunk.capacity() / 8);
                    chunk.clear().limit(take * 8);
                    src.read(base + s.begin() + 8L * done, chunk);
                    chunk.flip();
                    chunk.asLongBuffer().get(data, done, take);
                    done += take;
                }
                tensors.put(s.name(), Entry.int64(s.name(), s.shape(), data));
                continue;
            }
            int n = (int) ((s.end() - s.begin()) / 4);
            float[] data = new float[n];
            int done = 0;
            while (done < n) {
                int take = Math.min(n - done, chunk.capacity() / 4);
                chunk.clear().limit(take * 4);
                src.read(base + s.begin() + 4L * done, chunk);
                chunk.flip();
                chunk.asFloatBuffer().get(data, done, take);
                done += take;
            }
            tensors.put(s.name(), new Entry(s.name(), s.shape(), data));
        }
        return new Contents(java.util.Collections.unmodifiableMap(metadata), java.util.Collections.unmodifiableMap(tensors));
    }

    private static Span span(Path file, String name, Object v, long dataSize) throws ModelFileException {
        if (!(v instanceof Map<?, ?> m)) throw new ModelFileException(file, "tensor " + name + ": entry is not an object");
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new ModelFileException(file, "tensor " + name + ": unknown field \"" + k + "\"");
            }
        }
        Object dtype = m.get("dtype");
        if (!(dtype instanceof String d)) throw new ModelFileException(file, "tensor " + name + ": dtype missing or not a string");
        if (!d.equals("F32") && !d.equals("I64")) {
            throw new ModelFileException(file, "tensor " + name + ": dtype " + d + " is not supported (vectorgrad reads F32 and I64 only)");
        }
        int width = d.equals("I64") ? 8 : 4;
        if (!(m.get("shape") instanceof List<?> shapeList)) throw new ModelFileException(file, "tensor " + name + ": shape missing or not a list");
        if (shapeList.size() > 32) throw new ModelFileException(file, "tensor " + name + ": rank " + shapeList.size() + " exceeds 32");
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long dim) || dim < 0 || dim > Integer.MAX_VALUE) {
                throw new ModelFileException(file, "tensor " + name + ": shape " + shapeList + " has a dimension that is not an integer in [0, 2^31)");
            }
            shape[i] = (int) (long) dim;
            count = count > 0 && dim > 0 && count > MAX_ELEMENTS / dim ? MAX_ELEMENTS + 1L : count * dim;
        }
        if (count > MAX_ELEMENTS) {
            throw new ModelFileException(file, "tensor " + name + ": shape " + shapeList + " has more than " + MAX_ELEMENTS + " elements");
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new ModelFileException(file, "tensor " + name + ": data_offsets must be a list of two integers");
        }
        if (begin < 0 || end < begin) {
            throw new ModelFileException(file, "tensor " + name + ": data_offsets [" + begin + ", " + end + "] are not an ordered range");
        }
        if (end > dataSize) {
            throw new ModelFileException(file, "tensor " + name + ": data_offsets [" + begin + ", " + end + "] go past the data section ("
                    + dataSize + " bytes): file truncated or corrupt");
        }
        if (end - begin != width * count) {
            throw new ModelFileException(file, "tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + width * count
                    + " bytes of " + d + " but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Span(name, shape, begin, end, width == 8);
    }
}
