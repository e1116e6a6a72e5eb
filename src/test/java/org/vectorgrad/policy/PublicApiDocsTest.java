package org.vectorgrad.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Public API gets Javadoc": in the packages the module exports, every constructor and method declared
 * {@code public} has a Javadoc comment, unless it overrides (its contract is the overridden one's). A text scan of
 * {@code src/main/java} from the module's directory: a declaration line starting with {@code public} and holding
 * a {@code (} must follow a line ending a comment ({@code *}{@code /}) or carry {@code @Override} among the
 * annotations just above it. Interface methods without the keyword are not seen by this scan.
 */
class PublicApiDocsTest {
    /** The exported packages (module-info.java), as directories under org/vectorgrad. */
    private static final List<String> EXPORTED = List.of(
            "tensor", "nn", "loss", "optim", "data", "io", "check", "train", "serve", "backend");
    private static final Pattern MEMBER = Pattern.compile(
            "\\s+public (?!(?:static |final |abstract |sealed |non-sealed )*(?:class|interface|record|enum) ).*\\(.*");

    static List<String> undocumented(Path file, String shownAs) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!MEMBER.matcher(lines.get(i)).matches()) continue;
            int j = i - 1;
            boolean overrides = false;
            while (j >= 0 && lines.get(j).strip().startsWith("@")) {
                overrides |= lines.get(j).strip().startsWith("@Override");
                j--;
            }
            if (overrides || (j >= 0 && lines.get(j).strip().endsWith("*/"))) continue;
            missing.add(shownAs + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
        return missing;
    }

    @Test
    void everyPublicMemberOfTheExportedPackagesHasJavadoc() throws IOException {
        Path root = Path.of("src/main/java/org/vectorgrad");
        assertTrue(Files.isDirectory(root), "run from the core module's directory: no " + root.toAbsolutePath());
        List<String> missing = new ArrayList<>();
        for (String pkg : EXPORTED) {
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
                    missing.addAll(undocumented(f, pkg + "/" + f.getFileName()));
                }
            }
        }
        assertEquals(List.of(), missing, "public constructors and methods without Javadoc");
    }

    @Test
    void theScanFindsAnUndocumentedMemberAndAcceptsDocumentedOrOverridingOnes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("X.java");
        Files.writeString(f, String.join("\n",
                "/** X. */",
                "public final class X {",
                "    /** Documented. */",
                "    public X() {}",
                "    public int bare() { return 1; }",
                "    @Override",
                "    public String toString() { return \"x\"; }",
                "    /** Annotated after its comment. */",
                "    @Deprecated",
                "    public void old() {}",
                "    public static final class Inner {}",
                "    public static final int CONSTANT = 1;",
                "}"));
        assertEquals(List.of("X.java:5: public int bare() { return 1; }"), undocumented(f, "X.java"));
    }
}
