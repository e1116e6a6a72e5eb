package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --model FILE.json} and {@code bench train --model FILE.json} end to end on a tiny synthetic dataset
 * (class c lights rows 2c and 2c+1 of a noisy 28x28 image: separable in a few steps), and the errors of specs that
 * are malformed or do not fit the data: exit 1, one line naming the file, what was expected and what was found.
 */
class SpecCliTest {
    @TempDir
    Path dir;

    private static byte[] idx(int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) out.writeBytes(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static void gz(Path f, byte[] content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(content);
        }
    }

    private Path data(int n) throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rng = new SplittableRandom(3);
        for (String split : new String[] {"train", "t10k"}) {
            byte[] images = new byte[n * 784], labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = i % 10;
                labels[i] = (byte) c;
                for (int p = 0; p < 784; p++) {
                    int row = p / 28;
                    images[i * 784 + p] = (byte) (row / 2 == c ? 200 + rng.nextInt(56) : rng.nextInt(60));
                }
            }
            gz(d.resolve(split + "-images-idx3-ubyte.gz"), idx(new int[] {n, 28, 28}, images));
            gz(d.resolve(split + "-labels-idx1-ubyte.gz"), idx(new int[] {n}, labels));
        }
        return d;
    }

    private Path spec(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private static final String TINY = """
            {"name": "tiny", "input": [1, 28, 28], "classes": 10,
             "recipe": {"epochs": 3, "batch": 20, "lr": 0.05, "lr_warmup": 2},
             "architecture": {"type": "Sequential", "layers": [
               {"type": "Conv2d", "in": 1, "out": 4, "kernel": 3, "stride": 2, "padding": 1},
               {"type": "ReLU"},
               {"type": "Flatten"},
               {"type": "Dense", "in": 784, "out": 10}]}}
            """;

    @Test
    void trainsASpecFileWithItsRecipeAndSavesAModelThatEvalReads() throws IOException {
        Path data = data(240), spec = spec("tiny.json", TINY), saved = dir.resolve("tiny.safetensors");
        MainTest.Result r = MainTest.run("train", "--model", spec.toString(), "--data", data.toString(), "--threads", "1", "--limit", "200",
                "--save", saved.toString());
        assertEquals(0, r.code(), r.err());
        String json = r.lastLine();
        assertTrue(json.contains("\"model\": \"" + spec + "\"") && json.contains("\"train_samples\": 200"), json);
        assertTrue(json.contains("\"epochs\": 3") && json.contains("\"batch\": 20") && json.contains("\"lr\": 0.05") && json.contains("\"lr_warmup\": 2"), json);
        assertTrue(r.err().contains("recipe of tiny (for options not given): epochs 3, batch 20, lr 0.05, lr-warmup 2"), r.err());
        double acc = Double.parseDouble(json.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(acc >= 0.9, "a separable toy set is learnt: " + json);
        // the saved model is rebuilt from the architecture in its metadata and gives the same accuracy
        MainTest.Result e = MainTest.run("eval", "--model", saved.toString(), "--data", data.toString(), "--threads", "1");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.lastLine().contains("\"test_accuracy\": " + json.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1")), e.lastLine() + " vs " + json);
        // flags override the recipe
        MainTest.Result o = MainTest.run("train", "--model", spec.toString(), "--data", data.toString(), "--threads", "1", "--epochs", "1", "--lr", "0.02");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.lastLine().contains("\"epochs\": 1") && o.lastLine().contains("\"lr\": 0.02") && o.lastLine().contains("\"batch\": 20"), o.lastLine());
        assertTrue(o.err().contains("recipe of tiny (for options not given): batch 20, lr-warmup 2"), o.err());
        // bench train takes the spec too
        MainTest.Result b = MainTest.run("bench", "train", "--model", spec.toString(), "--data", data.toString(), "--threads", "1",
                "--steps", "2", "--warmup", "1", "--runs", "1", "--warmup-seconds", "0.2");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.lastLine().contains("\"model\": \"" + spec + "\"") && b.lastLine().contains("\"batch\": 20"), b.lastLine());
        assertTrue(b.lastLine().contains("\"warmup_seconds\": 0.2"), b.lastLine());
        // the first run's warm-up reports how long it went on (until the JIT was quiet, at most 10 x 0.2 s)
        assertTrue(b.out().matches("(?s).*warm-up: \\d+ steps in \\d+\\.\\d s.*"), b.out());
        // a negative warm-up time is a usage error naming the option
        MainTest.Result bad = MainTest.run("bench", "train", "--model", spec.toString(), "--data", data.toString(), "--warmup-seconds", "-1");
        assertTrue(bad.code() != 0 && bad.err().contains("warmup-seconds"), bad.err());
        // --compare times a second backend in the same JVM, the runs alternating and the order turning each run
        MainTest.Result both = MainTest.run("bench", "train", "--model", spec.toString(), "--data", data.toString(), "--threads", "1",
                "--steps", "2", "--warmup", "1", "--runs", "3", "--warmup-seconds", "0.2", "--backend", "vector", "--compare", "scalar");
        assertEquals(0, both.code(), both.err());
        List<String> runs = both.out().lines().filter(l -> l.startsWith("run ")).map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(List.of("run 1 (vector)", "run 1 (scalar)", "run 2 (scalar)", "run 2 (vector)", "run 3 (vector)", "run 3 (scalar)"), runs, both.out());
        assertTrue(both.out().contains("vector backend, 1 threads") && both.out().contains("scalar backend, 1 threads"), both.out());
        // one warm-up for both, before any timed run (in turns until the JIT is quiet)
        assertTrue(both.out().matches("(?s)(?:(?!run ).)*warm-up: \\d+ \\(vector\\) and \\d+ \\(scalar\\) steps in \\d+\\.\\d s.*"), both.out());
        assertTrue(both.out().matches("(?s).*vector ÷ scalar: \\d+\\.\\d{3} \\(median of the runs' ratios: [0-9., ]+\\).*"), both.out());
        assertTrue(both.lastLine().contains("\"compare_backend\": \"scalar\"") && both.lastLine().contains("\"ratio\": "), both.lastLine());
        // the second backend must be another one, and only bench train takes it
        MainTest.Result same = MainTest.run("bench", "train", "--model", spec.toString(), "--data", data.toString(), "--backend", "scalar", "--compare", "scalar");
        assertTrue(same.code() != 0 && same.err().contains("--compare must name another backend than --backend (scalar)"), same.err());
        MainTest.Result notTrain = MainTest.run("train", "--model", spec.toString(), "--data", data.toString(), "--compare", "scalar");
        assertTrue(notTrain.code() != 0 && notTrain.err().contains("unknown option --compare"), notTrain.err());
    }

    private static void assertOneLineFailure(MainTest.Result r, String... fragments) {
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        for (String f : fragments) assertTrue(err.contains(f), "stderr should contain '" + f + "': " + err);
    }

    @Test
    void specsThatDoNotFitTheDataFailBeforeTrainingSayingWhatWasExpectedAndFound() throws IOException {
        Path data = data(20);
        Path wrongIn = spec("wrong_in.json", """
                {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Dense", "in": 1024, "out": 10}]}""");
        assertOneLineFailure(MainTest.run("train", "--model", wrongIn.toString(), "--data", data.toString(), "--threads", "1"),
                wrongIn.toString(), "does not fit the dataset's samples of shape [1, 28, 28]", "Dense(1024 -> 10)", "[1, 784]", "expected [batch, 1024]");
        Path wrongOut = spec("wrong_out.json", """
                {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Dense", "in": 784, "out": 5}]}""");
        assertOneLineFailure(MainTest.run("train", "--model", wrongOut.toString(), "--data", data.toString(), "--threads", "1"),
                wrongOut.toString(), "has shape [1, 5]", "expected [1, 10]");
        Path declared = spec("declared.json", """
                {"input": [3, 32, 32], "architecture": {"type": "Flatten"}}""");
        assertOneLineFailure(MainTest.run("bench", "train", "--model", declared.toString(), "--data", data.toString(), "--batch", "4"),
                declared.toString(), "$.input", "[3, 32, 32]", "[1, 28, 28]");
    }

    @Test
    void malformedSpecsFailNamingTheFileAndTheJsonPath() throws IOException {
        Path data = data(20);
        Path typo = spec("typo.json", """
                {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Linear", "in": 784, "out": 10}]}""");
        assertOneLineFailure(MainTest.run("train", "--model", typo.toString(), "--data", data.toString()),
                typo.toString(), "$.layers[1].type", "unknown layer type \"Linear\"");
        Path missing = spec("missing.json", """
                {"architecture": {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Dense", "in": 784}]}}""");
        assertOneLineFailure(MainTest.run("train", "--model", missing.toString(), "--data", data.toString()),
                missing.toString(), "$.architecture.layers[1].out", "missing");
        Path badRecipe = spec("recipe.json", """
                {"recipe": {"lr": -1}, "architecture": {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Dense", "in": 784, "out": 10}]}}""");
        assertOneLineFailure(MainTest.run("train", "--model", badRecipe.toString(), "--data", data.toString()),
                badRecipe.toString(), "$.recipe.lr", "found -1");
        assertOneLineFailure(MainTest.run("train", "--model", dir.resolve("absent.json").toString(), "--data", data.toString()),
                "absent.json", "no such model spec file");
        MainTest.Result u = MainTest.run("train", "--model", "vgg");
        assertEquals(2, u.code(), u.err());
        assertTrue(u.err().contains("--model must be one of mlp, cnn") && u.err().contains("or a JSON spec file"), u.err());
    }
}
