package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.io.SafeTensors;

/**
 * SIGTERM during {@code train --checkpoint}: the child JVM finishes its step, writes a checkpoint and exits 143.
 * The signal is sent once training has started (a 20-epoch run cannot finish first on any machine), so the
 * outcome does not depend on timing.
 */
class SignalCheckpointTest {

    @Test
    void sigtermFinishesTheStepWritesACheckpointAndExits143(@TempDir Path tmp) throws Exception {
        Path data = Path.of(TrainingOptions.DEFAULT_DATA);
        org.vectorgrad.Prerequisites.require(Files.isDirectory(data), "Fashion-MNIST not installed at " + data);
        Path cp = tmp.resolve("cp");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--epochs", "20", "--threads", "1", "--backend", "vector", "--checkpoint", cp.toString()))
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile()).start();
        Path errFile = tmp.resolve("err.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600); // only a hang guard: a generous bound on JVM start and data loading
        while (!Files.readString(errFile).contains("checkpoints go to")) {
            assertTrue(p.isAlive(), "child ended before training: " + Files.readString(errFile));
            assertTrue(System.nanoTime() < deadline, "training did not start (the signal handlers are installed before that line): " + Files.readString(errFile));
            Thread.sleep(50);
        }
        p.destroy(); // SIGTERM, during the first epoch (20 epochs of 60000 samples take minutes)
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "child did not exit");
        String err = Files.readString(errFile);
        assertEquals(143, p.exitValue(), err);
        assertTrue(err.contains("SIGTERM: finishing the current step and writing a checkpoint"), err);
        assertTrue(err.contains("checkpoint in " + cp), err);
        SafeTensors.Contents c = SafeTensors.read(cp.resolve("checkpoint.safetensors"));
        assertEquals("1", c.metadata().get("epoch"), c.metadata().toString());
        assertTrue(Integer.parseInt(c.metadata().get("step")) >= 1, c.metadata().toString());
        String out = Files.readString(tmp.resolve("out.txt"));
        assertTrue(out.contains("stopped before the first epoch ended"), out);
    }
}
