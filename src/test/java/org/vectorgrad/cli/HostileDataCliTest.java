package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on broken data: exit 1 and a single line on stderr naming the file, never a stack trace; an
 * {@link OutOfMemoryError} becomes one line with the {@code -Xmx} to try.
 */
class HostileDataCliTest {
    @TempDir
    Path dir;

    private static byte[] idx(int[] dims, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) out.writeBytes(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private static void gz(Path f, byte[] content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(content);
        }
    }

    /** Four valid files of {@code n} 28x28 images, except the test images are {@code testSide} x {@code testSide}. */
    private void writeData(int n, int testSide) throws IOException {
        gz(dir.resolve("train-images-idx3-ubyte.gz"), idx(new int[] {n, 28, 28}, n * 784));
        gz(dir.resolve("train-labels-idx1-ubyte.gz"), idx(new int[] {n}, n));
        gz(dir.resolve("t10k-images-idx3-ubyte.gz"), idx(new int[] {n, testSide, testSide}, n * testSide * testSide));
        gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), idx(new int[] {n}, n));
    }

    private static void assertOneLineFailure(MainTest.Result r, String... fragments) {
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertTrue(err.startsWith("vectorgrad: "), err);
        for (String f : fragments) assertTrue(err.contains(f), "stderr should contain '" + f + "': " + err);
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    void shapeMismatchBetweenSplitsIsOneLineAndExit1() throws IOException {
        writeData(4, 32);
        MainTest.Result r = MainTest.run("train", "--data", dir.toString(), "--epochs", "1");
        assertOneLineFailure(r, dir.resolve("t10k-images-idx3-ubyte.gz").toString(), "32x32",
                dir.resolve("train-images-idx3-ubyte.gz").toString(), "28x28");
    }

    @Test
    void emptyAndDirectoryDataFilesAreOneLineAndExit1() throws IOException {
        writeData(4, 28);
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.delete(labels);
        Files.createDirectory(labels);
        assertOneLineFailure(MainTest.run("train", "--data", dir.toString()), labels + ": is a directory");
        Files.delete(labels);
        Files.createFile(labels);
        assertOneLineFailure(MainTest.run("bench", "train", "--data", dir.toString()), labels + ": is empty (0 bytes)");
    }

    @Test
    void outOfMemoryIsOneLineWithTheXmxHint() {
        String m = Main.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(m.startsWith("out of memory (Java heap space) with a Java heap of at most "), m);
        assertTrue(m.contains("VECTORGRAD_JAVA_OPTS=-Xmx"), m);
        assertEquals("out of memory (Java heap space) with a Java heap of at most 512 MiB; give the JVM more heap:"
                + " VECTORGRAD_JAVA_OPTS=-Xmx1g ./vectorgrad ...", Main.outOfMemory(new OutOfMemoryError("Java heap space"), 512L << 20));
        assertTrue(Main.outOfMemory(new OutOfMemoryError(), 100L << 20).contains("(OutOfMemoryError) with a Java heap"
                + " of at most 100 MiB; give the JVM more heap: VECTORGRAD_JAVA_OPTS=-Xmx512m"));
        assertTrue(Main.outOfMemory(new OutOfMemoryError("x"), 3000L << 20).endsWith("-Xmx6g ./vectorgrad ..."));
        // a failure without a message still says what it was
        assertEquals("java.lang.IllegalStateException", Main.describe(new IllegalStateException()));
    }
}
