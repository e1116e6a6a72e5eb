package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Dropout;
import org.vectorgrad.nn.GELU;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.SiLU;
import org.vectorgrad.nn.Sequential;

/** GELU (both formulas), SiLU and Dropout in the architecture spec and model files: describe, build, save, load. */
class ActivationSpecTest {

    private static Sequential model() {
        return new Sequential(new Dense(5, 4, 1), new GELU(), new Dropout(0.25, 9), new Dense(4, 4, 2), new GELU("tanh"),
                new SiLU(), new Dropout(0.0, 3), new Dense(4, 2, 3));
    }

    @Test
    void describeAndBuildRoundTrip() {
        Sequential m = model();
        String json = ModelSpec.toJson(m);
        assertTrue(json.contains("{\"type\":\"GELU\",\"approximate\":\"none\"}"), json);
        assertTrue(json.contains("{\"type\":\"GELU\",\"approximate\":\"tanh\"}"), json);
        assertTrue(json.contains("{\"type\":\"SiLU\"}"), json);
        assertTrue(json.contains("{\"type\":\"Dropout\",\"p\":0.25,\"seed\":9}"), json);
        Layer rebuilt = ModelSpec.build(Json.parse(json));
        assertEquals(json, ModelSpec.toJson(rebuilt));
        assertEquals(m.describe(), rebuilt.describe());
        // parameter-free layers still count in PyTorch's numbering
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"), List.copyOf(ModelSpec.stateDict(m).keySet()));
        assertEquals(ModelSpec.stateDict(m).keySet(), ModelSpec.parameterShapes(Json.parse(json)).keySet());
    }

    @Test
    void optionalFieldsHaveDefaults() {
        Layer s = ModelSpec.build(Json.parse("{\"type\":\"Sequential\",\"layers\":[{\"type\":\"GELU\"},"
                + "{\"type\":\"Dropout\",\"p\":0.5},{\"type\":\"Dropout\",\"p\":1}]}"));
        List<Layer> layers = ((Sequential) s).layers();
        assertEquals("none", ((GELU) layers.get(0)).approximate());
        Dropout a = (Dropout) layers.get(1), b = (Dropout) layers.get(2);
        assertEquals(0.5, a.p());
        assertEquals(1.0, b.p());
        assertNotEquals(a.seed(), b.seed(), "seeds derived from the layer path differ");
        assertEquals(a.seed(), ((Dropout) ((Sequential) ModelSpec.build(Json.parse(ModelSpec.toJson(s)))).layers().get(1)).seed());
    }

    @Test
    void badSpecsNameTheLayerAndTheProblem() {
        String[][] cases = {
                {"{\"type\":\"Dropout\",\"p\":1.5}", "architecture, $ (the root layer, Dropout): Dropout: dropout probability p must be in [0, 1] (as PyTorch), got 1.5"},
                {"{\"type\":\"Dropout\"}", "Dropout needs a number \"p\""},
                {"{\"type\":\"Dropout\",\"p\":0.1,\"seed\":\"x\"}", "\"seed\" must be an integer"},
                {"{\"type\":\"Sequential\",\"layers\":[{\"type\":\"SiLU\"},{\"type\":\"GELU\",\"approximate\":\"fast\"}]}",
                        "architecture, $.layers[1] (layer 1, GELU): GELU approximate must be \"none\" or \"tanh\" (as PyTorch), got \"fast\""},
                {"{\"type\":\"GELU\",\"approximate\":true}", "GELU \"approximate\" must be \"none\" or \"tanh\""},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(Json.parse(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void modelFilesSaveAndRebuildTheNewLayers(@TempDir Path dir) throws Exception {
        Sequential m = model();
        Path f = dir.resolve("act.safetensors");
        ModelFile.save(f, m, Map.of());
        ModelFile.Loaded l = ModelFile.load(f);
        assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(l.model()));
        assertEquals(m.describe(), l.model().describe());
    }
}
