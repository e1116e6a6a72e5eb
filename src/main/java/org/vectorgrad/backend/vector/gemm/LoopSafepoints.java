package org.vectorgrad.backend.vector.gemm;

import java.lang.management.ManagementFactory;

/**
 * Whether this JVM puts safepoint polls into counted loops ({@code -XX:+UseCountedLoopSafepoints}: on by default with
 * G1, ZGC and Shenandoah, off with the Serial and Parallel collectors). C2 builds a different loop around a micro-kernel's
 * k loop either way, and the 256-bit 6 x 16 tile, which fills all 16 ymm registers, is spill-free only in the shape
 * with the poll (docs/decisions.md §2v), so where loops carry none the table asks for its twin with k loops strip-mined
 * by hand ({@link GemmBlocking#kStrips}, §2aj); {@link GemmBlocking#forCaches(int, long, long, long, boolean)} takes the
 * answer as an input, so the table stays a pure function of what it is given.
 *
 * <p>Read from the HotSpot diagnostic bean ({@code com.sun.management.HotSpotDiagnosticMXBean}, by reflection, so that
 * {@code jdk.management} is no compile-time dependency). Where the bean or the option is missing, or the answer is
 * not "true", this says false, which selects the tile that does not depend on it. Read once; thread-safe.
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
        try {
            // com.sun.management.HotSpotDiagnosticMXBean by reflection: jdk.management may be absent (a jlinked
            // runtime, another VM), and the typed bean, unlike the platform MBean server (~300 ms to start), costs
            // a few milliseconds
            Class<?> type = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Object bean = ManagementFactory.getPlatformMXBean(type.asSubclass(java.lang.management.PlatformManagedObject.class));
            Object option = type.getMethod("getVMOption", String.class).invoke(bean, OPTION);
            return parse(option.getClass().getMethod("getValue").invoke(option));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false; // no such bean or option: the tile that does not depend on it
        }
    }

    /** The option's value as the bean reports it ("true"/"false"): true only for "true". */
    static boolean parse(Object value) {
        return value != null && "true".equals(value.toString().trim());
    }
}
