package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Trainer;

/**
 * {@code train}'s JSON says whether the run diverged, and a diverged run exits 1 with the reason on stderr. The
 * end-to-end run uses small synthetic IDX files (no Fashion-MNIST needed); the diverged exit path is driven by a
 * trainer that diverges by construction, since the reference models' runaway runs are chaotic (which learning rate
 * ends in finite garbage rather than in a NaN depends on the bits).
 */
class DivergenceCliTest {

    private static void idx(Path file, int[] dims, byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        out.write(data);
        Files.write(file, out.toByteArray());
    }

    static Path tinyData(Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        for (String split : new String[] {"train", "t10k"}) {
            int n = split.equals("train") ? 256 : 64;
            byte[] pixels = new byte[n * 784], labels = new byte[n];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) r.nextInt(256);
            for (int i = 0; i < n; i++) labels[i] = (byte) r.nextInt(10);
            idx(dir.resolve(split + "-images-idx3-ubyte"), new int[] {n, 28, 28}, pixels);
            idx(dir.resolve(split + "-labels-idx1-ubyte"), new int[] {n}, labels);
        }
        return dir;
    }

    @Test
    void aNormalRunSaysDivergedFalseAndExitsZero(@TempDir Path tmp) throws IOException {
        Path data = tinyData(tmp);
        MainTest.Result r = MainTest.run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--backend", "vector");
        assertEquals(0, r.code(), r.err());
        String json = r.lastLine();
        assertTrue(json.contains("\"diverged\": false"), json);
        double start = Double.parseDouble(json.replaceAll(".*\"start_loss\": ([0-9.]+).*", "$1"));
        double end = Double.parseDouble(json.replaceAll(".*\"train_loss\": ([0-9.]+).*", "$1"));
        assertTrue(start > 1 && end < Trainer.DIVERGENCE_FACTOR * Math.min(start, Math.log(10)), json);
        assertTrue(!r.err().contains("diverged"), r.err());
    }

    @Test
    void aDivergedRunExitsOneAndSaysWhy() {
        // softmax regression on random labels at a huge rate: bounded gradients, weights and loss grow, loss stays finite
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[600 * 6];
        int[] y = new int[600];
        for (int i = 0; i < x.length; i++) x[i] = (float) Tensor.gaussian(r);
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(3);
        Sequential m = new Sequential(new Flatten(), new Dense(6, 3, 1));
        Trainer t = new Trainer(m, new SoftmaxCrossEntropy(), new SGD(m.parameters(), 500f, 0.9f), ScalarBackend.create());
        t.fit(Dataset.ofFloats("noise", x, new int[] {1, 2, 3}, y, 3), null, 3, 32, 7);
        var err = new ByteArrayOutputStream();
        assertEquals(1, TrainCommand.exitCode(t, new PrintStream(err, true, StandardCharsets.UTF_8)));
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.startsWith("vectorgrad: training diverged: the last epoch's mean loss ") && msg.contains(" is more than 2 times ") && msg.contains(", the smaller of the first step's loss (")
                && msg.contains("lower the learning rate (--lr)"), msg);
        var quiet = new ByteArrayOutputStream();
        Sequential ok = new Sequential(new Flatten(), new Dense(6, 3, 1));
        Trainer fine = new Trainer(ok, new SoftmaxCrossEntropy(), new SGD(ok.parameters(), 0.01f, 0.9f), ScalarBackend.create());
        fine.fit(Dataset.ofFloats("noise", x, new int[] {1, 2, 3}, y, 3), null, 1, 32, 7);
        assertEquals(0, TrainCommand.exitCode(fine, new PrintStream(quiet, true, StandardCharsets.UTF_8)));
        assertEquals("", quiet.toString(StandardCharsets.UTF_8));
    }
}
