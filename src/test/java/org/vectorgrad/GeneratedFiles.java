package org.vectorgrad;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checksum manifests of generated files ({@code sha256sum} format), shared by the tests that keep generated code
 * (the jextract bindings, the GEMM micro-kernels) exactly as its generator wrote it.
 */
public final class GeneratedFiles {
    private GeneratedFiles() {}

    /** {@code sha256sum} lines: 64 hex digits, two spaces (or space and '*'), the path. */
    public static Map<String, String> read(Path manifest) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            if (line.isBlank()) continue;
            if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || line.charAt(64) != ' ') {
                throw new IllegalArgumentException(manifest + ": expected '<64 hex digits>  <path>', found '" + line + "'");
            }
            m.put(line.substring(66), line.substring(0, 64));
        }
        return m;
    }

    public static String sha256(Path f) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies the manifest and every file it lists from {@code root} to the same places under {@code copy}. */
    public static void copyListed(Path root, Path copy, String manifest) throws IOException {
        Files.createDirectories(copy.resolve(manifest).getParent());
        Files.copy(root.resolve(manifest), copy.resolve(manifest));
        for (String f : read(root.resolve(manifest)).keySet()) {
            Files.createDirectories(copy.resolve(f).getParent());
            Files.copy(root.resolve(f), copy.resolve(f));
        }
    }
}
