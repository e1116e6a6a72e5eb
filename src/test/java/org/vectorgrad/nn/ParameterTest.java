package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/** The deferred fill of {@link Parameter#zeroGrad()}: the gradient reads as zero, and a beta-0 writer skips the fill. */
class ParameterTest {
    @Test
    void zeroGradReadsAsZerosWhateverTheGradientHeld() {
        Parameter p = new Parameter("w", Tensor.zeros(2, 3));
        float[] g = p.grad().data();
        Arrays.fill(g, Float.NaN);
        p.zeroGrad();
        assertArrayEquals(new float[6], p.grad().toArray());
        assertEquals(1f, p.gradientBeta(), "grad() already zeroed it: accumulate");
    }

    @Test
    void gradientBetaIsZeroOnceAfterZeroGradThenOne() {
        Parameter p = new Parameter("w", Tensor.zeros(4));
        assertEquals(1f, p.gradientBeta(), "a new parameter's gradient is zeros already written");
        p.zeroGrad();
        p.zeroGrad();
        assertEquals(0f, p.gradientBeta());
        Arrays.fill(p.grad().data(), 2f); // the caller's beta-0 write
        assertEquals(1f, p.gradientBeta(), "a second contribution accumulates");
        assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, p.grad().toArray(), "grad() does not zero what the writer wrote");
    }

    @Test
    void denseGradientsAfterZeroGradIgnoreStaleValuesAndStillAccumulate() {
        for (String be : new String[] {"scalar", "vector"}) {
            try (Backend b = Backends.create(be, 1)) {
                Dense d = new Dense(7, 5, 11);
                d.bind(b);
                Tensor x = Tensor.randn(1, 0f, 1f, 3, 7), dy = Tensor.randn(2, 0f, 1f, 3, 5);
                d.forward(x, true);
                d.backward(dy, false);
                float[] once = d.parameters().get(0).grad().toArray(), onceBias = d.parameters().get(1).grad().toArray();
                for (Parameter p : d.parameters()) Arrays.fill(p.grad().data(), Float.NaN); // stale garbage
                for (Parameter p : d.parameters()) p.zeroGrad();
                d.backward(dy, false);
                assertArrayEquals(once, d.parameters().get(0).grad().toArray(), be + ": weight gradient after zeroGrad");
                assertArrayEquals(onceBias, d.parameters().get(1).grad().toArray(), be + ": bias gradient after zeroGrad");
                d.backward(dy, false); // no zeroGrad: the second contribution adds to the first
                float[] twice = d.parameters().get(0).grad().toArray();
                for (int i = 0; i < once.length; i++) assertEquals(once[i] + once[i], twice[i], Math.ulp(once[i]) * 4, be + " [" + i + "]");
            }
        }
    }
}
