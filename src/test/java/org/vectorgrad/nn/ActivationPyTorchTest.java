package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.io.Json;
import org.vectorgrad.tensor.Tensor;

/**
 * GELU (exact and tanh) and SiLU against PyTorch 1.13 on the committed cases of {@code tools/pytorch/act_cases.py}
 * (a grid over [-10, 10], random 5×37 and 3×1×7 tensors, and NaN, ±∞, ±0, tiny and huge values), forward and
 * backward, on the scalar and vector backends. Tolerances, for a reference value w and ours g:
 * <ul>
 *   <li>against PyTorch in float64 ("y64", "dx64"): {@code |g - w| <= 1e-4 · max(|w|, 1e-3)};</li>
 *   <li>against PyTorch in float32 ("y", "dx"): {@code |g - w| <= 1e-4 · max(|w|, 0.1)}: the larger floor
 *       (1e-5 absolute) covers PyTorch's own float32 cancellation in {@code 1 + erf(x/√2)}, {@code 1 + tanh v} and
 *       {@code 1 - tanh² v} for negative x (GELU at x = -5: -1.49e-6 for -1.43e-6; the tanh-GELU gradient in case
 *       random_5x37 [127], x = -4.74: 2.024e-5 where float64 and we give 1.922e-5);</li>
 *   <li>NaN exactly where PyTorch has NaN (f(-∞), the gradient at ±∞, NaN inputs), the same infinities.</li>
 * </ul>
 */
class ActivationPyTorchTest {

    private static Map<?, ?> fixture(String name) throws IOException {
        try (InputStream in = ActivationPyTorchTest.class.getResourceAsStream("/pytorch/act/" + name + ".json")) {
            assertNotNull(in, "fixture " + name + ".json (tools/pytorch/act_cases.py)");
            return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            Object v = l.get(i);
            f[i] = switch (v) {
                case String s when s.equals("NaN") -> Float.NaN;
                case String s when s.equals("Infinity") -> Float.POSITIVE_INFINITY;
                case String s when s.equals("-Infinity") -> Float.NEGATIVE_INFINITY;
                case Number n -> (float) n.doubleValue();
                default -> throw new AssertionError("not a number: " + v);
            };
        }
        return f;
    }

    private static int[] shape(Object list) {
        return ((List<?>) list).stream().mapToInt(v -> ((Long) v).intValue()).toArray();
    }

    /** Checks as the class comment says; returns the largest relative error where |w| ≥ 1e-3. */
    private static double compare(float[] want, Tensor got, double floor, String what) {
        assertEquals(want.length, got.size(), what);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got.getFlat(i);
            boolean ok = Float.isNaN(w) ? Float.isNaN(g)
                    : Float.isInfinite(w) ? w == g
                    : Math.abs(g - w) <= 1e-4 * Math.max(Math.abs(w), floor);
            if (!ok) fail(what + " [" + i + "]: got " + g + ", PyTorch " + w);
            if (Float.isFinite(w) && Math.abs(w) >= 1e-3) worst = Math.max(worst, Math.abs(g - w) / Math.abs(w));
        }
        return worst;
    }

    private static Layer layer(String name) {
        return switch (name) {
            case "gelu" -> new GELU();
            case "gelu_tanh" -> new GELU("tanh");
            case "silu" -> new SiLU();
            default -> throw new AssertionError(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"gelu", "gelu_tanh", "silu"})
    void matchesPyTorchForwardAndBackward(String name) throws IOException {
        Map<?, ?> f = fixture(name);
        assertTrue(String.valueOf(f.get("torch")).startsWith("1.13"), "fixtures from PyTorch 1.13: " + f.get("torch"));
        List<?> cases = (List<?>) f.get("cases");
        assertEquals(4, cases.size());
        try (Backend vb = VectorBackend.create(2)) {
            for (Backend be : new Backend[] {ScalarBackend.create(), vb}) {
                int values = 0;
                double worstY = 0, worstDx = 0;
                for (Object o : cases) {
                    Map<?, ?> c = (Map<?, ?>) o;
                    int[] shape = shape(c.get("shape"));
                    Tensor x = Tensor.of(floats(c.get("x")), shape), dy = Tensor.of(floats(c.get("dy")), shape);
                    Layer l = layer(name);
                    l.bind(be);
                    Tensor y = l.forward(x, true).copy();
                    Tensor dx = l.backward(dy);
                    String what = name + " " + c.get("name") + " on " + be.name();
                    worstY = Math.max(worstY, compare(floats(c.get("y64")), y, 1e-3, what + " y vs float64"));
                    worstDx = Math.max(worstDx, compare(floats(c.get("dx64")), dx, 1e-3, what + " dx vs float64"));
                    compare(floats(c.get("y")), y, 0.1, what + " y vs float32");
                    compare(floats(c.get("dx")), dx, 0.1, what + " dx vs float32");
                    values += x.size();
                }
                assertTrue(values > 600, "compared " + values + " values");
                System.out.printf("%s on %s: max relative error vs PyTorch float64 (|w| >= 1e-3): y %.3g, dx %.3g%n",
                        name, be.name(), worstY, worstDx);
            }
        }
    }
}
