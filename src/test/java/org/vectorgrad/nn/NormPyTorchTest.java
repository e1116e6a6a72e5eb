package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.io.Json;
import org.vectorgrad.io.ModelFile;
import org.vectorgrad.io.SafeTensors;
import org.vectorgrad.tensor.Tensor;

/**
 * Agreement with PyTorch 1.13 on the committed cases of {@code tools/pytorch/norm_cases.py}
 * ({@code src/test/resources/pytorch/norm/}): for BatchNorm1d/2d in training mode the output, dL/dx, dL/dweight,
 * dL/dbias (objective {@code Σ y·grad_y}), the updated running_mean, running_var and num_batches_tracked, then in
 * evaluation mode the output and dL/dx; for LayerNorm the output and the three gradients. On the scalar backend and
 * the vector backend with 1 and 2 threads. Tolerance, per value: {@code |got − want| ≤ 1e-4·max(|want|, 1e-2·m, 1e-3)}
 * with m the largest |value| of that tensor in PyTorch's result: 1e-4 relative, except for values a hundred times
 * smaller than the tensor's largest or below 1e-3 (dL/dx of batch norm sums to zero per channel, so some of its values
 * are cancellations whose float32 rounding is relative to the tensor's scale, not to themselves; with two values per
 * channel dL/dx is zero but for eps, about 7e-7 in case bn1d_2x1, and both libraries give rounding noise there).
 */
class NormPyTorchTest {
    static final Path DIR = Path.of("src/test/resources/pytorch/norm");
    static final double REL = 1e-4, FLOOR = 1e-2, ABSOLUTE_FLOOR = 1e-3;

    static List<Path> cases() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static float[] floats(Map<?, ?> c, String key) {
        List<?> l = (List<?>) c.get(key);
        float[] r = new float[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) ((Number) l.get(i)).doubleValue();
        return r;
    }

    static int[] ints(Map<?, ?> c, String key) {
        List<?> l = (List<?>) c.get(key);
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = (int) (long) (Long) l.get(i);
        return r;
    }

