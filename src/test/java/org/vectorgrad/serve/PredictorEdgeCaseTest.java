package org.vectorgrad.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.tensor.Tensor;

/** What a service meets besides concurrency: wrong shapes, empty batches, NaN, bad output offsets. */
class PredictorEdgeCaseTest {

    @Test
    void anEmptyBatchGivesAnEmptyOutput() {
        try (Backend backend = Backends.create("scalar", 1)) {
            Sequential model = PredictorConcurrencyTest.mlp();
            model.bind(backend);
            Predictor p = Predictor.of(model, backend);
            Tensor y = p.predict(Tensor.zeros(0, 1, 8, 8));
            assertArrayEquals(new int[] {0, 10}, y.shape());
            assertEquals(0, p.predict(Tensor.zeros(0, 1, 8, 8), new float[0], 0));
        }
    }

    @Test
    void wrongShapesAreRefusedAndThePredictorKeepsItsBits() {
        try (Backend backend = Backends.create("scalar", 1)) {
            Sequential model = PredictorConcurrencyTest.mlp();
            model.bind(backend);
            Predictor p = Predictor.of(model, backend);
            Tensor x = Tensor.randn(3, 0f, 1f, 4, 1, 8, 8);
            float[] want = model.forward(x, false).toArray();
            String m = assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(2, 1, 8, 7))).getMessage();
            assertTrue(m.contains("[2, 56]") && m.contains("[batch, 64]"), m);
            assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros()));
            assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(2, 1, 8, 7), new float[100], 0));
            assertArrayEquals(want, p.predict(x).toArray());
            assertEquals(1, p.replicas());
        }
    }

    @Test
    void nanAndInfinityReachTheOutput() {
        try (Backend backend = Backends.create("scalar", 1)) {
            Sequential model = PredictorConcurrencyTest.mlp();
            model.bind(backend);
            Predictor p = Predictor.of(model, backend);
            Tensor x = Tensor.randn(4, 0f, 1f, 2, 1, 8, 8);
            x.data()[0] = Float.NaN;
            x.data()[64] = Float.POSITIVE_INFINITY;
            float[] got = p.predict(x).toArray();
            float[] want = model.forward(x, false).toArray();
            for (int i = 0; i < got.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "value " + i);
            assertTrue(Float.isNaN(got[0]), Arrays.toString(got));
        }
    }

    @Test
    void offsetsOutsideTheArrayAreNamedAndNothingIsWritten() {
        try (Backend backend = Backends.create("scalar", 1)) {
            Predictor p = Predictor.of(PredictorConcurrencyTest.mlp(), backend);
            Tensor x = Tensor.zeros(2, 1, 8, 8);
            for (int off : new int[] {-1, 41, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                float[] out = new float[40];
                Arrays.fill(out, 7f);
                String m = assertThrows(IllegalArgumentException.class, () -> p.predict(x, out, off)).getMessage();
                assertTrue(m.contains("offset " + off + " is outside the array of length 40"), m);
                for (float v : out) assertEquals(7f, v);
            }
            float[] out = new float[40];
            Arrays.fill(out, 7f);
            String m = assertThrows(IllegalArgumentException.class, () -> p.predict(x, out, 21)).getMessage();
            assertTrue(m.contains("needs 20 floats") && m.contains("19 from offset 21"), m);
            for (float v : out) assertEquals(7f, v);
            assertEquals(20, p.predict(x, out, 20));
            for (int i = 0; i < 20; i++) assertEquals(7f, out[i]);
        }
    }
}
