package org.vectorgrad.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.tensor.Tensor;

/**
 * The library's module boundary (src/main/java/module-info.java): it exports the API packages and the backend SPI
 * only, a consumer module can build and run a model through them, and cannot compile against a kernel package.
 * Tests themselves run on the class path (pom.xml), so this test looks at the compiled module from outside.
 */
class ModuleBoundaryTest {
    private static final Set<String> API = Set.of(
            "org.vectorgrad.tensor", "org.vectorgrad.nn", "org.vectorgrad.loss", "org.vectorgrad.optim",
            "org.vectorgrad.data", "org.vectorgrad.io", "org.vectorgrad.check", "org.vectorgrad.train",
            "org.vectorgrad.serve", "org.vectorgrad.backend");

    private static Path classes() throws Exception {
        return Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        return ModuleFinder.of(classes()).find("org.vectorgrad")
                .orElseThrow(() -> new AssertionError("no module org.vectorgrad in " + uncheckedClasses()))
                .descriptor();
    }

    private static Path uncheckedClasses() {
        try {
            return classes();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void exportsExactlyTheApiPackagesToEveryone() throws Exception {
        ModuleDescriptor d = descriptor();
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : d.exports()) {
            assertTrue(e.targets().isEmpty(), "unexpected qualified export " + e);
            exported.add(e.source());
        }
        assertEquals(new TreeSet<>(API), exported);
        Set<String> kernels = d.packages().stream()
                .filter(p -> p.startsWith("org.vectorgrad.backend.") || p.startsWith("org.vectorgrad.parallel")
                        || p.startsWith("org.vectorgrad.nativebindings") || p.startsWith("org.vectorgrad.cli"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(kernels.stream().anyMatch(p -> p.startsWith("org.vectorgrad.backend.vector")), kernels::toString);
        for (String k : kernels) assertTrue(!exported.contains(k), k + " is a kernel/internal package but exported");
        assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")));
    }

    @Test
    void consumerModuleUsesTheApiAndCannotReachKernels(@TempDir Path dir) throws Exception {
        Path lib = classes();
        Path ok = writeConsumer(dir.resolve("ok"), """
                package consumer;
                import org.vectorgrad.tensor.Tensor;
                public class Use {
                    public static void main(String[] args) {
                        Tensor t = Tensor.zeros(2, 3);
                        System.out.println("shape " + t.shapeString());
                    }
                }
                """);
        String compiled = javac(lib, ok);
        assertEquals("", compiled, "the consumer using exported API must compile");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", lib + java.io.File.pathSeparator + ok.resolve("out"),
                "--add-modules", "jdk.incubator.vector", "-m", "consumer/consumer.Use")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "hang guard");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("shape"), out);

        Path bad = writeConsumer(dir.resolve("bad"), """
                package consumer;
                public class Use {
                    public static void main(String[] args) {
                        System.out.println(org.vectorgrad.backend.vector.gemm.BlockedGemm.class);
                    }
                }
                """);
        String errors = javac(lib, bad);
        assertNotEquals("", errors, "a kernel package must not be visible to a consumer module");
        assertTrue(errors.contains("does not export") || errors.contains("not visible"), errors);
    }

    @Test
    void cliRunsFromTheModulePath() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", classes().toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=org.vectorgrad",
                "-m", "org.vectorgrad/org.vectorgrad.cli.Main", "info").redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "hang guard");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("vector"), out);
    }

    private static Path writeConsumer(Path root, String source) throws IOException {
        Files.createDirectories(root.resolve("src/consumer"));
        Files.writeString(root.resolve("src/module-info.java"), "module consumer { requires org.vectorgrad; }\n");
        Files.writeString(root.resolve("src/consumer/Use.java"), source);
        return root;
    }

    /**
     * Compiles a consumer module against the library module with the running JDK's own javac (never one found on
     * PATH); returns javac's diagnostics, "" when it compiled.
     */
    private static String javac(Path lib, Path root) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "--module-path", lib.toString(),
                "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating", "-nowarn",
                "-d", root.resolve("out").toString(),
                root.resolve("src/module-info.java").toString(), root.resolve("src/consumer/Use.java").toString()));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "hang guard");
        return p.exitValue() == 0 ? "" : (text.isEmpty() ? "javac failed with rc " + p.exitValue() : text);
    }
}
