package org.vectorgrad.backend.vector;

import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.backend.vector.elementwise.ElementwiseSplit;
import org.vectorgrad.backend.vector.elementwise.VectorLosses;
import org.vectorgrad.backend.vector.elementwise.VectorPointwise;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.backend.vector.gemm.CacheSizes;
import org.vectorgrad.backend.vector.gemm.GemmBlocking;
import org.vectorgrad.backend.vector.gemm.LoopSafepoints;
import org.vectorgrad.backend.vector.optim.VectorUpdates;
import org.vectorgrad.backend.vector.pool.VectorPooling;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The Vector API backend: a blocked, packed GEMM ({@link BlockedGemm}), {@link VectorPointwise},
 * {@link VectorLosses}, {@link VectorUpdates}, {@link VectorConvolution} (im2col on that GEMM) and
 * {@link VectorPooling} and {@link org.vectorgrad.backend.vector.norm.VectorNormalization}, all on one {@link Dispatcher} owned by the backend (closing it stops the threads).
 * Deterministic for a given thread count; GEMM and every reduction are in fact bitwise identical for any thread
 * count (work is split on fixed boundaries only).
 */
public final class VectorBackend {
    /** System property choosing the GEMM vector width (128, 256 or 512); default: the preferred species. */
    public static final String BITS_PROPERTY = "vectorgrad.vector.bits";

    private VectorBackend() {}

    /** A backend with the default vector width (property or preferred species) and this machine's caches. */
    public static FamilyBackend create(int threads) {
        return create(threads, defaultBits());
    }

    /** A backend whose GEMM uses {@code bits}-wide vectors (128, 256 or 512) and this machine's caches. */
    public static FamilyBackend create(int threads, int bits) {
        return create(threads, blockingFor(bits));
    }

    /** A backend with an explicit GEMM blocking table (tests and measurements). */
    public static FamilyBackend create(int threads, GemmBlocking blocking) {
        Dispatcher dispatcher = new Dispatcher(threads);
        BlockedGemm gemm = new BlockedGemm(blocking, dispatcher, Tuning.GEMM_PARALLEL_MIN_WORK);
        ElementwiseSplit split = new ElementwiseSplit(dispatcher, Tuning.ELEMENTWISE_PARALLEL_MIN, Tuning.ELEMENTWISE_GRAIN);
        return new FamilyBackend("vector", dispatcher, gemm, new VectorPointwise(split), new VectorLosses(),
                new VectorUpdates(split), new VectorConvolution(gemm, dispatcher), new VectorPooling(dispatcher),
                new org.vectorgrad.backend.vector.norm.VectorNormalization(dispatcher), dispatcher::close);
    }

    /** The GEMM vector width: {@value #BITS_PROPERTY} if set, else the preferred species' width. */
    public static int defaultBits() {
        String p = System.getProperty(BITS_PROPERTY);
        if (p != null) {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + p + " is not 128, 256 or 512");
            }
        }
        return Math.min(512, SpeciesProbe.preferredBits());
    }

    /**
     * The blocking table for {@code bits} on this machine's caches, its vendor (whose L3 may feed the sweeps,
     * {@link GemmBlocking#streamingL3}) and this JVM's loop shape ({@link LoopSafepoints}).
     */
    public static GemmBlocking blockingFor(int bits) {
        return blockingFor(bits, CacheSizes.detect());
    }

    /**
     * As {@link #blockingFor(int)} with the caches given instead of detected: another CPU's table with this JVM's
     * loop shape and this CPU's vendor (harnesses measure, e.g., Zen 3's table on another core).
     */
    public static GemmBlocking blockingFor(int bits, CacheSizes caches) {
        return GemmBlocking.forCaches(bits, caches.l1d(), caches.l2(), caches.l3(), LoopSafepoints.enabled(),
                GemmBlocking.streamingL3(CpuFeatures.current()));
    }
}
