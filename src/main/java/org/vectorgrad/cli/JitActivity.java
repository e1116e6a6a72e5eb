package org.vectorgrad.cli;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Whether HotSpot's optimizing compiler (C2) is compiling or has compiles queued, read in-process from the JVM's
 * {@code compilerQueue} diagnostic command (what {@code jcmd <pid> Compiler.queue} prints).
 *
 * <p>Why: the warm-ups of {@code vectorgrad bench train} and of the JMH benchmarks end after a half-second window in
 * which the JIT's cumulative compile time ({@link java.lang.management.CompilationMXBean}) barely grew. That figure
 * grows only when a compile <em>ends</em>, so one long compile still running looks quiet: a 6.7 s C2 compile of a
 * packing method once let a warm-up end after 33 steps and the first timed run report 6,000 samples/s instead of
 * 67,000, its code running in tier 3 meanwhile (docs/decisions.md §2ac).
 *
 * <p>Stateless and thread-safe.
 */
public final class JitActivity {
    private JitActivity() {}

    /**
     * True while a C2 compile is running or queued in this JVM; false when C2 is idle or this JVM does not offer the
     * diagnostic command (then callers keep their other rule).
     */
    public static boolean c2Busy() {
        String queue = queueText();
        return queue != null && c2Busy(queue);
    }

    /** The diagnostic command's text, or null where this JVM does not offer it. */
    static String queueText() {
        try {
            Object queue = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerQueue", new Object[] {null}, new String[] {String[].class.getName()});
            return queue instanceof String s ? s : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses the command's text: a {@code C2 CompilerThread} line under "Current compiles:", or any entry under
     * "C2 compile queue:" other than "Empty", means busy.
     */
    static boolean c2Busy(String queue) {
        boolean inC2Queue = false;
        for (String line : queue.split("\n")) {
            String t = line.strip();
            if (t.startsWith("C2 CompilerThread")) return true;
            if (t.endsWith("compile queue:")) {
                inC2Queue = t.startsWith("C2");
                continue;
            }
            if (t.endsWith(":")) {
                inC2Queue = false;
                continue;
            }
            if (inC2Queue && !t.isEmpty() && !t.equals("Empty")) return true;
        }
        return false;
    }
}
