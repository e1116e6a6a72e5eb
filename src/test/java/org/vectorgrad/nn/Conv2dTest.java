package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
import org.vectorgrad.check.GradientCheck;
import org.vectorgrad.check.GradientCheck.Report;
import org.vectorgrad.tensor.Tensor;

/**
 * Conv2d: gradients by finite differences on both kernel families, shapes, init, buffer reuse, bad input, and
 * PyTorch's {@code padding='same'} and {@code 'valid'} in the builder (values against PyTorch: ConvPoolPyTorchTest).
 */
class Conv2dTest {
    private static FamilyBackend vector;
    private final Backend scalar = ScalarBackend.create();

    @BeforeAll
    static void open() {
        vector = VectorBackend.create(2);
    }

    @AfterAll
    static void close() { vector.close(); }

    static List<Conv2d> variants() {
        return List.of(
                new Conv2d(2, 3, 3, 1, 1, 5),
                Conv2d.builder(3, 4).kernel(3, 2).stride(2, 1).padding(2, 0, 1, 1).seed(6).build(),
                Conv2d.builder(4, 4).kernel(3).dilation(2).padding(2).groups(2).seed(7).build(),
                Conv2d.builder(3, 6).kernel(3).padding(1).groups(3).bias(false).seed(8).build(),   // depthwise, multiplier 2
                Conv2d.builder(4, 2).kernel(1).seed(9).build(),                                      // pointwise
                Conv2d.builder(1, 5).kernel(3).padding(1).stride(2, 1).seed(10).build(),             // single-channel direct path
                Conv2d.builder(16, 16).kernel(3).padding(1).seed(11).build(),                        // Winograd forward and backward-data, -weights
                Conv2d.builder(16, 20).kernel(3).padding(1).bias(false).seed(12).build(),            // the same, channels unequal
                Conv2d.builder(2, 3).kernel(4, 2).paddingSame().seed(13).build(),                    // padding same, even kernel: (1, 2, 0, 1)
                Conv2d.builder(1, 4).kernel(2).dilation(3).paddingSame().bias(false).seed(14).build()); // same, single channel: (1, 2, 1, 2)
    }

    @Test
    void gradientsMatchFiniteDifferencesOnScalarAndVectorKernels() {
        for (Backend be : new Backend[] {scalar, vector, winogradBackward(vector)}) checkGradients(be);
    }

    /**
     * The vector backend with backward-data and backward-weights on the Winograd path whatever this JVM's vector width
     * (by default it takes those paths at 256 bits and below, and on AMD Zen 4), so that its gradients are checked on
     * every machine.
     */
    private static Backend winogradBackward(FamilyBackend v) {
        return new FamilyBackend("vector, Winograd backward-data and -weights", v.dispatcher(), v.gemm(), v.pointwise(), v.losses(), v.updates(),
                new VectorConvolution(v.gemm(), v.dispatcher(), true, true, true), v.pooling(), v.normalization(), () -> {});
    }

    @Test
    void gradientsMatchFiniteDifferencesWithConvGemmsOnOpenBlas() {
        // blas and auto run the vector convolution kernels with their GEMMs on OpenBLAS
        Availability a = Backends.factories().get("blas").availability();
        Prerequisites.require(a.available(), "the blas/auto convolution needs OpenBLAS: " + a.reason());
        for (String name : new String[] {"blas", "auto"}) {
            try (Backend be = Backends.create(name, 2)) {
                checkGradients(be);
                Sequential cnn = smallCnn(new Tanh());
                cnn.bind(be);
                checkCnn(cnn, be, 1e-2);
            }
        }
    }

    private static void checkGradients(Backend be) {
        for (Conv2d c : variants()) {
            c.bind(be);
            for (int batch : new int[] {1, 3}) {
                Tensor x = Tensor.randn(batch + 40, 0f, 1f, batch, inChannels(c), 7, 6);
                // a convolution is linear in x and in w, so a larger step costs no truncation error and keeps the
                // float rounding of the forward (larger on the Winograd path) small against the step
                Report r = GradientCheck.check(c, x, GradientCheck.randomProjection(3),
                        new GradientCheck.Options(5e-2, 1e-2, 1e-3, 60, true, 42));
                r.assertPassed();
                assertEquals(c.bias() == null ? 2 : 3, r.maxRelativeError().size(), be.name() + " " + c + ": " + r);
            }
        }
    }

