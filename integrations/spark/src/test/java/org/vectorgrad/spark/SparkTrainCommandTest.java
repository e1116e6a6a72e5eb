package org.vectorgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command's argument handling; every case here is refused before a Spark session starts. */
class SparkTrainCommandTest {
    @Test
    void partitionsDefaultToTheLocalMastersThreads() {
        assertEquals(2, SparkTrainCommand.partitionsOf("local[2]"));
        assertEquals(4, SparkTrainCommand.partitionsOf("local[4,3]"));
        assertEquals(2, SparkTrainCommand.partitionsOf("spark://host:7077"));
    }

    private static String usageError(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = SparkTrainCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc, "exit code for " + List.of(args));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout");
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsAreNamed() {
        String e = usageError("--master", "local[2]", "--batch", "127");
        assertTrue(e.contains("--batch 127 must be a multiple of --partitions 2") && e.contains("usage: vectorgrad spark-train"), e);
        e = usageError("--resume");
        assertTrue(e.contains("--resume needs --checkpoint DIR"), e);
        e = usageError("--workers", "3");
        assertTrue(e.contains("unknown option --workers"), e);
    }
}
