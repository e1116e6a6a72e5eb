package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vectorgrad.Prerequisites;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/**
 * What the tests of {@link Sequential}'s layer chains share: every backend and thread count, and the check that a
 * model run through its chains gives the bits of the same model run layer by layer (an observer set on it).
 */
final class FusedRuns {
    private FusedRuns() {}

    /** The scalar oracle, and vector, auto and (where OpenBLAS loads) blas at 1, 2 and 3 threads; close them after use. */
    static List<Backend> everyBackend() {
        List<Backend> all = new ArrayList<>();
        all.add(Backends.create("scalar", 1));
        for (int threads : new int[] {1, 2, 3}) {
            all.add(Backends.create("vector", threads));
            all.add(Backends.create("auto", threads));
            Availability blas = Backends.factories().get("blas").availability();
            if (blas.available()) all.add(Backends.create("blas", threads));
            else if (Prerequisites.strict()) fail("prerequisite missing (vectorgrad.test.strict=true): OpenBLAS: " + blas.reason());
        }
        return all;
    }

    /**
     * {@code m} with every parameter's values drawn from N(0, 0.3²) by {@code seed}: biases start at 0, and a chain
     * that left one out would give the layers' bits at initialization.
     */
    static Sequential randomized(Sequential m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : m.parameters()) {
            float[] v = p.value().data();
            for (int i = p.value().offset(), end = i + p.size(); i < end; i++) v[i] = (float) (0.3 * r.nextGaussian());
        }
        return m;
    }

    /**
     * Two training steps' forward and backward (the second reuses every buffer; the first asks for the input
     * gradient, the second not) of {@code fused} and of {@code layered}, two copies of one model: outputs, input
     * gradients and every parameter gradient must have the same bits. {@code layered} gets an observer here.
     */
    static void assertSameBits(Sequential fused, Sequential layered, Tensor x, SplittableRandom r, String what) {
        layered.observe((s, i, l, y, training) -> { });
        for (int step = 0; step < 2; step++) {
            Tensor yf = fused.forward(x, true), yl = layered.forward(x, true);
            assertBits(yl.data(), yf.data(), what + ": output");
            Tensor gy = Tensor.zeros(yf.shape());
            for (int i = 0; i < gy.size(); i++) gy.data()[i] = (float) r.nextGaussian();
            boolean needInput = step == 0;
            Tensor dxf = fused.backward(gy, needInput), dxl = layered.backward(gy, needInput);
            if (needInput) assertBits(dxl.data(), dxf.data(), what + ": input gradient");
            else {
                assertNull(dxf, what);
                assertNull(dxl, what);
            }
            List<Parameter> pf = fused.parameters(), pl = layered.parameters();
            for (int i = 0; i < pf.size(); i++) assertBits(pl.get(i).grad().data(), pf.get(i).grad().data(), what + ": gradient of parameter " + i);
        }
    }

    /** Bit-for-bit equality (NaN with NaN of the same bits), naming the first differing element. */
    static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + "[" + i + "]: layer by layer " + want[i] + ", fused " + got[i]);
            }
        }
    }
}
