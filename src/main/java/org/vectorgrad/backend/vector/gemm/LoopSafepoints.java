package org.vectorgrad.backend.vector.gemm;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Whether this JVM puts safepoint polls into counted loops ({@code -XX:+UseCountedLoopSafepoints}: on by default with
 * G1, ZGC and Shenandoah, off with the Serial and Parallel collectors). C2 builds a different loop around a micro-kernel's
 * k loop either way, and the 256-bit 6 x 16 tile, which fills all 16 ymm registers, is spill-free only in the shape
 * with the poll (docs/decisions.md §2v); {@link GemmBlocking#forCaches(int, long, long, long, boolean)} takes the
 * answer as an input, so the table stays a pure function of what it is given.
 *
 * <p>Read through the platform MBean server's HotSpot diagnostic bean ({@code jdk.management} needs no compile-time
 * dependency that way). Where the bean or the option is missing, or the answer is not "true", this says false, which
 * selects the tile that does not depend on it. Stateless; thread-safe.
 */
public final class LoopSafepoints {
    private static final String BEAN = "com.sun.management:type=HotSpotDiagnostic";
    private static final String OPTION = "UseCountedLoopSafepoints";
    private static volatile Boolean cached;

    private LoopSafepoints() {}

    /** {@code -XX:+UseCountedLoopSafepoints} in this JVM (read once); false when it cannot be read. */
    public static boolean enabled() {
        Boolean c = cached;
        if (c == null) cached = c = read();
        return c;
    }

    private static boolean read() {
        try {
            Object option = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(BEAN), "getVMOption",
                    new Object[] {OPTION}, new String[] {String.class.getName()});
            return option instanceof CompositeData cd && parse(cd.get("value"));
        } catch (Exception | LinkageError e) {
            return false; // no HotSpot diagnostic bean (another VM, a runtime without jdk.management): the safe tile
        }
    }

    /** The option's value as the bean reports it ("true"/"false"): true only for "true". */
    static boolean parse(Object value) {
        return value != null && "true".equals(value.toString().trim());
    }
}
