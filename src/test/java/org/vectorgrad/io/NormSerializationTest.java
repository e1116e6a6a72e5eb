package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.nn.BatchNorm1d;
import org.vectorgrad.nn.BatchNorm2d;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.GlobalAvgPool2d;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Residual;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;

/** Buffers (batch norm's running statistics) in model files, specs and predictors, under PyTorch's names and dtypes. */
class NormSerializationTest {

    /** A residual CNN with batch norm in both shapes, trained a few forward passes so its buffers are not the initial ones. */
    static Sequential model(Backend be) {
        Sequential m = new Sequential(
                org.vectorgrad.nn.Conv2d.builder(1, 4).kernel(3).padding(1).bias(false).seed(1).build(), new BatchNorm2d(4), new ReLU(),
                Residual.basicBlock(4, 8, 2, 10), Residual.basicBlock(8, 8, 1, 20),
                new GlobalAvgPool2d(), new Flatten(), new Dense(8, 6, 3), new BatchNorm1d(6, 1e-3f, 0.2f, false), new Dense(6, 3, 4)).on(be);
        for (int i = 0; i < 3; i++) m.forward(Tensor.randn(50 + i, 0.5f, 2f, 4, 1, 6, 6), true);
        return m;
    }

    @Test
    void buffersHavePyTorchNamesAndDtypesAndSurviveAFile(@TempDir Path dir) throws Exception {
        Backend be = new ScalarBackend();
        Sequential m = model(be);
        Map<String, Buffer> buffers = ModelSpec.buffers(m);
        assertTrue(buffers.containsKey("1.running_mean") && buffers.containsKey("1.num_batches_tracked"), buffers.keySet().toString());
        assertTrue(buffers.containsKey("3.0.1.1.running_var"), "shortcut BatchNorm2d of block 1: " + buffers.keySet());
        assertTrue(buffers.containsKey("8.running_mean") && !ModelSpec.stateDict(m).containsKey("8.weight"), "BatchNorm1d without affine");
        assertEquals(3L, buffers.get("1.num_batches_tracked").longs()[0]);
        Path f = dir.resolve("bn.safetensors");
        ModelFile.save(f, m);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals("I64", c.tensors().get("1.num_batches_tracked").dtype());
        assertArrayEquals(new int[0], c.tensors().get("1.num_batches_tracked").shape());
        assertEquals("F32", c.tensors().get("1.running_var").dtype());
        // the spec's shapes (checked before building) list the buffers too
        Map<String, int[]> shapes = ModelSpec.parameterShapes(Json.parse(c.metadata().get(ModelFile.KEY_ARCHITECTURE)));
        assertEquals(c.tensors().keySet(), shapes.keySet());

        Layer back = ModelFile.load(f).model();
        back.bind(be);
        Map<String, Buffer> restored = ModelSpec.buffers(back);
        assertEquals(buffers.keySet(), restored.keySet());
        for (String k : buffers.keySet()) {
            Buffer a = buffers.get(k), b = restored.get(k);
            if (a.isInt64()) assertArrayEquals(a.longs(), b.longs(), k);
            else assertArrayEquals(a.value().toArray(), b.value().toArray(), k);
        }
        Tensor x = Tensor.randn(9, 0f, 1f, 5, 1, 6, 6);
        assertArrayEquals(m.forward(x, false).toArray(), back.forward(x, false).toArray(), "eval output after the round trip");
        assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(back));
    }

    @Test
    void aBufferOfTheWrongDtypeIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Sequential m = new Sequential(new Dense(2, 3, 1), new BatchNorm1d(3));
        List<SafeTensors.Entry> entries = new ArrayList<>();
        for (var e : ModelSpec.stateDict(m).entrySet()) entries.add(new SafeTensors.Entry(e.getKey(), e.getValue().value().shape(), e.getValue().value().toArray()));
        for (var e : ModelSpec.buffers(m).entrySet()) {
            entries.add(new SafeTensors.Entry(e.getKey(), e.getValue().shape(), new float[e.getValue().size()])); // num_batches_tracked as F32
        }
        Path f = dir.resolve("bad.safetensors");
        SafeTensors.write(f, Map.of(ModelFile.KEY_ARCHITECTURE, ModelSpec.toJson(m), ModelFile.KEY_FORMAT_VERSION, ModelFile.FORMAT_VERSION), entries);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("tensor 1.num_batches_tracked: expected dtype I64, found F32"), e.getMessage());
    }

    @Test
    void int64TensorsRoundTripThroughSafeTensors() throws Exception {
        List<SafeTensors.Entry> in = List.of(new SafeTensors.Entry("a", new int[] {3}, new float[] {1, 2, 3}),
                SafeTensors.Entry.int64("n", new int[0], new long[] {Long.MAX_VALUE}),
                SafeTensors.Entry.int64("m", new int[] {2}, new long[] {-1, 1L << 40}));
        SafeTensors.Contents c = SafeTensors.decode(Path.of("mem"), SafeTensors.encode(Map.of(), in));
        assertArrayEquals(new long[] {Long.MAX_VALUE}, c.tensors().get("n").longs());
        assertArrayEquals(new long[] {-1, 1L << 40}, c.tensors().get("m").longs());
        assertArrayEquals(new float[] {1, 2, 3}, c.tensors().get("a").data());
        assertFalse(c.tensors().get("a").isInt64());
    }

    @Test
    void specRoundTripKeepsEveryBatchNormOption() {
        Sequential m = new Sequential(new BatchNorm2d(3, 1e-3f, 0.25f, false, false), new BatchNorm2d(3), new Flatten(), new BatchNorm1d(12, 2e-5f, 0.5f, true));
        Layer back = ModelSpec.build(Json.parse(ModelSpec.toJson(m)));
        assertEquals(m.describe(), back.describe());
        assertEquals(ModelSpec.toJson(m), ModelSpec.toJson(back));
        Layer defaults = ModelSpec.build(Json.parse("{\"type\":\"BatchNorm2d\",\"channels\":5}"));
        assertEquals("BatchNorm2d(5)", defaults.describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.build(Json.parse("{\"type\":\"Sequential\",\"layers\":[{\"type\":\"BatchNorm1d\",\"channels\":5,\"eps\":\"x\"}]}")));
        assertTrue(e.getMessage().contains("layer 0") && e.getMessage().contains("eps"), e.getMessage());
    }

    @Test
    void predictorServesTheRunningStatisticsOfTheMomentItWasMade() {
        try (VectorBackend be = new VectorBackend(2)) {
            Sequential m = model(be);
            Tensor x = Tensor.randn(21, 0f, 1f, 3, 1, 6, 6);
            float[] want = m.forward(x, false).toArray();
            Predictor p = Predictor.of(m, be);
            assertArrayEquals(want, p.predict(x).toArray(), "the model's own evaluation output, running statistics included");
            m.forward(Tensor.randn(22, 3f, 1f, 4, 1, 6, 6), true); // moves the model's running statistics, not the predictor's
            assertFalse(java.util.Arrays.equals(want, m.forward(x, false).toArray()), "the model's statistics moved");
            assertArrayEquals(want, p.predict(x).toArray(), "the predictor kept its snapshot");
        }
    }
}
