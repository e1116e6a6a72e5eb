package org.vectorgrad.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.GradientFlowListener;
import org.vectorgrad.train.GradientFlowPlot;
import org.vectorgrad.train.TrainingListener;

/**
 * {@code train}'s gradient-flow diagnostics options, taken out of {@code argv} before the shared options are parsed:
 * {@code --diagnostics} (per-layer table on stderr after each epoch, a {@code diagnostics} object in the final JSON),
 * {@code --diagnostics-every N} (sampling period, default {@value GradientFlowListener#DEFAULT_EVERY} steps) and
 * {@code --diagnostics-plot FILE.svg} (per-layer gradient norms over training, log scale). Either of the last two
 * turns diagnostics on by itself.
 */
record DiagnosticsOption(boolean enabled, int every, Path plot, List<String> rest) {
    private static final Set<String> VALUED = Set.of("diagnostics-every", "diagnostics-plot");

    static DiagnosticsOption extract(List<String> argv) {
        List<String> rest = new ArrayList<>(), mine = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : "";
            if (name.equals("diagnostics")) {
                mine.add(a);
            } else if (VALUED.contains(name)) {
                mine.add(a);
                if (!a.contains("=") && i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) mine.add(argv.get(++i));
            } else {
                rest.add(a);
            }
        }
        Args p = Args.parse(mine, VALUED, Set.of("diagnostics"));
        int every = p.integer("diagnostics-every", GradientFlowListener.DEFAULT_EVERY, 1, Integer.MAX_VALUE);
        String plot = p.string("diagnostics-plot", null);
        if (plot != null && !plot.toLowerCase(Locale.ROOT).endsWith(".svg")) {
            throw new UsageException("--diagnostics-plot writes SVG: give a file name ending in .svg, got '" + plot + "'");
        }
        boolean on = p.flag("diagnostics") || p.flag("diagnostics-every") || plot != null;
        return new DiagnosticsOption(on, every, plot == null ? null : Path.of(plot), rest);
    }

    /** The listener for {@code model} (call only when {@link #enabled()}). */
    GradientFlowListener listener(Layer model) {
        return new GradientFlowListener(model, every);
    }

    /** Prints {@code diag}'s table of each finished epoch to {@code err}; add it after {@code diag}. */
    static TrainingListener printer(GradientFlowListener diag, PrintStream err) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochStats stats) {
                err.print(diag.table(diag.last()));
            }
        };
    }

    /** Writes the plot when one was asked for; says where on {@code err}. */
    void writePlot(GradientFlowListener diag, String modelName, PrintStream err) {
        if (plot == null) return;
        try {
            GradientFlowPlot.write(plot, diag.history(), "gradient norm per layer: " + modelName + " (every " + every + " steps)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the diagnostics plot " + plot + ": " + e.getMessage(), e);
        }
        err.println("wrote the gradient-flow plot to " + plot);
    }
}
