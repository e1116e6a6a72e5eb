package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(256);
        return b;
    }

    /** Asserts the message names the file and contains every fragment. */
    private static void assertMessage(Exception e, Path file, String... fragments) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "message should name " + file + ": " + m);
        for (String f : fragments) assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsOddShapesRawAndGzipped(boolean gzipped) throws IOException {
        int[][] shapes = {{1}, {7}, {3, 5, 7}, {13, 28, 28}, {2, 1, 1}, {5, 3, 2, 4}};
        for (int s = 0; s < shapes.length; s++) {
            int[] dims = shapes[s];
            byte[] data = randomBytes(Arrays.stream(dims).reduce(1, (a, b) -> a * b), s);
            Path f = IdxFiles.write(dir.resolve("f" + s + (gzipped ? ".gz" : "")), IdxFiles.idx(dims, data), gzipped);
            IdxArray a = IdxReader.read(f);
            assertArrayEquals(dims, a.dims(), "dims of " + f);
            assertArrayEquals(data, a.data(), "data of " + f);
            assertEquals(f, a.source());
            assertEquals(dims[0], a.count());
        }
    }

    @Test
    void unsignedBytesAbove127AreNotNegative() throws IOException {
        Path f = IdxFiles.write(dir.resolve("u"), IdxFiles.idx(new int[] {4}, new byte[] {0, 127, (byte) 128, (byte) 255}), false);
        IdxArray a = IdxReader.read(f);
        assertEquals(128, a.unsigned(2));
        assertEquals(255, a.unsigned(3));
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        byte[] data = randomBytes(6 * 5, 3);
        byte[] content = IdxFiles.idx(new int[] {6, 5}, data);
        Path gzNoSuffix = IdxFiles.write(dir.resolve("plain-name"), content, true);
        Path rawWithGzSuffix = IdxFiles.write(dir.resolve("lying.gz"), content, false);
        assertArrayEquals(data, IdxReader.read(gzNoSuffix).data());
        assertArrayEquals(data, IdxReader.read(rawWithGzSuffix).data());
    }

    @Test
    void zeroItemsIsAnEmptyArray() throws IOException {
        Path f = IdxFiles.write(dir.resolve("empty"), IdxFiles.idx(new int[] {0, 28, 28}, new byte[0]), false);
        IdxArray a = IdxReader.read(f);
        assertEquals(0, a.count());
        assertEquals(0, a.data().length);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void wrongMagicShowsBytesFoundAndExpected(boolean gzipped) throws IOException {
        Path f = IdxFiles.write(dir.resolve("text"), "hello, world\n".getBytes(StandardCharsets.US_ASCII), gzipped);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "bad magic number", "found bytes 68 65 6C 6C", "expected 00 00 08");
        assertEquals(f, e.file());
    }

    @Test
    void zeroDimensionCountIsABadMagic() throws IOException {
        Path f = IdxFiles.write(dir.resolve("rank0"), new byte[] {0, 0, 8, 0, 1, 2}, false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "bad magic number", "00 00 08 00", "dimension count 0");
    }

    @Test
    void unsupportedTypeIsNamed() throws IOException {
        Path f = IdxFiles.write(dir.resolve("floats"), IdxFiles.idx(0x0D, new int[] {2}, new byte[8]), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "unsupported IDX data type 0x0D", "32-bit float", "only 0x08 (unsigned byte)");
    }

    @Test
    void rawFileTooShortForItsDimensions() throws IOException {
        // header says 10 x 4 x 4 = 160 data bytes; only 150 are there
        Path f = IdxFiles.write(dir.resolve("short"), IdxFiles.idx(new int[] {10, 4, 4}, randomBytes(150, 1)), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "truncated", "[10, 4, 4]", "need 176 bytes", "the file has 166", "10 missing");
    }

    @Test
    void rawFileTooLongForItsDimensions() throws IOException {
        Path f = IdxFiles.write(dir.resolve("long"), IdxFiles.idx(new int[] {10, 4, 4}, randomBytes(163, 1)), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "too long", "[10, 4, 4]", "need 176 bytes", "the file has 179", "3 extra");
    }

    @Test
    void gzippedDataShorterThanDimensions() throws IOException {
        Path f = IdxFiles.write(dir.resolve("short.gz"), IdxFiles.idx(new int[] {10, 4, 4}, randomBytes(100, 1)), true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "truncated", "[10, 4, 4]", "need 160 data bytes", "decompressed gzip stream has only 100", "60 missing");
    }

    @Test
    void gzippedDataLongerThanDimensions() throws IOException {
        Path f = IdxFiles.write(dir.resolve("long.gz"), IdxFiles.idx(new int[] {10, 4, 4}, randomBytes(170, 1)), true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "too long", "need 160 data bytes", "has 170", "10 extra");
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.idx(new int[] {200, 28, 28}, randomBytes(200 * 28 * 28, 5)));
        for (int cut : new int[] {gz.length / 2, gz.length - 4, 12}) {
            Path f = dir.resolve("cut" + cut + ".gz");
            Files.write(f, Arrays.copyOf(gz, cut));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f), "cut at " + cut);
            assertMessage(e, f, "truncated gzip stream", "decompressed bytes");
            if (cut == gz.length / 2) assertMessage(e, f, "of the " + (16 + 200 * 28 * 28) + " its IDX header declares");
        }
    }

    @Test
    void corruptGzipStreamIsReported() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.idx(new int[] {50, 10}, randomBytes(500, 6)));
        // a wrong CRC in the trailer: the data inflates fine, the check at the end fails
        gz[gz.length - 6] ^= 0x5A;
        Path f = dir.resolve("crc.gz");
        Files.write(f, gz);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "corrupt gzip stream", "Corrupt GZIP trailer");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path tiny = IdxFiles.write(dir.resolve("tiny"), new byte[] {0, 0}, false);
        IdxFormatException e1 = assertThrows(IdxFormatException.class, () -> IdxReader.read(tiny));
        assertMessage(e1, tiny, "truncated", "only 2 bytes", "4-byte IDX magic");

        byte[] header = Arrays.copyOf(IdxFiles.idx(new int[] {3, 4, 5}, new byte[0]), 10);
        Path cutHeader = IdxFiles.write(dir.resolve("cut-header"), header, false);
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.read(cutHeader));
        assertMessage(e2, cutHeader, "truncated", "declares 3 dimensions (16 header bytes)", "only 10 bytes");
    }

    @Test
    void absurdDimensionsAreRejectedBeforeAllocating() throws IOException {
        Path f = IdxFiles.write(dir.resolve("huge.gz"), IdxFiles.idx(new int[] {60000, 28000, 28000}, new byte[10]), true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "[60000, 28000, 28000]", "more than 2^31-9 bytes");

        byte[] neg = IdxFiles.idx(new int[] {-1}, new byte[0]);
        Path n = IdxFiles.write(dir.resolve("neg"), neg, false);
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.read(n));
        assertMessage(e2, n, "dimension 0 is 4294967295");
    }

    @Test
    void missingFileIsDataNotFound() {
        Path f = dir.resolve("nope-idx1-ubyte.gz");
        DataNotFoundException e = assertThrows(DataNotFoundException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "no such file");
        assertEquals(f, e.missing());
    }

    @Test
    void labelsAreReadAndRangeChecked() throws IOException {
        byte[] good = {0, 9, 3, 3, 1, 7};
        Path f = IdxFiles.write(dir.resolve("labels"), IdxFiles.idx(new int[] {6}, good), true);
        assertArrayEquals(new int[] {0, 9, 3, 3, 1, 7}, IdxReader.readLabels(f, 10));

        byte[] bad = {0, 9, 3, 3, 1, 11, 2};
        Path b = IdxFiles.write(dir.resolve("bad-labels"), IdxFiles.idx(new int[] {7}, bad), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(b, 10));
        assertMessage(e, b, "label 11 at index 5", "class range 0..9 (10 classes)");

        // 200 as a signed byte is negative: the check must see the unsigned value
        Path s = IdxFiles.write(dir.resolve("signed"), IdxFiles.idx(new int[] {2}, new byte[] {1, (byte) 200}), false);
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(s, 10));
        assertMessage(e2, s, "label 200 at index 1");
    }

    @Test
    void imageAndLabelFilesCannotBeSwapped() throws IOException {
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.idx(new int[] {2, 3, 3}, new byte[18]), false);
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.idx(new int[] {2}, new byte[2]), false);
        IdxFormatException e1 = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(images, 10));
        assertMessage(e1, images, "a label file has 1 dimension", "[2, 3, 3]", "is it an image file?");
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(labels));
        assertMessage(e2, labels, "an image file has 3 dimensions", "[2]", "is it a label file?");
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(labels, 0));
    }
}
