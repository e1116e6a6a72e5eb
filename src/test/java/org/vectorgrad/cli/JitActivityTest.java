package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link JitActivity}: the parse of HotSpot's {@code Compiler.queue} text, and the live call on this JVM. */
class JitActivityTest {
    private static final String IDLE = """
            Current compiles:\s

            C1 compile queue:
            Empty

            C2 compile queue:
            Empty

            """;

    @Test
    void idleOrC1OnlyIsNotBusy() {
        assertFalse(JitActivity.c2Busy(IDLE));
        assertFalse(JitActivity.c2Busy("""
                Current compiles:\s
                C1 CompilerThread0   678       3       java.lang.String::lastIndexOf (12 bytes)

                C1 compile queue:
                  681       3       java.util.HashMap::get (19 bytes)

                C2 compile queue:
                Empty
                """), "C1 at work, C2 idle");
        assertFalse(JitActivity.c2Busy(""), "no text, no evidence");
    }

    @Test
    void aRunningOrQueuedC2CompileIsBusy() {
        assertTrue(JitActivity.c2Busy("""
                Current compiles:\s
                C2 CompilerThread0  1788 %     4       org.vectorgrad.backend.vector.gemm.Transpose512::panelRun @ 27 (1371 bytes)

                C1 compile queue:
                Empty

                C2 compile queue:
                Empty
                """), "a compile running");
        assertTrue(JitActivity.c2Busy("""
                Current compiles:\s

                C1 compile queue:
                Empty

                C2 compile queue:
                 1901       4       org.vectorgrad.backend.vector.gemm.Kernel512x12::run (1001 bytes)

                """), "a compile queued");
    }

    @Test
    void thisJvmOffersTheQueueInTheParsedForm() {
        // the JDK the project builds and runs on (HotSpot 25) answers the command with the sections the parse reads;
        // without them the warm-ups would silently fall back to the compile-time rule alone
        String queue = JitActivity.queueText();
        assertTrue(queue != null && queue.contains("Current compiles:") && queue.contains("C2 compile queue:"), String.valueOf(queue));
    }
}
