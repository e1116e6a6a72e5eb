package org.vectorgrad.backend.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.vectorgrad.backend.CpuFeatures;

/**
 * Sets {@code OPENBLAS_CORETYPE} in the process environment, once, before OpenBLAS is loaded: OpenBLAS reads it
 * in its library constructor, so it must be in place before the first {@code dlopen}. Java cannot change its own
 * environment, so the C library's {@code setenv} is called through FFM ({@link System#getenv} keeps showing the
 * environment as it was at JVM start; {@link #outcome()} says what was done).
 *
 * <p>Precedence: a value the user put in the environment always wins; then the system property
 * {@value #PROPERTY} ({@code auto}, the default: {@link CoreTypeChooser}; {@code off}: set nothing; any other
 * value: that core name); then the chooser.
 *
 * <p>Thread safety: safe to call from any thread; {@link #apply} and {@link #outcome} synchronize on the class, and
 * only the first {@code apply} writes the environment (once, before OpenBLAS is loaded).
 */
public final class CoreTypeSetup {
    /** The environment variable OpenBLAS's DYNAMIC_ARCH build reads. */
    public static final String ENV = "OPENBLAS_CORETYPE";
    /** {@code auto} (default), {@code off}, or a core name such as {@code SkylakeX}. */
    public static final String PROPERTY = "vectorgrad.blas.coretype";

    private static Outcome outcome;

    private CoreTypeSetup() {}

    /**
     * What was decided. {@code coreType}: the value OpenBLAS will see, null if unset (it detects by itself);
     * {@code source}: {@code environment}, {@code property}, {@code chooser} or {@code none}; {@code reason}: why.
     */
    public record Outcome(String coreType, String source, String reason) {}

    /** The pure decision, from the environment value, the property value and the CPU. */
    static Outcome decide(String envValue, String propertyValue, CpuFeatures cpu) {
        if (envValue != null && !envValue.isBlank()) {
            return new Outcome(envValue, "environment", "set by the user before the JVM started; left as is");
        }
        String prop = propertyValue == null ? "auto" : propertyValue.trim();
        if (prop.equalsIgnoreCase("off") || prop.equalsIgnoreCase("none")) {
            return new Outcome(null, "none", PROPERTY + "=off: OpenBLAS detects the CPU by itself");
        }
        if (!prop.isEmpty() && !prop.equalsIgnoreCase("auto")) {
            return new Outcome(prop, "property", PROPERTY + "=" + prop);
        }
        CoreTypeChooser.Choice c = CoreTypeChooser.choose(cpu);
        return new Outcome(c.coreType(), c.forces() ? "chooser" : "none", c.reason() + " [" + cpu + "]");
    }

    /** Decides and, when a core is to be forced, calls {@code setenv}; does the work only on the first call. */
    public static synchronized Outcome apply() {
        if (outcome != null) return outcome;
        Outcome o = decide(System.getenv(ENV), System.getProperty(PROPERTY), CpuFeatures.current());
        if (o.coreType() != null && !o.source().equals("environment")) {
            String err = setenv(ENV, o.coreType());
            if (err != null) o = new Outcome(null, "none", "could not set " + ENV + "=" + o.coreType() + ": " + err);
        }
        outcome = o;
        return o;
    }

    /** The outcome of {@link #apply()}, or null when OpenBLAS loading has not been attempted yet. */
    public static synchronized Outcome outcome() { return outcome; }

    /** libc {@code setenv(name, value, 1)}; returns null on success, else why not. */
    private static String setenv(String name, String value) {
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment addr = linker.defaultLookup().find("setenv").orElse(null);
            if (addr == null) return "the C library has no setenv";
            MethodHandle h = linker.downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) h.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
                return rc == 0 ? null : "setenv returned " + rc;
            }
        } catch (Throwable t) {
            return t.toString().toLowerCase(Locale.ROOT).contains("native access")
                    ? "native access is disabled (--enable-native-access=ALL-UNNAMED)" : t.toString();
        }
    }
}
