package org.vectorgrad.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.io.Json;
import org.vectorgrad.tensor.Tensor;

/**
 * The losses against PyTorch 1.13 on the cases {@code tools/pytorch/loss_cases.py} generated (committed JSON under
 * {@code src/test/resources/pytorch/loss/}): loss and input gradient, on the scalar and the vector backend. Every
 * value must satisfy {@code |ours - torch| <= 1e-4 · max(|torch|, 1e-3)}: 1e-4 relative, with the scale floored at
 * 1e-3 so that values that are 0 in PyTorch (L1's gradient at an exact hit) must be within 1e-7 of it.
 */
class PyTorchLossTest {
    private static final double REL = 1e-4, FLOOR = 1e-3;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases(String file) throws IOException {
        try (InputStream in = PyTorchLossTest.class.getResourceAsStream("/pytorch/loss/" + file + ".json")) {
            if (in == null) fail("missing fixture /pytorch/loss/" + file + ".json: run /usr/bin/python3 tools/pytorch/loss_cases.py");
            Map<String, Object> root = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("mean", root.get("reduction"));
            List<Map<String, Object>> cases = (List<Map<String, Object>>) root.get("cases");
            assertTrue(cases.size() >= 5, file + ": too few cases");
            return cases;
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static void near(double want, double got, String what) {
        if (!(Math.abs(want - got) <= REL * Math.max(Math.abs(want), FLOOR))) fail(what + ": ours " + got + ", PyTorch " + want);
    }

    private static Supplier<Loss<Tensor>> loss(String file) {
        return switch (file) {
            case "mse" -> MeanSquaredError::new;
            case "l1" -> MeanAbsoluteError::new;
            case "huber" -> () -> new HuberLoss(1f);
            case "bce_with_logits" -> BinaryCrossEntropyWithLogits::new;
            default -> throw new IllegalArgumentException(file);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mse", "l1", "huber", "bce_with_logits"})
    void matchesPyTorch(String file) throws IOException {
        try (Backend vector = VectorBackend.create(1)) {
            for (Backend be : List.of(ScalarBackend.create(), vector)) {
                int checked = 0;
                for (Map<String, Object> c : cases(file)) {
                    int[] shape = ints(c.get("shape"));
                    Tensor x = Tensor.of(floats(c.get("input")), shape), t = Tensor.of(floats(c.get("target")), shape);
                    Loss<Tensor> loss = loss(file).get();
                    loss.bind(be);
                    String what = file + " " + java.util.Arrays.toString(shape) + " on " + be.name();
                    near(((Number) c.get("loss")).doubleValue(), loss.forward(x, t), what + " loss");
                    float[] want = floats(c.get("grad"));
                    Tensor g = loss.backward();
                    assertEquals(want.length, g.size(), what);
                    for (int i = 0; i < want.length; i++) near(want[i], g.getFlat(i), what + " grad[" + i + "]");
                    checked++;
                }
                assertTrue(checked >= 5);
            }
        }
    }
}
