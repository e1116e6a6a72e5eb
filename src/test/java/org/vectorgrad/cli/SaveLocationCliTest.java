package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --save}, {@code --checkpoint} and {@code --diagnostics-plot} at a place that cannot be written fail
 * before training, naming the option (they used to fail only after training, losing the trained model). The
 * unwritable place is a path under a regular file, which even root cannot create.
 */
class SaveLocationCliTest {
    @Test
    void anUnwritableOutputFailsBeforeTraining(@TempDir Path tmp) throws IOException {
        Path data = DivergenceCliTest.tinyData(Files.createDirectory(tmp.resolve("data")));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String[][] cases = {{"--save", file.resolve("m.safetensors").toString()}, {"--save", tmp.toString()},
                            {"--checkpoint", file.resolve("ck").toString()}, {"--diagnostics-plot", file.resolve("p.svg").toString()}};
        for (String[] c : cases) {
            MainTest.Result r = MainTest.run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--backend", "scalar", c[0], c[1]);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("vectorgrad: " + c[0] + " " + c[1] + ": "), r.err());
            assertFalse(r.err().contains("training Sequential"), "trained before failing: " + r.err());
        }
        MainTest.Result ok = MainTest.run("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--backend", "scalar",
                "--save", tmp.resolve("new/dir/m.safetensors").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(tmp.resolve("new/dir/m.safetensors")));
        try (var s = Files.list(tmp.resolve("new/dir"))) {
            assertEquals(1, s.count(), "no probe file left behind");
        }
    }
}
