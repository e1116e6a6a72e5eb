package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.io.SafeTensors;

/** {@code train --save}, {@code eval} and {@code predict} end to end on a short run (when Fashion-MNIST is present). */
class ServeCommandsTest {

    @Test
    void evalOfTheSavedModelReproducesTheTrainingAccuracyAndPredictReadsCsv(@TempDir Path tmp) throws Exception {
        Path data = Path.of(TrainingOptions.DEFAULT_DATA);
        org.vectorgrad.Prerequisites.require(Files.isDirectory(data), "Fashion-MNIST not installed at " + data);
        Path model = tmp.resolve("m.safetensors");
        MainTest.Result t = MainTest.run("train", "--epochs", "1", "--limit", "2000", "--threads", "2", "--seed", "3",
                "--lr-warmup", "5", "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, String> meta = SafeTensors.read(model).metadata();
        double trained = Double.parseDouble(meta.get("test_accuracy"));
        assertTrue(t.lastLine().contains(String.format(java.util.Locale.ROOT, "\"test_accuracy\": %.4f", trained)), t.lastLine());

        MainTest.Result e = MainTest.run("eval", "--model", model.toString(), "--threads", "2");
        assertEquals(0, e.code(), e.err());
        String json = e.lastLine();
        long correct = Long.parseLong(json.replaceAll(".*\"correct\": ([0-9]+).*", "$1"));
        long total = Long.parseLong(json.replaceAll(".*\"test_samples\": ([0-9]+).*", "$1"));
        assertEquals(trained, (double) correct / total, 0.0, "eval must give the training run's last-epoch accuracy exactly");
        assertTrue(e.out().contains("confusion matrix"), e.out());
        String[] rows = e.out().split("\n");
        long diagonal = 0;
        for (int r = 0; r < 10; r++) {
            String row = java.util.Arrays.stream(rows).filter(l -> l.matches("^\\d .*")).toList().get(r);
            String[] cells = row.substring(12).trim().split("\\s+");
            assertEquals(10, cells.length, row);
            diagonal += Long.parseLong(cells[r]);
        }
        assertEquals(correct, diagonal, "the confusion matrix's diagonal is the correct count");

        Path csv = tmp.resolve("rows.csv");
        StringBuilder sb = new StringBuilder("label,pixels\n");
        for (int s = 0; s < 3; s++) {
            sb.append(s);
            for (int i = 0; i < 784; i++) sb.append(',').append((i * (s + 7)) % 256);
            sb.append('\n');
        }
        Files.writeString(csv, sb);
        MainTest.Result p = MainTest.run("predict", "--model", model.toString(), "--input", csv.toString(), "--threads", "1");
        assertEquals(0, p.code(), p.err());
        String[] lines = p.out().strip().split("\n");
        assertEquals(3, lines.length, p.out());
        for (int i = 0; i < 3; i++) assertTrue(lines[i].matches(i + "\t\\d\t[^\t]+\t(0\\.\\d{4}|1\\.0000)"), lines[i]);

        Files.writeString(csv, "1,2,3\n");
        MainTest.Result bad = MainTest.run("predict", "--model", model.toString(), "--input", csv.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("line 1 has 3 values, expected 784 pixels"), bad.err());
        // --checkpoint runs the resumable loop: same result as the plain run; resuming a finished run changes nothing
        Path cp = tmp.resolve("cp");
        String[] plain = {"train", "--epochs", "1", "--limit", "2000", "--threads", "2", "--seed", "3", "--lr-warmup", "5"};
        String[] withCp = java.util.stream.Stream.concat(java.util.Arrays.stream(plain), java.util.stream.Stream.of("--checkpoint", cp.toString(),
                "--checkpoint-every", "4")).toArray(String[]::new);
        MainTest.Result c = MainTest.run(withCp);
        assertEquals(0, c.code(), c.err());
        String timings = "\"samples_per_s\": [0-9.]+|\"wall_s\": [0-9.]+";
        assertEquals(t.lastLine().replaceAll(timings, ""), c.lastLine().replaceAll(timings, ""));
        assertTrue(Files.isRegularFile(cp.resolve("checkpoint.safetensors")));
        String[] resume = java.util.stream.Stream.concat(java.util.Arrays.stream(plain), java.util.stream.Stream.of("--resume", cp.toString()))
                .toArray(String[]::new);
        MainTest.Result again = MainTest.run(resume);
        assertEquals(0, again.code(), again.err());
        assertEquals(t.lastLine().replaceAll(timings, ""), again.lastLine().replaceAll(timings, ""));
        MainTest.Result badEvery = MainTest.run("train", "--checkpoint-every", "5");
        assertEquals(2, badEvery.code());
        assertTrue(badEvery.err().contains("--checkpoint-every needs --checkpoint DIR"), badEvery.err());

        MainTest.Result missing = MainTest.run("eval");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("eval needs --model FILE"), missing.err());
    }
}
