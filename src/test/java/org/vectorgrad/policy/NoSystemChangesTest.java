package org.vectorgrad.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The library never starts a program (no package manager, nothing found through PATH), and the scripts that may
 * install packages as root name apt-get by its absolute path only. Reads the sources (tests run from the project root).
 */
class NoSystemChangesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void libraryCodeStartsNoProcess() throws IOException {
        Path main = ROOT.resolve("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the project root: " + main);
        Pattern forbidden = Pattern.compile("ProcessBuilder|Runtime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*exec"
                + "|\\.exec\\s*\\(|ProcessHandle|apt-get\\s+(install|update)\"|AptInstaller");
        List<String> hits = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(main)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (forbidden.matcher(lines.get(i)).find()) hits.add(ROOT.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertTrue(files > 50, "found the sources (" + files + " files)");
        assertEquals(List.of(), hits, "library code must not start processes");
    }

    @Test
    void scriptsRunAptGetOnlyByAbsolutePath() throws IOException {
        // an apt-get that is run, not only named in a message: at the start of a command, after sudo, or in $APT_GET
        Pattern bare = Pattern.compile("(^|[;&|(]|\\bthen|\\belse|\\bdo|\\bsudo)\\s*apt-get\\b");
        for (String script : List.of("vectorgrad", ".ci/run")) {
            Path p = ROOT.resolve(script);
            assertTrue(Files.isRegularFile(p), p.toString());
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                String code = stripComment(lines.get(i));
                Matcher m = bare.matcher(code);
                assertTrue(!m.find(), script + ":" + (i + 1) + " runs apt-get through PATH: " + lines.get(i));
            }
            String text = String.join("\n", lines);
            assertTrue(text.contains("/usr/bin/apt-get"), script + " names /usr/bin/apt-get");
        }
    }

    /** The line without a trailing {@code # comment} and without quoted message text. */
    private static String stripComment(String line) {
        String noStrings = line.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("'[^']*'", "''");
        int hash = noStrings.indexOf(" #");
        if (noStrings.stripLeading().startsWith("#")) return "";
        return hash >= 0 ? noStrings.substring(0, hash) : noStrings;
    }
}
