package org.vectorgrad.data;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Checks that a load fits in the Java heap before its arrays are allocated, so that a file whose header declares
 * more than the heap holds is refused with a message (how much is needed, how much is free, which {@code -Xmx} would
 * do) instead of an {@link OutOfMemoryError}.
 *
 * <p>Free heap is {@code maxMemory - (totalMemory - freeMemory)} less a reserve of {@code max(32 MiB, max / 16)} kept
 * for everything else. "In use" counts garbage not yet collected, so when the first check fails the heap is collected
 * once ({@link System#gc()}) and checked again: a refusal is never caused by garbage. Thread-safe (stateless).
 */
final class HeapBudget {
    static final long MIB = 1L << 20;
    /** Headroom added to a suggested {@code -Xmx} for what follows the load (model, batches, training). */
    private static final long TRAINING_HEADROOM = 256 * MIB;

    private final LongSupplier max;
    private final LongSupplier used;
    private final Runnable collect;

    private HeapBudget(LongSupplier max, LongSupplier used, Runnable collect) {
        this.max = max;
        this.used = used;
        this.collect = collect;
    }

    /** The heap of this JVM. */
    static HeapBudget runtime() {
        Runtime rt = Runtime.getRuntime();
        return new HeapBudget(rt::maxMemory, () -> rt.totalMemory() - rt.freeMemory(), System::gc);
    }

    /** A fixed heap, for tests: {@code max} bytes of which {@code used} are taken. */
    static HeapBudget fixed(long max, long used) {
        return new HeapBudget(() -> max, () -> used, () -> {});
    }

    /** Bytes kept free for everything but the load. */
    static long reserve(long max) {
        return Math.max(32 * MIB, max / 16);
    }

    /** Bytes free for a load now (may be negative). */
    long available() {
        long m = max.getAsLong();
        if (m == Long.MAX_VALUE) return Long.MAX_VALUE;
        return m - used.getAsLong() - reserve(m);
    }

    /**
     * Returns when {@code need} bytes fit, else throws.
     *
     * @param what what is being loaded, with its file(s) and the sizes their headers claim, e.g.
     *             {@code "/d/train-images-idx3-ubyte.gz: its header declares [60000, 28, 28] = 47040000 bytes, which"}
     *             (the message continues with " needs N MiB of heap, but ...")
     */
    void require(long need, String what) throws InsufficientHeapException {
        if (need <= available()) return;
        collect.run();
        long avail = available();
        if (need <= avail) return;
        long m = max.getAsLong();
        long u = used.getAsLong();
        String xmx = suggestXmx(u + need);
        throw new InsufficientHeapException(String.format(Locale.ROOT,
                "%s needs %s of Java heap, but only %s of the %s usable heap are free (%s in use, %s kept in reserve). "
                        + "Give the JVM more heap: VECTORGRAD_JAVA_OPTS=-Xmx%s ./vectorgrad ... (or java -Xmx%s ...)",
                what, mib(need), mib(Math.max(0, avail)), mib(m), mib(u), mib(reserve(m)), xmx, xmx), need, avail, xmx);
    }

    /** An {@code -Xmx} value (rounded up to 256 MiB) whose free heap holds {@code total} bytes plus room to train. */
    static String suggestXmx(long total) {
        long m = total + 32 * MIB;
        m = Math.max(m, Math.ceilDiv(total * 16, 15)); // so that total <= m - m/16 as well
        m += TRAINING_HEADROOM;
        long quarterGiB = 256 * MIB;
        long rounded = Math.ceilDiv(m, quarterGiB) * quarterGiB;
        return rounded % (1024 * MIB) == 0 ? rounded / (1024 * MIB) + "g" : rounded / MIB + "m";
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
