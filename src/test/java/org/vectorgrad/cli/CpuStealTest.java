package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuStealTest {
    private static final String BEFORE = """
            cpu  3372987 0 244331 818969 2321 0 1511 105106 0 0
            cpu0 1686000 0 122000 409000 1100 0 700 52500 0 0
            intr 123 4 5
            """;
    private static final String AFTER = """
            cpu  3373987 0 244431 819369 2321 0 1511 105506 77 0
            cpu0 1686500 0 122050 409200 1100 0 700 52700 0 0
            """;

    @Test
    void stealIsItsShareOfAllCountedTime() {
        CpuSteal.Snapshot a = CpuSteal.parse(BEFORE), b = CpuSteal.parse(AFTER);
        // deltas: user 1000, system 100, idle 400, steal 400 (guest 77 is inside user, not added): 400 of 1900
        assertEquals(105106, a.steal());
        assertEquals(100.0 * 400 / 1900, CpuSteal.percent(a, b), 1e-9);
    }

    @Test
    void unreadableOrOddInputGivesNoReading() {
        assertNull(CpuSteal.parse(""));
        assertNull(CpuSteal.parse("cpu0 1 2 3 4 5 6 7 8\n"));           // no aggregate line
        assertNull(CpuSteal.parse("cpu 1 2 3 4 5 6 7\n"));              // no steal column (old kernels)
        assertNull(CpuSteal.parse("cpu 1 2 3 x 5 6 7 8\n"));
        assertNull(CpuSteal.parse("cpu 1 2 3 -4 5 6 7 8\n"));
        assertTrue(Double.isNaN(CpuSteal.percent(null, CpuSteal.parse(AFTER))));
        assertTrue(Double.isNaN(CpuSteal.percent(CpuSteal.parse(AFTER), CpuSteal.parse(BEFORE)))); // backwards
        assertTrue(Double.isNaN(CpuSteal.percent(CpuSteal.parse(BEFORE), CpuSteal.parse(BEFORE)))); // no time
    }

    @Test
    void thisMachineEitherReadsOrSaysNothing() {
        CpuSteal.Snapshot s = CpuSteal.now();
        if (s != null) assertTrue(s.total() >= s.steal() && s.steal() >= 0, s.toString());
    }
}
