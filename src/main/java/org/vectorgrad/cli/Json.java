package org.vectorgrad.cli;

import java.util.Locale;

/**
 * Builds one flat JSON object on one line, for the machine-readable last line of each command.
 *
 * <p>Thread safety: not thread-safe (a builder over a {@code StringBuilder}); one per line being built.
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    public Json put(String key, String value) {
        return raw(key, value == null ? "null" : quote(value));
    }

    public Json put(String key, long value) { return raw(key, Long.toString(value)); }

    public Json put(String key, boolean value) { return raw(key, Boolean.toString(value)); }

    /** Doubles with a fixed number of decimals; NaN and infinities become null (JSON has neither). */
    public Json put(String key, double value, int decimals) {
        return raw(key, Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "null");
    }

    /**
     * A nested value (maps, lists, strings, numbers, booleans, null), written by {@link org.vectorgrad.io.Json#write}
     * (the {@code diagnostics} object of {@code train --diagnostics}).
     */
    public Json putValue(String key, Object value) { return raw(key, org.vectorgrad.io.Json.write(value)); }

    private Json raw(String key, String json) {
        if (sb.length() > 1) sb.append(", ");
        sb.append(quote(key)).append(": ").append(json);
        return this;
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder();
        org.vectorgrad.io.Json.quote(q, s);
        return q.toString();
    }

    @Override
    public String toString() { return sb + "}"; }
}
