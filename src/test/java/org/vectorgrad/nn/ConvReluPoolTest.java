package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/**
 * A Sequential runs Conv2d → ReLU → MaxPool2d through {@link ConvReluPool} (a few images at a time) when no observer
 * watches; with an observer it runs the layers one by one. Both must give the same bits: outputs, every parameter
 * gradient and the input gradient, on every backend and thread count, for batches that do and do not fill the last
 * chunk, with overlapping and padded pools, images sharing a GEMM, and NaN, -0 and ties in the data.
 */
class ConvReluPoolTest {
    private static final List<Backend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        BACKENDS.addAll(FusedRuns.everyBackend());
    }

    @AfterAll
    static void tearDown() {
        for (Backend b : BACKENDS) b.close();
    }

    @AfterEach
    void restoreChunking() {
        ConvReluPool.targetOverride = 0;
    }

    /** A first layer on the direct single-channel path, then a 2×2 pool; a second conv whose images share GEMMs, then an overlapping padded pool. */
    private static Sequential model(long seed) {
        return new Sequential(
                new Conv2d(1, 6, 3, 1, 1, seed), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(6, 40, 3, 1, 1, seed + 1), new ReLU(), new MaxPool2d(3, 2, 1),
                new Flatten(), new Dense(40 * 4 * 4, 5, seed + 2));
    }

    /** Random data around 0 (many negatives, so many ReLU zeros and pool ties), some exact ties, -0, and a NaN or two. */
    private static Tensor input(int batch, long seed, boolean specials) {
        Tensor x = Tensor.zeros(batch, 1, 15, 15);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(5) == 0 ? 0.5f : (float) r.nextGaussian();
        if (specials) {
            d[7] = -0f;
            d[d.length / 2] = Float.NaN;
            d[d.length - 3] = 0f;
        }
        return x;
    }

    @Test
    void fusedRunsGiveTheLayersBits() {
        int cases = 0;
        for (int target : new int[] {0, ConvReluPool.TARGET_BYTES_PER_THREAD, 3000, 1}) { // 0: the library's targets
            ConvReluPool.targetOverride = target;
            for (Backend be : BACKENDS) {
                for (int batch : new int[] {1, 5, 13}) {
                    for (boolean specials : new boolean[] {false, true}) {
                        compare(be, batch, specials, "target " + target + ", " + be.name() + "/" + be.threads() + ", batch " + batch
                                + (specials ? ", NaN/-0" : ""));
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases >= 3 * 7 * 6, "cases run: " + cases);
    }

    /**
     * Ceil-mode pools, each with a partial last row and column of windows: 15×15 → 2×2/2 → 8×8 (floor: 7×7), then
     * 3×3/2 → 4×4 (floor: 3×3). The chain plans its output and arg-max buffers from the pool's ceil-mode geometry.
     */
    private static Sequential ceilModel(long seed) {
        return new Sequential(
                new Conv2d(1, 6, 3, 1, 1, seed), new ReLU(), new MaxPool2d(2, 2, 0, true),
                new Conv2d(6, 40, 3, 1, 1, seed + 1), new ReLU(), new MaxPool2d(3, 2, 0, true),
                new Flatten(), new Dense(40 * 4 * 4, 5, seed + 2));
    }

    @Test
    void fusedRunsGiveTheLayersBitsInCeilMode() {
        for (int target : new int[] {0, 3000}) { // the library's targets, and chunks of one image
            ConvReluPool.targetOverride = target;
            for (Backend be : BACKENDS) {
                for (int batch : new int[] {1, 5}) {
                    for (boolean specials : new boolean[] {false, true}) {
                        String what = "ceil mode, target " + target + ", " + be.name() + "/" + be.threads() + ", batch " + batch
                                + (specials ? ", NaN/-0" : "");
                        Sequential fused = FusedRuns.randomized(ceilModel(11), 7).on(be);
                        assertTrue(fused.forward(input(batch, 1, false), false).hasShape(batch, 5), what);
                        FusedRuns.assertSameBits(fused, FusedRuns.randomized(ceilModel(11), 7).on(be),
                                input(batch, 5 + batch, specials), new SplittableRandom(batch), what);
                    }
                }
            }
        }
    }

    private static void compare(Backend be, int batch, boolean specials, String what) {
        FusedRuns.assertSameBits(FusedRuns.randomized(model(11), 7).on(be), FusedRuns.randomized(model(11), 7).on(be),
                input(batch, 5 + batch, specials), new SplittableRandom(batch), what);
    }

    @Test
    void anObserverSeesEveryLayerAndTheChainStepsAside() {
        try (Backend be = Backends.create("vector", 2)) {
            Sequential m = model(3).on(be);
            List<Integer> seen = new ArrayList<>();
            m.observe((s, i, l, y, training) -> seen.add(i));
            Tensor x = input(4, 1, false);
            m.forward(x, true);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), seen);
            Tensor gy = Tensor.zeros(4, 5);
            gy.data()[0] = 1f;
            assertNotNull(m.backward(gy, true));
        }
    }

    @Test
    void backwardBeforeForwardAndWrongGradientShapesAreRefusedByName() {
        try (Backend be = Backends.create("vector", 1)) {
            Sequential m = new Sequential(new Conv2d(1, 2, 3, 1, 1, 1), new ReLU(), new MaxPool2d(2, 2)).on(be);
            IllegalStateException early = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> m.backward(Tensor.zeros(1, 2, 2, 2)));
            assertTrue(early.getMessage().contains("before forward"), early.getMessage());
            m.forward(input(1, 1, false), true);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> m.backward(Tensor.zeros(1, 2, 3, 3)));
            assertTrue(e.getMessage().contains("MaxPool2d") && e.getMessage().contains("[1, 2, 7, 7]"), e.getMessage());
        }
    }

    @Test
    void chunksAreWholeImageBlocksAndAMultipleOfTheThreads() {
        long conv2 = 64 * 14 * 14 * 4; // the reference CNN's second conv: 50 KB of output per image, 4 images per GEMM
        assertEquals(16, ConvReluPool.chunkImages(128, 4, 2, conv2, 256 << 10)); // 10 wanted, rounded up to 2 threads x 4
        assertEquals(8, ConvReluPool.chunkImages(128, 4, 1, conv2, 256 << 10));
        assertEquals(6, ConvReluPool.chunkImages(128, 1, 2, 32 * 28 * 28 * 4, 256 << 10)); // first conv: 100 KB per image
        assertEquals(5, ConvReluPool.chunkImages(5, 4, 2, conv2, 256 << 10));            // never more than the batch
        assertEquals(64, ConvReluPool.chunkImages(128, 4, 16, 1L << 30, 256 << 10));      // huge images: one block per thread
        assertEquals(128, ConvReluPool.chunkImages(128, 1, 1, 4, 256 << 10));
    }

    @Test
    void severalThreadsTakeLargerChunksThanOne() {
        assertEquals(ConvReluPool.TARGET_BYTES_PER_THREAD, ConvReluPool.targetBytes(1, 0));
        assertEquals(ConvReluPool.TARGET_BYTES_PER_THREAD_PARALLEL, ConvReluPool.targetBytes(2, 0));
        assertEquals(ConvReluPool.TARGET_BYTES_PER_THREAD_PARALLEL, ConvReluPool.targetBytes(16, 0));
        assertEquals(3000, ConvReluPool.targetBytes(2, 3000)); // a test's override, whatever the threads
        long conv1 = 32 * 28 * 28 * 4, conv2 = 64 * 14 * 14 * 4;
        // the reference CNN at batch 128 (image blocks of 4 for both convs): 4 images of conv1 and 8 of conv2 per chunk
        // at one thread, whole batches at two
        assertEquals(4, ConvReluPool.chunkImages(128, 4, 1, conv1, ConvReluPool.targetBytes(1, 0)));
        assertEquals(8, ConvReluPool.chunkImages(128, 4, 1, conv2, ConvReluPool.targetBytes(1, 0)));
        assertEquals(128, ConvReluPool.chunkImages(128, 4, 2, conv1, ConvReluPool.targetBytes(2, 0)));
        assertEquals(128, ConvReluPool.chunkImages(128, 4, 2, conv2, ConvReluPool.targetBytes(2, 0)));
        // a large batch is still cut: 8 MiB of conv1 output per thread is 83 images, 168 for two threads (whole pairs of blocks)
        assertEquals(168, ConvReluPool.chunkImages(1024, 4, 2, conv1, ConvReluPool.targetBytes(2, 0)));
    }
}
