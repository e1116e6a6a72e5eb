package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class LoopSafepointsTest {
    @Test
    void readsThisJvmsOption() {
        // independently of the diagnostic bean: an explicit -XX:±UseCountedLoopSafepoints wins, else HotSpot turns it
        // on for the concurrent collectors (G1, ZGC, Shenandoah) and leaves it off for Serial and Parallel
        Boolean explicit = null;
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-XX:+UseCountedLoopSafepoints")) explicit = true;
            if (arg.equals("-XX:-UseCountedLoopSafepoints")) explicit = false;
        }
        boolean concurrent = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String n = gc.getName();
            concurrent |= n.startsWith("G1") || n.startsWith("ZGC") || n.startsWith("Shenandoah");
        }
        boolean expected = explicit != null ? explicit : concurrent;
        assertEquals(expected, LoopSafepoints.enabled(), "explicit " + explicit + ", concurrent collector " + concurrent);
    }

    @Test
    void onlyTrueMeansTrue() {
        assertTrue(LoopSafepoints.parse("true"));
        assertTrue(LoopSafepoints.parse(" true "));
        assertFalse(LoopSafepoints.parse("false"));
        assertFalse(LoopSafepoints.parse(""));
        assertFalse(LoopSafepoints.parse(null));
    }
}
