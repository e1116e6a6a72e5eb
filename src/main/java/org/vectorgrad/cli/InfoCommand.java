package org.vectorgrad.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code vectorgrad info [--json]}: what this machine and runtime offer (JDK, Vector API species, CPU flags,
 * backends and why one is off, OpenBLAS core and config, core-type decision, thread policy). Text by default;
 * {@code --json} prints one JSON object on one line, nothing else on stdout.
 */
public final class InfoCommand {
    private InfoCommand() {}

    /** Runs the command; returns the process exit status (0 ok, 2 bad arguments). */
    public static int run(String[] args, PrintStream out) {
        boolean json = false;
        for (String a : args) {
            switch (a) {
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    out.println("usage: vectorgrad info [--json]");
                    return 0;
                }
                default -> {
                    System.err.println("vectorgrad info: unknown argument '" + a + "'; usage: vectorgrad info [--json]");
                    return 2;
                }
            }
        }
        Map<String, Object> info = SystemInfo.collect();
        if (json) {
            StringBuilder sb = new StringBuilder();
            writeJson(sb, info);
            out.println(sb);
        } else {
            writeText(out, info, "");
        }
        out.flush();
        return 0;
    }

    private static void writeText(PrintStream out, Map<?, ?> map, String indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                out.println(indent + e.getKey() + ":");
                writeText(out, m, indent + "  ");
            } else if (v instanceof List<?> l) {
                out.println(indent + e.getKey() + ": " + String.join(" ", l.stream().map(String::valueOf).toList()));
            } else {
                out.println(indent + e.getKey() + ": " + v);
            }
        }
    }

    /** Minimal JSON writer for the info tree: maps, lists, strings, numbers, booleans and null. */
    static void writeJson(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    org.vectorgrad.io.Json.quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    writeJson(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    writeJson(sb, l.get(i));
                }
                sb.append(']');
            }
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Number n -> {
                double d = n.doubleValue();
                if (Double.isFinite(d)) sb.append(n); else sb.append("null");
            }
            default -> org.vectorgrad.io.Json.quote(sb, v.toString());
        }
    }
}
