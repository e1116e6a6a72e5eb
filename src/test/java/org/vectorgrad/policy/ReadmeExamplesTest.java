package org.vectorgrad.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.*;
import org.vectorgrad.data.*;
import org.vectorgrad.io.ModelFile;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.*;
import org.vectorgrad.optim.*;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Trainer;

/**
 * The README's core Java blocks compile: each is one method below, line for line (checked here, as the Tribuo
 * module's {@code ReadmeExampleTest} does for its block), and this file is compiled with the suite. The blocks are
 * not run here (the first trains three epochs on Fashion-MNIST; the others write files into the working directory);
 * each block's {@code import} lines must be imports of this file.
 */
class ReadmeExamplesTest {

    static void usingTheLibrary() throws IOException {
        // README-BEGIN
        try (Backend backend = Backends.create("auto", 2)) {          // or "vector", "blas", "scalar"
            Sequential model = new Sequential(
                    new Flatten(),
                    new Dense(784, 256, 1), new ReLU(),                   // He-normal init from seed 1
                    new Dense(256, 10, 2));
            FashionMnist.Splits data = FashionMnist.load(java.nio.file.Path.of("/usr/share/datasets/fashion-mnist"));
            Trainer trainer = new Trainer(model, new SoftmaxCrossEntropy(),
                    new SGD(model.parameters(), 0.05f, 0.9f), backend);
            trainer.fit(data.train(), data.test(), 3, 128, 42);         // epochs, batch, seed
            System.out.println("accuracy " + trainer.accuracy(data.test(), 256));

            Tensor logits = model.forward(Tensor.randn(7, 0f, 1f, 4, 1, 28, 28), false);   // predict
        }
        // README-END
    }

    static void optimizers(Sequential model, Backend backend, Trainer trainer) {
        // README-BEGIN
        ParamGroups groups = ParamGroups.noDecayForBiasAndNorm(model, 0.05f);   // biases, 1-D and *Norm* layers' params: no decay
        Optimizer opt = new AdamW(groups, 3e-3f, 0.9f, 0.999f, 1e-8f);
        opt.clipGradNorm(1f);            // before every step: clip_grad_norm_(params, 1.0); opt.lastGradNorm() is the norm
        trainer = new Trainer(model, new SoftmaxCrossEntropy(), opt, backend).schedule(LearningRateSchedule.oneCycle());
        // README-END
    }

    static void normalization() {
        // README-BEGIN
        Sequential net = new Sequential(
                Conv2d.builder(1, 16).kernel(3).padding(1).bias(false).seed(1).build(), new BatchNorm2d(16), new ReLU(),
                Residual.basicBlock(16, 32, 2, 10),    // ReLU(conv-BN-ReLU-conv-BN (x) + [1x1 conv stride 2, BN](x))
                new GlobalAvgPool2d(), new Flatten(), new Dense(32, 10, 3));
        Layer body = new Sequential(Conv2d.builder(16, 32).kernel(3).stride(2).padding(1).bias(false).seed(4).build(), new BatchNorm2d(32));
        Sum block = Residual.projection(body, 16, 32, 2, 7);   // Sum(body, Sequential(1x1 conv stride 2 no bias, BatchNorm2d(32)))
        // README-END
    }

    static void modelFiles(Layer model) throws IOException {
        // README-BEGIN
        ModelFile.save(Path.of("model.safetensors"), model);              // atomic: temp file, fsync, rename
        ModelFile.Loaded l = ModelFile.load(Path.of("model.safetensors")); // rebuilt from the metadata, no code needed
        ModelFile.loadInto(Path.of("weights.safetensors"), model);        // fill a model you built (e.g. from PyTorch)
        // README-END
    }

    static void serving(Layer model, Backend backend, Tensor batch, float[] out) {
        // README-BEGIN
        Predictor p = Predictor.of(model, backend);      // immutable snapshot of the weights at this moment
        Tensor logits = p.predict(batch);                // from any number of threads at once; a fresh tensor
        int n = p.predict(batch, out, 0);                // or into your own float[] (no activation buffers allocated)
        // README-END
    }

    @Test
    void theReadmeBlocksAreTheCompiledExamples() throws IOException {
        List<List<String>> readme = javaBlocks(Files.readAllLines(Path.of("README.md")));
        List<String> sourceLines = Files.readAllLines(Path.of("src/test/java/org/vectorgrad/policy/ReadmeExamplesTest.java"));
        List<List<String>> source = marked(sourceLines);
        assertTrue(readme.size() >= source.size(), "README java blocks: " + readme.size());
        for (int i = 0; i < source.size(); i++) {
            List<String> block = new ArrayList<>();
            for (String line : readme.get(i)) {
                if (line.startsWith("import ")) {
                    assertTrue(sourceLines.contains(line), "README block " + (i + 1) + ": '" + line + "' is not an import of this test");
                } else {
                    block.add(line);
                }
            }
            assertEquals(source.get(i), block, "README java block " + (i + 1));
        }
    }

    /** The trimmed, non-blank lines of every {@code ```java} block, in order. */
    static List<List<String>> javaBlocks(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> cur = null;
        for (String line : lines) {
            String t = line.trim();
            if (cur == null) {
                if (t.equals("```java")) cur = new ArrayList<>();
            } else if (t.equals("```")) {
                blocks.add(cur);
                cur = null;
            } else if (!t.isBlank()) {
                cur.add(t);
            }
        }
        return blocks;
    }

    /** The trimmed, non-blank lines between each {@code README-BEGIN} and {@code README-END} marker, in order. */
    static List<List<String>> marked(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> cur = null;
        for (String line : lines) {
            String t = line.trim();
            if (t.equals("// README-BEGIN")) {
                cur = new ArrayList<>();
            } else if (t.equals("// README-END")) {
                blocks.add(cur);
                cur = null;
            } else if (cur != null && !t.isBlank()) {
                cur.add(t);
            }
        }
        return blocks;
    }
}