    private static int inChannels(Conv2d c) {
        return c.weight().value().dim(1) * groupsOf(c);
    }

    private static int groupsOf(Conv2d c) {
        String d = c.describe();
        int i = d.indexOf("groups ");
        return i < 0 ? 1 : Integer.parseInt(d.substring(i + 7).replaceAll("[^0-9].*", ""));
    }

    /** A small CNN: conv, activation, pool, grouped conv, tanh, avg pool, global pool, dense, cross-entropy. */
    private static Sequential smallCnn(Layer activation) {
        return new Sequential(
                new Conv2d(2, 4, 3, 1, 1, 1), activation, new MaxPool2d(2, 2),
                Conv2d.builder(4, 4).kernel(3).padding(1).groups(2).seed(2).build(), new Tanh(), new AvgPool2d(3, 1, 1),
                new GlobalAvgPool2d(), new Dense(4, 3, 3)).on(vector);
    }

    private static Report checkCnn(Sequential cnn, double tolerance) {
        return checkCnn(cnn, vector, tolerance);
    }

    private static Report checkCnn(Sequential cnn, Backend backend, double tolerance) {
        var loss = new org.vectorgrad.loss.SoftmaxCrossEntropy();
        loss.bind(backend);
        Tensor x = distinct(3, 2, 2, 8, 6);
        Report r = GradientCheck.check(cnn, x, GradientCheck.of(loss, new int[] {0, 2}),
                new GradientCheck.Options(3e-3, tolerance, 1e-3, 80, true, 42));
        r.assertPassed();
        assertEquals(7, r.maxRelativeError().size(), r.toString()); // 3 weights, 3 biases, input
        return r;
    }

    @Test
    void smallCnnEndToEndChecksWithCrossEntropy() {
        // Smooth activation: only the max-pool kinks remain, so the default 1e-2 tolerance holds.
        checkCnn(smallCnn(new Tanh()), 1e-2);
    }

    @Test
    void referenceStyleCnnWithReluEndToEnd() {
        // With ReLU, one first-layer weight moves every pre-activation of its channel, and each one that crosses 0
        // inside the ±h probe bends the finite difference a little without tripping the kink detector; measured
        // worst error 0.011 on the scalar kernels. 3e-2 still fails a wrong backward (errors of order 1).
        Report r = checkCnn(smallCnn(new ReLU()), 3e-2);
        assertTrue(r.skippedNearKinks() < r.checked() / 5, "few points near kinks: " + r);
    }

