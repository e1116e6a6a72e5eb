package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * The PyTorch round trip both ways for the layers and options {@link PyTorchInteropTest} does not cover, each model
 * built from a spec file (docs/model-specs.md) as a user would, against fixtures made by
 * {@code tools/pytorch/interop_cases.py} (PyTorch 1.13; see its comment to regenerate):
 * <ul>
 *   <li>{@code NAME_torch.safetensors}, PyTorch's random weights and BatchNorm statistics, loads into the model
 *       {@code NAME.json} describes, which then gives PyTorch's logits ({@code NAME_io.safetensors}) on both backends;</li>
 *   <li>{@code NAME_vg.safetensors}, byte for byte what this code writes for the spec with other random weights, was
 *       loaded by PyTorch with {@code load_state_dict(strict=True)}; PyTorch's logits from it on the same input
 *       ({@code NAME_vg_torch.safetensors}) equal vectorgrad's, and so do those of the model rebuilt from the file alone.</li>
 * </ul>
 */
class PyTorchLayersInteropTest {
    static final Path DIR = Path.of("src/test/resources/pytorch/interop");
    static final List<String> CASES = List.of("conv_mix", "conv_same", "pools", "pools_ceil", "ln_mlp", "ln3", "bn1d", "resid", "bn_notrack");

    @Test
    void pytorchWeightsLoadIntoTheSpecModelAndGivePyTorchLogits() throws IOException {
        for (String name : CASES) {
            Layer m = SpecFile.read(DIR.resolve(name + ".json")).build(1);
            ModelFile.loadInto(DIR.resolve(name + "_torch.safetensors"), m);
            SafeTensors.Contents io = SafeTensors.read(DIR.resolve(name + "_io.safetensors"));
            for (String backend : List.of("scalar", "vector")) {
                PyTorchInteropTest.assertClose(name + " on " + backend, io.tensors().get("logits"),
                        PyTorchInteropTest.forward(m, backend, io.tensors().get("input")));
            }
        }
    }

    @Test
    void fileWeWriteIsWhatPyTorchLoadedAndGivesOurLogits() throws IOException {
        boolean write = Boolean.getBoolean("vectorgrad.writeFixtures");
        for (String name : CASES) {
            Layer m = randomized(SpecFile.read(DIR.resolve(name + ".json")).build(5), new Random(77));
            byte[] ours = ModelFile.encode(m, Map.of());
            Path fixture = DIR.resolve(name + "_vg.safetensors");
            if (write) Files.write(fixture, ours);
            assertArrayEquals(Files.readAllBytes(fixture), ours, name + ": the bytes we write changed since PyTorch read them; "
                    + "regenerate the fixtures (tools/pytorch/interop_cases.py)");
            if (write) continue;
            SafeTensors.Entry input = SafeTensors.read(DIR.resolve(name + "_io.safetensors")).tensors().get("input");
            SafeTensors.Entry torch = SafeTensors.read(DIR.resolve(name + "_vg_torch.safetensors")).tensors().get("logits");
            PyTorchInteropTest.assertClose(name + " written by us, run by PyTorch", torch, PyTorchInteropTest.forward(m, "vector", input));
            ModelFile.Loaded rebuilt = ModelFile.load(fixture);
            assertEquals(List.of(ModelFile.KEY_FORMAT_VERSION, ModelFile.KEY_LIBRARY_VERSION, ModelFile.KEY_ARCHITECTURE),
                    List.copyOf(rebuilt.metadata().keySet()), name + ": the documented metadata keys, and no others");
            PyTorchInteropTest.assertClose(name + " rebuilt", torch, PyTorchInteropTest.forward(rebuilt.model(), "scalar", input));
        }
    }

    /** Every parameter and float buffer random (running variances in [0.25, 1.75]), num_batches_tracked 17. */
    static Layer randomized(Layer m, Random rnd) {
        for (Parameter p : ModelSpec.stateDict(m).values()) {
            Tensor t = p.value();
            for (int i = 0; i < t.size(); i++) t.data()[t.offset() + i] = (float) (rnd.nextGaussian() * 0.5);
        }
        for (Map.Entry<String, Buffer> e : ModelSpec.buffers(m).entrySet()) {
            Buffer b = e.getValue();
            if (b.isInt64()) {
                long[] l = new long[b.size()];
                Arrays.fill(l, 17);
                b.restore(l);
                continue;
            }
            float[] f = new float[b.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = e.getKey().endsWith("running_var") ? 0.25f + 1.5f * rnd.nextFloat() : (float) rnd.nextGaussian() * 0.5f;
            }
            b.restore(f);
        }
        return m;
    }
}
