package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    /** Writes a tiny MNIST-style directory: 12 train and 5 test images of 4x3, mixing gzipped and raw files. */
    private void writeTinyMnist(Path d) throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        byte[] trainPx = new byte[12 * 4 * 3];
        rng.nextBytes(trainPx);
        byte[] testPx = new byte[5 * 4 * 3];
        rng.nextBytes(testPx);
        IdxFiles.write(d.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), IdxFiles.idx(new int[] {12, 4, 3}, trainPx), true);
        IdxFiles.write(d.resolve(FashionMnist.TRAIN_LABELS + ".gz"), IdxFiles.idx(new int[] {12}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 0}), true);
        IdxFiles.write(d.resolve(FashionMnist.TEST_IMAGES), IdxFiles.idx(new int[] {5, 4, 3}, testPx), false);
        IdxFiles.write(d.resolve(FashionMnist.TEST_LABELS), IdxFiles.idx(new int[] {5}, new byte[] {3, 3, 1, 0, 9}), false);
    }

    @Test
    void loadsAnMnistStyleDirectory() throws IOException {
        writeTinyMnist(dir);
        assertTrue(FashionMnist.isPresent(dir));
        FashionMnist.Splits s = FashionMnist.load(dir);
        assertEquals(12, s.train().size());
        assertEquals(5, s.test().size());
        assertArrayEquals(new int[] {1, 4, 3}, s.train().sampleShape());
        assertEquals(10, s.test().numClasses());
        assertEquals(9, s.test().label(4));
    }

    @Test
    void missingDirectorySaysHowToGetTheData() {
        Path missing = dir.resolve("no-such-dir");
        DataNotFoundException e = assertThrows(DataNotFoundException.class, () -> FashionMnist.load(missing));
        String m = e.getMessage();
        assertTrue(m.contains(missing.toString()) && m.contains("does not exist"), m);
        assertTrue(m.contains("--data DIR") && m.contains("dataset-fashion-mnist"), m);
        assertEquals(missing, e.missing());
        assertFalse(FashionMnist.isPresent(missing));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeTinyMnist(dir);
        Files.delete(dir.resolve(FashionMnist.TEST_LABELS));
        assertFalse(FashionMnist.isPresent(dir));
        DataNotFoundException e = assertThrows(DataNotFoundException.class, () -> FashionMnist.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("t10k-labels-idx1-ubyte.gz").toString()), m);
        assertTrue(m.contains("--data DIR"), m);
    }

    @Test
    void loadsTheRealFashionMnistWhenInstalled() throws IOException {
        org.vectorgrad.Prerequisites.require(FashionMnist.isPresent(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not installed in " + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)");
        FashionMnist.Splits s = FashionMnist.load();
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(10, s.train().numClasses());
        assertArrayEquals(new int[] {1, 28, 28}, s.train().sampleShape());
        // Fashion-MNIST is balanced: 6000 / 1000 of each class
        int[] perClass = new int[10];
        for (int i = 0; i < s.train().size(); i++) perClass[s.train().label(i)]++;
        for (int c = 0; c < 10; c++) assertEquals(6000, perClass[c], "train samples of class " + c);
        // pixel range: within [0, 1], both ends present, not all zeros
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        double sum = 0;
        long count = 0;
        for (Batch b : s.test().batches(1000, 0, 0, false)) {
            float[] px = b.images().data();
            for (int i = 0; i < b.images().size(); i++) {
                min = Math.min(min, px[i]);
                max = Math.max(max, px[i]);
                sum += px[i];
            }
            count += b.images().size();
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        double mean = sum / count;
        assertTrue(mean > 0.2 && mean < 0.4, "mean test pixel " + mean + " (Fashion-MNIST's is about 0.286)");
    }
}
