package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vectorgrad.nn.Layer;

/**
 * {@link ModelSpec#build} on a parsed spec refuses a field its layer type does not take, naming the layer, the field
 * and what the type takes, for every type it knows: a misspelt or unsupported option must not build another model in
 * silence (GELU's "approximation" would have built the exact GELU; a pool's "dilation" an undilated pool). Keys
 * starting with "_" are comments. Spec files ({@link SpecFile}) check against the same table.
 */
class ModelSpecFieldsTest {
    /** A valid layer of every type {@link ModelSpec#FIELDS} lists, its fields as a spec file would give them after normalizing. */
    private static final Map<String, String> VALID = Map.ofEntries(
            Map.entry("Sequential", "{\"type\": \"Sequential\", \"layers\": [{\"type\": \"ReLU\"}]}"),
            Map.entry("Sum", "{\"type\": \"Sum\", \"branches\": [{\"type\": \"Identity\"}]}"),
            Map.entry("Dense", "{\"type\": \"Dense\", \"in\": 3, \"out\": 2, \"bias\": true, \"init\": \"he_normal\"}"),
            Map.entry("Conv2d", "{\"type\": \"Conv2d\", \"in\": 2, \"out\": 2, \"kernel\": [3, 3], \"stride\": [1, 1], \"padding\": [1, 1, 1, 1],"
                    + " \"dilation\": [1, 1], \"groups\": 1, \"bias\": true, \"init\": \"he_normal\"}"),
            Map.entry("MaxPool2d", "{\"type\": \"MaxPool2d\", \"kernel\": [2, 2], \"stride\": [2, 2], \"padding\": [0, 0], \"ceil_mode\": true}"),
            Map.entry("AvgPool2d", "{\"type\": \"AvgPool2d\", \"kernel\": [2, 2], \"stride\": [2, 2], \"padding\": [0, 0], \"count_include_pad\": true,"
                    + " \"ceil_mode\": false}"),
            Map.entry("GlobalAvgPool2d", "{\"type\": \"GlobalAvgPool2d\"}"),
            Map.entry("Flatten", "{\"type\": \"Flatten\"}"),
            Map.entry("Identity", "{\"type\": \"Identity\"}"),
            Map.entry("ReLU", "{\"type\": \"ReLU\"}"),
            Map.entry("Sigmoid", "{\"type\": \"Sigmoid\"}"),
            Map.entry("Tanh", "{\"type\": \"Tanh\"}"),
            Map.entry("SiLU", "{\"type\": \"SiLU\"}"),
            Map.entry("GELU", "{\"type\": \"GELU\", \"approximate\": \"tanh\"}"),
            Map.entry("Dropout", "{\"type\": \"Dropout\", \"p\": 0.25, \"seed\": 7}"),
            Map.entry("LeakyReLU", "{\"type\": \"LeakyReLU\", \"slope\": -0.2}"),
            Map.entry("BatchNorm1d", "{\"type\": \"BatchNorm1d\", \"channels\": 4, \"eps\": 1e-3, \"momentum\": 0.2, \"affine\": true,"
                    + " \"track_running_stats\": true}"),
            Map.entry("BatchNorm2d", "{\"type\": \"BatchNorm2d\", \"channels\": 4, \"eps\": 1e-3, \"momentum\": 0.2, \"affine\": false,"
                    + " \"track_running_stats\": false}"),
            Map.entry("LayerNorm", "{\"type\": \"LayerNorm\", \"shape\": [4], \"eps\": 1e-6, \"elementwise_affine\": true}"));

    @Test
    void everyKnownTypeBuildsWithEachOfItsFieldsAndComments() {
        assertEquals(ModelSpec.FIELDS.keySet(), VALID.keySet(), "a valid case per type of the table");
        for (Map.Entry<String, String> e : VALID.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> layer = new LinkedHashMap<>((Map<String, Object>) Json.parse(e.getValue()));
            for (String field : ModelSpec.FIELDS.get(e.getKey())) assertTrue(layer.containsKey(field), e.getKey() + " case gives " + field);
            layer.put("_comment", "ignored");
            Layer built = ModelSpec.build(layer);
            assertTrue(built.describe().length() > 0, e.getKey());
        }
    }

    @Test
    void anUnknownFieldIsRefusedNamingLayerFieldAndWhatTheTypeTakes() {
        for (Map.Entry<String, String> e : VALID.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> layer = new LinkedHashMap<>((Map<String, Object>) Json.parse(e.getValue()));
            layer.put("bogus", 1L);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("type", "Sequential");
            root.put("layers", List.of(Map.of("type", "Flatten"), layer));
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(root), e.getKey());
            String msg = x.getMessage();
            assertTrue(msg.contains("layer 1") && msg.contains("unknown field for " + e.getKey())
                    && msg.contains(ModelSpec.takes(e.getKey())) && msg.contains("$.layers[1].bogus"), msg);
        }
    }

    @Test
    void typosThatUsedToBuildAnotherModelAreRefused() {
        // GELU's option is "approximate"; Dropout has no "inplace"; PyTorch's pools have dilation, ours do not
        for (String spec : List.of("{\"type\": \"GELU\", \"approximation\": \"tanh\"}", "{\"type\": \"Dropout\", \"p\": 0.5, \"inplace\": true}",
                "{\"type\": \"MaxPool2d\", \"kernel\": [2, 2], \"stride\": [2, 2], \"padding\": [0, 0], \"dilation\": [2, 2]}")) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(Json.parse(spec)), spec);
            assertTrue(x.getMessage().contains("unknown field"), x.getMessage());
        }
        // and a spec file says where
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> SpecFile.parse(
                "{\"architecture\": {\"type\": \"Sequential\", \"layers\": [{\"type\": \"Flatten\"}, {\"type\": \"GELU\", \"approximation\": \"tanh\"}]}}",
                "m", "gelu.json"));
        assertTrue(x.getMessage().contains("gelu.json") && x.getMessage().contains("$.architecture.layers[1].approximation")
                && x.getMessage().contains("unknown field for GELU (it takes approximate)"), x.getMessage());
    }

    @Test
    void flagsOfTheWrongTypeAreRefusedWhenTheShapesAreRead() {
        // parameterShapes is what a file's reader checks first: a pool's flags are refused there, before any build
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parameterShapes(Json.parse(
                "{\"type\": \"AvgPool2d\", \"kernel\": [2, 2], \"stride\": [2, 2], \"padding\": [0, 0], \"count_include_pad\": \"yes\"}")));
        assertTrue(x.getMessage().contains("count_include_pad") && x.getMessage().contains("true/false") && x.getMessage().contains("\"yes\""), x.getMessage());
        // an optional flag says it is optional and what its default is
        x = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(Json.parse(
                "{\"type\": \"BatchNorm2d\", \"channels\": 3, \"affine\": 1}")));
        assertTrue(x.getMessage().contains("$.affine") && x.getMessage().contains("must be true/false when given (default true)")
                && x.getMessage().contains("found 1"), x.getMessage());
    }
}
