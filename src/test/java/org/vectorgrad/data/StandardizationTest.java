package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.vectorgrad.data.Batch;

class StandardizationTest {
    @Test
    void standardizedBatchesHaveZeroMeanUnitStd() {
        byte[] px = new byte[5 * 4];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 13 % 256);
        Dataset d = Dataset.ofUnsignedBytes("t", px, new int[] {1, 2, 2}, new int[] {0, 1, 0, 1, 1}, 2);
        double[] ms = d.meanAndStd();
        double mean = 0;
        for (byte b : px) mean += (b & 0xFF) / 255.0;
        assertEquals(mean / px.length, ms[0], 1e-6);
        Dataset s = d.standardized(ms[0], ms[1]);
        double[] after = s.meanAndStd();
        assertEquals(0, after[0], 1e-6);
        assertEquals(1, after[1], 1e-5);
        Batch b = s.batches(5, 0, 0, false).iterator().next();
        assertEquals((float) (((px[3] & 0xFF) / 255.0 - ms[0]) / ms[1]), b.images().getFlat(3), 1e-5f);
        var e = assertThrows(IllegalArgumentException.class, () -> d.standardized(0.5, 0));
        assertTrue(e.getMessage().contains("std 0"), e.getMessage());
    }
}
