package org.vectorgrad.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.nn.Identity;
import org.vectorgrad.tensor.Tensor;

class LossTest {
    private final Backend be = ScalarBackend.create();

    private <T, L extends Loss<T>> L bound(L loss) { loss.bind(be); return loss; }

    @Test
    void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
        var loss = bound(new SoftmaxCrossEntropy());
        GradientCheck.check(new Identity(), Tensor.randn(3, 0f, 2f, 5, 7), GradientCheck.of(loss, new int[] {0, 6, 3, 3, 1}),
                GradientCheck.Options.defaults()).assertPassed();
    }

    @Test
    void softmaxCrossEntropyKnownValueAndLargeLogits() {
        var loss = bound(new SoftmaxCrossEntropy());
        // uniform logits: loss = log(K)
        assertEquals(Math.log(4), loss.forward(Tensor.full(0.5f, 2, 4), new int[] {1, 3}), 1e-6);
        // huge logits must not overflow: log-sum-exp with the max subtracted
        Tensor big = Tensor.of(new float[] {1000f, 0f, -1000f, 990f, 1000f, 0f}, 2, 3);
        double l = loss.forward(big, new int[] {0, 0});
        assertEquals((0 + 10.0000454) / 2, l, 1e-4);
        Tensor g = loss.backward();
        for (int i = 0; i < g.size(); i++) assertTrue(Float.isFinite(g.getFlat(i)));
        assertEquals(0f, g.get(0, 0), 1e-6f);
        assertEquals(-0.5f, g.get(1, 0), 1e-4f);
    }

    @Test
    void softmaxCrossEntropyRejectsBadLabels() {
        var loss = bound(new SoftmaxCrossEntropy());
        var e = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(2, 3), new int[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(2, 3), new int[] {0}));
        assertTrue(e2.getMessage().contains("1 labels") && e2.getMessage().contains("[2, 3]"), e2.getMessage());
    }

    @Test
    void bceWithLogitsGradientAndStability() {
        var loss = bound(new BinaryCrossEntropyWithLogits());
        Tensor t = Tensor.uniform(4, 0f, 1f, 3, 4);
        GradientCheck.check(new Identity(), Tensor.randn(5, 0f, 2f, 3, 4), GradientCheck.of(loss, t), GradientCheck.Options.defaults())
                .assertPassed();
        double l = loss.forward(Tensor.of(new float[] {500f, -500f}, 2), Tensor.of(new float[] {0f, 1f}, 2));
        assertEquals(500.0, l, 1e-3);
    }

    @Test
    void mseGradientAndValue() {
        var loss = bound(new MeanSquaredError());
        assertEquals((1 + 4) / 2.0, loss.forward(Tensor.of(new float[] {1f, 2f}, 2), Tensor.of(new float[] {0f, 4f}, 2)), 1e-9);
        GradientCheck.check(new Identity(), Tensor.randn(5, 0f, 1f, 2, 5), GradientCheck.of(loss, Tensor.randn(6, 0f, 1f, 2, 5)),
                GradientCheck.Options.defaults()).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void maeGradientAndValue() {
        var loss = bound(new MeanAbsoluteError());
        assertEquals((1 + 2) / 2.0, loss.forward(Tensor.of(new float[] {1f, 2f}, 2), Tensor.of(new float[] {0f, 4f}, 2)), 1e-9);
        // random points stay away from the kink at p == t
        Tensor p = Tensor.randn(5, 0f, 1f, 3, 7), t = p.copy();
        for (int i = 0; i < t.size(); i++) t.setFlat(i, p.getFlat(i) + (i % 2 == 0 ? 0.5f : -0.7f));
        GradientCheck.check(new Identity(), p, GradientCheck.of(loss, t), GradientCheck.Options.defaults()).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("MeanAbsoluteError") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void huberGradientValueAndDelta() {
        var loss = bound(new HuberLoss());
        assertEquals(1f, loss.delta());
        // d = 0.5 -> 0.125; d = -3 -> 2.5
        assertEquals((0.125 + 2.5) / 2, loss.forward(Tensor.of(new float[] {0.5f, -3f}, 2), Tensor.zeros(2)), 1e-9);
        // both branches: differences of about +-2 around targets 0
        GradientCheck.check(new Identity(), Tensor.randn(7, 0f, 2f, 4, 5), GradientCheck.of(loss, Tensor.zeros(4, 5)),
                GradientCheck.Options.defaults()).assertPassed();
        var wide = bound(new HuberLoss(2.5f));
        GradientCheck.check(new Identity(), Tensor.randn(8, 0f, 3f, 3, 3), GradientCheck.of(wide, Tensor.zeros(3, 3)),
                GradientCheck.Options.defaults()).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> new HuberLoss(0f));
        assertTrue(e.getMessage().contains("delta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HuberLoss(Float.NaN));
    }

    @Test
    void onlySoftmaxCrossEntropyTakesClassLabels() {
        assertTrue(new SoftmaxCrossEntropy().takesClassLabels());
        for (Loss<?> l : new Loss<?>[] {new MeanSquaredError(), new MeanAbsoluteError(), new HuberLoss(), new BinaryCrossEntropyWithLogits()}) {
            assertTrue(!l.takesClassLabels(), l.describe());
        }
    }

    @Test
    void elementwiseLossesNameThemselvesAndBothShapesOnAMismatch() {
        Tensor p = Tensor.randn(3, 0f, 1f, 4, 5), t = Tensor.randn(4, 0f, 1f, 5, 4);
        String[] expected = {
            "MeanSquaredError: prediction [4, 5] and target [5, 4] differ in shape",
            "MeanAbsoluteError: prediction [4, 5] and target [5, 4] differ in shape",
            "HuberLoss(delta=1.0): prediction [4, 5] and target [5, 4] differ in shape",
            "BinaryCrossEntropyWithLogits: logits [4, 5] and targets [5, 4] differ in shape",
        };
        Loss<?>[] losses = {new MeanSquaredError(), new MeanAbsoluteError(), new HuberLoss(), new BinaryCrossEntropyWithLogits()};
        for (int i = 0; i < losses.length; i++) {
            @SuppressWarnings("unchecked") Loss<Tensor> l = (Loss<Tensor>) bound(losses[i]);
            var e = assertThrows(IllegalArgumentException.class, () -> l.forward(p, t));
            assertEquals(expected[i], e.getMessage());
            var b = assertThrows(IllegalStateException.class, l::backward);
            assertTrue(b.getMessage().contains("backward called before forward"), b.getMessage());
        }
    }
}
