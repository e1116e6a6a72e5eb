package org.vectorgrad.backend;

/**
 * Scratch buffers owned by a caller (usually a layer) and lent to kernels, so temporary storage such as im2col
 * columns is allocated once per shape and reused across training steps. Not thread-safe: one owner.
 */
public final class Scratch {
    private float[][] slots = new float[4][];

    /** A buffer of at least {@code size} floats for {@code slot}; contents are unspecified. */
    public float[] floats(int slot, int size) {
        if (slot >= slots.length) slots = java.util.Arrays.copyOf(slots, Math.max(slot + 1, slots.length * 2));
        float[] b = slots[slot];
        if (b == null || b.length < size) {
            b = new float[size];
            slots[slot] = b;
        }
        return b;
    }
}
