package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;

/**
 * Every vector kernel gives the same bits interpreted, compiled by C1 and compiled by C2. The interpreter and C1
 * each run in a child JVM ({@code -Xint}; {@code -XX:TieredStopAtLevel=1} with 3,000 rounds); tiered compilation, ending in C2,
 * in this JVM: 20,000 rounds, every round compared with the first. Nothing here depends on when the JIT compiles: the
 * assertion is only that all of these give equal bits, which a kernel using {@code reduceLanes(ADD)} or the
 * Vector API's EXP/TANH did not.
 */
class JitStabilityTest {
    private static final int C2_ROUNDS = 20_000, C1_ROUNDS = 300;

    @Test
    void interpretedC1AndC2GiveTheSameBits() throws Exception {
        // the children run while this JVM warms up (they are mostly waiting on the same two cores, that is fine)
        Child interpreter = new Child(List.of("-Xint"), 1, 0);
        Child c1Only = new Child(List.of("-XX:TieredStopAtLevel=1"), 1, C1_ROUNDS);
        Map<String, Long> compiled;
        try (Backend be = VectorBackend.create(1)) {
            compiled = new KernelDigests().warm(be, C2_ROUNDS);
        }
        Map<String, Long> interpreted = interpreter.digests(), c1 = c1Only.digests();
        assertTrue(compiled.size() >= 38, "every kernel is digested: " + compiled.keySet());
        for (String kernel : compiled.keySet()) {
            assertEquals(interpreted.get(kernel), compiled.get(kernel), kernel + ": interpreted vs C2 after " + C2_ROUNDS + " rounds");
            assertEquals(c1.get(kernel), compiled.get(kernel), kernel + ": C1 vs C2");
        }
        assertEquals(compiled.keySet(), interpreted.keySet());
    }

    /** {@link KernelDigests#main} in a child JVM with this JVM's vector flags plus {@code flags}, started at once. */
    private static final class Child {
        private final List<String> cmd = new ArrayList<>();
        private final Process process;

        Child(List<String> flags, int threads, int rounds) throws IOException {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // what decides the species and the module graph; not agents, debuggers or heap settings
                if (arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize") || arg.startsWith("--add-modules")
                        || arg.startsWith("--enable-native-access")) cmd.add(arg);
            }
            if (cmd.stream().noneMatch(s -> s.startsWith("--add-modules"))) cmd.add("--add-modules=jdk.incubator.vector");
            cmd.addAll(flags);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelDigests.class.getName(),
                    Integer.toString(threads), Integer.toString(rounds)));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        }

        Map<String, Long> digests() throws IOException, InterruptedException {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS)) process.destroyForcibly();
            assertEquals(0, process.exitValue(), "child " + cmd + " failed; output:\n" + out);
            Map<String, Long> d = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.lastIndexOf('=');
                if (eq > 0 && !line.startsWith("WARNING")) d.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
            return d;
        }
    }
}
