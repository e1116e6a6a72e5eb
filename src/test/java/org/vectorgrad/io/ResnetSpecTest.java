package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Residual;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;

/**
 * The built-in {@code resnet} spec: its state_dict is PyTorch's for the twin {@code bench/pytorch/resnet.py} (names,
 * order and shapes, parameters and buffers, from the committed list that {@code resnet.py --names} wrote), its
 * blocks are {@link Residual#basicBlock}'s, and describe -> build round-trips with the same bits.
 */
class ResnetSpecTest {
    static Map<?, ?> twin() throws IOException {
        try (InputStream in = ResnetSpecTest.class.getResourceAsStream("/pytorch/resnet/state_dict_names.json")) {
            assertNotNull(in, "src/test/resources/pytorch/resnet/state_dict_names.json");
            return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** name -> shape of every parameter and buffer, leaf by leaf, parameters before buffers (PyTorch's order). */
    static void stateDict(Layer layer, String prefix, List<List<Object>> out) {
        List<Layer> children = layer instanceof Sequential s ? s.layers() : layer instanceof Sum u ? u.branches() : null;
        if (children != null) {
            for (int i = 0; i < children.size(); i++) stateDict(children.get(i), prefix + i + ".", out);
            return;
        }
        for (Parameter p : layer.parameters()) out.add(List.of(prefix + p.name(), shape(p.value().shape())));
        for (Buffer b : layer.buffers()) out.add(List.of(prefix + b.name(), shape(b.shape())));
    }

    static List<Long> shape(int[] dims) {
        List<Long> l = new ArrayList<>();
        for (int d : dims) l.add((long) d);
        return l;
    }

    @Test
    void parameterAndBufferNamesAreThoseOfThePyTorchTwin() throws IOException {
        Map<?, ?> twin = twin();
        Sequential model = Models.resnet(42);
        assertEquals(twin.get("parameters"), List.copyOf(ModelSpec.stateDict(model).keySet()));
        List<List<Object>> ours = new ArrayList<>();
        stateDict(model, "", ours);
        assertEquals(twin.get("state_dict"), ours);
        // the spec's shapes (no model built) agree with the model's parameters
        Map<String, int[]> shapes = SpecFile.builtIn("resnet").parameterShapes();
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(model).entrySet()) {
            assertArrayEquals(e.getValue().value().shape(), shapes.get(e.getKey()), e.getKey());
        }
    }

    @Test
    void blocksAreResidualBasicBlocks() {
        Sequential model = Models.resnet(1);
        int[][] blocks = {{32, 32, 2}, {32, 64, 2}, {64, 128, 2}};
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(ModelSpec.toJson(Residual.basicBlock(blocks[i][0], blocks[i][1], blocks[i][2], 0)), ModelSpec.toJson(model.layers().get(3 + i)));
        }
    }

    @Test
    void describeBuildRoundTripsWithTheSameBits() {
        Sequential model = Models.resnet(7);
        String json = ModelSpec.toJson(model);
        assertEquals(json, ModelSpec.toJson(ModelSpec.build(Json.parse(json))));
        // the architecture a model file keeps, read back as a spec file and built with the same seed: the same bits
        SpecFileTest.assertSameBits(model, SpecFile.parse(json, "resnet", "resnet (from a model file)").build(7));
        // and 10 classes out of a batch of 28x28 images, in both modes
        try (ScalarBackend be = new ScalarBackend()) {
            model.bind(be);
            Tensor x = Tensor.randn(3, 0f, 1f, 2, 1, 28, 28);
            assertArrayEquals(new int[] {2, 10}, model.forward(x, true).shape());
            assertArrayEquals(new int[] {2, 10}, model.forward(x, false).shape());
        }
    }

    @Test
    void theRecipeIsWhatTheDocsSay() {
        SpecFile s = SpecFile.builtIn("resnet");
        assertEquals(Map.of("epochs", 5L, "batch", 128L, "lr", 0.1, "momentum", 0.9, "schedule", "cosine", "lr_warmup", 100L), s.recipe());
        assertArrayEquals(new int[] {1, 28, 28}, s.input());
        assertEquals(10, s.classes());
    }
}
