package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.check.GradientCheck.Report;
import org.vectorgrad.tensor.Tensor;

/** MaxPool2d, AvgPool2d, GlobalAvgPool2d: finite-difference gradients on both kernel families, shapes, errors. */
class PoolingTest {
    private static Backend vector;
    private final Backend scalar = ScalarBackend.create();

    @BeforeAll
    static void open() {
        vector = VectorBackend.create(3);
    }

    @AfterAll
    static void close() { vector.close(); }

    private Backend[] backends() { return new Backend[] {scalar, vector}; }

    @Test
    void maxPoolGradientsMatchFiniteDifferences() {
        for (Backend be : backends()) {
            for (MaxPool2d pool : new MaxPool2d[] {new MaxPool2d(2, 2), new MaxPool2d(3, 2, 1), new MaxPool2d(2, 3, 1, 2, 1, 0)}) {
                pool.bind(be);
                // distinct values 0.02 apart: no ties, so the arg-max is stable under the ±h probes
                Report r = GradientCheck.check(pool, Conv2dTest.distinct(5, 3, 2, 7, 9),
                        GradientCheck.randomProjection(2), GradientCheck.Options.defaults().withStep(3e-3));
                r.assertPassed();
                assertEquals(0, r.skippedNearKinks(), pool + ": " + r);
            }
        }
    }

    @Test
    void averagePoolGradientsMatchFiniteDifferences() {
        for (Backend be : backends()) {
            for (Layer pool : new Layer[] {new AvgPool2d(2, 2, 0), new AvgPool2d(3, 2, 1), new AvgPool2d(3, 3, 1, 2, 1, 1, false), new GlobalAvgPool2d()}) {
                pool.bind(be);
                GradientCheck.check(pool, Tensor.randn(4, 0f, 1f, 3, 2, 7, 8)).assertPassed();
            }
        }
    }

    @Test
    void outputShapesFollowFloorMode() {
        MaxPool2d max = new MaxPool2d(2, 2);
        max.bind(vector);
        assertTrue(max.forward(Tensor.randn(1, 0f, 1f, 2, 3, 7, 9), false).hasShape(2, 3, 3, 4));
        AvgPool2d avg = new AvgPool2d(3, 2, 1);
        avg.bind(vector);
        assertTrue(avg.forward(Tensor.randn(1, 0f, 1f, 2, 3, 7, 9), false).hasShape(2, 3, 4, 5));
        GlobalAvgPool2d global = new GlobalAvgPool2d();
        global.bind(vector);
        Tensor x = Tensor.randn(1, 0f, 1f, 2, 3, 4, 5);
        Tensor y = global.forward(x, false);
        assertTrue(y.hasShape(2, 3), y.shapeString());
        double mean = 0;
        for (int i = 0; i < 20; i++) mean += x.getFlat(20 + i); // image 0, channel 1
        assertEquals(mean / 20, y.get(0, 1), 1e-6);
    }

    @Test
    void maxPoolRoutesGradientToTheFirstOfTiedMaxima() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        pool.bind(vector);
        Tensor x = Tensor.of(new float[] {1, 5, 5, 2, /* */ 5, 0, 1, 5}, 1, 1, 2, 4);
        Tensor y = pool.forward(x, true);
        assertEquals(5f, y.getFlat(0));
        Tensor dx = pool.backward(Tensor.of(new float[] {10, 20}, 1, 1, 1, 2));
        assertEquals(java.util.List.of(0f, 10f, 20f, 0f, 0f, 0f, 0f, 0f), toList(dx));
    }

    private static java.util.List<Float> toList(Tensor t) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (int i = 0; i < t.size(); i++) out.add(t.getFlat(i));
        return out;
    }

    @Test
    void buffersAreReusedAcrossSteps() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        pool.bind(vector);
        Tensor x = Tensor.randn(1, 0f, 1f, 2, 3, 8, 8);
        Tensor y = pool.forward(x, true);
        Tensor dx = pool.backward(Tensor.randn(2, 0f, 1f, 2, 3, 4, 4));
        assertSame(y, pool.forward(x, true));
        assertSame(dx, pool.backward(Tensor.randn(3, 0f, 1f, 2, 3, 4, 4)));
    }

    @Test
    void badInputIsRejectedWithLayerAndShapes() {
        MaxPool2d pool = new MaxPool2d(3, 1);
        pool.bind(scalar);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(2, 3, 2, 8), true));
        assertTrue(e.getMessage().startsWith("MaxPool2d(kernel 3x3") && e.getMessage().contains("[2, 3, 2, 8]")
                && e.getMessage().contains("larger than the padded input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(2, 8), true));
        assertTrue(e.getMessage().contains("[2, 8]") && e.getMessage().contains("expected [batch, channels, height, width]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2, 2, 2));
        assertTrue(e.getMessage().startsWith("AvgPool2d") && e.getMessage().contains("padding 2x2"), e.getMessage());
        pool.forward(Tensor.zeros(1, 1, 5, 5), true);
        e = assertThrows(IllegalArgumentException.class, () -> pool.backward(Tensor.zeros(1, 1, 2, 2)));
        assertTrue(e.getMessage().contains("[1, 1, 2, 2]") && e.getMessage().contains("[1, 1, 3, 3]"), e.getMessage());
        GlobalAvgPool2d global = new GlobalAvgPool2d();
        global.bind(scalar);
        assertThrows(IllegalStateException.class, () -> global.backward(Tensor.zeros(1, 1)));
        global.forward(Tensor.zeros(2, 3, 4, 4), true);
        e = assertThrows(IllegalArgumentException.class, () -> global.backward(Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("GlobalAvgPool2d") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
