package org.vectorgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/** Optimizer updates against hand-computed PyTorch-formula values. */
class OptimizerTest {
    private final Backend be = ScalarBackend.create();

    private static Parameter param(float w, float g) {
        Parameter p = new Parameter("w", Tensor.of(new float[] {w}, 1));
        p.grad().setFlat(0, g);
        return p;
    }

    @Test
    void sgdMomentumMatchesPyTorchFormula() {
        Parameter p = param(1f, 0.5f);
        SGD sgd = new SGD(List.of(p), 0.1f, 0.9f, 0.01f, false);
        sgd.bind(be);
        sgd.step(); // g' = 0.5 + 0.01 = 0.51; v = 0.51; w = 1 - 0.051
        assertEquals(0.949f, p.value().getFlat(0), 1e-6f);
        sgd.step(); // g' = 0.5 + 0.00949 = 0.50949; v = 0.9*0.51 + 0.50949 = 0.96849; w = 0.949 - 0.096849
        assertEquals(0.852151f, p.value().getFlat(0), 1e-6f);
    }

    @Test
    void sgdNesterov() {
        Parameter p = param(0f, 1f);
        SGD sgd = new SGD(List.of(p), 1f, 0.5f, 0f, true);
        sgd.bind(be);
        sgd.step(); // v = 1; d = 1 + 0.5 = 1.5
        assertEquals(-1.5f, p.value().getFlat(0), 1e-6f);
        sgd.step(); // v = 0.5 + 1 = 1.5; d = 1 + 0.75
        assertEquals(-3.25f, p.value().getFlat(0), 1e-6f);
    }

    @Test
    void adamFirstStepsMatchFormula() {
        Parameter p = param(1f, 2f);
        Adam adam = new Adam(List.of(p), 0.1f);
        adam.bind(be);
        adam.step(); // m̂ = g, v̂ = g², step = lr·g/|g| = 0.1
        assertEquals(0.9f, p.value().getFlat(0), 1e-6f);
        p.grad().setFlat(0, -1f);
        adam.step();
        double m = 0.9 * 0.2 + 0.1 * -1, v = 0.999 * 0.004 + 0.001 * 1;
        double expected = 0.9 - 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.998001)) + 1e-8);
        assertEquals(expected, p.value().getFlat(0), 1e-5);
    }

    @Test
    void badHyperParametersAreRejected() {
        Parameter p = param(0f, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), -1f, 0f));
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1f, 1.5f));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1f, 0f, 0f, true));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
    }

    @Test
    void cosineScheduleAnnealsFromBaseToZero() {
        LearningRateSchedule c = LearningRateSchedule.cosine();
        assertEquals(0.05f, c.rate(0.05f, 0, 100), 1e-9f);
        assertEquals(0.025f, c.rate(0.05f, 50, 100), 1e-7f);
        assertEquals(0f, c.rate(0.05f, 100, 100), 1e-9f);
        assertTrue(c.rate(0.05f, 30, 100) > c.rate(0.05f, 31, 100));
        assertEquals(0.05f, LearningRateSchedule.named("constant").rate(0.05f, 99, 100));
        var e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.named("step"));
        assertTrue(e.getMessage().contains("'step'"), e.getMessage());
    }

    @Test
    void warmupRampsLinearlyThenFollowsTheSchedule() {
        LearningRateSchedule w = LearningRateSchedule.constant().withWarmup(4);
        assertEquals(0.025f, w.rate(0.1f, 0, 1000), 1e-7f);
        assertEquals(0.075f, w.rate(0.1f, 2, 1000), 1e-7f);
        assertEquals(0.1f, w.rate(0.1f, 3, 1000), 1e-7f);
        assertEquals(0.1f, w.rate(0.1f, 500, 1000), 1e-7f);
        assertEquals(LearningRateSchedule.cosine().rate(0.1f, 700, 1000), LearningRateSchedule.cosine().withWarmup(100).rate(0.1f, 700, 1000));
        assertThrows(IllegalArgumentException.class, () -> w.withWarmup(-1));
    }
}
