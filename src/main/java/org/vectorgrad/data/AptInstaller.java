package org.vectorgrad.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Installs a Debian package with {@code apt-get} when that is possible, echoing apt-get's output to a log. */
final class AptInstaller {
    private AptInstaller() {}

    /**
     * Installs {@code pkg} unless that cannot work here, and reports whether {@code dir} exists afterwards.
     *
     * @param root   whether this process runs as root (apt-get needs it)
     * @param aptGet the apt-get executable, or null when there is none
     * @param log    receives one line saying what happens, and apt-get's own output (never stdout of the CLI)
     */
    static boolean install(String pkg, Path dir, boolean root, Path aptGet, PrintStream log) {
        if (!root) {
            log.println("not installing " + pkg + ": this process is not root (run 'apt-get install " + pkg + "' as root)");
            return false;
        }
        if (aptGet == null) {
            log.println("not installing " + pkg + ": apt-get not found on PATH");
            return false;
        }
        log.println(dir + " is missing; running " + aptGet + " install -y " + pkg);
        try {
            int rc = run(log, aptGet.toString(), "install", "-y", pkg);
            if (rc != 0) {
                // A container's package lists are often missing or stale: refresh them once and retry.
                log.println("apt-get install failed (exit " + rc + "); running apt-get update and retrying");
                run(log, aptGet.toString(), "update");
                rc = run(log, aptGet.toString(), "install", "-y", pkg);
            }
            boolean ok = rc == 0 && Files.isDirectory(dir);
            log.println(ok ? "installed " + pkg + " into " + dir
                    : "could not install " + pkg + " (apt-get exit " + rc + ", " + dir
                            + (Files.isDirectory(dir) ? " exists)" : " still missing)"));
            return ok;
        } catch (IOException e) {
            log.println("could not run apt-get: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.println("interrupted while installing " + pkg);
            return false;
        }
    }

    /** Runs a command without a terminal, copying its merged output to {@code log}; returns the exit status. */
    private static int run(PrintStream log, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        // stdin from /dev/null so apt-get can never wait for an answer
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) log.println(line);
        }
        return p.waitFor();
    }

    /** True when this process runs as uid 0; falls back to {@code user.name} where /proc is not available. */
    static boolean isRoot() {
        try {
            // /proc/self belongs to the effective uid of the process that looks at it
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The first executable called {@code name} in the directories of {@code PATH}, or null. */
    static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }
}
