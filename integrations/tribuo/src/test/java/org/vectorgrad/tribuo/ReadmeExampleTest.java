package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.datasource.IDXDataSource;

/**
 * The README's "Using vectorgrad from Tribuo" example compiles: its code block is {@link #readmeExample} below,
 * line for line (checked here), and this file is compiled with the suite. It is not run here (five epochs on 60,000
 * images); docs/benchmarks.md reports that run.
 */
class ReadmeExampleTest {
    static void readmeExample() throws IOException {
        // README-BEGIN
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> train = new MutableDataset<>(new IDXDataSource<>(
                dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), labels));
        MutableDataset<Label> test = new MutableDataset<>(new IDXDataSource<>(
                dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), labels));

        VectorgradTrainer<Label> trainer = VectorgradTrainer.classification()
                .hidden(512, 256)                                  // 784-512-256-10, as --model mlp
                .sgd(0.05f, 0.9f)
                .schedule(VectorgradTrainer.Schedule.COSINE, 100)  // cosine, 100 warm-up steps
                .epochs(5).batchSize(128).seed(42)
                .inputScale(1f / 255f).standardize(true)          // the CLI's input pipeline
                .build();                                          // backend auto, all cores
        Model<Label> model = trainer.train(train);
        System.out.println(new LabelEvaluator().evaluate(model, test).accuracy());

        model.serializeToFile(Path.of("fashion.tribuo"));         // weights inside as safetensors
        Model<Label> back = Model.deserializeFromFile(Path.of("fashion.tribuo")).castModel(Label.class);
        // README-END
        back.predict(test);
    }

    @Test
    void theReadmeBlockIsTheCompiledExample() throws IOException {
        List<String> readme = block(Files.readAllLines(Path.of("../../README.md")), "## Using vectorgrad from Tribuo", "```java", "```");
        List<String> source = block(Files.readAllLines(Path.of("src/test/java/org/vectorgrad/tribuo/ReadmeExampleTest.java")),
                "static void readmeExample()", "// README-BEGIN", "// README-END");
        assertTrue(readme.size() > 10, "README block: " + readme);
        assertEquals(source, readme);
    }

    /** The trimmed, non-blank lines strictly between {@code begin} and {@code end}, after the line holding {@code section}. */
    static List<String> block(List<String> lines, String section, String begin, String end) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).contains(section)) i++;
        while (i < lines.size() && !lines.get(i).trim().equals(begin)) i++;
        List<String> out = new ArrayList<>();
        for (i++; i < lines.size() && !lines.get(i).trim().equals(end); i++) {
            if (!lines.get(i).isBlank()) out.add(lines.get(i).trim());
        }
        return out;
    }
}
