package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken data files: gzip bombs, headers that declare more than the file or the heap holds, train and
 * test splits of different shapes, and missing, unreadable, non-regular or empty files. Each case asserts its message
 * (the path and what is wrong). Nothing here depends on timing: that reading stops early is proven by what the reader
 * would have met had it read on (a corrupt tail), and the heap check runs against a fixed budget.
 */
class HostileFilesTest {
    private static final long MIB = 1L << 20;
    private static final String ON_PROC_UNREADABLE = "/proc/sys/vm/drop_caches";

    @TempDir
    Path dir;

    private static void assertMessage(Exception e, Path file, String... fragments) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "message should name " + file + ": " + m);
        for (String f : fragments) assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    /** Gzips an IDX header for {@code dims}, then {@code zeros} zero bytes, streamed in 1 MiB pieces. */
    private static byte[] gzipBomb(int[] dims, long zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
            gz.write(IdxFiles.idx(dims, new byte[0]));
            byte[] chunk = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= chunk.length) gz.write(chunk, 0, (int) Math.min(left, chunk.length));
        }
        return bytes.toByteArray();
    }

    // ---- gzip bombs and oversize headers ----------------------------------------------------------------------------

    @Test
    void gzipBombAfterASmallHeaderIsRefusedWithoutInflatingTheRest() throws IOException {
        // A header declaring 10 images of 28x28 (7840 bytes), then 50 MB of zeros: about 50 KB gzipped. The file is
        // cut at 60 % of its compressed size, so a reader that inflated everything would report a truncated gzip
        // stream; the bounded reader stops 64 KiB past the declared end and reports the bomb instead.
        byte[] gz = gzipBomb(new int[] {10, 28, 28}, 50_000_000L);
        assertTrue(gz.length < 200_000, "fixture is small: " + gz.length);
        Path f = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length * 6 / 10));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertMessage(e, f, "too long", "its IDX header declares [10, 28, 28] = 7840 data bytes",
                "more than " + IdxReader.TRAILING_CHECK + " extra bytes follow", "reading stopped there");
        assertEquals(f, e.file());

        // the whole (uncut) bomb: same message
        Files.write(f, gz);
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.read(f)), f,
                "[10, 28, 28] = 7840 data bytes", "more than 65536 extra bytes follow");
    }

    @Test
    void aFewExtraBytesAreCountedExactly() throws IOException {
        // up to TRAILING_CHECK extra bytes: counted; one more: "more than"
        Path exact = IdxFiles.write(dir.resolve("exact.gz"), IdxFiles.idx(new int[] {3}, new byte[3 + IdxReader.TRAILING_CHECK]), true);
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.read(exact)), exact,
                "has " + (3 + IdxReader.TRAILING_CHECK), "(" + IdxReader.TRAILING_CHECK + " extra)");
        Path over = IdxFiles.write(dir.resolve("over.gz"), IdxFiles.idx(new int[] {3}, new byte[4 + IdxReader.TRAILING_CHECK]), true);
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.read(over)), over,
                "more than " + IdxReader.TRAILING_CHECK + " extra bytes follow");
    }

    @Test
    void headerDeclaringMoreThanTheGzipFileCanHoldIsRefusedBeforeAllocating() throws IOException {
        // [60000, 28, 28] = 47 MB declared in a gzip file of a few dozen bytes: DEFLATE cannot inflate that much.
        Path f = IdxFiles.write(dir.resolve("claims.gz"), IdxFiles.idx(new int[] {60000, 28, 28}, new byte[10]), true);
        long size = Files.size(f);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "its IDX header declares [60000, 28, 28] = 47040000 data bytes",
                "a gzip file of " + size + " bytes inflates to at most " + 1032 * size, "DEFLATE's largest ratio");
    }

    @Test
    void headerDeclaringMoreThanTheHeapHoldsIsRefusedWithTheXmxToGive() throws IOException {
        // 1 MB of incompressible data under a header declaring 10^9 bytes: the gzip file could in principle hold that
        // (1032 x its size), so the heap check is what refuses it, against a fixed 512 MiB heap with 100 MiB in use.
        byte[] noise = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(noise);
        Path f = IdxFiles.write(dir.resolve("huge.gz"), IdxFiles.idx(new int[] {1000, 1000, 1000}, noise), true);
        assertTrue(Files.size(f) * 1032 > 1_000_000_000L, "the ratio check alone would let it through");
        HeapBudget heap = HeapBudget.fixed(512 * MIB, 100 * MIB);
        InsufficientHeapException e = assertThrows(InsufficientHeapException.class,
                () -> IdxReader.read(f, IdxReader.Expect.ANY, heap));
        // peak: the 512 MiB buffer plus the 10^9-byte one it grows into
        long need = 512 * MIB + 1_000_000_000L;
        assertEquals(need, e.needed());
        assertMessage(e, f, "its IDX header declares [1000, 1000, 1000] = 1000000000 data bytes",
                "needs 1465.7 MiB of Java heap", "only 380.0 MiB of the 512.0 MiB usable heap are free",
                "VECTORGRAD_JAVA_OPTS=-Xmx" + e.suggestedMaxHeap());
        // the suggested -Xmx does hold it
        assertFits(e.suggestedMaxHeap(), 100 * MIB, need);
    }

    @Test
    void labelFilesCountTheirIntArrayInTheHeapNeed() throws IOException {
        Path f = IdxFiles.write(dir.resolve("labels"), IdxFiles.idx(new int[] {1000}, new byte[1000]), false);
        // 64 MiB heap, 31 MiB used, 32 MiB reserve: 1 MiB free; 1000 labels need 5000 bytes: fits
        assertEquals(1000, IdxReader.readLabels(f, 10, HeapBudget.fixed(64 * MIB, 31 * MIB)).length);
        InsufficientHeapException e = assertThrows(InsufficientHeapException.class,
                () -> IdxReader.readLabels(f, 10, HeapBudget.fixed(64 * MIB, 32 * MIB - 1000)));
        assertEquals(5000, e.needed());
        assertMessage(e, f, "[1000] = 1000 data bytes (kept as 1000 int labels)");
    }

    private static void assertFits(String xmx, long used, long need) throws InsufficientHeapException {
        long max = xmx.endsWith("g") ? Long.parseLong(xmx.substring(0, xmx.length() - 1)) * 1024 * MIB
                : Long.parseLong(xmx.substring(0, xmx.length() - 1)) * MIB;
        HeapBudget.fixed(max, used).require(need, "suggested -Xmx" + xmx);
    }

    @Test
    void suggestedXmxAlwaysHoldsTheLoad() throws InsufficientHeapException {
        for (long need : new long[] {1, 47_040_000L, 500 * MIB, 1_568_000_000L, 2 * 1024 * MIB, 6_000 * MIB}) {
            for (long used : new long[] {0, 10 * MIB, 900 * MIB}) {
                String xmx = HeapBudget.suggestXmx(used + need);
                assertTrue(xmx.matches("[0-9]+[mg]"), xmx);
                assertFits(xmx, used, need);
            }
        }
        assertEquals("512m", HeapBudget.suggestXmx(100 * MIB));
        assertEquals("2g", HeapBudget.suggestXmx(1_568_000_000L));
    }

    // ---- train and test splits --------------------------------------------------------------------------------------

    private void writeSplits(int trainRows, int trainCols, int testRows, int testCols) throws IOException {
        SplittableRandom rng = new SplittableRandom(2);
        byte[] train = new byte[6 * trainRows * trainCols], test = new byte[3 * testRows * testCols];
        rng.nextBytes(train);
        rng.nextBytes(test);
        IdxFiles.write(dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), IdxFiles.idx(new int[] {6, trainRows, trainCols}, train), true);
        IdxFiles.write(dir.resolve(FashionMnist.TRAIN_LABELS + ".gz"), IdxFiles.idx(new int[] {6}, new byte[] {0, 1, 2, 3, 4, 5}), true);
        IdxFiles.write(dir.resolve(FashionMnist.TEST_IMAGES + ".gz"), IdxFiles.idx(new int[] {3, testRows, testCols}, test), true);
        IdxFiles.write(dir.resolve(FashionMnist.TEST_LABELS + ".gz"), IdxFiles.idx(new int[] {3}, new byte[] {9, 8, 7}), true);
    }

    @Test
    void trainAndTestSplitsOfDifferentShapesAreRefusedAtLoad() throws IOException {
        writeSplits(28, 28, 32, 32);
        Path train = dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), test = dir.resolve(FashionMnist.TEST_IMAGES + ".gz");
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir));
        assertMessage(e, test, "the test images are 32x32", "the training images in " + train + " are 28x28",
                "same sample shape");
        assertEquals(test, e.file());

        // Refused from the headers, before any data is read: with the training images' data cut short, the
        // message is still the shape mismatch, not the truncation reading the data would meet first.
        byte[] gz = Files.readAllBytes(train);
        byte[] px = new byte[600 * 784];
        new SplittableRandom(3).nextBytes(px); // incompressible, so half the file is plausible for its header
        byte[] full = IdxFiles.gzip(IdxFiles.idx(new int[] {600, 28, 28}, px));
        Files.write(train, Arrays.copyOf(full, full.length / 2));
        assertMessage(assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir)), test, "32x32", "28x28");
        Files.write(train, gz);

        // the same shape loads
        writeSplits(5, 7, 5, 7);
        FashionMnist.Splits s = FashionMnist.load(dir);
        assertArrayEquals(new int[] {1, 5, 7}, s.test().sampleShape());
    }

    @Test
    void imageAndLabelCountsAreComparedFromTheHeaders() throws IOException {
        writeSplits(4, 4, 4, 4);
        Path labels = dir.resolve(FashionMnist.TEST_LABELS + ".gz");
        IdxFiles.write(labels, IdxFiles.idx(new int[] {2}, new byte[] {1, 2}), true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir));
        assertMessage(e, dir.resolve(FashionMnist.TEST_IMAGES + ".gz"), "holds 3 images but the label file " + labels
                + " holds 2 labels");
    }

    @Test
    void datasetTooLargeForTheHeapNamesEveryFileAndTheXmx() throws IOException {
        writeSplits(28, 28, 28, 28);
        // 40 MiB heap, 10 MiB in use, 32 MiB reserve: nothing is free
        InsufficientHeapException e = assertThrows(InsufficientHeapException.class,
                () -> FashionMnist.load(dir, HeapBudget.fixed(40 * MIB, 10 * MIB)));
        // train images 4704 bytes + train labels 24 (6 ints) + test images 2352, then the 3 test label bytes and
        // their 12-byte int[] at once
        assertEquals(4704 + 24 + 2352 + 3 + 12, e.needed());
        assertMessage(e, dir, "loading Fashion-MNIST from " + dir,
                "train-images-idx3-ubyte.gz [6, 28, 28] = 4704 bytes", "t10k-labels-idx1-ubyte.gz [3] = 3 bytes",
                "of the 40.0 MiB usable heap are free", "VECTORGRAD_JAVA_OPTS=-Xmx512m");
        // with room, it loads
        assertEquals(6, FashionMnist.load(dir, HeapBudget.fixed(64 * MIB, 0)).train().size());
    }

    // ---- missing, unreadable, non-regular, empty --------------------------------------------------------------------

    @Test
    void missingFileAndDanglingLinkHaveTheirOwnMessages() throws IOException {
        Path missing = dir.resolve("missing-idx1-ubyte");
        DataNotFoundException e1 = assertThrows(DataNotFoundException.class, () -> IdxReader.read(missing));
        assertMessage(e1, missing, "no such file");
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        DataNotFoundException e2 = assertThrows(DataNotFoundException.class, () -> IdxReader.read(link));
        assertMessage(e2, link, "is a symbolic link to " + dir.resolve("gone") + ", which does not exist");
        assertEquals(link, e2.missing());
    }

    @Test
    void directoryIsNamedAsADirectory() throws IOException {
        Path d = Files.createDirectory(dir.resolve("images-idx3-ubyte"));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(d));
        assertMessage(e, d, "is a directory, not an IDX file");
        assertFalse(e instanceof IdxFormatException);
    }

    @Test
    void characterDeviceIsRefusedWithoutReadingIt() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(zero));
        assertMessage(e, zero, "is a character device, not a regular file", "read only from regular files");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard only
    void fifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo-idx3-ubyte"));
        // opening a FIFO for reading would block until a writer comes: the reader must not open it
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(fifo));
        assertMessage(e, fifo, "is a FIFO (named pipe), not a regular file");
    }

    /** Makes a FIFO with /usr/bin/mkfifo (the test's tool, never the library's); fails the test when it cannot. */
    static Path mkfifo(Path p) throws IOException, InterruptedException {
        Path tool = Path.of("/usr/bin/mkfifo");
        Assumptions.assumeTrue(Files.isExecutable(tool), "no /usr/bin/mkfifo to make a FIFO with");
        Process proc = new ProcessBuilder(tool.toString(), p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertEquals(0, proc.waitFor(), "mkfifo: " + out);
        assertEquals("a FIFO (named pipe)", IdxReader.specialKind(p));
        return p;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void emptyFileIsNamedAsEmpty(boolean gzSuffix) throws IOException {
        Path f = Files.createFile(dir.resolve("empty" + (gzSuffix ? ".gz" : "")));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "is empty (0 bytes)", "4-byte magic number");
    }

    /**
     * A file this process may not read. As root (as the tests run here), permission bits do not stop a read, so a
     * chmod-000 file is readable; Linux's write-only sysctl files (mode 0200) refuse even root, and one of them is
     * used then. Without either, the test aborts (reported as skipped, with the reason), and
     * {@link #unreadableMessageShowsPermissionsAndOwner} still checks the message.
     */
    private Path unreadableFile() throws IOException {
        Path f = Files.createFile(dir.resolve("locked-idx3-ubyte"));
        Files.write(f, IdxFiles.idx(new int[] {1}, new byte[1]));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        if (cannotOpen(f)) return f;
        Path sysctl = Path.of(ON_PROC_UNREADABLE);
        if (Files.isRegularFile(sysctl) && cannotOpen(sysctl)) return sysctl;
        Assumptions.abort("no unreadable file can be made here: chmod 000 does not stop this user (root?) and "
                + ON_PROC_UNREADABLE + " is absent or readable");
        return null;
    }

    private static boolean cannotOpen(Path f) throws IOException {
        try (var ch = Files.newByteChannel(f)) {
            return false;
        } catch (AccessDeniedException e) {
            return true;
        }
    }

    @Test
    void unreadableFileSaysPermissionDenied() throws IOException {
        Path f = unreadableFile();
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(f));
        assertMessage(e, f, "is not readable: permission denied to this process", "(permissions ");
        assertInstanceOf(AccessDeniedException.class, e.getCause());
        // through a symbolic link, the link and its target are both named
        Path link = Files.createSymbolicLink(dir.resolve("link-to-locked"), f);
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.read(link)), link,
                "is a symbolic link to " + f + ", which is not readable");
    }

    @Test
    void unreadableMessageShowsPermissionsAndOwner() throws IOException {
        Path f = Files.createFile(dir.resolve("locked"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        String owner = Files.getOwner(f).getName();
        DataFileException e = IdxReader.unreadable(f, new AccessDeniedException(f.toString()));
        assertMessage(e, f, "is not readable: permission denied to this process (permissions -w-------, owner " + owner
                + ")", "chmod a+r");
        assertEquals(f, e.file());
    }

    // ---- the same through FashionMnist.load: the hostile thing sits where a data file belongs -----------------------

    private void writeGoodDir() throws IOException {
        writeSplits(4, 3, 4, 3);
    }

    /** Replaces the training images with {@code kind} and returns the path the message must name. */
    private Path plant(String kind) throws Exception {
        writeGoodDir();
        Path gz = dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz");
        Files.delete(gz);
        Path raw = dir.resolve(FashionMnist.TRAIN_IMAGES);
        switch (kind) {
            case "missing" -> { return gz; }
            case "directory" -> Files.createDirectory(gz);
            case "fifo" -> mkfifo(gz);
            case "devzero" -> Files.createSymbolicLink(gz, Path.of("/dev/zero"));
            case "empty" -> Files.createFile(raw);
            case "unreadable" -> Files.createSymbolicLink(gz, unreadableFile());
            case "bomb" -> Files.write(gz, gzipBomb(new int[] {6, 4, 3}, 20_000_000L));
            default -> throw new IllegalArgumentException(kind);
        }
        return kind.equals("empty") ? raw : gz;
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "directory", "fifo", "devzero", "empty", "unreadable", "bomb"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard only
    void eachHostileDataFileHasItsOwnMessageThroughFashionMnist(String kind) throws Exception {
        Path file = plant(kind);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        String expected = switch (kind) {
            case "missing" -> "does not exist";
            case "directory" -> "is a directory, not an IDX file";
            case "fifo" -> "is a FIFO (named pipe), not a regular file";
            case "devzero" -> "is a symbolic link to /dev/zero, which is a character device, not a regular file";
            case "empty" -> "is empty (0 bytes)";
            case "unreadable" -> "which is not readable: permission denied";
            case "bomb" -> "[6, 4, 3] = 72 data bytes";
            default -> throw new IllegalArgumentException(kind);
        };
        assertMessage(e, file, expected);
        assertEquals(kind.equals("missing"), e instanceof DataNotFoundException, e.getClass().getName());
    }

    @Test
    void dataDirectoryThatIsAFileIsNamed() throws IOException {
        Path f = Files.writeString(dir.resolve("not-a-dir"), "x");
        DataFileException e = assertThrows(DataFileException.class, () -> FashionMnist.load(f));
        assertMessage(e, f, "is not a directory", "--data DIR");
    }
}
