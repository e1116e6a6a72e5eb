package org.vectorgrad.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one phase (e.g. an epoch) of {@code total} steps, written to a {@link PrintStream} (stderr in the CLI,
 * so stdout stays clean for the final JSON line).
 *
 * <ul>
 *   <li><b>Interactive</b> (a terminal): one live line redrawn in place with a carriage return, e.g.
 *       {@code epoch 1/5 [=========>          ]  234/469  loss 0.4123  12,345 samples/s  ETA 0:12},
 *       at most {@value #REDRAWS_PER_SECOND} times a second.</li>
 *   <li><b>Plain</b> (a log file or pipe): a line at each 10 % of the steps, and at least every
 *       {@value #PLAIN_INTERVAL_SECONDS} s when steps are slow, e.g.
 *       {@code epoch 1/5  30% (141/469)  loss 0.5012  12,345 samples/s  ETA 0:25}.</li>
 * </ul>
 *
 * <p>{@link #update} is meant to be called after every batch: a call that draws nothing reads the clock, compares and
 * returns, without allocating. {@link #finish} ends the line with a summary. Not thread-safe.
 */
public final class ProgressBar {
    /** Most redraws per second of the live line. */
    public static final int REDRAWS_PER_SECOND = 10;
    /** Longest gap, in seconds, between two plain lines while steps keep coming. */
    public static final int PLAIN_INTERVAL_SECONDS = 30;

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 1_000_000_000L / REDRAWS_PER_SECOND;
    private static final long PLAIN_INTERVAL_NANOS = PLAIN_INTERVAL_SECONDS * 1_000_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final int total;
    private final String label;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final StringBuilder line = new StringBuilder(160);
    private long lastDrawNanos;
    private int lastDecile;
    private int lastLineLength;
    private boolean finished;

    /**
     * @param out         where to write (stderr in the CLI)
     * @param interactive true for a live redrawn line (the CLI passes {@code System.console() != null}), false for
     *                    plain periodic lines
     * @param total       number of steps of this phase (e.g. batches per epoch), at least 1
     * @param label       prefix of every line, e.g. {@code "epoch 1/5"}
     */
    public ProgressBar(PrintStream out, boolean interactive, int total, String label) {
        this(out, interactive, total, label, System::nanoTime);
    }

    /** As the public constructor with an injected clock, so tests control time. */
    ProgressBar(PrintStream out, boolean interactive, int total, String label, LongSupplier nanoClock) {
        if (total < 1) throw new IllegalArgumentException("ProgressBar '" + label + "': total steps must be positive, got " + total);
        this.out = out;
        this.interactive = interactive;
        this.total = total;
        this.label = label;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /**
     * Reports that {@code done} of the total steps are finished.
     *
     * @param loss          the running (or last) loss to show; NaN shows as {@code NaN}
     * @param samplesPerSec current throughput; 0 or negative hides it
     */
    public void update(int done, double loss, double samplesPerSec) {
        if (finished) return;
        long now = nanoClock.getAsLong();
        if (interactive) {
            // the last step is always drawn so the bar visibly reaches the end even when finish is not called
            if (now - lastDrawNanos < REDRAW_NANOS && done < total) return;
        } else {
            int decile = (int) (10L * Math.min(done, total) / total);
            // 100 % is left to finish(), which prints the summary line
            boolean newDecile = decile > lastDecile && decile < 10;
            if (!newDecile && now - lastDrawNanos < PLAIN_INTERVAL_NANOS) return;
            lastDecile = Math.max(lastDecile, decile);
        }
        lastDrawNanos = now;
        draw(done, loss, samplesPerSec, now);
    }

    /**
     * Ends the phase: the live line is completed (full bar) with {@code summary} and a newline; in plain mode one
     * line {@code "<label> done: <summary>"}. Later calls of {@link #update} and {@code finish} do nothing.
     */
    public void finish(String summary) {
        if (finished) return;
        finished = true;
        line.setLength(0);
        if (interactive) {
            line.append('\r').append(label).append(' ');
            appendBar(total);
            appendCount(total);
            line.append("  ").append(summary);
            padOver(lastLineLength);
        } else {
            line.append(label).append(" done: ").append(summary);
        }
        out.println(line);
        out.flush();
    }

    private void draw(int done, double loss, double samplesPerSec, long now) {
        line.setLength(0);
        int clamped = Math.max(0, Math.min(done, total));
        if (interactive) {
            line.append('\r').append(label).append(' ');
            appendBar(clamped);
            appendCount(clamped);
        } else {
            line.append(label).append("  ");
            String pct = Integer.toString((int) (100L * clamped / total));
            for (int i = pct.length(); i < 3; i++) line.append(' ');
            line.append(pct).append("% (").append(clamped).append('/').append(total).append(')');
        }
        line.append("  loss ").append(String.format(Locale.ROOT, "%.4f", loss));
        if (samplesPerSec > 0) line.append("  ").append(String.format(Locale.ROOT, "%,.0f", samplesPerSec)).append(" samples/s");
        if (clamped > 0 && clamped < total) {
            double elapsed = (now - startNanos) / 1e9;
            line.append("  ETA ");
            appendDuration(elapsed * (total - clamped) / clamped);
        }
        if (interactive) {
            int length = line.length();
            padOver(lastLineLength);
            lastLineLength = length;
            out.print(line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void appendBar(int done) {
        int filled = (int) ((long) BAR_WIDTH * done / total);
        line.append('[');
        for (int i = 0; i < BAR_WIDTH; i++) {
            line.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        line.append(']');
    }

    private void appendCount(int done) {
        String d = Integer.toString(done);
        String t = Integer.toString(total);
        line.append(' ');
        for (int i = d.length(); i <= t.length(); i++) line.append(' ');
        line.append(d).append('/').append(t);
    }

    /** Blanks the rest of a longer previous live line so no stale characters remain after the carriage return. */
    private void padOver(int previousLength) {
        for (int i = line.length(); i < previousLength; i++) line.append(' ');
    }

    private void appendDuration(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
        if (h > 0) line.append(h).append(':').append(m < 10 ? "0" : "").append(m);
        else line.append(m);
        line.append(':').append(sec < 10 ? "0" : "").append(sec);
    }
}
