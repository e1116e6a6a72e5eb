package org.vectorgrad.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.vectorgrad.io.AtomicFiles;

/**
 * Draws the per-layer gradient norms of a {@link GradientFlowListener.History} over training as an SVG image: one
 * line per layer with parameters, global step on the x axis (a dotted line at each epoch's end), gradient norm on a
 * log-10 y axis (one grid line per decade), a legend naming the layers. Hand-written SVG 1.1 text (no dependency); every name is XML-escaped.
 * Norms that are zero or not finite leave a gap in their line. Stateless and thread-safe.
 */
public final class GradientFlowPlot {
    private static final String[] COLORS = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };
    private static final String[] DASHES = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"1.5 2.5\"", " stroke-dasharray=\"8 3 2 3\""};
    private static final int WIDTH = 900, PLOT_H = 420, LEFT = 80, TOP = 40, PLOT_W = 560, LEGEND_X = LEFT + PLOT_W + 20;

    private GradientFlowPlot() {}

    /** The SVG document of {@code h} with {@code title} above the plot. */
    public static String svg(GradientFlowListener.History h, String title) {
        int layers = h.layers().size();
        int height = Math.max(TOP + PLOT_H + 60, TOP + 20 + 18 * layers);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : h.gradNorms()) {
            for (double v : row) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, Math.log10(v));
                    hi = Math.max(hi, Math.log10(v));
                }
            }
        }
        if (lo > hi) { // nothing to draw
            lo = -1;
            hi = 1;
        }
        int dLo = (int) Math.floor(lo), dHi = (int) Math.ceil(hi);
        if (dHi == dLo) dHi++;
        long[] steps = h.steps();
        long x0 = steps.length == 0 ? 0 : steps[0], x1 = steps.length == 0 ? 1 : steps[steps.length - 1];
        if (x1 == x0) x1 = x0 + 1;

        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
                WIDTH, height, WIDTH, height));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        sb.append("<g font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        // grid: one line per decade
        for (int d = dLo; d <= dHi; d++) {
            double y = y(d, dLo, dHi);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>%n", LEFT, y, LEFT + PLOT_W, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>%n", LEFT - 6, y + 4, d));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n", LEFT, TOP, PLOT_W, PLOT_H));
        for (int t = 0; t <= 4; t++) {
            double step = x0 + (x1 - x0) * t / 4.0;
            double x = LEFT + PLOT_W * t / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", x, TOP + PLOT_H + 16, step));
        }
        // epoch boundaries: a dotted line after each epoch's last step (at most 50 of them, or none: too dense to read)
        int spe = Math.max(1, h.stepsPerEpoch());
        if ((x1 - x0) / spe <= 50) {
            for (long b = ((x0 - 1) / spe + 1) * spe; b < x1; b += spe) {
                double x = LEFT + PLOT_W * (b + 0.5 - x0) / (x1 - x0);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999999\" stroke-dasharray=\"2 3\"/>%n",
                        x, TOP, x, TOP + PLOT_H));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">training step (%d per epoch)</text>%n",
                LEFT + PLOT_W / 2, TOP + PLOT_H + 36, h.stepsPerEpoch()));
        sb.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">gradient L2 norm (log scale)</text>%n",
                TOP + PLOT_H / 2, TOP + PLOT_H / 2));
        for (int k = 0; k < layers; k++) {
            String color = COLORS[k % COLORS.length];
            String dash = DASHES[(k / COLORS.length) % DASHES.length]; // 10 colours, then dashed, then dotted
            double[] v = h.gradNorms()[k];
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i <= v.length; i++) {
                boolean ok = i < v.length && v[i] > 0 && Double.isFinite(v[i]);
                if (ok) {
                    double x = LEFT + PLOT_W * (double) (steps[i] - x0) / (x1 - x0), y = y(Math.log10(v[i]), dLo, dHi);
                    pts.append(pts.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                    if (v.length == 1) {
                        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
                    }
                } else if (pts.length() > 0) { // a gap: end this stretch of the line
                    sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>%n", color, dash, pts));
                    pts.setLength(0);
                }
            }
            int ly = TOP + 10 + 18 * k;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    LEGEND_X, ly - 4, LEGEND_X + 24, ly - 4, color, dash));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEGEND_X + 30, ly, escape(h.layers().get(k))));
        }
        sb.append("</g>\n</svg>\n");
        return sb.toString();
    }

    private static double y(double log10, int dLo, int dHi) {
        return TOP + PLOT_H * (dHi - log10) / (dHi - dLo);
    }

    /** Writes {@link #svg} to {@code file} atomically ({@link AtomicFiles}). */
    public static void write(Path file, GradientFlowListener.History h, String title) throws IOException {
        AtomicFiles.write(file, svg(h, title).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code s} as XML character data or attribute text: {@code & < > " '} escaped, characters XML 1.0 cannot hold
     * (controls but tab, newline, carriage return; lone surrogates; U+FFFE/U+FFFF) replaced by U+FFFD.
     */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
