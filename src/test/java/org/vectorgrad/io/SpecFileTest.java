package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.train.Models;

/** Model specs from JSON: built-ins, shorthands, seeded initial weights, and errors naming file and JSON path. */
class SpecFileTest {

    // The reference models as they were written by hand before they became specs: the specs must give the same bits.
    static Sequential handMlp(long seed) {
        return new Sequential(new Flatten(),
                new Dense(784, 512, true, Init.HE_NORMAL, seed * 1_000_003L + 1), new ReLU(),
                new Dense(512, 256, true, Init.HE_NORMAL, seed * 1_000_003L + 2), new ReLU(),
                new Dense(256, 10, true, Init.HE_NORMAL, seed * 1_000_003L + 3));
    }

    static Sequential handCnn(long seed) {
        long s = seed * 1_000_003L;
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1, s + 1), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(32, 64, 3, 1, 1, s + 2), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(),
                new Dense(3136, 128, true, Init.HE_NORMAL, s + 3), new ReLU(),
                new Dense(128, 10, true, Init.HE_NORMAL, s + 4));
    }

    static void assertSameBits(Layer expected, Layer actual) {
        assertEquals(ModelSpec.toJson(expected), ModelSpec.toJson(actual));
        Map<String, Parameter> a = ModelSpec.stateDict(expected), b = ModelSpec.stateDict(actual);
        assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
        for (String name : a.keySet()) {
            float[] x = a.get(name).value().contiguous().data(), y = b.get(name).value().contiguous().data();
            assertEquals(x.length, y.length, name);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), name + "[" + i + "]");
            }
        }
    }

    @Test
    void builtInMlpAndCnnStartFromTheSameBitsAsTheHandWrittenModels() {
        for (long seed : new long[] {42, 0, 7}) {
            assertSameBits(handMlp(seed), Models.mlp(seed));
            assertSameBits(handCnn(seed), Models.cnn(seed));
            assertSameBits(handCnn(seed), Models.create("cnn", seed));
        }
        // and another seed gives other weights (the test above could not pass with a constant model)
        assertNotEquals(Models.mlp(1).parameters().get(0).value().data()[0], Models.mlp(2).parameters().get(0).value().data()[0]);
    }

    @Test
    void builtInsAreListedAndUnknownNamesListThem() {
        assertTrue(Models.names().containsAll(List.of("mlp", "cnn")), Models.names().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("vgg", 1));
        assertTrue(e.getMessage().contains("unknown model 'vgg'") && e.getMessage().contains("mlp, cnn"), e.getMessage());
    }

    @Test
    void shorthandsExpandToWhatDescribeWrites() {
        SpecFile s = SpecFile.parse("""
                {"type": "Sequential", "layers": [
                  {"type": "Conv2d", "in": 3, "out": 8, "kernel": 5, "padding": [2, 1], "_note": "comments are ignored"},
                  {"type": "MaxPool2d", "kernel": [2, 3]},
                  {"type": "AvgPool2d", "kernel": 2, "stride": 1, "padding": 1},
                  {"type": "LeakyReLU"},
                  {"type": "Flatten"},
                  {"type": "Dense", "in": 10, "out": 4, "bias": false, "init": "xavier_uniform"}]}
                """, "t", "t.json");
        Sequential expected = new Sequential(
                Conv2d.builder(3, 8).kernel(5).padding(2, 2, 1, 1).build(),
                new MaxPool2d(2, 3, 2, 3, 0, 0),
                new org.vectorgrad.nn.AvgPool2d(2, 2, 1, 1, 1, 1, true),
                new org.vectorgrad.nn.LeakyReLU(0.01f),
                new Flatten(),
                new Dense(10, 4, false, Init.XAVIER_UNIFORM, 0));
        assertEquals(ModelSpec.toJson(expected), ModelSpec.toJson(s.build(1)));
        assertEquals(8 * 3 * 25 + 8 + 40, s.parameterCount());
        assertEquals("t", s.name());
        // describe -> build -> describe is a fixed point, and the expanded spec is what ModelSpec reads
        Object described = Json.parse(ModelSpec.toJson(s.build(3)));
        assertEquals(ModelSpec.toJson(ModelSpec.build(described)), ModelSpec.toJson(SpecFile.parse(Json.write(described), "u", "u.json").build(3)));
    }

    @Test
    void initialWeightsFollowTheLayersInitAndTheSeedScheme() {
        SpecFile s = SpecFile.parse("""
                {"type": "Sequential", "layers": [
                  {"type": "Dense", "in": 6, "out": 5, "init": "xavier_normal"},
                  {"type": "Sum", "branches": [{"type": "Dense", "in": 5, "out": 3, "init": "he_uniform"}, {"type": "Dense", "in": 5, "out": 3}]}]}
                """, "t", "t.json");
        Map<String, Parameter> p = ModelSpec.stateDict(s.build(9));
        assertArrayEquals(Init.XAVIER_NORMAL.create(SpecFile.layerSeed(9, 1), 6, 5, 5, 6).data(), p.get("0.weight").value().data());
        assertArrayEquals(Init.HE_UNIFORM.create(SpecFile.layerSeed(9, 2), 5, 3, 3, 5).data(), p.get("1.0.weight").value().data());
        assertArrayEquals(Init.HE_NORMAL.create(SpecFile.layerSeed(9, 3), 5, 3, 3, 5).data(), p.get("1.1.weight").value().data());
        assertArrayEquals(new float[3], p.get("1.1.bias").value().data());
        // two builds are independent models with equal weights
        Layer a = s.build(9), b = s.build(9);
        assertNotSame(a.parameters().get(0).value(), b.parameters().get(0).value());
        assertSameBits(a, b);
    }

    static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> SpecFile.parse(json, "bad", "bad.json")).getMessage();
    }

    static void assertMessage(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
    }

    @Test
    void badSpecsNameTheFileTheJsonPathAndWhatWasFound() {
        String wrapped = "{\"name\": \"x\", \"architecture\": {\"type\": \"Sequential\", \"layers\": [{\"type\": \"Flatten\"}, %s]}}";
        assertMessage(error(wrapped.formatted("{\"type\": \"Dens\", \"in\": 3, \"out\": 2}")),
                "bad.json: ", "$.architecture.layers[1].type", "unknown layer type \"Dens\"");
        assertMessage(error(wrapped.formatted("{\"type\": \"Dense\", \"in\": 3}")),
                "bad.json: ", "$.architecture.layers[1].out", "layer 1, Dense", "missing");
        assertMessage(error(wrapped.formatted("{\"type\": \"Dense\", \"in\": 3, \"out\": -2}")),
                "$.architecture.layers[1].out", "found -2");
        assertMessage(error(wrapped.formatted("{\"type\": \"Dense\", \"in\": 3, \"out\": 2, \"bais\": true}")),
                "$.architecture.layers[1].bais", "unknown field for Dense", "bias, in, init, out");
        assertMessage(error(wrapped.formatted("{\"in\": 3}")), "$.architecture.layers[1].type", "missing");
        assertMessage(error(wrapped.formatted("{\"type\": \"Dense\", \"in\": 3, \"out\": 2, \"init\": \"lecun\"}")),
                "$.architecture.layers[1].init", "he_normal", "\"lecun\"");
        // deep in a residual block: Sum branches and nested layers both appear in the path
        assertMessage(error("""
                {"type": "Sequential", "layers": [{"type": "ReLU"}, {"type": "Sum", "branches": [{"type": "Identity"},
                  {"type": "Sequential", "layers": [{"type": "Conv2d", "in": 4, "out": 6, "kernel": 3, "groups": 4}]}]}]}"""),
                "$.layers[1].branches[1].layers[0]", "layer 1.1.0, Conv2d", "groups 4 must divide in 4 and out 6");
        assertMessage(error("{\"type\": \"Sequential\", \"layers\": []}"), "$ (the root layer, Sequential)", "no layers");
        assertMessage(error("{\"type\": \"Conv2d\", \"in\": 1, \"out\": 2, \"kernel\": [3, 3, 3]}"), "$.kernel", "[3,3,3]");
        assertMessage(error("{\"architecture\": {\"type\": \"ReLU\"}, \"recipe\": {\"epochs\": 3, \"lr_max\": 1}}"), "$.recipe.lr_max", "unknown key");
        assertMessage(error("{\"architecture\": {\"type\": \"ReLU\"}, \"input\": [1, 0]}"), "$.input[1]", "found 0");
        assertMessage(error("{\"archtecture\": {\"type\": \"ReLU\"}}"), "$.archtecture", "unknown key");
        assertMessage(error("{\"name\": \"x\"}"), "$.architecture", "missing");
        assertMessage(error("[1, 2]"), "$", "expected a JSON object");
        assertMessage(error("{\"type\": \"Sequential\",\n \"layers\": [}"), "bad.json: not valid JSON", "line 2");
    }

    @Test
    void ceilModeIsAnOptionalBooleanOfBothPools() {
        SpecFile s = SpecFile.parse("""
                {"type": "Sequential", "layers": [
                  {"type": "MaxPool2d", "kernel": 2, "ceil_mode": true},
                  {"type": "AvgPool2d", "kernel": 3, "stride": 2, "padding": 1, "count_include_pad": false, "ceil_mode": true},
                  {"type": "MaxPool2d", "kernel": 2, "ceil_mode": false},
                  {"type": "AvgPool2d", "kernel": 2}]}
                """, "t", "t.json");
        Sequential expected = new Sequential(new MaxPool2d(2, 2, 2, 2, 0, 0, true), new org.vectorgrad.nn.AvgPool2d(3, 3, 2, 2, 1, 1, false, true),
                new MaxPool2d(2, 2), new org.vectorgrad.nn.AvgPool2d(2, 2, 0));
        Layer built = s.build(1);
        assertEquals(ModelSpec.toJson(expected), ModelSpec.toJson(built));
        List<Layer> layers = ((Sequential) built).layers();
        assertTrue(((MaxPool2d) layers.get(0)).ceilMode() && ((org.vectorgrad.nn.AvgPool2d) layers.get(1)).ceilMode());
        assertTrue(!((MaxPool2d) layers.get(2)).ceilMode() && !((org.vectorgrad.nn.AvgPool2d) layers.get(3)).ceilMode());
        // written only when true: a floor-mode pool's spec is what it was before the field existed
        assertEquals("{\"type\":\"MaxPool2d\",\"kernel\":[2,2],\"stride\":[2,2],\"padding\":[0,0]}", ModelSpec.toJson(new MaxPool2d(2, 2)));
        assertEquals("{\"type\":\"MaxPool2d\",\"kernel\":[2,2],\"stride\":[2,2],\"padding\":[0,0],\"ceil_mode\":true}",
                ModelSpec.toJson(new MaxPool2d(2, 2, 0, true)));
        // anything but true/false is refused when the spec is read, naming the path, the layer and what was found
        String wrapped = "{\"type\": \"Sequential\", \"layers\": [{\"type\": \"Flatten\"}, {\"type\": \"%s\", \"kernel\": 2, \"ceil_mode\": %s}]}";
        for (String type : List.of("MaxPool2d", "AvgPool2d")) {
            for (String bad : List.of("1", "\"true\"", "null", "[true]")) {
                assertMessage(error(wrapped.formatted(type, bad)), "bad.json: ", "$.layers[1].ceil_mode", "layer 1, " + type,
                        "true/false", "found " + bad.replace(" ", ""));
            }
        }
        // what PyTorch's pools have and ours lack is refused by name, not ignored
        assertMessage(error(wrapped.formatted("MaxPool2d", "true").replace("}]}", ", \"dilation\": 2}]}")),
                "$.layers[1].dilation", "unknown field for MaxPool2d", "ceil_mode, kernel, padding, stride");
        assertMessage(error(wrapped.formatted("AvgPool2d", "true").replace("}]}", ", \"divisor_override\": 3}]}")),
                "$.layers[1].divisor_override", "unknown field for AvgPool2d", "ceil_mode, count_include_pad, kernel, padding, stride");
    }

    /**
     * PyTorch's {@code padding='same'} and {@code 'valid'} in a spec file expand to the four explicit sides
     * ({@link Conv2d#samePadding}: the smaller half top/left), which is what the architecture, the built layer and
     * {@link ModelSpec#toJson} then hold; a strided same, another string or a bad kernel is refused naming the path.
     */
    @Test
    void paddingSameAndValidExpandToTheExplicitSides() {
        SpecFile s = SpecFile.parse("""
                {"type": "Sequential", "layers": [
                  {"type": "Conv2d", "in": 2, "out": 3, "kernel": 4, "padding": "same"},
                  {"type": "Conv2d", "in": 3, "out": 3, "kernel": [2, 5], "stride": 1, "padding": "same", "bias": false},
                  {"type": "Conv2d", "in": 3, "out": 4, "kernel": 3, "dilation": 2, "stride": [1, 1], "padding": "same"},
                  {"type": "Conv2d", "in": 4, "out": 4, "kernel": [4, 3], "dilation": [1, 2], "groups": 2, "padding": "same"},
                  {"type": "Conv2d", "in": 4, "out": 2, "kernel": 3, "stride": 2, "padding": "valid"}]}
                """, "t", "t.json");
        int[][] want = {{1, 2, 1, 2}, {0, 1, 2, 2}, {2, 2, 2, 2}, {1, 2, 2, 2}, {0, 0, 0, 0}};
        List<?> specLayers = (List<?>) ((Map<?, ?>) s.architecture()).get("layers");
        List<Layer> built = ((Sequential) s.build(1)).layers();
        for (int i = 0; i < want.length; i++) {
            List<Long> sides = Arrays.stream(want[i]).mapToObj(v -> (long) v).toList();
            assertEquals(sides, ((Map<?, ?>) specLayers.get(i)).get("padding"), "layer " + i + ": the expanded spec");
            assertArrayEquals(want[i], ((Conv2d) built.get(i)).padding(), "layer " + i + ": the built layer");
        }
        // the same layers as the builder's paddingSame()/paddingValid(), and toJson writes the numbers, not the strings
        Sequential expected = new Sequential(Conv2d.builder(2, 3).kernel(4).paddingSame().build(),
                Conv2d.builder(3, 3).kernel(2, 5).paddingSame().bias(false).build(),
                Conv2d.builder(3, 4).kernel(3).dilation(2).paddingSame().build(),
                Conv2d.builder(4, 4).kernel(4, 3).dilation(1, 2).groups(2).paddingSame().build(),
                Conv2d.builder(4, 2).kernel(3).stride(2).paddingValid().build());
        String json = ModelSpec.toJson(s.build(1));
        assertEquals(ModelSpec.toJson(expected), json);
        assertTrue(json.contains("\"padding\":[1,2,1,2]") && !json.contains("same") && !json.contains("valid"), json);
        // the output keeps the input's size through the four same layers: 4 x 7 x 5 in, 4 x 7 x 5 out
        Sequential sameOnly = new Sequential(built.subList(0, 4));
        sameOnly.bind(org.vectorgrad.backend.scalar.ScalarBackend.create());
        assertArrayEquals(new int[] {2, 4, 7, 5}, sameOnly.forward(org.vectorgrad.tensor.Tensor.randn(1, 0f, 1f, 2, 2, 7, 5), false).shape());

        String wrapped = "{\"type\": \"Sequential\", \"layers\": [{\"type\": \"Flatten\"}, {\"type\": \"Conv2d\", \"in\": 1, \"out\": 2, %s}]}";
        // strings are case-sensitive, as PyTorch's: anything else is refused naming the path and what was found
        for (String bad : List.of("\"SAME\"", "\"Same\"", "\"Valid\"", "\"full\"", "\"\"", "\"same \"")) {
            assertMessage(error(wrapped.formatted("\"kernel\": 3, \"padding\": " + bad)), "bad.json: ", "$.layers[1].padding",
                    "\"same\" or \"valid\"", "found " + bad);
        }
        // strided same: refused as PyTorch refuses it, naming the path and the stride
        for (String stride : List.of("2", "[1, 2]", "[2, 1]")) {
            assertMessage(error(wrapped.formatted("\"kernel\": 3, \"stride\": " + stride + ", \"padding\": \"same\"")),
                    "bad.json: ", "$.layers[1].padding", "\"same\" needs stride 1", "found stride " + (stride.equals("2") ? "[2,2]" : stride.replace(" ", "")),
                    "strided convolutions");
        }
        // same is worked out from the kernel and dilation: a bad one is named there
        assertMessage(error(wrapped.formatted("\"kernel\": [0, 3], \"padding\": \"same\"")), "$.layers[1].kernel", "[1, 2^31)", "found [0,3]");
        assertMessage(error(wrapped.formatted("\"kernel\": 3, \"dilation\": [1, \"2\"], \"padding\": \"same\"")), "$.layers[1].dilation", "found [1,\"2\"]");
        assertMessage(error(wrapped.formatted("\"kernel\": 3, \"dilation\": 2000000000, \"padding\": \"same\"")), "$.layers[1].padding", "exceeds 2^31-1");
    }

    @Test
    void recipeValuesAreCheckedWhenUsed() {
        SpecFile s = SpecFile.parse("{\"architecture\": {\"type\": \"ReLU\"}, \"recipe\": {\"epochs\": 3, \"lr\": 500, \"schedule\": \"linear\"}}", "r", "r.json");
        assertEquals(3, s.recipeInt("epochs", 5, 1, 10));
        assertEquals(128, s.recipeInt("batch", 128, 1, 1000));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.recipeFloat("lr", 0.1f, 1e-9f, 100f)).getMessage(),
                "r.json: $.recipe.lr", "500");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.recipeChoice("schedule", "cosine", List.of("cosine", "constant"))).getMessage(),
                "$.recipe.schedule", "cosine, constant", "\"linear\"");
    }

    @Test
    void hostileSpecsAreRefusedBeforeAnythingLargeIsAllocated(@TempDir Path tmp) throws Exception {
        // too many parameters: refused from the shapes alone (building it would need 16 GiB)
        assertMessage(error("{\"type\": \"Dense\", \"in\": 2000000000, \"out\": 2}"), "more than " + SpecFile.MAX_PARAMETERS + " parameters", "weight");
        assertMessage(error("{\"type\": \"Sequential\", \"layers\": [{\"type\": \"Dense\", \"in\": 20000, \"out\": 10000},"
                + " {\"type\": \"Dense\", \"in\": 10000, \"out\": 20000}]}"), "more than " + SpecFile.MAX_PARAMETERS + " parameters", "1.weight");
        // nesting deeper than Json.MAX_DEPTH
        String deep = "{\"type\": \"Sequential\", \"layers\": [".repeat(40) + "{\"type\": \"ReLU\"}" + "]}".repeat(40);
        assertMessage(error(deep), "bad.json: not valid JSON", "nesting deeper than " + Json.MAX_DEPTH);
        // a file over the size limit, read without reading all of it
        Path big = tmp.resolve("big.json");
        byte[] pad = new byte[SpecFile.MAX_BYTES + 10];
        Arrays.fill(pad, (byte) ' ');
        byte[] head = "{\"type\": \"ReLU\"}".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, pad, 0, head.length);
        Files.write(big, pad);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SpecFile.read(big)).getMessage(), big.toString(), "at most " + SpecFile.MAX_BYTES + " bytes");
        // not UTF-8, and missing
        Path latin = tmp.resolve("latin.json");
        Files.write(latin, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SpecFile.read(latin)).getMessage(), "latin.json", "not UTF-8");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SpecFile.read(tmp.resolve("none.json"))).getMessage(), "none.json", "no such");
    }

    @Test
    void aFileGetsItsNameFromTheSpecOrTheFileName(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("tiny.json");
        Files.writeString(f, "{\"type\": \"Sequential\", \"layers\": [{\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"in\": 4, \"out\": 2}]}");
        SpecFile s = SpecFile.read(f);
        assertEquals("tiny", s.name());
        assertEquals(f.toString(), s.source());
        assertNull(s.input());
        assertEquals(Map.of("1.weight", List.of(2, 4), "1.bias", List.of(2)).keySet(), s.parameterShapes().keySet());
        Files.writeString(f, "{\"name\": \"other\", \"input\": [4], \"classes\": 2, \"architecture\": {\"type\": \"Dense\", \"in\": 4, \"out\": 2}}");
        SpecFile t = SpecFile.read(f);
        assertEquals("other", t.name());
        assertArrayEquals(new int[] {4}, t.input());
        assertEquals(2, t.classes());
    }
}
