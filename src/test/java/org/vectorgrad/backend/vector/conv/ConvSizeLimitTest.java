package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.ConvGeometry;

/**
 * Buffers the vector convolution sizes from a geometry stay within an int even where one image's buffers are
 * close to the limit (checked on the sizes alone: nothing of that size is allocated).
 */
class ConvSizeLimitTest {
    @Test
    void imagesSharingAGemmAreLimitedSoTheColumnBufferFitsAnInt() {
        // K = 327680·3·3, p = 18·20 = 360: one image's column matrix (1.06e9 floats) fits, three side by side would not
        ConvGeometry g = ConvGeometry.simple(8, 327680, 20, 22, 1, 3, 1, 0);
        long k = 327680L * 9, p = (long) g.outH() * g.outW();
        assertEquals(360, p);
        int per = VectorConvolution.imagesPerGemm(g);
        assertEquals(2, per, "768 target columns would ask for 3 images");
        assertTrue(k * per * p <= ConvGeometry.MAX_ELEMENTS, "columns " + k * per * p);
    }

    @Test
    void weightGradientPartialsAreLimitedSoTheyFitAnInt() {
        // 400 x 50000 x 3 x 3 = 1.8e8 weights: 12 partials would be 2.16e9 floats
        ConvGeometry g = ConvGeometry.simple(48, 50000, 3, 3, 400, 3, 1, 0);
        int slots = VectorConvolution.weightSlots(g, 8);
        assertEquals(11, slots);
        assertTrue((long) slots * g.weightSize() <= ConvGeometry.MAX_ELEMENTS);
        // small weights: GROUPS_PER_THREAD per thread, at most one per group of images
        assertEquals(4, VectorConvolution.weightSlots(ConvGeometry.simple(16, 8, 9, 9, 8, 3, 1, 0), 2));
        assertEquals(2, VectorConvolution.weightSlots(ConvGeometry.simple(5, 8, 9, 9, 8, 3, 1, 0), 8));
    }
}
