package org.vectorgrad.backend.vector.gemm;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;

/**
 * One HotSpot option's value in this JVM, read from the HotSpot diagnostic bean
 * ({@code com.sun.management.HotSpotDiagnosticMXBean}, by reflection, so that {@code jdk.management} is no
 * compile-time dependency: a jlinked runtime or another VM may lack it). The typed bean, unlike the platform MBean
 * server (~300 ms to start), costs a few milliseconds. Stateless; thread-safe.
 */
final class VmOption {
    private VmOption() {}

    /** The option's value as the bean reports it ("true", "32", ...), or null where the bean or the option is missing. */
    static String value(String name) {
        try {
            Class<?> type = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Object bean = ManagementFactory.getPlatformMXBean(type.asSubclass(PlatformManagedObject.class));
            Object option = type.getMethod("getVMOption", String.class).invoke(bean, name);
            Object value = option.getClass().getMethod("getValue").invoke(option);
            return value == null ? null : value.toString().trim();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // no such bean or option (IllegalArgumentException from the bean for an unknown name)
        }
    }
}
