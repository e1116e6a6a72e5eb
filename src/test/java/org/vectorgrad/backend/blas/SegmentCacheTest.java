package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The segment cache returns a segment of the right slice, keeps any four operands without evicting one, and never
 * keeps an array past its size bound alive.
 */
class SegmentCacheTest {

    @Test
    void segmentsStartAtTheirOffset() {
        SegmentCache cache = new SegmentCache();
        float[] a = {1, 2, 3, 4, 5};
        MemorySegment s = cache.get(a, 3);
        assertEquals(8, s.byteSize());
        assertEquals(4f, s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4, 9f);
        assertEquals(9f, a[4], "the segment is the array itself, not a copy");
    }

    @Test
    void anyFourOperandsStayCachedWhateverTheirHashes() {
        // Four ways per set: even four operands that all fall into one set (offsets chosen freely) keep their
        // segments; the old direct-mapped table lost one of two colliding operands on every call.
        for (int trial = 0; trial < 200; trial++) {
            SegmentCache cache = new SegmentCache();
            float[][] arrays = {new float[16], new float[16], new float[16], new float[16]};
            int[] offs = {trial % 7, 1, 0, trial % 3};
            MemorySegment[] first = new MemorySegment[4];
            for (int i = 0; i < 4; i++) first[i] = cache.get(arrays[i], offs[i]);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 4; i++) assertSame(first[i], cache.get(arrays[i], offs[i]), "operand " + i + " trial " + trial);
            }
        }
    }

    @Test
    void aDifferentOffsetOrArrayIsADifferentSegment() {
        SegmentCache cache = new SegmentCache();
        float[] a = new float[8], b = new float[8];
        MemorySegment a0 = cache.get(a, 0);
        assertEquals(32, cache.get(a, 0).byteSize());
        assertEquals(28, cache.get(a, 1).byteSize());
        assertSame(a0, cache.get(a, 0));
        MemorySegment b0 = cache.get(b, 0);
        b0.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 7f);
        assertEquals(0f, a[0]);
        assertEquals(7f, b[0]);
    }

    @Test
    void anArrayPastTheBoundIsServedButNotKept() {
        SegmentCache cache = new SegmentCache(16);
        float[] small = new float[16], big = new float[17];
        big[5] = 3f;
        MemorySegment s = cache.get(big, 5);
        assertEquals(48, s.byteSize());
        assertEquals(3f, s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0), "the right slice of the big array");
        assertFalse(cache.holds(big), "a big array must not stay reachable from the cache after its call");
        cache.get(small, 0);
        assertTrue(cache.holds(small));
        assertSame(cache.get(small, 0), cache.get(small, 0), "arrays within the bound are still cached");
        assertTrue(SegmentCache.MAX_CACHED_FLOATS >= 1 << 24, "the default keeps every layer buffer of the reference models");
    }
}
