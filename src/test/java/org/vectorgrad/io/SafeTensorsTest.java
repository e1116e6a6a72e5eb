package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer, and every refusal of a malformed file. */
class SafeTensorsTest {
    static final Path NAME = Path.of("model.safetensors");

    static List<SafeTensors.Entry> sample() {
        return List.of(new SafeTensors.Entry("0.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.NaN, 0f, -0f}),
                new SafeTensors.Entry("0.bias", new int[] {2}, new float[] {0.25f, Float.MIN_VALUE}),
                new SafeTensors.Entry("scalar", new int[] {}, new float[] {42f}),
                new SafeTensors.Entry("empty", new int[] {0, 5}, new float[0]));
    }

    @Test
    void roundTripKeepsBitsShapesOrderAndMetadata(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.safetensors");
        SafeTensors.write(f, Map.of("k", "v \"quoted\" é"), sample());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(Map.of("k", "v \"quoted\" é"), c.metadata());
        assertEquals(List.of("0.weight", "0.bias", "scalar", "empty"), List.copyOf(c.tensors().keySet()));
        for (SafeTensors.Entry e : sample()) {
            SafeTensors.Entry r = c.tensors().get(e.name());
            assertArrayEquals(e.shape(), r.shape());
            assertEquals(e.data().length, r.data().length);
            for (int i = 0; i < e.data().length; i++) assertEquals(Float.floatToRawIntBits(e.data()[i]), Float.floatToRawIntBits(r.data()[i]));
        }
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals('{', bytes[8]);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    /** Builds a file from a header string and a data section, as a hostile writer would. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    static String refuse(byte[] bytes) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafeTensors.decode(NAME, bytes));
        assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
        return e.getMessage();
    }

    static void refuse(byte[] bytes, String fragment) {
        String m = refuse(bytes);
        assertTrue(m.contains(fragment), "message '" + m + "' should say '" + fragment + "'");
    }

    static String t(String name, String dtype, String shape, long b, long e) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + b + "," + e + "]}";
    }

    @Test
    void acceptsAHandWrittenValidFile() throws Exception {
        SafeTensors.Contents c = SafeTensors.decode(NAME, file("{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[1]", 8, 12) + "}  ", 12));
        assertEquals(2, c.tensors().size());
    }

    @Test
    void refusesHeaderLengthBeyondFileOrLimit() {
        byte[] f = file("{}", 0);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        refuse(f, "exceeds the file");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        refuse(f, "exceeds the limit");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        refuse(f, "18446744073709551615");
        refuse(new byte[5], "shorter than the 8-byte header length");
    }

    @Test
    void refusesBadUtf8AndBadJson() {
        byte[] f = file("{\"a\":1}", 0);
        f[10] = (byte) 0xC3; // a lone lead byte
        refuse(f, "UTF-8");
        refuse(file("{\"a\":", 0), "invalid JSON");
        refuse(file("[1,2]", 0), "does not start with '{'");
        refuse(file("{}x", 0), "trailing");
        refuse(file("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", 0), "nesting");
    }

    @Test
    void refusesDuplicateNames() {
        refuse(file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("a", "F32", "[1]", 4, 8) + "}", 8), "duplicate key \"a\"");
    }

    @Test
    void refusesOffsetsOutOfRangeOverlappingOrWithHoles() {
        refuse(file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 2, 6) + "}", 8), "overlap");
        refuse(file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 8, 12) + "}", 12), "hole");
        refuse(file("{" + t("a", "F32", "[1]", 4, 8) + "}", 8), "hole");
        refuse(file("{" + t("a", "F32", "[4]", 0, 16) + "}", 8), "go past the data section");
        refuse(file("{" + t("a", "F32", "[1]", 8, 4) + "}", 8), "not an ordered range");
        refuse(file("{" + t("a", "F32", "[1]", 0, 4) + "}", 8), "trailing bytes");
        refuse(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "two integers");
    }

    @Test
    void refusesOtherDtypesByName() {
        refuse(file("{" + t("w", "F16", "[2]", 0, 4) + "}", 4), "dtype F16 is not supported");
        refuse(file("{" + t("w", "BF16", "[2]", 0, 4) + "}", 4), "dtype BF16");
    }

    @Test
    void refusesShapesThatDisagreeWithTheByteRange() {
        refuse(file("{" + t("w", "F32", "[3]", 0, 8) + "}", 8), "needs 12 bytes");
        refuse(file("{" + t("w", "F32", "[65536,65536,65536]", 0, 8) + "}", 8), "more than");
        refuse(file("{" + t("w", "F32", "[-1]", 0, 8) + "}", 8), "not an integer");
        refuse(file("{" + t("w", "F32", "[99999999999]", 0, 8) + "}", 8), "not an integer");
        refuse(file("{" + t("w", "F32", "[1.5]", 0, 8) + "}", 8), "not an integer");
    }

    @Test
    void refusesTruncatedDataAndBadMetadata() throws Exception {
        byte[] ok = SafeTensors.encode(Map.of(), sample());
        refuse(java.util.Arrays.copyOf(ok, ok.length - 1), "truncated");
        refuse(file("{\"__metadata__\":{\"a\":1}}", 0), "not a string");
        refuse(file("{\"__metadata__\":[]}", 0), "not an object");
        refuse(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4), "unknown field");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafeTensors.read(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("nope.safetensors: no such file"), e.getMessage());
    }
}
