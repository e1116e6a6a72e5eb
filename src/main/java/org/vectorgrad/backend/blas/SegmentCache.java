package org.vectorgrad.backend.blas;

import java.lang.foreign.MemorySegment;

/**
 * Remembers the heap segments made for recent (array, offset) pairs, so a training loop that hands the same
 * layer buffers to BLAS every step creates no segment objects in steady state.
 *
 * <p>Why: C2 scalar-replaces {@code MemorySegment.ofArray(a).asSlice(off)} only when the whole call path inlines
 * with a clean type profile. In a JVM that has also used other segment kinds, it did not: 672 bytes per GEMM call
 * were measured in the full test suite, against 0 in a JVM that only ran BLAS calls. A lookup here is a few
 * reference compares. Four-way set-associative on the array's identity hash and the offset: a direct-mapped table
 * of 64 slots let two of a handful of operands share a slot about one time in five, and then every call missed and
 * allocated (seen: 288 B per call). A set only overflows when five live operands hash into it; a miss replaces
 * the set's entries in turn.
 *
 * <p>A cached segment holds its array, so the cache keeps its operands alive until they are replaced. Arrays of
 * more than {@link #MAX_CACHED_FLOATS} floats are therefore never cached: one very large request (a serving batch
 * of 100,000 rows) would otherwise pin hundreds of MB after it finished, and a new segment per call costs nothing
 * next to a product that size. The layers' steady-state buffers are far below the bound.
 * Not thread-safe by itself: {@link BlasGemm} calls it under a lock on the cache.
 */
final class SegmentCache {
    private static final int WAYS = 4;
    private static final int SETS = 64; // power of two; a network has a few dozen distinct operands
    /** The largest array cached: 2^24 floats (64 MiB). */
    static final int MAX_CACHED_FLOATS = 1 << 24;
    private final int maxCachedFloats;
    private final float[][] arrays = new float[SETS * WAYS][];
    private final int[] offsets = new int[SETS * WAYS];
    private final MemorySegment[] segments = new MemorySegment[SETS * WAYS];
    private final byte[] nextVictim = new byte[SETS];

    SegmentCache() { this(MAX_CACHED_FLOATS); }

    /** A cache that keeps arrays of at most {@code maxCachedFloats} floats (tests use a small bound). */
    SegmentCache(int maxCachedFloats) { this.maxCachedFloats = maxCachedFloats; }

    MemorySegment get(float[] a, int off) {
        if (a.length > maxCachedFloats) return MemorySegment.ofArray(a).asSlice(off * 4L);
        int set = mix(System.identityHashCode(a) * 31 + off) & (SETS - 1);
        int base = set * WAYS;
        for (int w = base; w < base + WAYS; w++) {
            if (arrays[w] == a && offsets[w] == off) return segments[w];
        }
        int victim = base + nextVictim[set];
        nextVictim[set] = (byte) ((nextVictim[set] + 1) & (WAYS - 1));
        MemorySegment s = MemorySegment.ofArray(a).asSlice(off * 4L);
        arrays[victim] = a;
        offsets[victim] = off;
        segments[victim] = s;
        return s;
    }

    /** Whether the cache holds a segment of {@code a} (tests). */
    boolean holds(float[] a) {
        for (float[] x : arrays) if (x == a) return true;
        return false;
    }

    /** Spreads the hash's high bits into the low ones that pick the set. */
    private static int mix(int h) {
        return h ^ (h >>> 16) ^ (h >>> 8);
    }
}
