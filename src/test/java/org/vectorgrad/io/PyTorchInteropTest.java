package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.nn.AvgPool2d;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.LeakyReLU;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Tanh;
import org.vectorgrad.tensor.Tensor;

/**
 * The PyTorch round trip both ways, against fixtures made by {@code src/test/resources/pytorch/fixtures.py}
 * (PyTorch 1.13; CI has no PyTorch, so its outputs are committed):
 * <ul>
 *   <li>weights saved by PyTorch ({@code pytorch_*.safetensors}) load into the equivalent vectorgrad model, which
 *       then gives PyTorch's logits on the stored inputs;</li>
 *   <li>a file vectorgrad writes ({@code vectorgrad_*.safetensors}, byte for byte what this code writes today) was
 *       loaded by PyTorch with {@code load_state_dict(strict=True)}, and PyTorch's logits from it
 *       ({@code vectorgrad_*_torch.safetensors}) equal vectorgrad's.</li>
 * </ul>
 * To regenerate: {@code fixtures.py make}; {@code mvn test -Dtest=PyTorchInteropTest -Dvectorgrad.writeFixtures=true};
 * {@code fixtures.py check}.
 */
class PyTorchInteropTest {
    static final Path DIR = Path.of("src/test/resources/pytorch");
    static final float REL = 1e-5f;

    static Sequential mlp(long seed) {
        return new Sequential(new Flatten(), new Dense(48, 32, seed + 1), new ReLU(), new Dense(32, 16, seed + 2), new Tanh(),
                new Dense(16, 10, seed + 3));
    }

    static Sequential cnn(long seed) {
        return new Sequential(
                new Conv2d(1, 4, 3, 1, 1, seed + 1), new ReLU(), new MaxPool2d(2, 2),
                Conv2d.builder(4, 6).kernel(3).padding(1).groups(2).seed(seed + 2).build(), new LeakyReLU(0.01f),
                new AvgPool2d(2, 2, 0), new Flatten(), new Dense(24, 10, seed + 3));
    }

    static Sequential model(String name, long seed) {
        return name.equals("mlp") ? mlp(seed) : cnn(seed);
    }

    @Test
    void pytorchFileLoadsAndGivesPyTorchLogits() throws IOException {
        for (String name : List.of("mlp", "cnn")) {
            Sequential m = model(name, 99);
            Map<String, String> meta = ModelFile.loadInto(DIR.resolve("pytorch_" + name + ".safetensors"), m);
            assertTrue(meta.get("written_by").startsWith("torch "), meta.toString());
            SafeTensors.Contents io = SafeTensors.read(DIR.resolve("pytorch_" + name + "_io.safetensors"));
            for (String backend : List.of("scalar", "vector")) {
                assertClose(name + " on " + backend, io.tensors().get("logits"), forward(m, backend, io.tensors().get("input")));
            }
        }
    }

    @Test
    void fileWeWriteIsWhatPyTorchLoadedAndGivesOurLogits() throws IOException {
        boolean write = Boolean.getBoolean("vectorgrad.writeFixtures");
        for (String name : List.of("mlp", "cnn")) {
            Sequential m = model(name, 7);
            byte[] ours = ModelFile.encode(m, Map.of());
            Path fixture = DIR.resolve("vectorgrad_" + name + ".safetensors");
            if (write) Files.write(fixture, ours);
            assertArrayEquals(Files.readAllBytes(fixture), ours, name + ": the bytes we write changed since PyTorch read them; "
                    + "regenerate the fixtures (see the class comment)");
            SafeTensors.Contents io = SafeTensors.read(DIR.resolve("pytorch_" + name + "_io.safetensors"));
            if (write) continue;
            SafeTensors.Entry torch = SafeTensors.read(DIR.resolve("vectorgrad_" + name + "_torch.safetensors")).tensors().get("logits");
            assertClose(name + " written by us, run by PyTorch", torch, forward(m, "vector", io.tensors().get("input")));
            // and the same file rebuilt by vectorgrad from its metadata alone gives the same logits
            Layer rebuilt = ModelFile.load(fixture).model();
            assertClose(name + " rebuilt", torch, forward(rebuilt, "vector", io.tensors().get("input")));
        }
    }

    static float[] forward(Layer m, String backend, SafeTensors.Entry input) {
        try (Backend b = Backends.create(backend, 1)) {
            m.bind(b);
            return m.forward(Tensor.of(input.data().clone(), input.shape()), false).toArray();
        }
    }

    static void assertClose(String what, SafeTensors.Entry expected, float[] actual) {
        float[] e = expected.data();
        assertEquals(e.length, actual.length, what);
        float max = 0;
        for (float v : e) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            float tol = REL * Math.max(max, 1e-6f);
            assertTrue(Math.abs(e[i] - actual[i]) <= tol, what + ": logit " + i + " is " + actual[i] + ", PyTorch gave " + e[i]
                    + " (tolerance " + tol + " = 1e-5 x the largest |logit|)");
        }
    }
}