    /** Values in a random order, spaced 0.02 apart, centred: no ties and no two within a finite-difference step. */
    static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        int n = t.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < n; i++) t.setFlat(i, (perm[i] - n / 2f) * 0.02f);
        return t;
    }

    @Test
    void vectorAndScalarKernelsAgreeThroughTheLayer() {
        Conv2d a = new Conv2d(3, 8, 3, 2, 1, 4), b = new Conv2d(3, 8, 3, 2, 1, 4);
        a.bind(scalar);
        b.bind(vector);
        Tensor x = Tensor.randn(1, 0f, 1f, 2, 3, 9, 11);
        Tensor ya = a.forward(x, true).copy(), yb = b.forward(x, true);
        assertTrue(ya.sameShape(yb) && ya.hasShape(2, 8, 5, 6), yb.shapeString());
        for (int i = 0; i < ya.size(); i++) assertEquals(ya.getFlat(i), yb.getFlat(i), 1e-5f);
        Tensor dy = Tensor.randn(2, 0f, 1f, 2, 8, 5, 6);
        Tensor dxa = a.backward(dy).copy(), dxb = b.backward(dy);
        for (int i = 0; i < dxa.size(); i++) assertEquals(dxa.getFlat(i), dxb.getFlat(i), 1e-5f);
        for (int i = 0; i < a.weight().size(); i++) assertEquals(a.weight().grad().getFlat(i), b.weight().grad().getFlat(i), 1e-4f);
    }

    @Test
    void heNormalInitUsesTheFanInOfOneGroup() {
        Conv2d c = new Conv2d(32, 64, 3, 1, 1, 123);
        Tensor w = c.weight().value();
        assertTrue(w.hasShape(64, 32, 3, 3), w.shapeString());
        double sq = 0, sum = 0;
        for (int i = 0; i < w.size(); i++) {
            sq += w.getFlat(i) * (double) w.getFlat(i);
            sum += w.getFlat(i);
        }
        double std = Math.sqrt(sq / w.size() - Math.pow(sum / w.size(), 2));
        assertEquals(Math.sqrt(2.0 / (32 * 9)), std, 0.03 * std);
        for (int i = 0; i < c.bias().size(); i++) assertEquals(0f, c.bias().value().getFlat(i));
        Conv2d depthwise = Conv2d.builder(16, 16).kernel(3).groups(16).seed(1).build();
        assertTrue(depthwise.weight().value().hasShape(16, 1, 3, 3));
        assertEquals(2, c.parameters().size());
    }

    @Test
    void buffersAreReusedAcrossSteps() {
        Conv2d c = new Conv2d(2, 3, 3, 1, 1, 5);
        c.bind(vector);
        Tensor x = Tensor.randn(1, 0f, 1f, 4, 2, 6, 6);
        Tensor y1 = c.forward(x, true);
        Tensor g1 = c.backward(Tensor.randn(2, 0f, 1f, 4, 3, 6, 6));
        assertSame(y1, c.forward(x, true));
        assertSame(g1, c.backward(Tensor.randn(3, 0f, 1f, 4, 3, 6, 6)));
    }

    /**
     * {@code paddingSame()} pads as PyTorch 1.13's {@code nn.Conv2d(padding='same')}: per axis dilation·(kernel-1),
     * the smaller half on the top/left. The expected sides are what {@code _reversed_padding_repeated_twice} gave in
     * torch 1.13 for each kernel and dilation (reordered from F.pad's (left, right, top, bottom)).
     */
    @Test
    void paddingSameIsPyTorchsSplitAndKeepsTheInputSize() {
        int[][] cases = { // kernelH, kernelW, dilationH, dilationW -> top, bottom, left, right
                {3, 3, 1, 1, 1, 1, 1, 1}, {2, 2, 1, 1, 0, 1, 0, 1}, {4, 4, 1, 1, 1, 2, 1, 2}, {3, 3, 2, 2, 2, 2, 2, 2},
                {2, 5, 1, 1, 0, 1, 2, 2}, {4, 3, 1, 2, 1, 2, 2, 2}, {2, 2, 3, 3, 1, 2, 1, 2}, {4, 4, 2, 2, 3, 3, 3, 3},
                {5, 2, 2, 3, 4, 4, 1, 2}, {1, 1, 1, 1, 0, 0, 0, 0}};
        for (int[] c : cases) {
            int[] want = {c[4], c[5], c[6], c[7]};
            String what = "kernel " + c[0] + "x" + c[1] + ", dilation " + c[2] + "x" + c[3];
            assertArrayEquals(want, Conv2d.samePadding(c[0], c[1], c[2], c[3]), what);
            // set before or after the kernel and dilation: worked out at build from the final ones
            Conv2d before = Conv2d.builder(2, 3).paddingSame().kernel(c[0], c[1]).dilation(c[2], c[3]).build();
            Conv2d after = Conv2d.builder(2, 3).kernel(c[0], c[1]).dilation(c[2], c[3]).paddingSame().build();
            assertArrayEquals(want, before.padding(), what);
            assertArrayEquals(want, after.padding(), what);
            for (Backend be : new Backend[] {scalar, vector}) {
                after.bind(be);
                for (int[] hw : new int[][] {{7, 6}, {2, 3}}) { // also an input smaller than the dilated kernel
                    Tensor y = after.forward(Tensor.randn(5, 0f, 1f, 2, 2, hw[0], hw[1]), true);
                    assertArrayEquals(new int[] {2, 3, hw[0], hw[1]}, y.shape(), what + " on " + be.name() + ": output size is the input's");
                }
            }
        }
        // a later explicit padding (or paddingValid) replaces paddingSame, and the other way round
        assertArrayEquals(new int[] {1, 1, 1, 1}, Conv2d.builder(1, 1).kernel(4).paddingSame().padding(1).build().padding());
        assertArrayEquals(new int[] {0, 0, 0, 0}, Conv2d.builder(1, 1).kernel(4).paddingSame().paddingValid().build().padding());
        assertArrayEquals(new int[] {1, 2, 1, 2}, Conv2d.builder(1, 1).kernel(4).padding(3).paddingSame().build().padding());
        // valid: no padding, the output shrinks by dilation·(kernel-1)
        Conv2d valid = Conv2d.builder(2, 3).kernel(4, 3).dilation(1, 2).padding(2).paddingValid().build();
        valid.bind(scalar);
        assertArrayEquals(new int[] {1, 3, 4, 2}, valid.forward(Tensor.randn(6, 0f, 1f, 1, 2, 7, 6), true).shape());
    }

    @Test
    void stridedPaddingSameIsRefusedAtBuildAsInPyTorch() {
        for (int[] s : new int[][] {{2, 2}, {1, 2}, {2, 1}}) {
            Conv2d.Builder b = Conv2d.builder(3, 4).kernel(3).paddingSame().stride(s[0], s[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
            String m = e.getMessage();
            assertTrue(m.contains("Conv2d(3 -> 4") && m.contains("padding same") && m.contains("stride " + s[0] + "x" + s[1])
                    && m.contains("needs stride 1x1") && m.contains("strided convolutions"), m);
            // explicit padding with the same stride is fine
            assertArrayEquals(new int[] {1, 1, 1, 1}, b.padding(1).build().padding());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2d.samePadding(3, 3, 1 << 30, 1));
        assertTrue(e.getMessage().contains("exceeds 2^31-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2d.samePadding(0, 3, 1, 1));
        assertTrue(e.getMessage().contains("positive kernel and dilation"), e.getMessage());
        // a bad kernel under paddingSame is named by the usual check
        e = assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(3, 4).kernel(0, 3).paddingSame().build());
        assertTrue(e.getMessage().contains("kernel 0x3"), e.getMessage());
    }

    @Test
    void inputViewWithAnOffsetGivesTheSameResultAsACopy() {
        Conv2d c = new Conv2d(2, 3, 3, 1, 1, 5);
        c.bind(vector);
        Tensor big = Tensor.randn(1, 0f, 1f, 5, 2, 6, 6);
        Tensor view = big.slice0(2, 4); // offset != 0
        Tensor fromView = c.forward(view, true).copy();
        Tensor fromCopy = c.forward(view.copy(), true);
        for (int i = 0; i < fromCopy.size(); i++) assertEquals(fromCopy.getFlat(i), fromView.getFlat(i));
    }

    @Test
    void badInputIsRejectedWithLayerAndShapes() {
        Conv2d c = new Conv2d(3, 4, 3, 1, 0, 1);
        c.bind(scalar);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(2, 5, 8, 8), true));
        assertTrue(e.getMessage().contains("Conv2d(3 -> 4") && e.getMessage().contains("[2, 5, 8, 8]") && e.getMessage().contains("expected [batch, 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(2, 3, 8), true));
        assertTrue(e.getMessage().contains("[2, 3, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 3, 2, 5), true));
        assertTrue(e.getMessage().contains("Conv2d(3 -> 4") && e.getMessage().contains("larger than the padded input 2x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(3, 4).groups(2).build());
        assertTrue(e.getMessage().contains("groups=2") && e.getMessage().contains("in_channels=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(3, 4).stride(0).build());
        assertTrue(e.getMessage().contains("stride 0x0"), e.getMessage());
        c.forward(Tensor.zeros(2, 3, 8, 8), true);
        e = assertThrows(IllegalArgumentException.class, () -> c.backward(Tensor.zeros(2, 4, 5, 5)));
        assertTrue(e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("[2, 4, 6, 6]"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> new Conv2d(1, 1, 1, 1, 0, 1).backward(Tensor.zeros(1, 1, 1, 1)));
        assertTrue(s.getMessage().contains("backward called before forward"), s.getMessage());
    }
}
