package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;

/**
 * Atomic checkpoint writes: a child JVM rewrites a checkpoint in a loop (each version holding one value
 * everywhere) and is killed with SIGKILL at random moments, many times; after each kill the checkpoint must read
 * and restore completely, with every tensor from one and the same version (never torn, never unreadable). The
 * kill moments are random, but the assertion holds for any moment, so the test does not depend on timing.
 */
class CheckpointKillTest {
    static final int KILLS = 8;

    /** The child: writes versions 1, 2, 3, ... of the checkpoint into args[0] until killed. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Sequential m = model();
        SGD sgd = new SGD(m.parameters(), 0.1f, 0.9f);
        for (int version = 1; ; version++) {
            for (Parameter p : m.parameters()) p.value().fill(version);
            for (var t : sgd.stateTensors().values()) t.fill(version);
            Checkpoint.save(dir, m, sgd, run(), new Checkpoint.Position(1, version, version, 0, 0, 2.5, List.of()));
            if (version == 1) {
                System.out.println("ready");
                System.out.flush();
            }
        }
    }

    static Sequential model() { return new Sequential(new Dense(256, 512, 1), new Dense(512, 64, 2)); } // ~0.6 MB per version

    static Checkpoint.Run run() { return new Checkpoint.Run(1, 8, 1, 10, 0.1f); }

    @Test
    void killedWritersLeaveACompleteCheckpoint(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rng = new SplittableRandom(3);
        int lastVersion = 0;
        for (int k = 0; k < KILLS; k++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CheckpointKillTest.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = r.readLine();
                assertEquals("ready", line, "child output");
                Thread.sleep(rng.nextInt(200));
                p.destroyForcibly();
                assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not end");
            }
            Sequential m = model();
            SGD sgd = new SGD(m.parameters(), 0.1f, 0.9f);
            Checkpoint.Position pos = Checkpoint.restore(dir, m, sgd, run());
            int version = pos.stepInEpoch();
            assertTrue(version >= 1, "version " + version);
            for (Parameter par : m.parameters()) for (float v : par.value().toArray()) assertEquals(version, v, 0f, "torn checkpoint");
            for (var t : sgd.stateTensors().values()) for (float v : t.toArray()) assertEquals(version, v, 0f, "torn optimizer state");
            lastVersion = version;
        }
        assertTrue(lastVersion >= 1);
        try (var files = Files.list(dir)) {
            long others = files.filter(f -> !f.getFileName().toString().equals(Checkpoint.FILE)).count();
            assertTrue(others <= KILLS, "at most one stray temporary file per kill, found " + others);
            System.err.println("CheckpointKillTest: " + KILLS + " kills, " + others + " landed mid-write (stray temporary files), last version " + lastVersion);
        }
    }
}
