package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.nn.AvgPool2d;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.GlobalAvgPool2d;
import org.vectorgrad.nn.Identity;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.LeakyReLU;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sigmoid;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.nn.Tanh;
import org.vectorgrad.train.Models;

class ModelFileTest {

    static void assertSameParameters(Layer a, Layer b) {
        Map<String, Parameter> pa = ModelSpec.stateDict(a), pb = ModelSpec.stateDict(b);
        assertEquals(List.copyOf(pa.keySet()), List.copyOf(pb.keySet()));
        for (String k : pa.keySet()) {
            assertArrayEquals(pa.get(k).value().shape(), pb.get(k).value().shape(), k);
            assertArrayEquals(pa.get(k).value().toArray(), pb.get(k).value().toArray(), k);
        }
    }

    @Test
    void namesFollowPyTorchSequentialIndexing() {
        assertEquals(List.of("1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"),
                List.copyOf(ModelSpec.stateDict(Models.mlp(1)).keySet()));
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
                List.copyOf(ModelSpec.stateDict(Models.cnn(1)).keySet()));
        Sequential nested = new Sequential(new Sequential(new Flatten(), new Dense(4, 3, 1)), new Sum(new Identity(), new Dense(3, 3, 2)));
        assertEquals(List.of("0.1.weight", "0.1.bias", "1.1.weight", "1.1.bias"), List.copyOf(ModelSpec.stateDict(nested).keySet()));
        assertArrayEquals(new int[] {512, 784}, ModelSpec.stateDict(Models.mlp(1)).get("1.weight").value().shape());
    }

    @Test
    void saveThenRebuildFromMetadataGivesTheSameModel(@TempDir Path dir) throws Exception {
        Sequential every = new Sequential(
                Conv2d.builder(2, 4).kernel(3, 2).stride(2, 1).padding(1, 0, 1, 1).dilation(1, 2).groups(2).bias(false).seed(3).build(),
                new LeakyReLU(0.2f), new MaxPool2d(2, 1, 1, 1, 0, 0), new AvgPool2d(1, 2, 1, 1, 0, 1, false), new Tanh(), new LeakyReLU(-0.5f),
                new Sum(new Identity(), new Sigmoid()), new GlobalAvgPool2d(), new Dense(4, 3, false, org.vectorgrad.nn.Init.XAVIER_NORMAL, 5), new ReLU());
        for (Layer m : List.of(Models.mlp(4), Models.cnn(4), every)) {
            Path f = dir.resolve("m.safetensors");
            ModelFile.save(f, m, Map.of("input_shape", "1,28,28"));
            ModelFile.Loaded l = ModelFile.load(f);
            assertEquals(m.describe(), l.model().describe());
            assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(l.model()));
            assertSameParameters(m, l.model());
            assertEquals("1,28,28", l.metadata().get("input_shape"));
            assertEquals(ModelFile.FORMAT_VERSION, l.metadata().get(ModelFile.KEY_FORMAT_VERSION));
        }
    }

    @Test
    void ceilModePoolsSurviveTheRoundTripAndOldFilesLoadInFloorMode(@TempDir Path dir) throws Exception {
        Sequential m = new Sequential(new MaxPool2d(2, 2, 0, true), new Conv2d(2, 3, 3, 1, 1, 4), new ReLU(),
                new MaxPool2d(3, 2, 3, 2, 1, 1, true), new AvgPool2d(2, 3, 2, 2, 1, 1, false, true), new AvgPool2d(3, 2, 1, true),
                new MaxPool2d(2, 2), new Flatten());
        Path f = dir.resolve("ceil.safetensors");
        ModelFile.save(f, m);
        Layer l = ModelFile.load(f).model();
        assertEquals(m.describe(), l.describe());
        assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(l));
        assertSameParameters(m, l);
        List<Layer> layers = ((Sequential) l).layers();
        assertTrue(((MaxPool2d) layers.get(0)).ceilMode() && ((MaxPool2d) layers.get(3)).ceilMode() && !((MaxPool2d) layers.get(6)).ceilMode());
        assertTrue(((AvgPool2d) layers.get(4)).ceilMode() && !((AvgPool2d) layers.get(4)).countIncludePad() && ((AvgPool2d) layers.get(5)).ceilMode());
        // the same outputs: 13×11 → 7×6 → (conv) 7×6 → 3×4 → 2×3 → 2×2 → 1×1; in floor mode the sizes shrink faster and
        // the last pool finds a 1×1 input (checked below)
        org.vectorgrad.backend.Backend scalar = org.vectorgrad.backend.scalar.ScalarBackend.create();
        m.bind(scalar);
        l.bind(scalar);
        org.vectorgrad.tensor.Tensor x = org.vectorgrad.tensor.Tensor.randn(3, 0f, 1f, 2, 2, 13, 11);
        org.vectorgrad.tensor.Tensor want = m.forward(x, false).copy();
        assertArrayEquals(new int[] {2, 3}, want.shape());
        assertArrayEquals(want.toArray(), l.forward(x, false).toArray());
        Layer floor = ModelSpec.build(Json.parse(ModelSpec.toJson(m).replace(",\"ceil_mode\":true", "")));
        floor.bind(scalar);
        assertThrows(IllegalArgumentException.class, () -> floor.forward(x, false), "the floor-mode twin of the model");
        // a file written before ceil_mode existed (no such field) loads in floor mode
        String arch = "{\"type\":\"Sequential\",\"layers\":[{\"type\":\"MaxPool2d\",\"kernel\":[2,2],\"stride\":[2,2],\"padding\":[0,0]},"
                + "{\"type\":\"AvgPool2d\",\"kernel\":[3,3],\"stride\":[2,2],\"padding\":[1,1],\"count_include_pad\":true}]}";
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, arch, ModelFile.KEY_FORMAT_VERSION, "1"), List.of());
        Layer old = ModelFile.load(f).model();
        assertEquals(arch, ModelSpec.toJson(old));
        assertTrue(!((MaxPool2d) ((Sequential) old).layers().get(0)).ceilMode() && !((AvgPool2d) ((Sequential) old).layers().get(1)).ceilMode());
        // a bad value is refused naming the JSON path and the layer
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, arch.replace("\"padding\":[0,0]", "\"padding\":[0,0],\"ceil_mode\":\"yes\""),
                ModelFile.KEY_FORMAT_VERSION, "1"), List.of());
        String e = assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage();
        assertTrue(e.contains("$.layers[0].ceil_mode") && e.contains("MaxPool2d") && e.contains("true/false") && e.contains("\"yes\""), e);
    }

    /**
     * A model with PyTorch's {@code padding='same'} saves its padding as the four explicit numbers (so files stay
     * readable by versions that predate the strings) and rebuilds to the same layers and outputs; an architecture
     * written with {@code "padding": "same"} (a PyTorch-side script's spec) loads as the spec file would build it.
     */
    @Test
    void paddingSameSurvivesTheRoundTripAsExplicitNumbers(@TempDir Path dir) throws Exception {
        Sequential m = new Sequential(Conv2d.builder(2, 3).kernel(2, 4).paddingSame().seed(2).build(), new ReLU(),
                Conv2d.builder(3, 3).kernel(3).dilation(2).paddingSame().bias(false).seed(3).build(),
                Conv2d.builder(3, 2).kernel(3, 2).paddingValid().seed(4).build(), new Flatten());
        Path f = dir.resolve("same.safetensors");
        ModelFile.save(f, m);
        ModelFile.Loaded l = ModelFile.load(f);
        String arch = l.metadata().get(ModelFile.KEY_ARCHITECTURE);
        assertTrue(arch.contains("\"kernel\":[2,4],\"stride\":[1,1],\"padding\":[0,1,1,2]") && arch.contains("\"padding\":[2,2,2,2]")
                && arch.contains("\"padding\":[0,0,0,0]") && !arch.contains("same"), arch);
        assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(l.model()));
        assertSameParameters(m, l.model());
        org.vectorgrad.backend.Backend scalar = org.vectorgrad.backend.scalar.ScalarBackend.create();
        m.bind(scalar);
        l.model().bind(scalar);
        org.vectorgrad.tensor.Tensor x = org.vectorgrad.tensor.Tensor.randn(8, 0f, 1f, 2, 2, 6, 5);
        org.vectorgrad.tensor.Tensor want = m.forward(x, false).copy();
        assertArrayEquals(new int[] {2, 2 * 4 * 4}, want.shape()); // 6x5 kept by both same layers, 4x4 after the valid 3x2
        assertArrayEquals(want.toArray(), l.model().forward(x, false).toArray());
        // the strings in a file's metadata: expanded on load, as in a spec file
        String shorthand = arch.replace("\"padding\":[0,1,1,2]", "\"padding\":\"same\"").replace("\"padding\":[2,2,2,2]", "\"padding\":\"same\"")
                .replace("\"padding\":[0,0,0,0]", "\"padding\":\"valid\"");
        List<SafeTensors.Entry> tensors = new java.util.ArrayList<>();
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(m).entrySet()) {
            tensors.add(new SafeTensors.Entry(e.getKey(), e.getValue().value().shape(), e.getValue().value().toArray()));
        }
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, shorthand, ModelFile.KEY_FORMAT_VERSION, "1"), tensors);
        Layer fromShorthand = ModelFile.load(f).model();
        assertEquals(arch, ModelSpec.toJson(fromShorthand));
        assertSameParameters(m, fromShorthand);
        // and a bad string there is refused naming the JSON path
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, shorthand.replaceFirst("\"same\"", "\"SAME\""), ModelFile.KEY_FORMAT_VERSION, "1"), tensors);
        String e = assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage();
        assertTrue(e.contains("$.layers[0].padding") && e.contains("\"SAME\""), e);
    }

    @Test
    void loadIntoNamesEveryMismatchAndCopiesNothing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mlp.safetensors");
        ModelFile.save(f, new Sequential(new Flatten(), new Dense(784, 512, 1), new ReLU(), new Dense(512, 10, 2)));
        Sequential other = Models.mlp(9); // 784-512-256-10
        float[] before = other.parameters().get(0).value().toArray();
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.loadInto(f, other));
        String m = e.getMessage();
        assertTrue(m.startsWith(f + ": does not fit the model"), m);
        assertTrue(m.contains("tensor 3.weight: expected shape [256, 512], found [10, 512]"), m);
        assertTrue(m.contains("tensor 3.bias: expected shape [256], found [10]"), m);
        assertTrue(m.contains("tensor 5.weight missing (expected shape [10, 256])"), m);
        assertTrue(m.contains("tensor 5.bias missing"), m);
        assertArrayEquals(before, other.parameters().get(0).value().toArray(), "nothing copied on failure");
        Sequential same = new Sequential(new Flatten(), new Dense(784, 512, 5), new ReLU(), new Dense(512, 10, 6), new ReLU());
        ModelFile.loadInto(f, same);
        assertSameParameters(ModelFile.load(f).model(), same);
        Sequential fewer = new Sequential(new Flatten(), new Dense(784, 512, 5));
        ModelFileException extra = assertThrows(ModelFileException.class, () -> ModelFile.loadInto(f, fewer));
        assertTrue(extra.getMessage().contains("unexpected tensor 3.weight (shape [10, 512])"), extra.getMessage());
    }

    @Test
    void rebuildRefusesForeignFilesAndBadArchitectures(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, Map.of(), List.of(new SafeTensors.Entry("w", new int[] {1}, new float[] {1})));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage().contains("not written by vectorgrad"));
        String arch = "{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Dense\",\"in\":100000,\"out\":100000,\"bias\":false}]}";
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, arch, ModelFile.KEY_FORMAT_VERSION, "1"),
                List.of(new SafeTensors.Entry("0.weight", new int[] {1}, new float[] {1})));
        String m = assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage();
        assertTrue(m.contains("tensor 0.weight: expected shape [100000, 100000], found [1]"), m); // refused before allocating 40 GB
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, "{\"type\":\"Bogus\"}", ModelFile.KEY_FORMAT_VERSION, "1"), List.of());
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage().contains("unknown layer type \"Bogus\""));
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, "{\"type\":\"Flatten\"}", ModelFile.KEY_FORMAT_VERSION, "2"), List.of());
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(f)).getMessage().contains("format version 2"));
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, new Flatten(), Map.of("vectorgrad.x", "y")));
    }
    @Test
    void architectureWrittenWithSpecShorthandsLoads(@TempDir Path dir) throws Exception {
        // a script (e.g. PyTorch's side) that writes its spec file's architecture into the metadata: the defaults and
        // shorthands of docs/model-specs.md hold there too, as in `train --model`
        String arch = "{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Conv2d\",\"in\":1,\"out\":2,\"kernel\":3,\"padding\":1},"
                + "{\"type\":\"LeakyReLU\"},{\"type\":\"AvgPool2d\",\"kernel\":2},{\"type\":\"GlobalAvgPool2d\"},{\"type\":\"Dense\",\"in\":2,\"out\":3}]}";
        Layer expected = SpecFile.parse(arch, "s", "s.json").build(3);
        List<SafeTensors.Entry> tensors = new java.util.ArrayList<>();
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(expected).entrySet()) {
            tensors.add(new SafeTensors.Entry(e.getKey(), e.getValue().value().shape(), e.getValue().value().toArray()));
        }
        Path f = dir.resolve("short.safetensors");
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, arch, ModelFile.KEY_FORMAT_VERSION, "1"), tensors);
        Layer loaded = ModelFile.load(f).model();
        assertEquals(ModelSpec.toJson(expected), ModelSpec.toJson(loaded));
        assertSameParameters(expected, loaded);
    }
}
