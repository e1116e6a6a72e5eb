package org.vectorgrad.backend.vector.gemm;

/**
 * Whether this JVM puts safepoint polls into counted loops ({@code -XX:+UseCountedLoopSafepoints}: on by default with
 * G1, ZGC and Shenandoah, off with the Serial and Parallel collectors). C2 builds a different loop around a micro-kernel's
 * k loop either way, and the 256-bit 6 x 16 tile, which fills all 16 ymm registers, is spill-free only in the shape
 * with the poll (docs/decisions.md §2v), so where loops carry none the table asks for its twin with k loops strip-mined
 * by hand ({@link GemmBlocking#kStrips}, §2aj); {@link GemmBlocking#forCaches(int, long, long, long, boolean)} takes the
 * answer as an input, so the table stays a pure function of what it is given.
 *
 * <p>Read from the HotSpot diagnostic bean ({@link VmOption}). Where the bean or the option is missing, or the answer
 * is not "true", this says false, which selects the tile that does not depend on it. Read once; thread-safe.
 */
public final class LoopSafepoints {
    private static final String OPTION = "UseCountedLoopSafepoints";

    private LoopSafepoints() {}

    /** Read on first use (class initialization: once per JVM, safely published). */
    private static final class Once {
        static final boolean ENABLED = read();
    }

    /** {@code -XX:+UseCountedLoopSafepoints} in this JVM (read once); false when it cannot be read. */
    public static boolean enabled() {
        return Once.ENABLED;
    }

    private static boolean read() {
        return parse(VmOption.value(OPTION)); // null where it cannot be read: the tile that does not depend on it
    }

    /** The option's value as the bean reports it ("true"/"false"): true only for "true". */
    static boolean parse(Object value) {
        return value != null && "true".equals(value.toString().trim());
    }
}
