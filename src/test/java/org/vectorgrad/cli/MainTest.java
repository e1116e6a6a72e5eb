package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: usage errors, missing data, and a short real training run (when data is present). */
class MainTest {
    record Result(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsGiveUsageErrorsNamingTheArgument() {
        Result r = run("train", "--epochs", "zero");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochs expects an integer, got 'zero'"), r.err());
        assertTrue(r.err().contains("usage: vectorgrad"), r.err());
        assertTrue(run("train", "--bogus", "1").err().contains("unknown option --bogus"));
        assertTrue(run("train", "--backend", "gpu").err().contains("--backend must be one of auto, vector, blas, scalar, got 'gpu'"));
        assertTrue(run("frobnicate").err().contains("unknown command 'frobnicate'"));
        assertEquals(2, run("bench").code());
    }

    @Test
    void missingDataDirectorySaysWhatToInstall(@TempDir Path tmp) {
        Result r = run("train", "--data", tmp.resolve("nowhere").toString(), "--epochs", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nowhere") && r.err().contains("dataset-fashion-mnist"), r.err());
    }

    @Test
    void shortTrainingRunIsReproducibleAndEndsWithJson() {
        Path data = Path.of(TrainingOptions.DEFAULT_DATA);
        org.vectorgrad.Prerequisites.require(Files.isDirectory(data), "Fashion-MNIST not installed at " + data + " (apt-get install dataset-fashion-mnist)");
        String[] args = {"train", "--epochs", "1", "--limit", "3000", "--threads", "2", "--seed", "5", "--lr-warmup", "5"};
        Result a = run(args), b = run(args);
        assertEquals(0, a.code(), a.err());
        String ja = a.lastLine(), jb = b.lastLine();
        assertTrue(ja.startsWith("{\"model\": \"mlp\"") && ja.endsWith("}"), ja);
        for (String key : new String[] {"backend", "threads", "epochs", "batch", "seed", "test_accuracy", "train_loss", "start_loss", "diverged", "samples_per_s", "wall_s"}) {
            assertTrue(ja.contains("\"" + key + "\": "), key + " in " + ja);
        }
        // identical except the timings
        String strip = "\"samples_per_s\": [0-9.]+|\"wall_s\": [0-9.]+";
        assertEquals(ja.replaceAll(strip, ""), jb.replaceAll(strip, ""));
        assertTrue(ja.contains("\"diverged\": false"), ja);
        double acc = Double.parseDouble(ja.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(acc > 0.70, "3000 samples, one epoch already learns: " + ja);
    }
}
