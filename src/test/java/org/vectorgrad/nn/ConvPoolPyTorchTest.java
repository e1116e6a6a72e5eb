package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.Prerequisites;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.FamilyBackend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.io.Json;
import org.vectorgrad.io.SpecFile;
import org.vectorgrad.loss.BinaryCrossEntropyWithLogits;
import org.vectorgrad.loss.HuberLoss;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.loss.MeanAbsoluteError;
import org.vectorgrad.tensor.Tensor;

/**
 * Conv2d (explicit padding, and PyTorch's {@code padding='same'} and {@code 'valid'} from the builder and from a spec),
 * MaxPool2d and AvgPool2d (floor and ceil mode), GlobalAvgPool2d, Dense, LeakyReLU, Dropout, Flatten and the Huber, L1 and
 * BCE-with-logits losses at extreme values against PyTorch 1.13, on the committed cases of
 * {@code tools/pytorch/conv_pool_cases.py} ({@code src/test/resources/pytorch/convpool/}), forward and backward (input
 * gradient and parameter gradients), on every backend: scalar, vector (1 and 2 threads, and with the Winograd
 * backward-data path forced), blas and auto. The references are PyTorch's float64 results on the same float32
 * inputs. A value g matches a reference w when {@code |g - w| <= 1e-4 · max(|w|, 1e-2 · max|reference tensor|)}
 * (1e-4 relative; the floor keeps sums that cancel to near zero from asking for more than float32 can give), NaN
 * exactly where PyTorch has NaN and the same infinities. Max pooling's inputs take a few levels only, so most
 * windows hold ties: the gradient lands where PyTorch's arg-max (the first maximum in row-major window order, the
 * last NaN) puts it, or the input gradient differs by whole dy values.
 */
class ConvPoolPyTorchTest {
    private static final double REL = 1e-4, FLOOR = 1e-2;
    private static final List<Backend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void open() {
        BACKENDS.add(ScalarBackend.create());
        BACKENDS.add(VectorBackend.create(1));
        FamilyBackend v2 = VectorBackend.create(2);
        BACKENDS.add(v2);
        // the Winograd backward-data and backward-weights paths whatever this JVM's vector width (as Conv2dTest)
        BACKENDS.add(new FamilyBackend("vector, Winograd backward-data and -weights", v2.dispatcher(), v2.gemm(), v2.pointwise(), v2.losses(),
                v2.updates(), new VectorConvolution(v2.gemm(), v2.dispatcher(), true, true, true), v2.pooling(), v2.normalization(), () -> {}));
        Availability blas = Backends.factories().get("blas").availability();
        if (blas.available()) BACKENDS.add(Backends.create("blas", 2));
        else if (Prerequisites.strict()) fail("prerequisite missing (vectorgrad.test.strict=true): OpenBLAS: " + blas.reason());
        else System.err.println("SKIPPED: the blas backend in ConvPoolPyTorchTest (the others run): " + blas.reason());
        BACKENDS.add(Backends.create("auto", 2));
    }

    @AfterAll
    static void close() {
        for (Backend b : BACKENDS) {
            if (!b.name().startsWith("vector, Winograd")) b.close(); // shares the vector backend's threads
        }
        BACKENDS.clear();
    }

    /** The backend's name and thread count, for messages. */
    private static String on(Backend be) {
        return be.name() + " (" + be.threads() + (be.threads() == 1 ? " thread)" : " threads)");
    }

    // ------------------------------------------------------------------------------------------- fixture reading

    private static Map<?, ?> fixture(String name) throws IOException {
        try (InputStream in = ConvPoolPyTorchTest.class.getResourceAsStream("/pytorch/convpool/" + name + ".json")) {
            assertNotNull(in, "fixture convpool/" + name + ".json (run /usr/bin/python3 tools/pytorch/conv_pool_cases.py)");
            Map<?, ?> f = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(String.valueOf(f.get("torch")).startsWith("1.13"), "fixtures from PyTorch 1.13: " + f.get("torch"));
            return f;
        }
    }

