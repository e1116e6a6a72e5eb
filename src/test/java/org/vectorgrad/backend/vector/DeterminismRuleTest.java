package org.vectorgrad.backend.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of docs/decisions.md §5a, checked on the sources so that no later change brings back an operation
 * whose bits the JDK leaves to the JIT: no {@code reduceLanes} except MAX/MIN (lane sums go through
 * {@code Lanes.sum}), no transcendental Vector API operator (they go through {@code FixedMath}).
 */
class DeterminismRuleTest {
    private static final Pattern REDUCE = Pattern.compile("reduceLanes\\s*\\(\\s*(?:VectorOperators\\.)?(\\w+)");
    private static final Pattern TRANSCENDENTAL = Pattern.compile(
            "VectorOperators\\.(EXP|EXPM1|LOG|LOG1P|LOG10|TANH|SINH|COSH|SIN|COS|TAN|ASIN|ACOS|ATAN|ATAN2|POW|HYPOT|CBRT)\\b");

    @Test
    void mainSourcesUseNoUnorderedReductionAndNoIntrinsicTranscendental() throws IOException {
        Path root = Path.of("src/main/java");
        assertTrue(Files.isDirectory(root), "run from the project directory: " + root.toAbsolutePath());
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    String t = line.trim();
                    if (t.startsWith("*") || t.startsWith("//") || t.startsWith("/*")) continue; // prose may name them
                    Matcher r = REDUCE.matcher(line);
                    while (r.find()) {
                        if (!r.group(1).equals("MAX") && !r.group(1).equals("MIN")) found.add(p + ":" + (i + 1) + ": " + line.trim());
                    }
                    if (TRANSCENDENTAL.matcher(line).find()) found.add(p + ":" + (i + 1) + ": " + line.trim());
                }
            }
        }
        assertTrue(files > 50, "scanned " + files + " files");
        assertTrue(found.isEmpty(), "use Lanes.sum / FixedMath instead (docs/decisions.md §5a):\n" + String.join("\n", found));
    }
}
