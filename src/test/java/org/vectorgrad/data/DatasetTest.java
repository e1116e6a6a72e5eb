package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    /**
     * A float dataset whose sample i holds the values i*1000 + j (j = position in the sample), so any batch row
     * tells which sample it is and whether it was copied whole; labels are i % classes.
     */
    private static Dataset identifiable(int n, int[] sampleShape, int classes) {
        int size = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        float[] values = new float[n * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) values[i * size + j] = i * 1000f + j;
            labels[i] = i % classes;
        }
        return Dataset.ofFloats("ids", values, sampleShape, labels, classes);
    }

    /** The sample indices visited by one epoch, in order, checking each row is an intact copy with its label. */
    private static List<Integer> visit(Iterable<Batch> epoch, Dataset d, int batchSize, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        int size = d.sampleSize();
        for (Batch b : epoch) {
            sizes.add(b.size());
            assertEquals(b.size(), b.labels().length);
            assertEquals(b.size(), b.images().dim(0));
            assertTrue(b.size() <= batchSize);
            float[] data = b.images().data();
            for (int k = 0; k < b.size(); k++) {
                int id = (int) (data[b.images().offset() + k * size] / 1000f);
                for (int j = 0; j < size; j++) assertEquals(id * 1000f + j, data[b.images().offset() + k * size + j]);
                assertEquals(id % d.numClasses(), b.labels()[k], "label of sample " + id);
                seen.add(id);
            }
        }
        return seen;
    }

    @Test
    void everySampleOnceWithPartialLastBatch() {
        int[][] cases = {{1, 1}, {1, 4}, {7, 3}, {100, 32}, {129, 128}, {128, 128}, {5, 5}, {5, 1}, {33, 40}};
        for (int[] c : cases) {
            int n = c[0], bs = c[1];
            Dataset d = identifiable(n, new int[] {1, 2, 3}, 4);
            for (boolean shuffle : new boolean[] {false, true}) {
                List<Integer> sizes = new ArrayList<>();
                List<Integer> seen = visit(d.batches(bs, 42, 0, shuffle), d, bs, sizes);
                assertEquals(n, seen.size(), "n=" + n + " bs=" + bs);
                int[] sorted = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
                for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "permutation covers index " + i);
                assertEquals((n + bs - 1) / bs, sizes.size(), "batch count n=" + n + " bs=" + bs);
                for (int i = 0; i < sizes.size() - 1; i++) assertEquals(bs, sizes.get(i));
                assertEquals(n % bs == 0 ? bs : n % bs, sizes.get(sizes.size() - 1), "last batch n=" + n + " bs=" + bs);
                if (!shuffle) assertEquals(java.util.stream.IntStream.range(0, n).boxed().toList(), seen);
            }
        }
    }

    @Test
    void dropLastSkipsThePartialBatch() {
        Dataset d = identifiable(70, new int[] {3}, 5);
        BatchLoader loader = d.loader(32, true);
        assertEquals(2, loader.numBatches());
        assertEquals(64, loader.samplesPerEpoch());
        List<Integer> sizes = new ArrayList<>();
        List<Integer> seen = visit(loader.epoch(1, 0, true), d, 32, sizes);
        assertEquals(List.of(32, 32), sizes);
        assertEquals(64, seen.stream().distinct().count());
        assertEquals(3, d.loader(32, false).numBatches());
        // smaller than one batch with dropLast: nothing at all
        assertFalse(identifiable(10, new int[] {1}, 2).loader(32, true).epoch(1, 0, true).iterator().hasNext());
    }

    @Test
    void orderIsSeededByRunSeedAndEpoch() {
        Dataset d = identifiable(257, new int[] {2}, 3);
        List<Integer> a = visit(d.batches(16, 7, 3, true), d, 16, new ArrayList<>());
        List<Integer> again = visit(d.batches(16, 7, 3, true), d, 16, new ArrayList<>());
        List<Integer> nextEpoch = visit(d.batches(16, 7, 4, true), d, 16, new ArrayList<>());
        List<Integer> otherSeed = visit(d.batches(16, 8, 3, true), d, 16, new ArrayList<>());
        assertEquals(a, again, "same seed and epoch give the same order");
        assertTrue(!a.equals(nextEpoch), "another epoch gives another order");
        assertTrue(!a.equals(otherSeed), "another seed gives another order");
        assertTrue(!a.equals(java.util.stream.IntStream.range(0, 257).boxed().toList()), "shuffled is not index order");
        // (seed, epoch) pairs that a naive seed+epoch would merge
        assertTrue(EpochOrder.epochSeed(1, 0) != EpochOrder.epochSeed(0, 1));
        // the order does not depend on the batch size: the permutation is per epoch, batches cut it
        assertEquals(a, visit(d.batches(5, 7, 3, true), d, 5, new ArrayList<>()));
    }

    @Test
    void shuffleIsRoughlyUniform() {
        // each index lands in the first half about half the time over many epochs; a broken shuffle (e.g. a fixed
        // element, a rotation) fails this
        int n = 20, epochs = 2000;
        int[] firstHalf = new int[n];
        int[] order = new int[n];
        for (int e = 0; e < epochs; e++) {
            EpochOrder.fill(order, 99, e, true);
            for (int p = 0; p < n / 2; p++) firstHalf[order[p]]++;
        }
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(firstHalf[i] - epochs / 2) < 150, "index " + i + " in first half " + firstHalf[i] + " of " + epochs);
        }
    }

    @Test
    void buffersAreReusedAcrossBatchesAndEpochs() {
        Dataset d = identifiable(100, new int[] {1, 4, 4}, 10);
        BatchLoader loader = d.loader(32, false);
        List<Batch> first = new ArrayList<>();
        for (Batch b : loader.epoch(5, 0, true)) first.add(b);
        assertEquals(4, first.size());
        assertSame(first.get(0), first.get(1));
        assertSame(first.get(0).images(), first.get(2).images(), "same image tensor across full batches");
        assertSame(first.get(0).labels(), first.get(2).labels(), "same label array across full batches");
        assertNotSame(first.get(0), first.get(3), "the partial batch has its own buffers");
        assertEquals(4, first.get(3).size());
        assertArrayEquals(new int[] {4, 1, 4, 4}, first.get(3).images().shape());
        assertArrayEquals(new int[] {32, 1, 4, 4}, first.get(0).images().shape());
        List<Batch> second = new ArrayList<>();
        for (Batch b : loader.epoch(5, 1, true)) second.add(b);
        assertSame(first.get(0), second.get(0), "full buffer reused in the next epoch");
        assertSame(first.get(3), second.get(3), "partial buffer reused in the next epoch");
    }

    @Test
    void unsignedBytesAreScaledToUnitRange() {
        int n = 9, size = 2 * 3 * 5;
        byte[] pixels = new byte[n * size];
        new SplittableRandom(3).nextBytes(pixels);
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        int[] labels = new int[n];
        Dataset d = Dataset.ofUnsignedBytes("px", pixels, new int[] {2, 3, 5}, labels, 1);
        Iterator<Batch> it = d.batches(4, 0, 0, false).iterator();
        int sample = 0;
        while (it.hasNext()) {
            Batch b = it.next();
            float[] data = b.images().data();
            for (int k = 0; k < b.size(); k++, sample++) {
                for (int j = 0; j < size; j++) {
                    assertEquals((pixels[sample * size + j] & 0xFF) / 255f, data[k * size + j], 1e-7f, "sample " + sample + " value " + j);
                }
            }
        }
        assertEquals(n, sample);
        assertThrows(NoSuchElementException.class, it::next);
        float[] one = new float[size];
        d.copySample(0, one, 0);
        assertEquals(0f, one[0]);
        assertEquals(1f, one[1]);
    }

    @Test
    void subsetKeepsTheFirstSamples() {
        Dataset d = identifiable(50, new int[] {2}, 7);
        Dataset s = d.subset(11);
        assertEquals(11, s.size());
        assertEquals(7, s.numClasses());
        assertArrayEquals(new int[] {2}, s.sampleShape());
        List<Integer> seen = visit(s.batches(4, 1, 0, true), s, 4, new ArrayList<>());
        assertEquals(11, seen.size());
        assertTrue(seen.stream().allMatch(i -> i < 11));
        assertSame(d, d.subset(50));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.subset(51));
        assertTrue(e.getMessage().contains("subset of 51 samples, but the dataset has 50"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> s.label(11));
    }

    @Test
    void badConstructionIsExplained() {
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("x", new float[10], new int[] {1, 2, 2}, new int[3], 2));
        assertTrue(e1.getMessage().contains("3 labels × sample shape [1, 2, 2] need 12 values, got 10"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("x", new float[3], new int[] {1}, new int[] {0, 2, -1}, 2));
        assertTrue(e2.getMessage().contains("label 2 at index 1 is outside the class range 0..1"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> identifiable(5, new int[] {1}, 2).loader(0, false));
        assertTrue(e3.getMessage().contains("batch size must be positive, got 0"), e3.getMessage());
    }

    @Test
    void fromIdxMakesChannelFirstImages() throws IOException {
        int n = 5, rows = 3, cols = 4;
        byte[] px = new byte[n * rows * cols];
        new SplittableRandom(8).nextBytes(px);
        Path images = IdxFiles.write(dir.resolve("img.gz"), IdxFiles.idx(new int[] {n, rows, cols}, px), true);
        Path labels = IdxFiles.write(dir.resolve("lbl"), IdxFiles.idx(new int[] {n}, new byte[] {4, 0, 1, 2, 3}), false);
        Dataset d = Dataset.fromIdx("t", images, labels, 5);
        assertArrayEquals(new int[] {1, rows, cols}, d.sampleShape());
        Batch b = d.batches(n, 0, 0, false).iterator().next();
        assertArrayEquals(new int[] {n, 1, rows, cols}, b.images().shape());
        assertArrayEquals(new int[] {4, 0, 1, 2, 3}, b.labels());
        assertEquals((px[2 * 12 + 5] & 0xFF) / 255f, b.images().get(2, 0, 1, 1), 1e-7f);
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path images = IdxFiles.write(dir.resolve("train-images"), IdxFiles.idx(new int[] {6, 2, 2}, new byte[24]), false);
        Path labels = IdxFiles.write(dir.resolve("train-labels"), IdxFiles.idx(new int[] {5}, new byte[5]), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Dataset.fromIdx("t", images, labels, 10));
        String m = e.getMessage();
        assertTrue(m.contains(images.toString()) && m.contains(labels.toString()), m);
        assertTrue(m.contains("6 images") && m.contains("5 labels"), m);
    }
}
