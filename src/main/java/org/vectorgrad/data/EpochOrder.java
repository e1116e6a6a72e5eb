package org.vectorgrad.data;

import java.util.SplittableRandom;

/** The order in which an epoch visits the samples: a seeded permutation, or index order. */
final class EpochOrder {
    private EpochOrder() {}

    /**
     * Fills {@code order} with 0..n-1, then, when {@code shuffle}, permutes it with Fisher–Yates driven by a
     * generator seeded from {@code seed} and {@code epoch}: same pair, same order; another epoch, another order.
     */
    static void fill(int[] order, long seed, int epoch, boolean shuffle) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (!shuffle) return;
        SplittableRandom rng = new SplittableRandom(epochSeed(seed, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * Mixes seed and epoch so that nearby pairs do not collide ({@code seed + epoch} would give (1, 0) the same
     * order as (0, 1)): the epoch is spread by an odd 64-bit constant and the result goes through a murmur3 finalizer.
     */
    static long epochSeed(long seed, int epoch) {
        long z = seed ^ ((epoch + 1L) * 0xD1B54A32D192ED03L);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