    /** The worst |got − want| / max(|want|, FLOOR·max|want|, ABSOLUTE_FLOOR) over the tensor; fails above {@link #REL}. */
    static double agree(float[] want, Tensor got, String what) {
        float[] g = got.toArray();
        assertEquals(want.length, g.length, what + " size");
        double m = 0;
        for (float w : want) m = Math.max(m, Math.abs(w));
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(g[i] - want[i]) / Math.max(Math.max(Math.abs(want[i]), FLOOR * m), ABSOLUTE_FLOOR);
            if (!(err <= REL)) throw new AssertionError(what + "[" + i + "]: vectorgrad " + g[i] + ", PyTorch " + want[i] + " (relative error " + err + ")");
            worst = Math.max(worst, err);
        }
        return worst;
    }

    static Backend[] backends() {
        return new Backend[] {new ScalarBackend(), new VectorBackend(1), new VectorBackend(2)};
    }

    @Test
    void everyCaseAgreesWithPyTorch() throws IOException {
        List<Path> files = cases();
        assertTrue(files.size() >= 15, "the committed cases: " + files);
        double worst = 0;
        for (Backend be : backends()) {
            try (be) {
                for (Path f : files) {
                    Map<?, ?> c = (Map<?, ?>) Json.parse(Files.readString(f));
                    String what = f.getFileName() + " on " + be.name() + "/" + be.threads();
                    worst = Math.max(worst, c.get("kind").equals("LayerNorm") ? layerNorm(c, be, what) : batchNorm(c, be, what));
                }
            }
        }
        System.out.println("NormPyTorchTest: worst relative error " + worst + " (tolerance " + REL + ")");
    }

    static double batchNorm(Map<?, ?> c, Backend be, String what) {
        int[] shape = ints(c, "shape");
        float eps = (float) ((Number) c.get("eps")).doubleValue(), mom = (float) ((Number) c.get("momentum")).doubleValue();
        boolean affine = (Boolean) c.get("affine");
        BatchNorm bn = c.get("kind").equals("BatchNorm1d") ? new BatchNorm1d(shape[1], eps, mom, affine) : new BatchNorm2d(shape[1], eps, mom, affine);
        bn.bind(be);
        if (affine) {
            bn.weight().value().copyFrom(Tensor.of(floats(c, "weight"), shape[1]));
            bn.bias().value().copyFrom(Tensor.of(floats(c, "bias"), shape[1]));
        }
        bn.runningMean().copyFrom(Tensor.of(floats(c, "running_mean0"), shape[1]));
        bn.runningVar().copyFrom(Tensor.of(floats(c, "running_var0"), shape[1]));
        bn.buffers().get(2).longs()[0] = (Long) c.get("num_batches_tracked0");
        Tensor x = Tensor.of(floats(c, "x"), shape), gy = Tensor.of(floats(c, "grad_y"), shape);
        double worst = agree(floats(c, "y"), bn.forward(x, true), what + " y");
        worst = Math.max(worst, agree(floats(c, "dx"), bn.backward(gy), what + " dx"));
        if (affine) {
            worst = Math.max(worst, agree(floats(c, "dweight"), bn.weight().grad(), what + " dweight"));
            worst = Math.max(worst, agree(floats(c, "dbias"), bn.bias().grad(), what + " dbias"));
        }
        worst = Math.max(worst, agree(floats(c, "running_mean"), bn.runningMean(), what + " running_mean"));
        worst = Math.max(worst, agree(floats(c, "running_var"), bn.runningVar(), what + " running_var"));
        assertEquals((long) (Long) c.get("num_batches_tracked"), bn.numBatchesTracked(), what + " num_batches_tracked");
        worst = Math.max(worst, agree(floats(c, "y_eval"), bn.forward(x, false), what + " y_eval"));
        worst = Math.max(worst, agree(floats(c, "dx_eval"), bn.backward(gy), what + " dx_eval"));
        return worst;
    }

    static double layerNorm(Map<?, ?> c, Backend be, String what) {
        int[] shape = ints(c, "shape"), norm = ints(c, "normalized_shape");
        boolean affine = (Boolean) c.get("affine");
        LayerNorm ln = new LayerNorm(norm, (float) ((Number) c.get("eps")).doubleValue(), affine);
        ln.bind(be);
        if (affine) {
            ln.weight().value().copyFrom(Tensor.of(floats(c, "weight"), norm));
            ln.bias().value().copyFrom(Tensor.of(floats(c, "bias"), norm));
        }
        Tensor x = Tensor.of(floats(c, "x"), shape), gy = Tensor.of(floats(c, "grad_y"), shape);
        double worst = agree(floats(c, "y"), ln.forward(x, true), what + " y");
        worst = Math.max(worst, agree(floats(c, "dx"), ln.backward(gy), what + " dx"));
        if (affine) {
            worst = Math.max(worst, agree(floats(c, "dweight"), ln.weight().grad(), what + " dweight"));
            worst = Math.max(worst, agree(floats(c, "dbias"), ln.bias().grad(), what + " dbias"));
        }
        return worst;
    }

    /** The network of the fixtures, built and trained 3 SGD steps by vectorgrad on the scalar backend (seeded, so always the same bits). */
    static Sequential trainedByVectorgrad() {
        Sequential m = new Sequential(Conv2d.builder(2, 4).kernel(3).padding(1).bias(false).seed(5).build(), new BatchNorm2d(4), new ReLU(),
                new Flatten(), new Dense(100, 6, 6), new BatchNorm1d(6), new ReLU(), new Dense(6, 3, 7));
        Backend be = new ScalarBackend();
        org.vectorgrad.train.Trainer t = new org.vectorgrad.train.Trainer(m, new org.vectorgrad.loss.SoftmaxCrossEntropy(),
                new org.vectorgrad.optim.SGD(m.parameters(), 0.1f, 0f), be);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int step = 0; step < 3; step++) {
            int[] labels = new int[8];
            for (int i = 0; i < 8; i++) labels[i] = r.nextInt(3);
            t.step(Tensor.randn(100 + step, 0.3f, 1.5f, 8, 2, 5, 5), labels);
        }
        return m;
    }

    /**
     * The other direction: the file vectorgrad writes for that network (committed, and still written byte for byte)
     * loads into PyTorch with {@code load_state_dict(strict=True)} (int64 num_batches_tracked included), and PyTorch's
     * evaluation output on it (committed by {@code norm_cases.py check}) is vectorgrad's.
     */
    @Test
    void aVectorgradTrainedBatchNormNetworkLoadsIntoPyTorch() throws IOException {
        Sequential m = trainedByVectorgrad();
        byte[] bytes = ModelFile.encode(m, Map.of());
        Path committed = DIR.resolve("vectorgrad_bn_model.safetensors");
        if (Boolean.getBoolean("vectorgrad.writeFixtures")) Files.write(committed, bytes);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(committed), bytes,
                "vectorgrad still writes the bytes PyTorch read (rerun norm_cases.py check after -Dvectorgrad.writeFixtures=true if the format changed on purpose)");
        SafeTensors.Contents torch = SafeTensors.read(DIR.resolve("vectorgrad_bn_model_torch.safetensors"));
        SafeTensors.Entry in = torch.tensors().get("input"), out = torch.tensors().get("output");
        for (Backend be : backends()) {
            try (be) {
                m.bind(be);
                agree(out.data(), m.forward(Tensor.of(in.data(), in.shape()), false), "PyTorch on vectorgrad's file, " + be.name());
            }
        }
    }

    /**
     * A network trained by PyTorch, its state_dict written with int64 num_batches_tracked, loads into the same
     * vectorgrad network by name and gives PyTorch's evaluation-mode output.
     */
    @Test
    void aPyTorchTrainedBatchNormNetworkLoadsAndPredictsAsInPyTorch() throws IOException {
        Path f = DIR.resolve("bn_model.safetensors");
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals("I64", c.tensors().get("1.num_batches_tracked").dtype());
        assertEquals(3L, c.tensors().get("1.num_batches_tracked").longs()[0]);
        // the file holds the model plus its test input/output: split them off for loadInto
        Map<String, SafeTensors.Entry> all = c.tensors();
        List<SafeTensors.Entry> modelOnly = new ArrayList<>();
        for (SafeTensors.Entry e : all.values()) if (!e.name().equals("input") && !e.name().equals("output")) modelOnly.add(e);
        Path tmp = Files.createTempFile("bn_model", ".safetensors");
        try {
            SafeTensors.write(tmp, Map.of(), modelOnly);
            for (Backend be : backends()) {
                try (be) {
                    Sequential m = new Sequential(Conv2d.builder(2, 4).kernel(3).padding(1).bias(false).build(), new BatchNorm2d(4), new ReLU(),
                            new Flatten(), new Dense(100, 6, 1), new BatchNorm1d(6), new ReLU(), new Dense(6, 3, 2));
                    ModelFile.loadInto(tmp, m);
                    m.bind(be);
                    SafeTensors.Entry in = all.get("input"), out = all.get("output");
                    agree(out.data(), m.forward(Tensor.of(in.data(), in.shape()), false), "PyTorch-trained model on " + be.name());
                    assertEquals(3L, ((BatchNorm) m.layers().get(1)).numBatchesTracked());
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
