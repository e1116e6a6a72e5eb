package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.check.GradientCheck.Report;
import org.vectorgrad.tensor.Tensor;

/** Every layer's backward against central finite differences (GradientCheck), on random shapes. */
class LayerGradientTest {
    private final Backend be = ScalarBackend.create();

    /** Values uniformly in ±[0.1, 1.5]: away from the ReLU kink at 0 by far more than the FD step. */
    static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            float mag = (float) (0.1 + 1.4 * r.nextDouble());
            t.setFlat(i, r.nextBoolean() ? mag : -mag);
        }
        return t;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7})
    void denseGradientsMatchFiniteDifferences(int batch) {
        Dense d = new Dense(5, 4, true, Init.XAVIER_NORMAL, 11 + batch);
        d.bind(be);
        Report r = GradientCheck.check(d, Tensor.randn(batch, 0f, 1f, batch, 5));
        r.assertPassed();
        assertTrue(r.maxRelativeError().keySet().containsAll(java.util.List.of("weight", "bias", "input")));
    }

    @Test
    void denseWithoutBias() {
        Dense d = new Dense(3, 6, false, Init.HE_UNIFORM, 5);
        d.bind(be);
        Report r = GradientCheck.check(d, Tensor.randn(9, 0f, 1f, 2, 3)).assertPassed();
        assertEquals(2, r.maxRelativeError().size(), "weight and input only: " + r);
    }

    @Test
    void activationGradientsMatchFiniteDifferences() {
        for (Layer l : new Layer[] {new ReLU(), new LeakyReLU(0.1f), new LeakyReLU(0f), new LeakyReLU(2.5f), new LeakyReLU(-0.3f), new Sigmoid(), new Tanh()}) {
            l.bind(be);
            Report r = GradientCheck.check(l, awayFromZero(3, 4, 7));
            r.assertPassed();
            assertEquals(0, r.skippedNearKinks(), l.describe() + " inputs are away from kinks: " + r);
        }
    }

    @Test
    void flattenPassesGradientsThroughUnchanged() {
        Sequential m = new Sequential(new Flatten(), new Dense(12, 3, 4)).on(be);
        GradientCheck.check(m, Tensor.randn(2, 0f, 1f, 2, 3, 2, 2)).assertPassed();
    }

    @Test
    void threeLayerMlpEndToEndWithLoss() {
        Sequential mlp = new Sequential(new Dense(6, 8, 1), new ReLU(), new Dense(8, 5, 2), new Tanh(), new Dense(5, 3, 3)).on(be);
        var loss = new org.vectorgrad.loss.SoftmaxCrossEntropy();
        loss.bind(be);
        Report r = GradientCheck.check(mlp, Tensor.randn(4, 0f, 1f, 4, 6), GradientCheck.of(loss, new int[] {0, 2, 1, 2}),
                GradientCheck.Options.defaults());
        r.assertPassed();
        assertEquals(7, r.maxRelativeError().size(), r.toString()); // 3 weights, 3 biases, input
        assertTrue(r.skippedNearKinks() < r.checked() / 10, "few points near ReLU kinks: " + r);
    }

    @Test
    void gradientCheckCatchesAWrongBackward() {
        // A layer whose backward forgets the factor 2 of y = 2x: the check must fail, or it proves nothing.
        Layer broken = new AbstractLayer() {
            Tensor out;
            @Override public Tensor forward(Tensor x, boolean training) {
                out = x.copy();
                for (int i = 0; i < out.size(); i++) out.data()[i] *= 2f;
                return out;
            }
            @Override public Tensor backward(Tensor gy) { return gy.copy(); }
            @Override public String describe() { return "Broken"; }
        };
        broken.bind(be);
        Report r = GradientCheck.check(broken, Tensor.randn(1, 0f, 1f, 3, 3));
        assertTrue(!r.passed() && r.worst() > 0.3, r.toString());
    }

    @Test
    void kinksAreSkippedNotFailed() {
        // Inputs exactly at ReLU's kink: both one-sided slopes differ, so the points are skipped, not judged.
        ReLU relu = new ReLU();
        relu.bind(be);
        Tensor x = Tensor.of(new float[] {0f, 0f, 1f, -1f}, 1, 4);
        Report r = GradientCheck.check(relu, x);
        assertEquals(2, r.skippedNearKinks(), r.toString());
        assertEquals(2, r.checked(), r.toString());
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void fanOutSumsTheGradientsOfBothBranches() {
        // x feeds two branches whose outputs are added: dL/dx must be the sum of both branches' dL/dx.
        Dense a = new Dense(4, 3, 21), b = new Dense(4, 3, 22);
        Sum fan = new Sum(new Sequential(a, new Tanh()), b);
        fan.bind(be);
        Tensor x = Tensor.randn(5, 0f, 1f, 2, 4);
        GradientCheck.check(fan, x).assertPassed();

        // explicit: the input gradient equals dy·Wa' + dy·Wb computed branch by branch
        Tensor dy = Tensor.randn(6, 0f, 1f, 2, 3);
        fan.forward(x, true);
        Tensor dx = fan.backward(dy).copy();
        Sequential onlyA = new Sequential(a, new Tanh()).on(be);
        onlyA.forward(x, true);
        Tensor dxa = onlyA.backward(dy).copy();
        b.forward(x, true);
        Tensor dxb = b.backward(dy).copy();
        for (int i = 0; i < dx.size(); i++) assertEquals(dxa.getFlat(i) + dxb.getFlat(i), dx.getFlat(i), 1e-6f);
        assertTrue(Math.abs(dxa.getFlat(0)) > 1e-4 && Math.abs(dxb.getFlat(0)) > 1e-4, "both branches contribute");
    }

    @Test
    void residualBlockChecks() {
        Sum res = new Sum(new Identity(), new Sequential(new Dense(4, 4, 3), new Sigmoid()));
        res.bind(be);
        GradientCheck.check(res, Tensor.randn(8, 0f, 1f, 3, 4)).assertPassed();
    }

    @Test
    void skippingTheInputGradientLeavesParameterGradientsUnchanged() {
        for (boolean conv : new boolean[] {false, true}) {
            Sequential m = conv
                    ? new Sequential(new Conv2d(1, 2, 3, 1, 1, 3), new ReLU(), new Flatten(), new Dense(2 * 5 * 5, 3, 4))
                    : new Sequential(new Flatten(), new Dense(25, 4, 1), new Tanh(), new Dense(4, 3, 2));
            m.bind(be);
            Tensor x = Tensor.randn(3, 0f, 1f, 2, 1, 5, 5), dy = Tensor.randn(4, 0f, 1f, 2, 3);
            m.forward(x, true);
            m.zeroGrad();
            assertTrue(m.backward(dy, true) != null);
            java.util.List<float[]> full = m.parameters().stream().map(p -> p.grad().toArray()).toList();
            m.zeroGrad();
            assertEquals(null, m.backward(dy, false), "no input gradient when it is not needed");
            for (int i = 0; i < full.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.get(i), m.parameters().get(i).grad().toArray(), m.parameters().get(i).name());
            }
        }
    }

    @Test
    void aGradientOfTheWrongShapeNamesTheLayerAndBothShapes() {
        Tensor x = Tensor.randn(11, 0f, 1f, 3, 4), wrong = Tensor.randn(12, 0f, 1f, 4, 3);
        Layer[] layers = {new ReLU(), new Dropout(0.5, 7L), new Sum(new Identity(), new Tanh()), new BatchNorm1d(4), new LayerNorm(4)};
        for (Layer l : layers) {
            l.bind(be);
            l.forward(x, true);
            var e = assertThrows(IllegalArgumentException.class, () -> l.backward(wrong));
            assertEquals(l.describe() + ": gradient of the output has shape [4, 3], expected [3, 4]", e.getMessage());
        }
    }
}
