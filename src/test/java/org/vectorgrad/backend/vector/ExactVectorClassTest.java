package org.vectorgrad.backend.vector;

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
 * Every vector a kernel makes (a load, a zero, a broadcast, a reinterpretation or a conversion) that a method may be
 * called on is cast to its species' exact vector class (one that is only passed to a call need not be), {@code (FloatVector) VT.cast(...)} with {@code VT = S.vectorType()}: C2 inlines the
 * Vector API's intrinsics late, so without the cast it binds the calls on such a vector from the type profiles of
 * the shared {@code FloatVector} methods, and in a JVM running kernels of two widths it then kept some kernels'
 * vectors boxed, their Java fallbacks allocating per operation (decisions §2bv, §2bw). {@code tools/exact_casts.py}
 * adds the casts; this test fails on a kernel written or edited without them. Reads the sources from the
 * repository root (Surefire's working directory).
 */
class ExactVectorClassTest {
    static final Path KERNELS = Path.of("src/main/java/org/vectorgrad/backend/vector");
    /** Creations whose species is a constant name (a species passed as a parameter has no constant class). */
    static final Pattern CREATION = Pattern.compile("\\b(Float|Int|Double)Vector\\.(fromArray|zero|broadcast)\\(([A-Z][A-Z0-9_]*)[,)]");
    static final Pattern CONVERSION = Pattern.compile("\\.(reinterpretAsInts|reinterpretAsFloats|reinterpretShape|convertShape|convert)\\(");
    static final Pattern CAST_BEFORE = Pattern.compile("[A-Z][A-Z0-9_]*\\.cast\\($");

    @Test
    void everyKernelCastsTheVectorsItMakes() throws IOException {
        List<Path> sources;
        try (Stream<Path> s = Files.walk(KERNELS)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(sources.size() > 40, "kernel sources under " + KERNELS.toAbsolutePath() + ": " + sources.size());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path p : sources) {
            String code = codeOnly(Files.readString(p));
            checked += uncast(code, p.getFileName().toString(), missing);
        }
        assertTrue(checked > 2500, "vector creations and conversions found: " + checked);
        assertTrue(missing.isEmpty(), missing.size() + " vectors not cast to their exact class; run "
                + "'python3 tools/exact_casts.py FILE' (and tools/gen_kernels.py for generated kernels):\n"
                + String.join("\n", missing.subList(0, Math.min(20, missing.size()))));
    }

    @Test
    void aLoadOrAConversionWithoutTheCastIsFound() {
        List<String> missing = new ArrayList<>();
        String code = """
                FloatVector a = (FloatVector) VT.cast(FloatVector.fromArray(S, x, 0));
                FloatVector b = FloatVector.broadcast(S, 2f);
                IntVector c = ((IntVector) IT.cast(a.reinterpretAsInts())).and(1);
                FloatVector d = a.reinterpretAsInts().or(1).reinterpretAsFloats();
                FloatVector e = (FloatVector) QT.cast(a.reinterpretShape(Q, 0));
                FloatVector f = FloatVector.fromArray(species, x, 0);
                a.add(FloatVector.fromArray(S, x, 8)).intoArray(x, 0);
                a.add(FloatVector.fromArray(S, x, 8).abs()).intoArray(x, 0);
                """;
        assertEquals(8, uncast(code, "K.java", missing));
        assertEquals(4, missing.size(), missing.toString());
        assertTrue(missing.get(0).startsWith("K.java:2 ") && missing.get(0).contains("broadcast"), missing.get(0));
        assertTrue(missing.get(1).startsWith("K.java:8 ") && missing.get(1).contains("fromArray"), missing.get(1));
        assertTrue(missing.get(2).startsWith("K.java:4 ") && missing.get(2).contains("reinterpretAsInts"), missing.get(2));
        assertTrue(missing.get(3).startsWith("K.java:4 ") && missing.get(3).contains("reinterpretAsFloats"), missing.get(3));
    }

    /** Adds "file:line what" for each creation or conversion in code not cast; returns how many it checked. */
    static int uncast(String code, String file, List<String> missing) {
        int checked = 0;
        Matcher m = CREATION.matcher(code);
        while (m.find()) {
            checked++;
            if (!castJustBefore(code, m.start()) && !onlyAnArgument(code, m.start(), code.indexOf('(', m.start())))
                missing.add(where(code, file, m.start()) + m.group());
        }
        m = CONVERSION.matcher(code);
        while (m.find()) {
            checked++;
            if (!castJustBefore(code, receiverStart(code, m.start()))) missing.add(where(code, file, m.start()) + m.group());
        }
        return checked;
    }

    /**
     * True where the creation starting at {@code at} (its argument list opening at {@code open}) is an argument of
     * another call and nothing is called on it: no call is bound on its class, and the callee's intrinsic takes it by
     * the callee's own exact class.
     */
    static boolean onlyAnArgument(String code, int at, int open) {
        int before = at - 1;
        while (before >= 0 && Character.isWhitespace(code.charAt(before))) before--;
        if (before < 0 || (code.charAt(before) != '(' && code.charAt(before) != ',')) return false;
        int depth = 0, i = open;
        for (; i < code.length(); i++) {
            if (code.charAt(i) == '(') depth++;
            else if (code.charAt(i) == ')' && --depth == 0) break;
        }
        int after = i + 1;
        while (after < code.length() && Character.isWhitespace(code.charAt(after))) after++;
        return after >= code.length() || code.charAt(after) != '.';
    }

    static boolean castJustBefore(String code, int at) {
        return CAST_BEFORE.matcher(code.substring(Math.max(0, at - 40), at)).find();
    }

    static String where(String code, String file, int at) {
        return file + ":" + (1 + code.substring(0, at).chars().filter(c -> c == '\n').count()) + " ";
    }

    /** Start of the primary expression (names, calls, parentheses, a chain of them) whose member access is at dot. */
    static int receiverStart(String code, int dot) {
        int i = dot;
        while (true) {
            int j = i - 1;
            while (j >= 0 && Character.isWhitespace(code.charAt(j))) j--;
            if (j < 0) return i;
            char c = code.charAt(j);
            if (c == ')' || c == ']') {
                char open = c == ')' ? '(' : '[';
                int depth = 0;
                for (; j >= 0; j--) {
                    if (code.charAt(j) == c) depth++;
                    else if (code.charAt(j) == open && --depth == 0) break;
                }
                i = j;
                if (j > 0 && Character.isJavaIdentifierPart(code.charAt(j - 1))) continue;   // a call's name
                return i;
            }
            if (!Character.isJavaIdentifierPart(c)) return i;
            while (j >= 0 && Character.isJavaIdentifierPart(code.charAt(j))) j--;
            i = j + 1;
            int k = j;
            while (k >= 0 && Character.isWhitespace(code.charAt(k))) k--;
            if (k >= 0 && code.charAt(k) == '.') {
                i = k;
                continue;                                                                    // a chain
            }
            return i;
        }
    }

    /** The source with comments and string literals blanked (same length, so offsets and lines hold). */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0, n = src.length();
        while (i < n) {
            int j;
            if (src.startsWith("//", i)) {
                j = src.indexOf('\n', i);
                j = j < 0 ? n : j;
            } else if (src.startsWith("/*", i)) {
                j = src.indexOf("*/", i + 2);
                j = j < 0 ? n : j + 2;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                char q = src.charAt(i);
                j = i + 1;
                while (j < n && src.charAt(j) != q) j += src.charAt(j) == '\\' ? 2 : 1;
                j = Math.min(n, j + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < j; k++) if (out.charAt(k) != '\n') out.setCharAt(k, ' ');
            i = j;
        }
        return out.toString();
    }
}