    private static List<Map<?, ?>> list(Object o) {
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object e : (List<?>) o) out.add((Map<?, ?>) e);
        return out;
    }

    static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = number(l.get(i));
        return f;
    }

    private static float number(Object v) {
        return switch (v) {
            case String s when s.equals("NaN") -> Float.NaN;
            case String s when s.equals("Infinity") -> Float.POSITIVE_INFINITY;
            case String s when s.equals("-Infinity") -> Float.NEGATIVE_INFINITY;
            case Number n -> (float) n.doubleValue();
            default -> throw new AssertionError("not a number: " + v);
        };
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
    }

    private static Tensor tensor(Map<?, ?> c, String key, int... shape) {
        return Tensor.of(floats(c.get(key)), shape);
    }

    /** As the class comment says; returns the largest error relative to the scale used. */
    static double compare(float[] want, Tensor got, String what) {
        assertEquals(want.length, got.size(), what + ": size");
        double max = 0;
        for (float w : want) if (Float.isFinite(w)) max = Math.max(max, Math.abs(w));
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got.getFlat(i);
            if (Float.isNaN(w) || Float.isInfinite(w)) {
                if (!(Float.isNaN(w) ? Float.isNaN(g) : w == g)) fail(what + " [" + i + "]: ours " + g + ", PyTorch " + w);
                continue;
            }
            double err = Math.abs(g - w) / Math.max(Math.abs(w), FLOOR * max);
            if (!(err <= REL)) fail(what + " [" + i + "]: ours " + g + ", PyTorch " + w + " (relative error " + err + ")");
            worst = Math.max(worst, err);
        }
        return worst;
    }

    // ------------------------------------------------------------------------------------------- the layers

    @Test
    void conv2dMatchesPyTorch() throws IOException {
        List<Map<?, ?>> cases = list(fixture("conv").get("cases"));
        assertTrue(cases.size() >= 12, "conv cases: " + cases.size());
        for (Backend be : BACKENDS) {
            double[] worst = new double[2];
            for (Map<?, ?> c : cases) {
                int[] shape = ints(c.get("shape")), k = ints(c.get("kernel")), s = ints(c.get("stride")), p = ints(c.get("padding")),
                        d = ints(c.get("dilation"));
                int out = ((Number) c.get("out")).intValue(), groups = ((Number) c.get("groups")).intValue();
                Conv2d conv = Conv2d.builder(shape[1], out).kernel(k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1], p[2], p[3])
                        .dilation(d[0], d[1]).groups(groups).bias((Boolean) c.get("bias")).seed(1).build();
                checkConv(conv, c, be, worst);
            }
            System.out.printf("Conv2d on %s: worst error %.3g (of the allowed %.0e)%n", on(be), worst[0], REL);
        }
    }

    /**
     * {@code nn.Conv2d(..., padding='same')} and {@code padding='valid'} ({@code conv_same.json}: odd and even kernels,
     * dilation, non-square kernels, groups, bias on and off, the single-channel and Winograd paths, a kernel larger
     * than the input), built twice on every backend: with the builder's {@code paddingSame()}/{@code paddingValid()}
     * and from a spec's {@code "padding": "same"}/{@code "valid"}. Both must resolve the padding PyTorch resolved
     * (the fixture's {@code padding}, from the module's {@code _reversed_padding_repeated_twice}) and give PyTorch's
     * output, input gradient and weight and bias gradients.
     */
    @Test
    void conv2dPaddingSameAndValidMatchPyTorch() throws IOException {
        List<Map<?, ?>> cases = list(fixture("conv_same").get("cases"));
        assertTrue(cases.size() >= 12, "padding same/valid cases: " + cases.size());
        // the cases hold what the split must get right: totals that are odd (one more on the bottom/right) on both axes
        assertTrue(cases.stream().filter(c -> { int[] p = ints(c.get("padding")); return p[0] < p[1] && p[2] < p[3]; }).count() >= 3);
        for (Backend be : BACKENDS) {
            double[] worst = new double[2];
            for (Map<?, ?> c : cases) {
                String mode = (String) c.get("padding_mode");
                int[] shape = ints(c.get("shape")), k = ints(c.get("kernel")), d = ints(c.get("dilation")), p = ints(c.get("padding"));
                assertArrayEquals(new int[] {1, 1}, ints(c.get("stride")), c.get("name") + ": PyTorch's same is stride 1 only");
                int out = ((Number) c.get("out")).intValue(), groups = ((Number) c.get("groups")).intValue();
                boolean bias = (Boolean) c.get("bias");
                Conv2d.Builder b = Conv2d.builder(shape[1], out).kernel(k[0], k[1]).dilation(d[0], d[1]).groups(groups).bias(bias).seed(1);
                Conv2d fromBuilder = (mode.equals("same") ? b.paddingSame() : b.paddingValid()).build();
                String spec = String.format(java.util.Locale.ROOT, "{\"type\": \"Conv2d\", \"in\": %d, \"out\": %d, \"kernel\": [%d, %d],"
                        + " \"dilation\": [%d, %d], \"groups\": %d, \"bias\": %b, \"padding\": \"%s\"}",
                        shape[1], out, k[0], k[1], d[0], d[1], groups, bias, mode);
                Conv2d fromSpec = (Conv2d) SpecFile.parse(spec, "case", c.get("name") + ".json").build(1);
                for (Conv2d conv : List.of(fromBuilder, fromSpec)) {
                    String built = (conv == fromBuilder ? "builder" : "spec") + " padding " + mode;
                    assertArrayEquals(p, conv.padding(), c.get("name") + " (" + built + "): PyTorch's padding (top, bottom, left, right)");
                    checkConv(conv, c, be, worst);
                }
                int[] yShape = ints(c.get("yshape"));
                if (mode.equals("same")) {
                    assertArrayEquals(new int[] {shape[2], shape[3]}, new int[] {yShape[2], yShape[3]}, c.get("name") + ": same keeps height and width");
                }
            }
            System.out.printf("Conv2d padding same/valid on %s: worst error %.3g (of the allowed %.0e), largest absolute difference %.3g%n",
                    on(be), worst[0], REL, worst[1]);
        }
    }

    /**
     * The case's weights and bias into {@code conv}, then its forward and backward on {@code be} against PyTorch's
     * output, input gradient and weight and bias gradients; {@code worst} keeps the largest relative error and the
     * largest absolute difference.
     */
    private static void checkConv(Conv2d conv, Map<?, ?> c, Backend be, double[] worst) {
        int[] shape = ints(c.get("shape")), yShape = ints(c.get("yshape"));
        int out = conv.outChannels(), groups = conv.groups();
        int[] k = conv.kernelSize();
        conv.weight().value().copyFrom(tensor(c, "w", out, shape[1] / groups, k[0], k[1]));
        if (conv.bias() != null) conv.bias().value().copyFrom(tensor(c, "b", out));
        assertEquals(c.get("bias"), conv.bias() != null, c.get("name") + ": bias");
        conv.bind(be);
        String what = "conv " + c.get("name") + " (" + conv.describe() + ") on " + on(be);
        Tensor y = conv.forward(tensor(c, "x", shape), true);
        assertArrayEquals(yShape, y.shape(), what + ": output shape");
        List<Object[]> checks = new ArrayList<>();
        checks.add(new Object[] {"y", y});
        checks.add(new Object[] {"dx", conv.backward(tensor(c, "dy", yShape))});
        checks.add(new Object[] {"dw", conv.weight().grad()});
        if (conv.bias() != null) checks.add(new Object[] {"db", conv.bias().grad()});
        for (Object[] ch : checks) {
            float[] want = floats(c.get((String) ch[0]));
            Tensor got = (Tensor) ch[1];
            worst[0] = Math.max(worst[0], compare(want, got, what + " " + ch[0]));
            worst[1] = Math.max(worst[1], maxAbsDiff(want, got));
        }
    }

    @Test
    void maxAndAvgPoolMatchPyTorch() throws IOException {
        List<Map<?, ?>> cases = list(fixture("pool").get("pool"));
        assertTrue(cases.size() >= 12, "pool cases: " + cases.size());
        for (Backend be : BACKENDS) {
            double[] worst = checkPools(cases, false, be);
            System.out.printf("AvgPool2d on %s: worst error %.3g%n", on(be), worst[0]);
        }
    }

    /**
     * {@code ceil_mode=True} ({@code pool_ceil.json}): partial last windows, PyTorch's average divisor for them, a
     * window dropped because it would start in the padding, windows larger than the input, NaN in partial windows.
     */
    @Test
    void ceilModePoolsMatchPyTorch() throws IOException {
        List<Map<?, ?>> cases = list(fixture("pool_ceil").get("pool"));
        assertTrue(cases.size() >= 12, "ceil-mode pool cases: " + cases.size());
        // the fixture exercises ceil mode: in most cases PyTorch's floor mode gives another size, or none
        long differ = cases.stream().filter(c -> c.get("floor_yshape") == null
                || !java.util.Arrays.equals(ints(c.get("yshape")), ints(c.get("floor_yshape")))).count();
        assertTrue(differ >= 12, "cases where ceil mode changes PyTorch's output size: " + differ);
        for (Backend be : BACKENDS) {
            double[] worst = checkPools(cases, true, be);
            System.out.printf("ceil-mode MaxPool2d and AvgPool2d on %s: worst error %.3g relative, %.3g absolute (max pool %.3g absolute)%n",
                    on(be), worst[0], worst[1], worst[2]);
        }
    }

    /**
     * Max and average pooling (both divisors) of every case on {@code be}, forward and input gradient; returns the
     * worst relative error of the average pools, the largest absolute difference of any finite value, and that of the max pools.
     */
    private static double[] checkPools(List<Map<?, ?>> cases, boolean ceil, Backend be) {
        double worst = 0, abs = 0, maxAbs = 0;
        for (Map<?, ?> c : cases) {
            assertEquals(ceil, Boolean.TRUE.equals(c.get("ceil_mode")), c.get("name") + ": the fixture's ceil_mode");
            int[] shape = ints(c.get("shape")), k = ints(c.get("kernel")), s = ints(c.get("stride")), p = ints(c.get("padding")),
                    yShape = ints(c.get("yshape"));
            String name = c.get("name") + " on " + on(be);
            Tensor dy = tensor(c, "dy", yShape);

            MaxPool2d max = new MaxPool2d(k[0], k[1], s[0], s[1], p[0], p[1], ceil);
            max.bind(be);
            Tensor y = max.forward(tensor(c, "x", shape), true);
            assertArrayEquals(yShape, y.shape(), "max " + name + ": output shape");
            compare(floats(c.get("max_y")), y, "max-pool " + name + " y");
            maxAbs = Math.max(maxAbs, maxAbsDiff(floats(c.get("max_y")), y));
            Tensor dx = max.backward(dy);
            compare(floats(c.get("max_dx")), dx, "max-pool " + name + " dx (PyTorch's arg-max)");
            maxAbs = Math.max(maxAbs, maxAbsDiff(floats(c.get("max_dx")), dx));

            for (boolean include : new boolean[] {true, false}) {
                String key = include ? "avg_incl" : "avg_excl";
                AvgPool2d avg = new AvgPool2d(k[0], k[1], s[0], s[1], p[0], p[1], include, ceil);
                avg.bind(be);
                String what = "avg-pool count_include_pad=" + include + " " + name;
                Tensor ya = avg.forward(tensor(c, "avg_x", shape), true);
                assertArrayEquals(yShape, ya.shape(), what + ": output shape");
                worst = Math.max(worst, compare(floats(c.get(key + "_y")), ya, what + " y"));
                abs = Math.max(abs, maxAbsDiff(floats(c.get(key + "_y")), ya));
                Tensor dxa = avg.backward(dy);
                worst = Math.max(worst, compare(floats(c.get(key + "_dx")), dxa, what + " dx"));
                abs = Math.max(abs, maxAbsDiff(floats(c.get(key + "_dx")), dxa));
            }
        }
        return new double[] {worst, Math.max(abs, maxAbs), maxAbs};
    }

    /** The largest |ours - PyTorch's| over the finite reference values (compare has checked the others). */
    private static double maxAbsDiff(float[] want, Tensor got) {
        double m = 0;
        for (int i = 0; i < want.length; i++) if (Float.isFinite(want[i])) m = Math.max(m, Math.abs((double) got.getFlat(i) - want[i]));
        return m;
    }

    @Test
    void globalAvgPoolIsAdaptiveAvgPoolToOneThenFlatten() throws IOException {
        List<Map<?, ?>> cases = list(fixture("pool").get("gap"));
        assertTrue(cases.size() >= 4);
        for (Backend be : BACKENDS) {
            for (Map<?, ?> c : cases) {
                int[] shape = ints(c.get("shape"));
                GlobalAvgPool2d gap = new GlobalAvgPool2d();
                gap.bind(be);
                String what = "global avg-pool " + c.get("name") + " on " + on(be);
                Tensor y = gap.forward(tensor(c, "x", shape), true);
                assertArrayEquals(new int[] {shape[0], shape[1]}, y.shape(), what);
                compare(floats(c.get("y")), y, what + " y");
                Tensor dx = gap.backward(tensor(c, "dy", shape[0], shape[1]));
                assertArrayEquals(shape, dx.shape(), what);
                compare(floats(c.get("dx")), dx, what + " dx");
            }
        }
    }

    @Test
    void denseIsLinearWithWeightOutByIn() throws IOException {
        List<Map<?, ?>> cases = list(fixture("dense").get("cases"));
        assertTrue(cases.size() >= 5);
        for (Backend be : BACKENDS) {
            for (Map<?, ?> c : cases) {
                int in = ((Number) c.get("in")).intValue(), out = ((Number) c.get("out")).intValue(), n = ((Number) c.get("batch")).intValue();
                boolean bias = (Boolean) c.get("bias");
                Dense dense = new Dense(in, out, bias, Init.HE_NORMAL, 3);
                assertArrayEquals(new int[] {out, in}, dense.weight().value().shape(), "nn.Linear's weight layout (out, in)");
                dense.weight().value().copyFrom(tensor(c, "w", out, in));
                if (bias) dense.bias().value().copyFrom(tensor(c, "b", out));
                dense.bind(be);
                String what = "dense " + c.get("name") + " on " + on(be);
                compare(floats(c.get("y")), dense.forward(tensor(c, "x", n, in), true), what + " y");
                Tensor dx = dense.backward(tensor(c, "dy", n, out));
                compare(floats(c.get("dx")), dx, what + " dx");
                compare(floats(c.get("dw")), dense.weight().grad(), what + " dW");
                if (bias) compare(floats(c.get("db")), dense.bias().grad(), what + " db");
            }
        }
    }

    @Test
    void leakyReluHasPyTorchsDefaultSlope() throws IOException {
        Map<?, ?> c = (Map<?, ?>) fixture("misc").get("leaky_relu");
        assertEquals(0.01, ((Number) c.get("slope")).doubleValue());
        float[] x = floats(c.get("x"));
        for (Backend be : BACKENDS) {
            LeakyReLU l = new LeakyReLU();
            l.bind(be);
            String what = "LeakyReLU() on " + on(be);
            compare(floats(c.get("y")), l.forward(Tensor.of(x, 1, x.length), true), what + " y");
            compare(floats(c.get("dx")), l.backward(tensor(c, "dy", 1, x.length)), what + " dx");
        }
    }

    /**
     * Any finite slope, as PyTorch's {@code nn.LeakyReLU(negative_slope)}: 0, above 1 and negative ones on the same
     * x (NaN, ±Inf, ±0 and subnormals included), alone and behind a Dense (where a slope of 0 or more runs fused with
     * the product and a negative one does not: its derivative comes from x, y being positive on both sides).
     */
    @Test
    void leakyReluTakesAnyFiniteSlopeAsPyTorchDoes() throws IOException {
        Map<?, ?> c = (Map<?, ?>) fixture("misc").get("leaky_relu");
        List<Map<?, ?>> slopes = list(c.get("slopes"));
        assertTrue(slopes.size() >= 6 && slopes.stream().anyMatch(m -> ((Number) m.get("slope")).doubleValue() < 0));
        float[] x = floats(c.get("x"));
        Tensor dy = tensor(c, "dy", 1, x.length);
        for (Backend be : BACKENDS) {
            for (Map<?, ?> m : slopes) {
                float slope = ((Number) m.get("slope")).floatValue();
                LeakyReLU l = new LeakyReLU(slope);
                l.bind(be);
                String what = l.describe() + " on " + on(be);
                compare(floats(m.get("y")), l.forward(Tensor.of(x, 1, x.length), true), what + " y");
                compare(floats(m.get("dx")), l.backward(dy), what + " dx");
                // behind an identity Dense inside a Sequential: the fused pair (slope >= 0) or the layers one by one
                Dense id = new Dense(x.length, x.length, false, Init.HE_NORMAL, 1);
                float[] w = id.weight().value().data();
                java.util.Arrays.fill(w, 0f);
                for (int i = 0; i < x.length; i++) w[i * x.length + i] = 1f;
                LeakyReLU behind = new LeakyReLU(slope);
                assertEquals(slope >= 0, DenseActivation.at(List.of(id, behind), 0) != null, what + ": fused with the Dense");
                Sequential s = new Sequential(id, behind);
                s.bind(be);
                float[] finite = x.clone(); // NaN/Inf through a product would spread over the row: finite inputs here
                for (int i = 0; i < finite.length; i++) if (!Float.isFinite(finite[i])) finite[i] = 1.5f;
                Tensor y = s.forward(Tensor.of(finite, 1, finite.length), true), dx = s.backward(dy);
                for (int i = 0; i < finite.length; i++) {
                    if (!Float.isFinite(x[i])) continue;
                    float yi = floats(m.get("y"))[i], dxi = floats(m.get("dx"))[i];
                    assertEquals(yi, y.getFlat(i), 1e-4 * Math.max(1, Math.abs(yi)), what + " behind Dense, y at " + i);
                    assertEquals(dxi, dx.getFlat(i), 1e-4 * Math.max(1, Math.abs(dxi)), what + " behind Dense, dx at " + i);
                }
            }
        }
    }

    @Test
    void dropoutScalesKeptValuesByOneOverOneMinusPAndIsTheIdentityInEvaluation() throws IOException {
        List<Map<?, ?>> cases = list(fixture("misc").get("dropout"));
        for (Backend be : BACKENDS) {
            for (Map<?, ?> c : cases) {
                double p = ((Number) c.get("p")).doubleValue();
                int[] shape = ints(c.get("shape"));
                Tensor x = tensor(c, "x", shape);
                float[] kept = floats(c.get("kept"));
                Dropout d = new Dropout(p, 7);
                d.bind(be);
                String what = "Dropout(" + p + ") on " + on(be);
                Tensor y = d.forward(x, true).copy();
                int nKept = 0;
                for (int i = 0; i < kept.length; i++) {
                    float g = y.getFlat(i);
                    if (g == 0f) continue;
                    nKept++;
                    if (!(Math.abs(g - kept[i]) <= 1e-6 * Math.abs(kept[i]))) fail(what + " [" + i + "]: ours " + g + ", PyTorch's x/(1-p) " + kept[i]);
                }
                double mean = kept.length * (1 - p), sd = Math.sqrt(kept.length * p * (1 - p));
                assertTrue(Math.abs(nKept - mean) <= 5 * sd + 1, what + ": kept " + nKept + " of " + kept.length);
                // backward with dy = x: the same mask and scale, so dx must equal y
                Tensor dx = d.backward(x);
                for (int i = 0; i < kept.length; i++) assertEquals(y.getFlat(i), dx.getFlat(i), what + " dx[" + i + "]");
                // evaluation: the identity, forward and backward
                Tensor ye = d.forward(x, false);
                for (int i = 0; i < kept.length; i++) assertEquals(x.getFlat(i), ye.getFlat(i), what + " eval y[" + i + "]");
                assertSame(x, d.backward(x), what + " eval backward passes dy through");
            }
            // PyTorch: p = 0 keeps x (x * 1), p = 1 gives x * 0 (NaN for NaN and ±inf, -0 for negatives)
            Tensor special = Tensor.of(new float[] {1.25f, Float.NaN, Float.POSITIVE_INFINITY, -2f, 3e38f}, 1, 5);
            Dropout keep = new Dropout(0.0, 3), drop = new Dropout(1.0, 3);
            keep.bind(be);
            drop.bind(be);
            assertArrayEquals(special.toArray(), keep.forward(special, true).toArray(), "Dropout(0) on " + on(be));
            assertArrayEquals(new float[] {0f, Float.NaN, Float.NaN, -0f, 0f}, drop.forward(special, true).toArray(), "Dropout(1) on " + on(be));
        }
    }

    @Test
    void flattenIsNnFlatten() throws IOException {
        for (Map<?, ?> c : list(fixture("misc").get("flatten"))) {
            int[] shape = ints(c.get("shape")), yShape = ints(c.get("yshape"));
            Flatten f = new Flatten();
            String what = "Flatten of " + java.util.Arrays.toString(shape);
            Tensor y = f.forward(tensor(c, "x", shape), true);
            assertArrayEquals(yShape, y.shape(), what);
            compare(floats(c.get("y")), y, what + " y");
            Tensor dx = f.backward(tensor(c, "dy", yShape));
            assertArrayEquals(shape, dx.shape(), what);
            compare(floats(c.get("dx")), dx, what + " dx");
        }
        // a non-contiguous input (copied by Flatten) changed in place between two calls: read as it is now, as torch
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), x = base.transpose2d();
        Flatten f = new Flatten();
        assertEquals(1f, f.forward(x, true).getFlat(0));
        base.data()[0] = 100f;
        assertEquals(100f, f.forward(x, true).getFlat(0), "Flatten of a changed non-contiguous input");
        Tensor gBase = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), gy = gBase.transpose2d();
        assertEquals(1f, f.backward(gy).getFlat(0));
        gBase.data()[0] = -7f;
        assertEquals(-7f, f.backward(gy).getFlat(0), "Flatten backward of a changed non-contiguous gradient");
    }

    /**
     * What PyTorch refuses we refuse (pool padding over half the kernel), and a LeakyReLU slope that is not a finite
     * number fails at construction, naming it.
     * Pools have no dilation, return_indices or divisor_override and Conv2d no padding_mode: absent
     * from the API, nothing to refuse here (a model spec naming them is refused: SpecFileTest).
     */
    @Test
    void optionsOutsideWhatWeSupportAreRefusedClearly() {
        for (Runnable r : new Runnable[] {() -> new MaxPool2d(3, 1, 2), () -> new AvgPool2d(3, 1, 2), () -> new MaxPool2d(2, 2, 3, 2, 0, 2)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("half the kernel"), e.getMessage());
        }
        for (float slope : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(slope));
            assertTrue(e.getMessage().contains("LeakyReLU slope"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------- losses

    private static Loss<Tensor> loss(String kind) {
        return switch (kind) {
            case "bce" -> new BinaryCrossEntropyWithLogits();
            case "huber" -> new HuberLoss(1f);
            case "huber2.5" -> new HuberLoss(2.5f);
            case "l1" -> new MeanAbsoluteError();
            default -> throw new AssertionError(kind);
        };
    }

    @Test
    void lossesAtExtremeValuesMatchPyTorch() throws IOException {
        List<Map<?, ?>> cases = list(fixture("loss_extreme").get("cases"));
        assertTrue(cases.size() >= 9);
        for (Backend be : BACKENDS) {
            for (Map<?, ?> c : cases) {
                float[] x = floats(c.get("x"));
                Tensor xt = Tensor.of(x, x.length), t = tensor(c, "t", x.length);
                Loss<Tensor> l = loss((String) c.get("loss"));
                l.bind(be);
                String what = c.get("name") + " on " + on(be);
                double want = c.get("value") instanceof Number n ? n.doubleValue() : number(c.get("value"));
                double got = l.forward(xt, t);
                boolean ok = Double.isNaN(want) ? Double.isNaN(got)
                        : Math.abs(got - want) <= REL * Math.max(Math.abs(want), 1e-3);
                if (!ok) fail(what + " loss: ours " + got + ", PyTorch " + want);
                compare(floats(c.get("grad")), l.backward(), what + " grad");
            }
        }
    }
}
