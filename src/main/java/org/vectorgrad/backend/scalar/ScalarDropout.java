package org.vectorgrad.backend.scalar;

/**
 * Dropout's mask, the scalar twin of {@code backend.vector.elementwise.DropoutKernels}: a counter-based generator,
 * so that whether element i of a call is kept depends only on (seed, step, i) and never on how the work is split
 * over threads or vector lanes.
 *
 * <p><b>Mask.</b> A 64-bit key is derived from seed and step by the SplitMix64 finalizer,
 * {@code key = mix64(mix64(seed) + step·0x9E3779B97F4A7C15)}; its halves k0 (low) and k1 (high) key a 32-bit hash of
 * the element index, {@code h = fmix32(fmix32(i·0x9E3779B9 + k0) ^ k1)} (fmix32: MurmurHash3's finalizer; all int
 * arithmetic wraps, as in Java). Element i is kept when {@code h >>> 8}, uniform on [0, 2^24), is at least
 * {@code round(p·2^24)}: the probability of keeping is 1 - p to within 2^-25. Kept elements are multiplied by
 * {@code scale = 1f / (float) (1 - p)}, dropped ones by 0, as PyTorch 1.13's {@code input * noise} with
 * {@code noise = bernoulli(1 - p) / (1 - p)}: a dropped NaN or ±∞ stays NaN (∞·0), a dropped negative value gives
 * -0. p = 1 drops everything (PyTorch multiplies by zeros); p = 0 keeps everything with scale 1.
 *
 * <p>The backward of dropout is the same map applied to dL/dy with the same (p, seed, step). Stateless and
 * thread-safe.
 */
public final class ScalarDropout {
    private ScalarDropout() {}

    /** 2^24: the resolution of the keep decision. */
    public static final int UNITS = 1 << 24;
    /** The 32-bit golden-ratio multiplier applied to the element index. */
    public static final int INDEX_MULTIPLIER = 0x9E3779B9;

    /** The 64-bit key of one call (seed, step). */
    public static long key(long seed, long step) {
        return mix64(mix64(seed) + step * 0x9E3779B97F4A7C15L);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** MurmurHash3's 32-bit finalizer. */
    public static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** The hash of element {@code i} under key halves k0, k1. */
    public static int hash(int k0, int k1, int i) {
        return fmix32(fmix32(i * INDEX_MULTIPLIER + k0) ^ k1);
    }

    /** Elements whose {@code hash >>> 8} is below this are dropped: round(p·2^24). */
    public static int threshold(double p) {
        return (int) Math.round(p * UNITS);
    }

    /** The factor of kept elements, {@code 1f / (float) (1 - p)} (+∞ for p = 1, where nothing is kept). */
    public static float scale(double p) {
        return 1f / (float) (1.0 - p);
    }

    /** Fails unless p is in [0, 1] (NaN included in the failures). */
    public static void checkProbability(String who, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(who + ": dropout probability p must be in [0, 1] (as PyTorch), got " + p);
        }
    }

    /** {@code y[i] = x[i]·m_i} for i in [from, to) (offsets added; may be in place), m_i = scale or 0 as above. */
    public static void apply(double p, long seed, long step, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        long key = key(seed, step);
        int k0 = (int) key, k1 = (int) (key >>> 32), threshold = threshold(p);
        float scale = scale(p);
        for (int i = from; i < to; i++) {
            float m = (hash(k0, k1, i) >>> 8) >= threshold ? scale : 0f;
            y[yOff + i] = x[xOff + i] * m;
        }
    }
}
