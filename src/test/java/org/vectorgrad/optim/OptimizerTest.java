package org.vectorgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
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
        for (float eps : new float[] {0f, -1e-8f, Float.NaN, Float.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1f, 0.9f, 0.999f, eps, 0f));
            assertTrue(e.getMessage().contains("eps must be a positive number, got " + eps), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(p), 0.1f, 0.9f, 0.999f, eps, 0f));
            assertTrue(e.getMessage().contains("eps must be a positive number, got " + eps), e.getMessage());
        }
        for (float beta : new float[] {-0.1f, 1f, Float.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1f, beta, 0.999f, 1e-8f, 0f));
            assertTrue(e.getMessage().contains("beta1 must be in [0.0, 1.0)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(p), 0.1f, 0.9f, beta, 1e-8f, 0f));
            assertTrue(e.getMessage().contains("beta2 must be in [0.0, 1.0)"), e.getMessage());
        }
        Adam adam = new Adam(List.of(p), 0.1f);
        e = assertThrows(IllegalArgumentException.class, () -> adam.setStepCount(-1));
        assertTrue(e.getMessage().contains("Adam step count out of range: -1"), e.getMessage());
        AdamW adamW = new AdamW(List.of(p), 0.1f);
        e = assertThrows(IllegalArgumentException.class, () -> adamW.setStepCount(1L << 31));
        assertTrue(e.getMessage().contains("AdamW step count out of range: 2147483648"), e.getMessage());
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

    @Test
    void adamWDecaysTheWeightsApartFromTheGradient() {
        // zero gradient: Adam's step is 0/(0+eps) = 0, so only the decoupled decay moves the weight
        Parameter p = param(2f, 0f);
        AdamW adamW = new AdamW(List.of(p), 0.1f); // PyTorch's default weight decay 0.01
        adamW.bind(be);
        adamW.step();
        assertEquals((float) (2.0 * (1 - 0.1 * 0.01)), p.value().getFlat(0));
        // with a gradient, the first step is lr·sign(g) after the decay (m̂ = g, v̂ = g²), unlike Adam's L2 term
        Parameter q = param(1f, -3f);
        AdamW w2 = new AdamW(List.of(q), 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        w2.bind(be);
        w2.step();
        assertEquals(1.0 * (1 - 0.05) + 0.1, q.value().getFlat(0), 1e-6);
        Parameter r = param(1f, -3f);
        Adam l2 = new Adam(List.of(r), 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        l2.bind(be);
        l2.step(); // L2: g' = -3 + 0.5 = -2.5, the step is still lr·sign(g') = +0.1
        assertEquals(1.1f, r.value().getFlat(0), 1e-6f);
        assertEquals(1, w2.stepCount());
    }

    @Test
    void rmsPropFirstStepsMatchTheFormula() {
        Parameter p = param(1f, 2f);
        RMSProp rms = new RMSProp(List.of(p), 0.01f); // alpha 0.99: sq = 0.01·g², avg = 0.1·|g| + eps
        rms.bind(be);
        rms.step();
        assertEquals(1 - 0.01 * 2 / (0.1 * 2 + 1e-8), p.value().getFlat(0), 1e-6);
        // centered with momentum: ga = 0.01·g, avg = sqrt(0.01·g² - 0.0001·g²) + eps, buf = g/avg
        Parameter q = param(0f, 1f);
        RMSProp c = new RMSProp(List.of(q), 0.01f, 0.99f, 1e-8f, 0f, 0.9f, true);
        c.bind(be);
        c.step();
        double avg = Math.sqrt(0.01 - 0.0001) + 1e-8, buf = 1 / avg;
        assertEquals(-0.01 * buf, q.value().getFlat(0), 1e-6);
        c.step(); // same gradient: sq = 0.99·0.01 + 0.01, ga = 0.99·0.01 + 0.01
        double sq = 0.99 * 0.01 + 0.01, ga = 0.99 * 0.01 + 0.01;
        buf = 0.9 * buf + 1 / (Math.sqrt(sq - ga * ga) + 1e-8);
        assertEquals(-0.01 / avg - 0.01 * buf, q.value().getFlat(0), 1e-5);
        assertEquals(List.of("square_avg.0", "grad_avg.0", "momentum_buffer.0"), List.copyOf(c.stateTensors().keySet()));
        assertEquals(List.of("square_avg.0"), List.copyOf(rms.stateTensors().keySet()));
    }

    @Test
    void nanAndInfGradientsPropagateThroughEveryOptimizer() {
        List<java.util.function.Function<List<Parameter>, Optimizer>> makers = List.of(
                ps -> new SGD(ps, 0.1f, 0.9f), ps -> new Adam(ps, 0.1f), ps -> new AdamW(ps, 0.1f),
                ps -> new RMSProp(ps, 0.1f), ps -> new RMSProp(ps, 0.1f, 0.99f, 1e-8f, 0.01f, 0.9f, true));
        for (var make : makers) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                Parameter p = new Parameter("w", Tensor.of(new float[] {1f, 2f, 3f}, 3));
                p.grad().setFlat(0, 0.5f);
                p.grad().setFlat(1, bad);
                p.grad().setFlat(2, -0.5f);
                Optimizer o = make.apply(List.of(p));
                o.bind(be);
                o.step();
                String what = o.getClass().getSimpleName() + " with gradient " + bad;
                assertTrue(!Float.isFinite(p.value().getFlat(1)), what + ": " + p.value().getFlat(1));
                assertTrue(Float.isFinite(p.value().getFlat(0)) && Float.isFinite(p.value().getFlat(2)), what + ": other elements finite");
            }
        }
    }

    @Test
    void clippingScalesOnlyAboveTheMaxNormAndReturnsTheTotal() {
        Parameter a = param(0f, 3f), b = new Parameter("b", Tensor.zeros(2));
        b.grad().setFlat(1, 4f); // total norm 5
        assertEquals(5.0, GradientClipping.clipGradNorm(List.of(a, b), 10f, be));
        assertEquals(3f, a.grad().getFlat(0)); // 10 / 5 > 1: untouched
        assertEquals(5.0, GradientClipping.clipGradNorm(List.of(a, b), 1f, be));
        assertEquals((float) (3 * (float) (1 / (5 + 1e-6))), a.grad().getFlat(0));
        assertEquals(1.0, GradientClipping.totalNorm(List.of(a, b), be), 1e-6);
        b.grad().setFlat(0, Float.NaN);
        assertTrue(Double.isNaN(GradientClipping.clipGradNorm(List.of(a, b), 1f, be)));
        assertTrue(Float.isNaN(a.grad().getFlat(0)), "a NaN norm makes every gradient NaN, as PyTorch");
        var e = assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGradNorm(List.of(a), -1f, be));
        assertTrue(e.getMessage().contains("max norm"), e.getMessage());

        // in the optimizer: clipped before the update, the norm kept; off by default
        Parameter p = param(1f, 30f);
        SGD sgd = new SGD(List.of(p), 0.1f, 0f);
        sgd.bind(be);
        assertTrue(Double.isNaN(sgd.lastGradNorm()));
        sgd.clipGradNorm(3f);
        sgd.step();
        assertEquals(30.0, sgd.lastGradNorm(), 1e-9);
        assertEquals(1f - 0.1f * 3f, p.value().getFlat(0), 1e-5f);
        assertTrue(sgd.configuration().contains("clip_norm=3.0"), sgd.configuration());
    }

    @Test
    void biasesAndOneDimensionalParametersGoToTheNoDecayGroup() {
        Sequential m = new Sequential(new Conv2d(1, 2, 3, 1, 1, 1), new ReLU(), new Flatten(), new Dense(8, 3, 2));
        ParamGroups g = ParamGroups.noDecayForBiasAndNorm(m, 0.05f);
        assertEquals(2, g.groups().size(), g.toString());
        ParamGroups.Group noDecay = g.groups().get(0), decay = g.groups().get(1);
        assertEquals("no_decay", noDecay.name());
        assertEquals(0f, noDecay.weightDecay());
        assertEquals(List.of("bias", "bias"), noDecay.parameters().stream().map(Parameter::name).toList());
        assertEquals("decay", decay.name());
        assertEquals(0.05f, decay.weightDecay());
        assertEquals(List.of(4, 2), decay.parameters().stream().map(p -> p.value().rank()).toList());
        assertEquals(m.parameters(), g.parameters(), "the given order is kept");
        for (int i = 0; i < g.parameters().size(); i++) {
            assertEquals(g.parameters().get(i).value().rank() == 1 ? 0f : 0.05f, g.weightDecay(i));
        }
        // a normalization layer's parameters are undecayed whatever their rank (a LayerNorm over [C, H, W] has a 3-D scale)
        Sequential withNorm = new Sequential(new Flatten(), new Dense(8, 3, 2), new TestLayerNorm());
        ParamGroups ng = ParamGroups.noDecayForBiasAndNorm(withNorm, 0.05f);
        assertEquals(List.of(0.05f, 0f, 0f, 0f), List.of(ng.weightDecay(0), ng.weightDecay(1), ng.weightDecay(2), ng.weightDecay(3)));
        assertEquals(0.05f, ParamGroups.noDecayForBiasAndNorm(withNorm.parameters(), 0.05f).weightDecay(2), "by shape alone it is a weight");

        // rules by state_dict name, first match wins; the rest keeps the default settings
        ParamGroups byName = ParamGroups.builder(1f, 0.1f)
                .add("head", (name, p) -> name.startsWith("3."), 0.5f, 0f)
                .add("never", (name, p) -> name.startsWith("3."), 2f, 0f)
                .build(m);
        assertEquals(List.of("head", ParamGroups.DEFAULT), byName.groups().stream().map(ParamGroups.Group::name).toList());
        assertEquals(0.5f, byName.lrScale(2));
        assertEquals(0.1f, byName.weightDecay(0));
        var e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.builder(1f, 0f).add("x", (n, p) -> true, 0f, 0f));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("learning-rate scale"), e.getMessage());
        Parameter p = param(0f, 0f);
        e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.single(List.of(p, p), 0f));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    }

    @Test
    void aGroupsLearningRateScaleAndDecayReachTheUpdate() {
        Parameter w = new Parameter("weight", Tensor.of(new float[] {1f, 1f}, 1, 2)), b = param(1f, 1f);
        w.grad().fill(1f);
        SGD sgd = new SGD(ParamGroups.noDecayForBiasAndNorm(List.of(w, b), 0.5f), 0.1f, 0f, false);
        sgd.bind(be);
        sgd.step(); // weight: g' = 1 + 0.5, w = 1 - 0.15; bias: no decay, w = 1 - 0.1
        assertEquals(0.85f, w.value().getFlat(0), 1e-6f);
        assertEquals(0.9f, b.value().getFlat(0), 1e-6f);
        Parameter c = param(1f, 1f), d = new Parameter("d", Tensor.of(new float[] {1f}, 1));
        d.grad().fill(1f);
        SGD scaled = new SGD(ParamGroups.builder(1f, 0f).add("slow", (n, q) -> q == d, 0.25f, 0f).build(List.of(c, d)), 0.1f, 0f, false);
        scaled.bind(be);
        scaled.step();
        assertEquals(0.9f, c.value().getFlat(0), 1e-6f);
        assertEquals(0.975f, d.value().getFlat(0), 1e-6f);
    }

    @Test
    void stepExponentialAndOneCycleSchedules() {
        LearningRateSchedule s = LearningRateSchedule.step(3, 0.1);
        assertEquals(1f, s.rate(1f, 2, 100));
        assertEquals(0.1f, s.rate(1f, 3, 100), 1e-8f);
        assertEquals(0.01f, s.rate(1f, 8, 100), 1e-9f);
        assertEquals((float) Math.pow(0.9, 5), LearningRateSchedule.exponential(0.9).rate(1f, 5, 100), 1e-7f);
        LearningRateSchedule one = LearningRateSchedule.oneCycle();
        assertEquals(0.1f / 25, one.rate(0.1f, 0, 100), 1e-9f);
        assertEquals(0.1f, one.rate(0.1f, 29, 100), 1e-8f); // the peak at pct_start·total - 1
        assertEquals(0.1f / 25 / 1e4f, one.rate(0.1f, 99, 100), 1e-12f);
        assertTrue(one.rate(0.1f, 10, 100) < one.rate(0.1f, 20, 100) && one.rate(0.1f, 50, 100) > one.rate(0.1f, 60, 100));
        assertEquals(LearningRateSchedule.oneCycle().rate(0.1f, 7, 50), LearningRateSchedule.named("onecycle").rate(0.1f, 7, 50));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(1.5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.oneCycle(1.2, 25, 1e4));
    }

    /** Stands for a normalization layer with a 3-D scale (only its name and parameters matter here). */
    private static final class TestLayerNorm implements org.vectorgrad.nn.Layer {
        private final Parameter scale = new Parameter("weight", Tensor.zeros(1, 1, 3));
        private final Parameter shift = new Parameter("bias", Tensor.zeros(1, 1, 3));
        @Override public Tensor forward(Tensor input, boolean training) { return input; }
        @Override public Tensor backward(Tensor gradOutput) { return gradOutput; }
        @Override public List<Parameter> parameters() { return List.of(scale, shift); }
        @Override public void bind(org.vectorgrad.backend.Backend backend) {}
        @Override public String describe() { return "TestLayerNorm"; }
    }
}
