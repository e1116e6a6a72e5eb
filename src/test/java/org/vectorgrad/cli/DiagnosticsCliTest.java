package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.io.Json;

/**
 * {@code train --diagnostics}: the per-layer table on stderr after each epoch, the {@code diagnostics} object in the
 * final JSON, the SVG plot, and usage errors. Runs on small synthetic IDX files (no Fashion-MNIST needed).
 */
class DiagnosticsCliTest {

    @Test
    void tableJsonAndPlot(@TempDir Path tmp) throws Exception {
        Path data = DivergenceCliTest.tinyData(tmp);
        Path svg = tmp.resolve("plots/flow.svg");
        MainTest.Result r = MainTest.run("train", "--data", data.toString(), "--epochs", "2", "--threads", "1", "--backend", "vector",
                "--diagnostics", "--diagnostics-every", "1", "--diagnostics-plot", svg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("gradient flow, epoch 1 (2 sampled steps, every 1 steps)"), r.err());
        assertTrue(r.err().contains("gradient flow, epoch 2"), r.err());
        assertTrue(r.err().contains("1 Dense(784 -> 512)") && r.err().contains("grad_norm"), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.lastLine());
        Map<?, ?> d = (Map<?, ?>) json.get("diagnostics");
        assertNotNull(d, r.lastLine());
        assertEquals(1L, d.get("every"));
        assertEquals(4L, d.get("samples")); // 256 samples, batch 128: 2 steps per epoch, 2 epochs
        for (String k : List.of("vanishing", "exploding", "dead_relu")) assertTrue(d.get(k) instanceof Boolean, k);
        assertEquals(Boolean.FALSE, d.get("vanishing"));
        assertTrue(d.get("flags") instanceof List<?>);
        assertTrue(d.get("first_to_last_ratio") instanceof Double);
        List<?> epochs = (List<?>) d.get("epochs");
        assertEquals(2, epochs.size());
        List<?> layers = (List<?>) ((Map<?, ?>) epochs.get(1)).get("layers");
        assertEquals(6, layers.size()); // Flatten, Dense, ReLU, Dense, ReLU, Dense
        Map<?, ?> relu = (Map<?, ?>) layers.get(2);
        assertEquals("ReLU", relu.get("layer"));
        assertTrue(relu.get("dead_fraction") instanceof Double f && f >= 0 && f <= 1);
        assertTrue(((Map<?, ?>) layers.get(5)).get("grad_norm") instanceof Double g && g > 0);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(svg));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals(3, doc.getElementsByTagName("polyline").getLength()); // one line per Dense
        assertTrue(r.err().contains("wrote the gradient-flow plot to " + svg), r.err());
    }

    /**
     * The essays' lesson from the command line: the deep sigmoid MLP with Xavier init is flagged vanishing in the
     * final JSON, the ReLU/He one and the sigmoid one with BatchNorm are not (seeded; 2 steps on random images).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"deep-sigmoid, true", "deep-relu, false", "deep-sigmoid-bn, false"})
    void theExampleSpecsAreFlaggedAsTheEssaysSay(String spec, boolean vanishing, @TempDir Path tmp) throws Exception {
        Path data = DivergenceCliTest.tinyData(tmp);
        MainTest.Result r = MainTest.run("train", "--model", "examples/" + spec + ".json", "--data", data.toString(), "--epochs", "1",
                "--threads", "1", "--backend", "vector", "--diagnostics-every", "1");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> d = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.lastLine())).get("diagnostics");
        assertEquals(vanishing, d.get("vanishing"), r.err());
        assertEquals(Boolean.FALSE, d.get("exploding"), r.err());
        List<?> flags = (List<?>) d.get("flags");
        boolean named = flags.stream().anyMatch(f -> ((Map<?, ?>) f).get("kind").equals("vanishing")
                && ((Map<?, ?>) f).get("layer").equals("1 Dense(784 -> 256)"));
        assertEquals(vanishing, named, flags.toString());
        assertEquals(vanishing, r.err().contains("flag vanishing: vanishing gradients: 1 Dense(784 -> 256)"), r.err());
    }

    @Test
    void withoutTheFlagTheJsonHasNoDiagnostics(@TempDir Path tmp) throws Exception {
        Path data = DivergenceCliTest.tinyData(tmp);
        MainTest.Result r = MainTest.run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--backend", "vector");
        assertEquals(0, r.code(), r.err());
        assertFalse(((Map<?, ?>) Json.parse(r.lastLine())).containsKey("diagnostics"));
        assertFalse(r.err().contains("gradient flow"), r.err());
    }

    @Test
    void checkpointedRunsReportDiagnosticsToo(@TempDir Path tmp) throws Exception {
        Path data = DivergenceCliTest.tinyData(tmp);
        MainTest.Result r = MainTest.run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--backend", "vector",
                "--checkpoint", tmp.resolve("cp").toString(), "--diagnostics-every=1");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> d = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.lastLine())).get("diagnostics");
        assertEquals(2L, d.get("samples"));
        assertTrue(r.err().contains("gradient flow, epoch 1"), r.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        MainTest.Result png = MainTest.run("train", "--diagnostics-plot", "flow.png");
        assertEquals(2, png.code());
        assertTrue(png.err().contains("--diagnostics-plot writes SVG"), png.err());
        MainTest.Result zero = MainTest.run("train", "--diagnostics-every", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--diagnostics-every must be between 1"), zero.err());
        MainTest.Result valued = MainTest.run("train", "--diagnostics=yes");
        assertEquals(2, valued.code());
        assertTrue(valued.err().contains("--diagnostics takes no value"), valued.err());
        assertTrue(MainTest.run("help").out().contains("--diagnostics-plot"));
    }
}
