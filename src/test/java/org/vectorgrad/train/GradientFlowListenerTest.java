package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.io.Json;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.io.SpecFile;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.BatchNorm1d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sigmoid;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.GradientFlowListener.Kind;
import org.vectorgrad.train.GradientFlowListener.LayerFigures;

/**
 * Gradient-flow diagnostics: the essays' lesson (a deep sigmoid MLP with Xavier init is flagged vanishing, the same
 * MLP with ReLU and He init is not), figures that match direct computations, dead-ReLU and exploding flags, the
 * sampling schedule, unchanged training bits, and a well-formed SVG. All runs are seeded and single-threaded.
 */
class GradientFlowListenerTest {

    /** Flatten, then {@code hidden} × (Dense → act) of {@code width}, then Dense → 10; 784 inputs. */
    static Sequential deepMlp(boolean sigmoid, Init init, int hidden, int width, long seed) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Flatten());
        int in = 784;
        for (int i = 0; i < hidden; i++) {
            layers.add(new Dense(in, width, true, init, seed * 1_000_003L + i + 1)); // SpecFile's seeds: k-th Dense, k from 1
            layers.add(sigmoid ? new Sigmoid() : new ReLU());
            in = width;
        }
        layers.add(new Dense(in, 10, true, init, seed * 1_000_003L + hidden + 1));
        return new Sequential(layers);
    }

    /** Random standardized-looking 1×28×28 images, labels learnable from one block of pixels. */
    static Dataset data(int n) {
        return TrainingReproducibilityTest.images(5, n);
    }

    static GradientFlowListener train(Sequential model, Dataset data, int epochs, int batch, int every, float lr) {
        try (Backend be = Backends.create("vector", 1, s -> {});
             GradientFlowListener diag = new GradientFlowListener(model, every)) {
            Trainer t = new Trainer(model, new SoftmaxCrossEntropy(), new SGD(model.parameters(), lr, 0f), be);
            t.addListener(diag);
            t.fit(data, null, epochs, batch, 7);
            return diag;
        }
    }

    @Test
    void theDeepSigmoidXavierMlpIsFlaggedVanishingAndTheReluHeOneIsNot() {
        Dataset d = data(256);
        GradientFlowListener sig = train(deepMlp(true, Init.XAVIER_UNIFORM, 10, 256, 3), d, 1, 64, 1, 0.05f);
        GradientFlowListener relu = train(deepMlp(false, Init.HE_NORMAL, 10, 256, 3), d, 1, 64, 1, 0.05f);
        System.err.println(sig.table(sig.last()));
        System.err.println(relu.table(relu.last()));
        assertTrue(sig.flagged(Kind.VANISHING), sig.table(sig.last()));
        GradientFlowListener.Flag f = sig.flags().stream().filter(x -> x.kind() == Kind.VANISHING).findFirst().orElseThrow();
        assertEquals("1 Dense(784 -> 256)", f.layer());
        assertTrue(f.message().contains("1 Dense(784 -> 256)") && f.message().contains("21 Dense(256 -> 10)"), f.message());
        assertTrue(sig.last().firstToLastRatio() < GradientFlowListener.VANISHING_RATIO);
        assertFalse(relu.flagged(Kind.VANISHING), relu.table(relu.last()));
        assertFalse(relu.flagged(Kind.EXPLODING), relu.table(relu.last()));
        assertTrue(relu.last().firstToLastRatio() > 1e-1 && relu.last().firstToLastRatio() < 1e1, relu.table(relu.last()));
        // per layer the sigmoid network's gradient shrinks toward the input: every hidden Dense below the one above it
        List<LayerFigures> dense = sig.last().layers().stream().filter(LayerFigures::hasParameters).toList();
        for (int i = 1; i < dense.size() - 1; i++) {
            assertTrue(dense.get(i - 1).gradNorm() < dense.get(i).gradNorm(), dense.get(i - 1).name() + " vs " + dense.get(i).name());
        }
    }

    @Test
    void theExampleSpecsAreTheseModelsBitForBit() {
        for (String[] c : new String[][] {{"deep-sigmoid", "true", "XAVIER_UNIFORM"}, {"deep-relu", "false", "HE_NORMAL"}}) {
            Path file = Path.of("examples", c[0] + ".json");
            Layer built = SpecFile.read(file).build(3);
            Sequential expected = deepMlp(Boolean.parseBoolean(c[1]), Init.valueOf(c[2]), 10, 256, 3);
            assertEquals(ModelSpec.toJson(expected), ModelSpec.toJson(built), file.toString());
            List<Parameter> a = expected.parameters(), b = built.parameters();
            for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), file + " parameter " + i);
        }
        // the BatchNorm variant: the sigmoid MLP with a BatchNorm1d(256) before each sigmoid
        Sequential bn = (Sequential) SpecFile.read(Path.of("examples", "deep-sigmoid-bn.json")).build(3);
        assertEquals(32, bn.layers().size());
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(Dense.class, bn.layers().get(1 + 3 * i));
            assertInstanceOf(BatchNorm1d.class, bn.layers().get(2 + 3 * i));
            assertInstanceOf(Sigmoid.class, bn.layers().get(3 + 3 * i));
        }
    }

    @Test
    void batchNormBeforeEachSigmoidLetsTheGradientThrough() {
        Sequential bn = (Sequential) SpecFile.read(Path.of("examples", "deep-sigmoid-bn.json")).build(3);
        GradientFlowListener diag = train(bn, data(256), 1, 64, 1, 0.05f);
        System.err.println(diag.table(diag.last()));
        assertFalse(diag.flagged(Kind.VANISHING), diag.table(diag.last()));
        assertFalse(diag.flagged(Kind.EXPLODING), diag.table(diag.last()));
        assertTrue(diag.last().firstToLastRatio() > 1e-2, diag.table(diag.last()));
    }

    /** The reference MLP, or a small MLP with BatchNorm (which keeps running statistics as buffers). */
    private static Sequential hashModel(boolean batchNorm) {
        if (!batchNorm) return Models.mlp(42);
        return new Sequential(new Flatten(), new Dense(784, 32, true, Init.HE_NORMAL, 1), new BatchNorm1d(32), new ReLU(),
                new Dense(32, 10, true, Init.HE_NORMAL, 2));
    }

    /** Trains a model two epochs (with a test pass each) and hashes the bits of its parameters and buffers. */
    private static long trainedHash(boolean diagnostics, boolean batchNorm) {
        Sequential m = hashModel(batchNorm);
        try (Backend be = Backends.create("vector", 2, s -> {})) {
            Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 0.05f, 0.9f), be);
            GradientFlowListener diag = diagnostics ? new GradientFlowListener(m, 1) : null;
            if (diag != null) t.addListener(diag);
            t.fit(data(160), data(40), 2, 16, 7);
            if (diag != null) assertEquals(20, diag.history().steps().length);
            long h = 17;
            for (Parameter p : m.parameters()) for (float v : p.value().toArray()) h = h * 31 + Float.floatToRawIntBits(v);
            for (var b : m.buffers()) {
                if (b.isInt64()) for (long v : b.longs()) h = h * 31 + v;
                else for (int i = 0; i < b.value().size(); i++) h = h * 31 + Float.floatToRawIntBits(b.value().getFlat(i));
            }
            return h;
        }
    }

    @Test
    void diagnosticsLeaveTheTrainingBitsUnchanged() {
        for (boolean bn : new boolean[] {false, true}) {
            long without = trainedHash(false, bn);
            assertEquals(without, trainedHash(true, bn), bn ? "with BatchNorm" : "reference MLP");
            assertEquals(without, trainedHash(false, bn));
        }
    }

    @Test
    void figuresMatchADirectComputation() {
        Sequential m = new Sequential(new Flatten(), new Dense(784, 16, true, Init.HE_NORMAL, 1), new ReLU(), new Dense(16, 10, true, Init.HE_NORMAL, 2));
        List<Tensor> initial = m.parameters().stream().map(p -> p.value().copy()).toList();
        Dataset d = data(32);
        float lr = 0.1f;
        GradientFlowListener diag = train(m, d, 1, 32, 1, lr); // one step over the whole set, plain SGD
        GradientFlowListener.EpochReport r = diag.last();
        assertEquals(1, r.samples());
        // after the step the gradients still hold that step's: the update was -lr * g
        for (int k : new int[] {1, 3}) {
            LayerFigures f = r.layers().get(k);
            Dense dense = (Dense) m.layers().get(k);
            double gw = norm(dense.weight().grad()), gb = norm(dense.bias().grad());
            assertEquals(gw, f.parameterGradNorms()[0], 1e-9 * gw);
            assertEquals(gb, f.parameterGradNorms()[1], 1e-9 * gb);
            assertEquals(Math.sqrt(gw * gw + gb * gb), f.gradNorm(), 1e-9 * f.gradNorm());
            double w0 = norm(initial.get(k == 1 ? 0 : 2));
            assertEquals(lr * gw / w0, f.parameterUpdateRatios()[0], 1e-5 * f.parameterUpdateRatios()[0]);
            assertTrue(Double.isNaN(f.parameterUpdateRatios()[1]), "a zero bias has no update ratio at its first step");
            assertEquals(lr * f.gradNorm() / w0, f.updateRatio(), 1e-5 * f.updateRatio());
            assertEquals(List.of("weight", "bias"), f.parameterNames());
        }
        // Flatten's output is the batch itself: its mean and (population) std
        float[] x = new float[32 * 784];
        for (int i = 0; i < 32; i++) d.copySample(i, x, i * 784);
        double mean = 0, sq = 0;
        for (float v : x) mean += v;
        mean /= x.length;
        for (float v : x) sq += (v - mean) * (v - mean);
        LayerFigures flat = r.layers().get(0);
        assertEquals(mean, flat.activationMean(), 1e-9);
        assertEquals(Math.sqrt(sq / x.length), flat.activationStd(), 1e-9);
        assertTrue(Double.isNaN(flat.deadFraction()) && Double.isNaN(flat.gradNorm()));
        LayerFigures relu = r.layers().get(2);
        assertTrue(relu.deadFraction() >= 0 && relu.deadFraction() <= 1);
        assertTrue(relu.activationMean() >= 0, "a ReLU's outputs are not negative");
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += (double) t.getFlat(i) * t.getFlat(i);
        return Math.sqrt(s);
    }

    @Test
    void aReluWhoseUnitsNeverFireIsFlaggedDeadByName() {
        Sequential m = new Sequential(new Flatten(), new Dense(784, 32, true, Init.HE_NORMAL, 1), new ReLU(),
                new Dense(32, 16, true, Init.HE_NORMAL, 2), new ReLU(), new Dense(16, 10, true, Init.HE_NORMAL, 3));
        Dense first = (Dense) m.layers().get(1);
        for (int u = 0; u < 20; u++) first.bias().value().setFlat(u, -1e4f); // 20 of 32 units below zero for every input
        GradientFlowListener diag = train(m, data(64), 1, 32, 1, 0.01f);
        LayerFigures relu = diag.last().layers().get(2);
        assertTrue(relu.deadFraction() >= 20.0 / 32, diag.table(diag.last()));
        assertTrue(diag.flags().stream().anyMatch(f -> f.kind() == Kind.DEAD_RELU && f.layer().equals("2 ReLU")), diag.flags().toString());
        assertFalse(diag.flags().stream().anyMatch(f -> f.kind() == Kind.DEAD_RELU && f.layer().equals("4 ReLU")), diag.table(diag.last()));
    }

    private static LayerFigures figures(String path, double grad, double ratio) {
        return new LayerFigures(path, "Dense(8 -> 8)", grad, ratio, 0, 1, Double.NaN, List.of("weight"), new double[] {grad}, new double[] {ratio});
    }

    @Test
    void flagRules() {
        LayerFigures act = new LayerFigures("1", "ReLU", Double.NaN, Double.NaN, 0.1, 0.2, 0.6, List.of(), new double[0], new double[0]);
        var flags = GradientFlowListener.flags(3, List.of(figures("0", 1e4, 1e-3), act, figures("2", 1, 1e-3)));
        assertEquals(List.of(Kind.EXPLODING, Kind.DEAD_RELU), flags.stream().map(GradientFlowListener.Flag::kind).toList());
        assertEquals("0 Dense(8 -> 8)", flags.get(0).layer());
        assertEquals("1 ReLU", flags.get(1).layer());
        assertEquals(3, flags.get(0).epoch());
        flags = GradientFlowListener.flags(1, List.of(figures("0", 0.9e-3, 1e-3), figures("1", 1, 1e-3)));
        assertEquals(List.of(Kind.VANISHING), flags.stream().map(GradientFlowListener.Flag::kind).toList());
        assertEquals(List.of(), GradientFlowListener.flags(1, List.of(figures("0", 1.1e-3, 1e-3), figures("1", 1, 1e-3))));
        flags = GradientFlowListener.flags(1, List.of(figures("0", 1, 1e-3), figures("1", 1, 2.0)));
        assertEquals(List.of(Kind.EXPLODING), flags.stream().map(GradientFlowListener.Flag::kind).toList());
        assertEquals("1 Dense(8 -> 8)", flags.get(0).layer());
        flags = GradientFlowListener.flags(1, List.of(figures("0", Double.POSITIVE_INFINITY, 1e-3), figures("1", 1, 1e-3)));
        assertTrue(flags.stream().anyMatch(f -> f.kind() == Kind.EXPLODING && f.layer().equals("0 Dense(8 -> 8)")), flags.toString());
        // one layer with parameters: no ratio, no vanishing/exploding by ratio
        assertEquals(List.of(), GradientFlowListener.flags(1, List.of(figures("0", 1e-9, 1e-3))));
    }

    @Test
    void samplesEveryNthGlobalStepAcrossEpochs() {
        Sequential m = new Sequential(new Flatten(), new Dense(784, 8, true, Init.HE_NORMAL, 1), new ReLU(), new Dense(8, 10, true, Init.HE_NORMAL, 2));
        GradientFlowListener diag = train(m, data(64), 2, 16, 3, 0.01f); // 4 steps per epoch: global steps 1, 4, 7
        assertArrayEquals(new long[] {1, 4, 7}, diag.history().steps());
        assertEquals(2, diag.reports().get(0).samples());
        assertEquals(1, diag.reports().get(1).samples());
        assertEquals(List.of("1 Dense(784 -> 8)", "3 Dense(8 -> 10)"), diag.history().layers());
        assertEquals(3, diag.history().gradNorms()[1].length);
        assertEquals(4, diag.history().stepsPerEpoch());
        assertNull(m.observer(), "close() removes the observer");
        assertThrows(IllegalArgumentException.class, () -> new GradientFlowListener(m, 0));
    }

    @Test
    void theJsonHoldsEveryEpochsFiguresAndTheFlags() {
        Sequential m = deepMlp(true, Init.XAVIER_UNIFORM, 10, 32, 1);
        GradientFlowListener diag = train(m, data(64), 2, 32, 1, 0.05f);
        Map<?, ?> j = (Map<?, ?>) Json.parse(Json.write(diag.toJson()));
        assertEquals(1L, j.get("every"));
        assertEquals(4L, j.get("samples"));
        assertEquals(Boolean.TRUE, j.get("vanishing"));
        assertEquals(Boolean.FALSE, j.get("dead_relu"));
        assertTrue(j.get("thresholds") instanceof Map<?, ?> th && th.get("vanishing_ratio").equals(1e-3));
        List<?> flags = (List<?>) j.get("flags");
        assertTrue(flags.stream().anyMatch(f -> ((Map<?, ?>) f).get("kind").equals("vanishing") && ((Map<?, ?>) f).get("layer").equals("1 Dense(784 -> 32)")));
        List<?> epochs = (List<?>) j.get("epochs");
        assertEquals(2, epochs.size());
        Map<?, ?> e2 = (Map<?, ?>) epochs.get(1);
        assertEquals(2L, e2.get("epoch"));
        List<?> layers = (List<?>) e2.get("layers");
        assertEquals(m.layers().size(), layers.size());
        Map<?, ?> dense = (Map<?, ?>) layers.get(1);
        assertEquals("1", dense.get("path"));
        assertEquals("Dense(784 -> 32)", dense.get("layer"));
        assertTrue(dense.get("grad_norm") instanceof Double g && g > 0);
        assertTrue(((Map<?, ?>) dense.get("parameters")).get("weight") instanceof Map<?, ?> w && w.get("update_ratio") instanceof Double);
        Map<?, ?> flatten = (Map<?, ?>) layers.get(0);
        assertNull(flatten.get("grad_norm"));
        assertNull(flatten.get("dead_fraction"));
        assertTrue(flatten.get("act_std") instanceof Double);
        String table = diag.table(diag.last());
        assertTrue(table.contains("1 Dense(784 -> 32)") && table.contains("flag vanishing"), table);
    }

    @Test
    void thePlotIsWellFormedSvgWithEscapedNames(@TempDir Path tmp) throws Exception {
        String odd = "3 Odd<&>\"'layer\u0001";
        var h = new GradientFlowListener.History(List.of("1 Dense(784 -> 256)", odd), new long[] {1, 51, 101},
                new double[][] {{1e-7, 2e-7, 0}, {0.5, Double.NaN, 2.0}}, 50);
        Path file = tmp.resolve("flow.svg");
        GradientFlowPlot.write(file, h, "deep <sigmoid> & Xavier");
        var f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var doc = f.newDocumentBuilder().parse(Files.newInputStream(file));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getAttribute("xmlns"));
        var texts = doc.getElementsByTagName("text");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) all.add(texts.item(i).getTextContent());
        assertTrue(all.contains("deep <sigmoid> & Xavier"), all.toString());
        assertTrue(all.contains("1 Dense(784 -> 256)"), all.toString());
        assertTrue(all.contains("3 Odd<&>\"'layer\uFFFD"), all.toString());
        assertTrue(all.contains("1e-7") && all.contains("1e0"), "one grid label per decade: " + all);
        // layer 1: points 1-2 (the zero is a gap); layer 2: two stretches of one point each around the NaN
        assertEquals(3, doc.getElementsByTagName("polyline").getLength());
        // an empty history still gives a document
        var empty = new GradientFlowListener.History(List.of(), new long[0], new double[0][], 1);
        f.newDocumentBuilder().parse(new ByteArrayInputStream(GradientFlowPlot.svg(empty, "none").getBytes(StandardCharsets.UTF_8)));
    }
}
