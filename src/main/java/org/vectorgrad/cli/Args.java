package org.vectorgrad.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny parser for {@code --name value}, {@code --name=value} and boolean {@code --flag} options against a fixed
 * set of known names. Unknown names, missing values and malformed numbers raise {@link UsageException} naming
 * the argument. (Hand-written: the library keeps zero runtime dependencies.)
 *
 * <p>Thread safety: immutable once {@link #parse} returns; safe to share.
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Args() {}

    /**
     * Parses {@code argv}; {@code valued} lists options taking a value, {@code flags} the boolean ones (names
     * without dashes).
     */
    public static Args parse(List<String> argv, Set<String> valued, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) throw new UsageException("unexpected argument '" + arg + "'");
            String name = arg.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) throw new UsageException("option --" + name + " takes no value");
                a.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size() || argv.get(i + 1).startsWith("--")) throw new UsageException("option --" + name + " needs a value");
                    value = argv.get(++i);
                }
                a.values.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    public boolean flag(String name) { return values.containsKey(name); }

    public String string(String name, String def) { return values.getOrDefault(name, def); }

    /** A string restricted to {@code allowed}. */
    public String choice(String name, String def, List<String> allowed) {
        String v = string(name, def);
        if (!allowed.contains(v)) throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        return v;
    }

    /** An int in [min, max]. */
    public int integer(String name, int def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + x);
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public long longValue(String name, long def) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    /** A finite float in [min, max]. */
    public float decimal(String name, float def, float min, float max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            float x = Float.parseFloat(v.trim());
            if (!(x >= min && x <= max)) throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }
}
