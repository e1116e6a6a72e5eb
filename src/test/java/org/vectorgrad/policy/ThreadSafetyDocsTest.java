package org.vectorgrad.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "Thread safety is stated": the Javadoc of every public top-level type in the core library's sources says whether
 * it may be shared across threads (it mentions threads or concurrent use). Reads {@code src/main/java} as text, from
 * the module's directory, where Maven runs the tests.
 */
class ThreadSafetyDocsTest {
    /** A public top-level declaration at the start of a line, after any annotations. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^public (?:(?:final|abstract|sealed|non-sealed|static) )*(?:class|interface|record|enum|@interface) (\\w+)",
            Pattern.MULTILINE);

    /** The Javadoc comment that ends right before {@code declarationStart} (annotations between allowed), or null. */
    static String javadocBefore(String source, int declarationStart) {
        String before = source.substring(0, declarationStart).stripTrailing();
        while (before.endsWith(")") || before.matches("(?s).*\\n@\\w+$")) {
            int at = before.lastIndexOf("\n@");
            if (at < 0) return null;
            before = before.substring(0, at).stripTrailing();
        }
        if (!before.endsWith("*/")) return null;
        int open = before.lastIndexOf("/**");
        return open < 0 ? null : before.substring(open);
    }

    static boolean statesThreadSafety(String javadoc) {
        String text = javadoc.toLowerCase(Locale.ROOT);
        return text.contains("thread") || text.contains("concurren");
    }

    private static List<String> typesWithoutAStatement(Path root) throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String name = f.getFileName().toString();
                if (name.equals("module-info.java") || name.equals("package-info.java")) continue;
                String source = Files.readString(f);
                Matcher m = DECLARATION.matcher(source);
                if (!m.find()) continue;
                String doc = javadocBefore(source, m.start());
                if (doc == null || !statesThreadSafety(doc)) missing.add(root.relativize(f).toString());
            }
        }
        missing.sort(null);
        return missing;
    }

    @Test
    void everyPublicTypeSaysWhetherItMayBeShared() throws IOException {
        Path root = Path.of("src/main/java");
        assertTrue(Files.isDirectory(root), "run from the core module's directory: no " + root.toAbsolutePath());
        assertEquals(List.of(), typesWithoutAStatement(root),
                "public types whose Javadoc does not say whether they may be shared across threads");
    }

    @Test
    void aTypeWithoutAStatementIsFound(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Quiet.java"), "package p;\n\n/** Does things. */\n@Deprecated\npublic final class Quiet {}\n");
        Files.writeString(dir.resolve("Said.java"),
                "package p;\n\n/**\n * Does things.\n *\n * <p>Thread safety: immutable.\n */\n@SuppressWarnings(\"x\")\n"
                        + "public record Said(int a) {}\n");
        Files.writeString(dir.resolve("Bare.java"), "package p;\n\npublic enum Bare { A }\n");
        assertEquals(List.of("Bare.java", "Quiet.java"), typesWithoutAStatement(dir));
    }
}
