package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.io.Json;

/**
 * {@code train --csv}: a regression trains and reports its MSE and MAE in the JSON; multi-label and classification
 * from CSV; a malformed row ends the run with exit 1 (as every data error) and one line naming the file and the line;
 * wrong combinations of options are usage errors (exit 2).
 */
class CsvTrainCliTest {
    @TempDir
    Path dir;

    /** y = x0 - 2·x1 + 0.5 + noise(0.05), 300 rows, with a header; the variance of y is about 5. */
    private Path regressionCsv() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder("x0,\"x,1\",y\r\n");
        for (int i = 0; i < 300; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f\r\n", 10 * a, b, a - 2 * b + 0.5 + 0.05 * r.nextGaussian()));
        }
        Path f = dir.resolve("reg.csv");
        Files.writeString(f, sb);
        return f;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(MainTest.Result r) {
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) Json.parse(r.lastLine());
    }

    @Test
    void regressionTrainsAndReportsMseInTheJson() throws IOException {
        MainTest.Result r = MainTest.run("train", "--csv", regressionCsv().toString(), "--target", "y", "--task", "regression",
                "--hidden", "16", "--epochs", "12", "--batch", "16", "--lr-warmup", "0", "--backend", "scalar", "--threads", "1");
        Map<String, Object> j = json(r);
        assertEquals("regression", j.get("task"));
        assertEquals("16", j.get("hidden"));
        assertEquals("MeanSquaredError", j.get("loss"));
        assertEquals(2L, j.get("features"));
        assertEquals(1L, j.get("outputs"));
        assertEquals(240L, j.get("train_samples"));
        assertEquals(60L, j.get("test_samples"));
        assertTrue(!j.containsKey("test_accuracy"), r.lastLine());
        double mse = ((Number) j.get("test_mse")).doubleValue(), mae = ((Number) j.get("test_mae")).doubleValue();
        assertTrue(mse < 0.25, "learns (variance of y about 5): " + r.lastLine()); // predicting the mean scores about 5; noise alone 0.0025
        assertTrue(mae > 0 && mae * mae <= mse + 1e-9, r.lastLine());
        assertTrue(r.out().contains("epoch  train_loss    test_mse    test_mae  samples/s"), r.out());
        assertTrue(r.out().contains("final test mse "), r.out());
        assertTrue(r.err().contains("regression with 2 features [x0, \"x,1\"], target [y]; 240 training and 60 test rows"), r.err());
    }

    @Test
    void everyRegressionLossAndAColumnIndexWithoutHeaderWork() throws IOException {
        Path f = dir.resolve("nh.csv");
        Files.writeString(f, Files.readString(regressionCsv()).lines().skip(1).reduce("", (a, b) -> a + b + "\n"));
        for (String loss : new String[] {"mae", "huber"}) {
            Map<String, Object> j = json(MainTest.run("train", "--csv", f.toString(), "--csv-header", "no", "--target", "2", "--task", "regression",
                    "--loss", loss, "--hidden", "8", "--epochs", "2", "--backend", "scalar", "--threads", "1"));
            assertEquals(loss.equals("mae") ? "MeanAbsoluteError" : "HuberLoss(delta=1.0)", j.get("loss"));
            assertTrue(j.get("test_mse") instanceof Number && j.get("test_mae") instanceof Number, j.toString());
        }
    }

    @Test
    void multiLabelAndClassificationFromCsv() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder ml = new StringBuilder("a,b,p,q\n"), cl = new StringBuilder("a,b,class\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            ml.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%d,%d\n", a, b, a > 0 ? 1 : 0, b > 0 ? 1 : 0));
            cl.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%d\n", a, b, (a > 0 ? 1 : 0) + (b > 0 ? 2 : 0)));
        }
        Path mlf = dir.resolve("ml.csv"), clf = dir.resolve("cl.csv");
        Files.writeString(mlf, ml);
        Files.writeString(clf, cl);
        Map<String, Object> m = json(MainTest.run("train", "--csv", mlf.toString(), "--target", "p,q", "--task", "multilabel",
                "--hidden", "8", "--epochs", "3", "--backend", "scalar", "--threads", "1"));
        assertEquals(2L, m.get("outputs"));
        assertTrue(((Number) m.get("test_label_accuracy")).doubleValue() >= ((Number) m.get("test_exact_match")).doubleValue(), m.toString());
        MainTest.Result c = MainTest.run("train", "--csv", clf.toString(), "--target", "class", "--test-fraction", "0.25",
                "--hidden", "8", "--epochs", "3", "--backend", "scalar", "--threads", "1");
        Map<String, Object> j = json(c);
        assertEquals("classification", j.get("task"));
        assertEquals(4L, j.get("outputs"));
        assertEquals(50L, j.get("test_samples"));
        assertTrue(j.get("test_accuracy") instanceof Number, c.lastLine());
        assertTrue(c.out().contains("test_acc"), c.out());
    }

    @Test
    void separateTestFileIsUsedAsIs() throws IOException {
        Path train = regressionCsv(), test = dir.resolve("test.csv");
        Files.writeString(test, "x0,\"x,1\",y\n1,1,-0.5\n2,0,2.5\n");
        Map<String, Object> j = json(MainTest.run("train", "--csv", train.toString(), "--csv-test", test.toString(), "--target", "y",
                "--task", "regression", "--hidden", "8", "--epochs", "1", "--backend", "scalar", "--threads", "1"));
        assertEquals(300L, j.get("train_samples"));
        assertEquals(2L, j.get("test_samples"));
    }

    private static void assertOneLineDataError(MainTest.Result r, String... fragments) {
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertTrue(err.startsWith("vectorgrad: "), err);
        for (String f : fragments) assertTrue(err.contains(f), "stderr should contain '" + f + "': " + err);
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    void aMalformedRowIsOneLineNamingFileAndLineAndExit1() throws IOException {
        Path f = regressionCsv();
        String text = Files.readString(f);
        // line 101 (the header is line 1): a field too many
        String[] lines = text.split("\r\n");
        lines[100] = lines[100] + ",7";
        Path bad = dir.resolve("bad rows.csv");
        Files.writeString(bad, String.join("\r\n", lines) + "\r\n");
        assertOneLineDataError(MainTest.run("train", "--csv", bad.toString(), "--target", "y", "--task", "regression"),
                bad + ": line 101: 4 fields where the header has 3");
        lines[100] = lines[100].replace(",7", "");
        lines[200] = "1.5,abc,2";
        Files.writeString(bad, String.join("\r\n", lines) + "\r\n");
        assertOneLineDataError(MainTest.run("train", "--csv", bad.toString(), "--target", "y", "--task", "regression"),
                bad + ": line 201: 'abc' in column 1 ('x,1') is not a decimal number");
        assertOneLineDataError(MainTest.run("train", "--csv", dir.resolve("none.csv").toString(), "--target", "y", "--task", "regression"),
                "none.csv: no such file");
        assertOneLineDataError(MainTest.run("train", "--csv", f.toString(), "--target", "price", "--task", "regression"),
                "no column named 'price'", "[x0, x,1, y]");
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "a,c\n1,0\n2,1\n3,-1\n4,1\n");
        assertOneLineDataError(MainTest.run("train", "--csv", labels.toString(), "--target", "c"),
                labels + ": line 4: -1.0 in the target column 1 ('c') is not a class label");
    }

    @Test
    void optionsThatDoNotFitAreUsageErrors() throws IOException {
        String csv = regressionCsv().toString();
        String[][] cases = {
                {"--task", "regression"},                                      // no --csv
                {"--csv", csv},                                                // no --target
                {"--csv", csv, "--target", "y", "--model", "cnn"},
                {"--csv", csv, "--target", "y", "--loss", "mae"},              // --loss without regression
                {"--csv", csv, "--target", "y", "--task", "regression", "--loss", "l2"},
                {"--csv", csv, "--target", "y", "--test-fraction", "1"},
                {"--csv", csv, "--target", "y", "--csv-test", csv, "--test-fraction", "0.3"},
                {"--csv", csv, "--target", "x0,y"},                            // classification takes one column
                {"--target", "y"},
                {"--hidden", "0"},
        };
        for (String[] c : cases) {
            String[] argv = new String[c.length + 1];
            argv[0] = "train";
            System.arraycopy(c, 0, argv, 1, c.length);
            MainTest.Result r = MainTest.run(argv);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().startsWith("vectorgrad: "), r.err());
        }
    }

    @Test
    void aSavedCsvModelKeepsItsColumnsAndStandardizationAndServes() throws Exception {
        Path csv = regressionCsv(), file = dir.resolve("reg.safetensors");
        MainTest.Result r = MainTest.run("train", "--csv", csv.toString(), "--target", "y", "--task", "regression", "--hidden", "8",
                "--epochs", "2", "--backend", "scalar", "--threads", "1", "--save", file.toString());
        assertEquals(0, r.code(), r.err());
        var loaded = org.vectorgrad.io.ModelFile.load(file);
        Map<String, String> meta = loaded.metadata();
        assertEquals("regression", meta.get("task"));
        assertEquals(java.util.List.of("x0", "x,1"), Json.parse(meta.get("feature_names")));
        assertEquals(java.util.List.of("y"), Json.parse(meta.get("target_names")));
        java.util.List<?> mean = (java.util.List<?>) Json.parse(meta.get("feature_mean")), std = (java.util.List<?>) Json.parse(meta.get("feature_std"));
        assertEquals(2, mean.size());
        assertTrue(((Number) std.get(0)).doubleValue() > 5, "x0 has a std of about 10: " + std);
        // the served model on a standardized row gives a finite number
        float[] row = {(float) ((3.0 - ((Number) mean.get(0)).doubleValue()) / ((Number) std.get(0)).doubleValue()),
                (float) ((-1.0 - ((Number) mean.get(1)).doubleValue()) / ((Number) std.get(1)).doubleValue())};
        try (var be = org.vectorgrad.backend.scalar.ScalarBackend.create()) {
            var p = org.vectorgrad.serve.Predictor.of(bound(loaded.model(), be), be);
            var y = p.predict(org.vectorgrad.tensor.Tensor.of(row, 1, 2));
            assertEquals(1, y.size());
            assertTrue(Float.isFinite(y.getFlat(0)));
        }
        MainTest.Result e = MainTest.run("eval", "--model", file.toString());
        assertEquals(1, e.code(), e.err());
        assertTrue(e.err().contains("a model trained on CSV rows (task regression") && e.err().strip().lines().count() == 1, e.err());
    }

    private static org.vectorgrad.nn.Layer bound(org.vectorgrad.nn.Layer l, org.vectorgrad.backend.Backend be) {
        l.bind(be);
        return l;
    }
}
