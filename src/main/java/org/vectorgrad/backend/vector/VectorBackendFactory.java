package org.vectorgrad.backend.vector;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.BackendFactory;
import org.vectorgrad.backend.FamilyBackend;

/**
 * Creates {@link VectorBackend}s and decides, Lucene-style, whether the Vector API can pay off here. The vector
 * backend is available when all of these hold:
 * <ol>
 *   <li>the {@code jdk.incubator.vector} module is in the boot layer ({@code --add-modules jdk.incubator.vector});</li>
 *   <li>C2 is on: no {@code -Xint}, no {@code -XX:TieredStopAtLevel} below 4, no {@code -XX:-UseCompiler}
 *       (without C2 every vector operation is a boxed interpreter call, far slower than scalar loops);</li>
 *   <li>the preferred species is at least 128 bits wide (4 floats), and {@code vectorgrad.vector.bits}, if set,
 *       names 128, 256 or 512.</li>
 * </ol>
 * The check never loads a class that references {@code jdk.incubator.vector} until the module is known to be
 * present, so a JVM without it gets a reason here instead of a {@code NoClassDefFoundError}.
 *
 * <p>Thread safety: safe to share; the availability check is cached in a volatile field (two threads may both run it,
 * with the same result).
 */
public final class VectorBackendFactory implements BackendFactory {
    private volatile Availability availability;

    /** Public no-arg constructor: {@code Backends} loads this class reflectively. */
    public VectorBackendFactory() {}

    @Override public String name() { return "vector"; }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) availability = a = check();
        return a;
    }

    private static Availability check() {
        try {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return Availability.no("module jdk.incubator.vector is not loaded; run java with --add-modules jdk.incubator.vector");
            }
            String noC2 = compilerProblem(ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.vm.info", ""));
            if (noC2 != null) return Availability.no(noC2);
            String bitsProp = System.getProperty(VectorBackend.BITS_PROPERTY);
            if (bitsProp != null && !List.of("128", "256", "512").contains(bitsProp.trim())) {
                return Availability.no("-D" + VectorBackend.BITS_PROPERTY + "=" + bitsProp + " is not 128, 256 or 512");
            }
            // Only now touch a class that links against the incubator module.
            int preferred = SpeciesProbe.preferredBits();
            if (preferred < 128) {
                return Availability.no("the preferred vector species is " + preferred + " bits; at least 128 are needed to beat scalar code");
            }
            return Availability.yes("Vector API, preferred species " + preferred + " bits");
        } catch (Throwable t) {
            return Availability.no("Vector API probe failed: " + t);
        }
    }

    /** Why C2 is off according to the JVM's arguments and {@code java.vm.info}, or null when it is on. */
    static String compilerProblem(List<String> jvmArgs, String vmInfo) {
        for (String arg : jvmArgs) {
            if (arg.equals("-Xint")) return "the JVM runs interpreted (-Xint); the Vector API needs the C2 compiler";
            if (arg.equals("-XX:-UseCompiler")) return "the JIT is off (-XX:-UseCompiler); the Vector API needs the C2 compiler";
            if (arg.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    int level = Integer.parseInt(arg.substring("-XX:TieredStopAtLevel=".length()).trim());
                    if (level < 4) return "C2 is off (" + arg + "); the Vector API needs the C2 compiler";
                } catch (NumberFormatException e) {
                    // a malformed flag would have stopped the JVM; ignore
                }
            }
        }
        if (vmInfo.contains("interpreted mode")) return "the JVM runs in interpreted mode; the Vector API needs the C2 compiler";
        return null;
    }

    @Override
    public FamilyBackend create(int threads) {
        return VectorBackend.create(threads);
    }
}
