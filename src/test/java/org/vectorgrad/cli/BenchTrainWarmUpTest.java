package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link BenchTrainCommand#firstWarmUpGoesOn}: the first warm-up's floors of time and steps, and the bound on both. */
class BenchTrainWarmUpTest {
    private static final long SECOND = 1_000_000_000L, MIN = 3 * SECOND;
    private static final int FLOOR = BenchTrainCommand.FIRST_WARMUP_STEPS;

    @Test
    void goesOnUntilTheWarmupStepsAndSecondsAreDone() {
        assertTrue(BenchTrainCommand.firstWarmUpGoesOn(9, 10, 100 * SECOND, MIN), "--warmup steps not yet taken");
        assertTrue(BenchTrainCommand.firstWarmUpGoesOn(5_000, 10, MIN - 1, MIN), "--warmup-seconds not yet passed");
    }

    @Test
    void goesOnUntilTheStepFloorWhileTheBoundAllows() {
        assertTrue(BenchTrainCommand.firstWarmUpGoesOn(FLOOR - 1, 10, MIN, MIN));
        assertTrue(BenchTrainCommand.firstWarmUpGoesOn(FLOOR - 1, 10, BenchTrainCommand.WARMUP_STRETCH * MIN - 1, MIN));
        assertFalse(BenchTrainCommand.firstWarmUpGoesOn(FLOOR, 10, MIN, MIN), "the floor reached ends the first phase");
    }

    @Test
    void aSlowModelStopsAtTheBoundBelowTheFloor() {
        // a model whose steps take seconds must not warm up for hundreds of them: the bound of ten times
        // --warmup-seconds ends the floor, as it ends the quiet-JIT turns
        assertFalse(BenchTrainCommand.firstWarmUpGoesOn(12, 10, BenchTrainCommand.WARMUP_STRETCH * MIN, MIN));
        assertFalse(BenchTrainCommand.firstWarmUpGoesOn(0, 0, 0, 0), "no floor of time means no floor of steps");
    }

    @Test
    void aLargerWarmupStepCountThanTheFloorStillHolds() {
        assertTrue(BenchTrainCommand.firstWarmUpGoesOn(FLOOR + 5, FLOOR + 10, 100 * SECOND, MIN));
    }
}
