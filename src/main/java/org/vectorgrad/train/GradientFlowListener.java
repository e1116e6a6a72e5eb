package org.vectorgrad.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.nn.ActivationLayer;
import org.vectorgrad.nn.ForwardObserver;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.tensor.Tensor;

/**
 * Gradient-flow diagnostics (the essays' vanishing and exploding gradients, made visible): a {@link TrainingListener}
 * that measures, per layer, on every {@code every}-th training step (global steps 1, 1 + every, 1 + 2·every, …,
 * counted over the whole run, so a run of any length has at least its first step sampled):
 * <ul>
 *   <li>the L2 norm of each parameter's gradient, and per layer the norm over all its parameters
 *       (√Σ‖g_p‖²), read after the backward pass and before the update;</li>
 *   <li>the ratio ‖Δθ‖/‖θ‖ of the update the optimizer applied to the weights they had before it (per parameter,
 *       and per layer over all its parameters; NaN when the weights were all zero, e.g. a bias at its first step);</li>
 *   <li>the mean and standard deviation of each layer's output over the whole batch (layers inside a
 *       {@link Sequential}, seen through {@link Sequential#observe});</li>
 *   <li>for ReLU-family layers ({@link Activation#RELU}, {@link Activation#LEAKY_RELU} with a slope of 0 or more) the fraction of units dead
 *       for the whole batch: a unit is one position of a sample's output (a feature of a Dense output, one (c, y, x)
 *       of a convolution's), dead when no sample of the batch gives it a positive output (a ReLU's zero gradient for
 *       the batch; a leaky ReLU stuck on its negative side).</li>
 * </ul>
 * Each epoch's figure is the mean over that epoch's samples. After each epoch the figures are checked for three
 * {@link Flag}s, each naming the layer:
 * <ul>
 *   <li><b>vanishing</b>: the gradient norm of the first layer that has parameters is below
 *       {@value #VANISHING_RATIO} times that of the last one. Backpropagation multiplies one factor per layer into the
 *       gradient (essay 004: "the derivatives that flow backward multiply ten weights with each other"); three orders
 *       of magnitude between the ends of the network means the first layers learn a thousand times slower than the
 *       last, which is when a deep sigmoid network stalls (on Fashion-MNIST the deep sigmoid MLP with Xavier init
 *       measures 3.5e-6, the same MLP with ReLU and He init 1.1 to 1.8, with BatchNorm before each sigmoid 1.3; see
 *       docs/diagnostics.md). A threshold nearer 1 would leave little margin for healthy networks, whose layers
 *       differ in width and input scale;</li>
 *   <li><b>exploding</b>: the same ratio above {@value #EXPLODING_RATIO} (the gradient grows a thousandfold toward the
 *       input), or a layer's update ratio ‖Δθ‖/‖θ‖ above {@value #EXPLODING_UPDATE} (one step moved its weights by more
 *       than their own norm: healthy training moves them by about 1e-3 of it per step), or a non-finite figure;</li>
 *   <li><b>dead ReLU</b>: more than {@value #DEAD_FRACTION} of a ReLU-family layer's units dead.</li>
 * </ul>
 *
 * <p><b>Cost and determinism.</b> Only sampled steps do work: one read of every gradient and weight, one copy of the
 * weights into buffers allocated once at construction, one read of the weights after the update, two reads of each
 * layer's output. Sums are taken in double in a fixed order (no lane reductions), so the figures are the same bits
 * for the same run. Nothing is written to the model, the gradients or the activations: a run with diagnostics
 * trains to the same bits as one without (tested). The measured cost is in docs/diagnostics.md.
 *
 * <p>Use: {@code trainer.addListener(new GradientFlowListener(model, 50))}; the listener installs a forward
 * observer on every {@link Sequential} of the model (replacing any other) and {@link #close()} removes it. Not
 * thread-safe: the trainer's thread calls it.
 */
public final class GradientFlowListener implements TrainingListener, AutoCloseable {
    /** Default sampling period in steps. */
    public static final int DEFAULT_EVERY = 50;
    /** Vanishing: first layer's gradient norm below this times the last layer's. */
    public static final double VANISHING_RATIO = 1e-3;
    /** Exploding: first layer's gradient norm above this times the last layer's. */
    public static final double EXPLODING_RATIO = 1e3;
    /** Exploding: a layer's update ratio ‖Δθ‖/‖θ‖ above this. */
    public static final double EXPLODING_UPDATE = 1.0;
    /** Dead ReLU: more than this fraction of a ReLU-family layer's units dead for the whole batch. */
    public static final double DEAD_FRACTION = 0.5;

    /** What a {@link Flag} reports. */
    public enum Kind {
        VANISHING, EXPLODING, DEAD_RELU;

        /** The lower-case name used in JSON and tables ({@code vanishing}, {@code exploding}, {@code dead_relu}). */
        public String key() { return name().toLowerCase(Locale.ROOT); }
    }

    /** One finding of one epoch, naming the layer ({@link LayerFigures#name()} form). */
    public record Flag(Kind kind, int epoch, String layer, String message) {}

    /**
     * One layer's figures for one epoch (means over the epoch's samples; NaN when not measured: no parameters, no
     * activation seen, not ReLU-family). {@code parameterNames}, {@code parameterGradNorms} and
     * {@code parameterUpdateRatios} are parallel, in {@link Layer#parameters()} order.
     */
    public record LayerFigures(String path, String layer, double gradNorm, double updateRatio, double activationMean,
                               double activationStd, double deadFraction, List<String> parameterNames,
                               double[] parameterGradNorms, double[] parameterUpdateRatios) {
        /** {@code path + " " + layer}, e.g. {@code 3 Dense(256 -> 256)}: how flags and tables name the layer. */
        public String name() { return path + " " + layer; }

        /** Whether the layer has parameters (its gradient figures are measured). */
        public boolean hasParameters() { return !parameterNames.isEmpty(); }
    }

    /** One epoch's report: its samples, per-layer figures in model order, and flags. */
    public record EpochReport(int epoch, int samples, List<LayerFigures> layers, double firstToLastRatio, List<Flag> flags) {}

    /** The per-sample gradient norms of the layers with parameters, for the plot. */
    public record History(List<String> layers, long[] steps, double[][] gradNorms, int stepsPerEpoch) {}

    /** One observed layer: where it is, what it has, and this epoch's running sums. */
    private static final class Entry {
        final String path;
        final Layer layer;
        final Parameter[] params;
        final float[][] before; // the weights before the update of a sampled step (allocated once)
        final double[] gradSq, weightSq; // the current sample's, per parameter
        final boolean reluFamily;
        final double[] sumGrad, sumRatio; // per parameter, this epoch
        final int[] ratioCount;
        double sumLayerGrad, sumLayerRatio, sumMean, sumStd, sumDead;
        int gradCount, layerRatioCount, actCount, deadCount;
        // the current forward pass's activation figures (pending until the step is confirmed sampled)
        double pendingMean, pendingStd, pendingDead = Double.NaN;
        boolean pending;
        boolean[] alive = new boolean[0];

        Entry(String path, Layer layer, boolean ownParameters) {
            this.path = path;
            this.layer = layer;
            this.params = ownParameters ? layer.parameters().toArray(Parameter[]::new) : new Parameter[0];
            this.before = new float[params.length][];
            for (int i = 0; i < params.length; i++) before[i] = new float[params[i].size()];
            this.gradSq = new double[params.length];
            this.weightSq = new double[params.length];
            this.sumGrad = new double[params.length];
            this.sumRatio = new double[params.length];
            this.ratioCount = new int[params.length];
            // a leaky ReLU with a negative slope gives a positive output on both sides: no output tells it is stuck
            this.reluFamily = layer instanceof ActivationLayer a
                    && (a.activation() == Activation.RELU || (a.activation() == Activation.LEAKY_RELU && a.alpha() >= 0f));
        }

        void resetEpoch() {
            Arrays.fill(sumGrad, 0);
            Arrays.fill(sumRatio, 0);
            Arrays.fill(ratioCount, 0);
            sumLayerGrad = sumLayerRatio = sumMean = sumStd = sumDead = 0;
            gradCount = layerRatioCount = actCount = deadCount = 0;
        }
    }

    private final int every;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Sequential, Entry[]> byOwner = new java.util.IdentityHashMap<>();
    private final List<Entry> withParams = new ArrayList<>();
    private final List<Sequential> observed = new ArrayList<>();
    private final List<EpochReport> reports = new ArrayList<>();
    private int steps = 1, epochSamples;
    private boolean armed, sampling;
    private long[] histSteps = new long[16];
    private double[][] histNorms;
    private int histCount;

    /**
     * Diagnostics for {@code model} sampled every {@code every} steps ({@link #DEFAULT_EVERY} is a good default).
     * Installs a {@link ForwardObserver} on every {@link Sequential} in the model (replacing any other).
     */
    public GradientFlowListener(Layer model, int every) {
        if (every < 1) throw new IllegalArgumentException("diagnostics sampling period must be >= 1 step, got " + every);
        this.every = every;
        walk(model, "");
        for (Entry e : entries) if (e.params.length > 0) withParams.add(e);
        histNorms = new double[withParams.size()][16];
        ForwardObserver observer = this::afterLayer;
        for (Sequential s : observed) s.observe(observer);
    }

    private void walk(Layer layer, String path) {
        if (layer instanceof Sequential s) {
            List<Layer> children = s.layers();
            Entry[] own = new Entry[children.size()];
            observed.add(s);
            byOwner.put(s, own);
            for (int i = 0; i < children.size(); i++) {
                Layer c = children.get(i);
                String p = path + i;
                if (c instanceof Sequential) {
                    walk(c, p + ".");
                } else {
                    if (c instanceof Sum sum) walkBranches(sum, p + ".");
                    own[i] = new Entry(p, c, !(c instanceof Sum)); // a Sum's parameters are its branches'
                    entries.add(own[i]);
                }
            }
            return;
        }
        String p = path.isEmpty() ? "0" : path.substring(0, path.length() - 1);
        if (layer instanceof Sum sum) walkBranches(sum, path);
        entries.add(new Entry(p, layer, !(layer instanceof Sum))); // a layer outside any Sequential: no output seen
    }

    /** A Sum's branches, named as ModelSpec's state_dict names them ({@code 3.0.1}: branch 0 of layer 3, its layer 1). */
    private void walkBranches(Sum sum, String prefix) {
        List<Layer> branches = sum.branches();
        for (int j = 0; j < branches.size(); j++) walk(branches.get(j), prefix + j + ".");
    }

    /** The sampling period in steps. */
    public int every() { return every; }

    /** Removes the forward observers this listener installed (those still its own). */
    @Override
    public void close() {
        for (Sequential s : observed) if (s.observer() != null && byOwner.containsKey(s)) s.observe(null);
    }

    private boolean sampled(int epoch, int step) {
        long global = (long) (epoch - 1) * steps + step;
        return (global - 1) % every == 0;
    }

    @Override
    public void onEpochStart(int epoch, int epochs, int steps) {
        this.steps = Math.max(1, steps);
        epochSamples = 0;
        for (Entry e : entries) e.resetEpoch();
        armed = sampled(epoch, 1);
    }

    /** The forward observer: activation figures of the pending step, when it is to be sampled. */
    private void afterLayer(Sequential owner, int index, Layer layer, Tensor output, boolean training) {
        if (!armed || !training) return;
        Entry[] own = byOwner.get(owner);
        if (own == null || index >= own.length || own[index] == null) return;
        Entry e = own[index];
        Tensor t = output.isContiguous() ? output : output.contiguous();
        float[] d = t.data();
        int off = t.offset(), n = t.size();
        if (n == 0) return;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += d[off + i];
        double mean = sum / n, sq = 0;
        for (int i = 0; i < n; i++) {
            double x = d[off + i] - mean;
            sq += x * x;
        }
        e.pendingMean = mean;
        e.pendingStd = Math.sqrt(sq / n);
        e.pendingDead = Double.NaN;
        if (e.reluFamily && t.rank() >= 1 && t.dim(0) > 0) {
            int batch = t.dim(0), units = n / batch;
            if (e.alive.length < units) e.alive = new boolean[units];
            boolean[] alive = e.alive;
            Arrays.fill(alive, 0, units, false);
            for (int b = 0; b < batch; b++) {
                int row = off + b * units;
                for (int u = 0; u < units; u++) if (d[row + u] > 0f) alive[u] = true;
            }
            int dead = 0;
            for (int u = 0; u < units; u++) if (!alive[u]) dead++;
            e.pendingDead = (double) dead / units;
        }
        e.pending = true;
    }

    @Override
    public void onGradients(int epoch, int step) {
        sampling = sampled(epoch, step);
        if (sampling) {
            for (Entry e : withParams) {
                for (int i = 0; i < e.params.length; i++) {
                    Tensor g = e.params[i].grad(), w = e.params[i].value();
                    e.gradSq[i] = squares(g.data(), g.offset(), g.size());
                    e.weightSq[i] = squares(w.data(), w.offset(), w.size());
                    System.arraycopy(w.data(), w.offset(), e.before[i], 0, w.size());
                }
            }
            for (Entry e : entries) {
                if (!e.pending) continue;
                e.sumMean += e.pendingMean;
                e.sumStd += e.pendingStd;
                e.actCount++;
                if (!Double.isNaN(e.pendingDead)) {
                    e.sumDead += e.pendingDead;
                    e.deadCount++;
                }
            }
        }
        for (Entry e : entries) e.pending = false;
        armed = false;
    }

    @Override
    public void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        if (sampling) {
            sampling = false;
            epochSamples++;
            if (histCount == histSteps.length) {
                histSteps = Arrays.copyOf(histSteps, 2 * histCount);
                for (int k = 0; k < histNorms.length; k++) histNorms[k] = Arrays.copyOf(histNorms[k], 2 * histCount);
            }
            histSteps[histCount] = (long) (epoch - 1) * this.steps + step;
            for (int k = 0; k < withParams.size(); k++) {
                Entry e = withParams.get(k);
                double layerGrad = 0, layerWeight = 0, layerUpdate = 0;
                for (int i = 0; i < e.params.length; i++) {
                    Tensor w = e.params[i].value();
                    double upd = updateSquares(w.data(), w.offset(), e.before[i], w.size());
                    e.sumGrad[i] += Math.sqrt(e.gradSq[i]);
                    if (e.weightSq[i] > 0) {
                        e.sumRatio[i] += Math.sqrt(upd / e.weightSq[i]);
                        e.ratioCount[i]++;
                    }
                    layerGrad += e.gradSq[i];
                    layerWeight += e.weightSq[i];
                    layerUpdate += upd;
                }
                double g = Math.sqrt(layerGrad);
                e.sumLayerGrad += g;
                e.gradCount++;
                if (layerWeight > 0) {
                    e.sumLayerRatio += Math.sqrt(layerUpdate / layerWeight);
                    e.layerRatioCount++;
                }
                histNorms[k][histCount] = g;
            }
            histCount++;
        }
        armed = sampled(epoch, step + 1);
    }

    @Override
    public void onEpochEnd(EpochStats stats) {
        List<LayerFigures> layers = new ArrayList<>();
        for (Entry e : entries) {
            int np = e.params.length;
            double[] pg = new double[np], pr = new double[np];
            List<String> names = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                names.add(e.params[i].name());
                pg[i] = mean(e.sumGrad[i], e.gradCount);
                pr[i] = mean(e.sumRatio[i], e.ratioCount[i]);
            }
            layers.add(new LayerFigures(e.path, e.layer.describe(), mean(e.sumLayerGrad, e.gradCount),
                    mean(e.sumLayerRatio, e.layerRatioCount), mean(e.sumMean, e.actCount), mean(e.sumStd, e.actCount),
                    mean(e.sumDead, e.deadCount), List.copyOf(names), pg, pr));
        }
        reports.add(new EpochReport(stats.epoch(), epochSamples, List.copyOf(layers), firstToLast(layers), flags(stats.epoch(), layers)));
    }

    private static double mean(double sum, int count) { return count == 0 ? Double.NaN : sum / count; }

    /** Σ x² in double, in index order. */
    private static double squares(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double x = a[off + i];
            s += x * x;
        }
        return s;
    }

    /** Σ (after - before)² in double, in index order. */
    private static double updateSquares(float[] after, int off, float[] before, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double x = (double) after[off + i] - before[i];
            s += x * x;
        }
        return s;
    }

    /**
     * The first parameterized layer's gradient norm over the last one's (NaN when fewer than two layers have
     * measured gradients).
     */
    public static double firstToLast(List<LayerFigures> layers) {
        LayerFigures first = null, last = null;
        for (LayerFigures f : layers) {
            if (!f.hasParameters() || Double.isNaN(f.gradNorm())) continue;
            if (first == null) first = f;
            last = f;
        }
        return first == null || first == last ? Double.NaN : first.gradNorm() / last.gradNorm();
    }

    /** The flags one epoch's figures raise (the rules are in the class comment). */
    public static List<Flag> flags(int epoch, List<LayerFigures> layers) {
        List<Flag> flags = new ArrayList<>();
        LayerFigures first = null, last = null;
        for (LayerFigures f : layers) {
            if (f.hasParameters() && !Double.isNaN(f.gradNorm())) {
                if (first == null) first = f;
                last = f;
            }
        }
        if (first != null && first != last) {
            double r = first.gradNorm() / last.gradNorm();
            if (r < VANISHING_RATIO) {
                flags.add(new Flag(Kind.VANISHING, epoch, first.name(), String.format(Locale.ROOT,
                        "vanishing gradients: %s has gradient norm %.3g, %.3g times the %.3g of %s (threshold %.0e)",
                        first.name(), first.gradNorm(), r, last.gradNorm(), last.name(), VANISHING_RATIO)));
            } else if (r > EXPLODING_RATIO) {
                flags.add(new Flag(Kind.EXPLODING, epoch, first.name(), String.format(Locale.ROOT,
                        "exploding gradients: %s has gradient norm %.3g, %.3g times the %.3g of %s (threshold %.0e)",
                        first.name(), first.gradNorm(), r, last.gradNorm(), last.name(), EXPLODING_RATIO)));
            }
        }
        for (LayerFigures f : layers) {
            if (f.hasParameters() && (!finiteOrUnmeasured(f.gradNorm()) || !finiteOrUnmeasured(f.updateRatio()))
                    || !finiteOrUnmeasured(f.activationMean()) || !finiteOrUnmeasured(f.activationStd())) {
                flags.add(new Flag(Kind.EXPLODING, epoch, f.name(), String.format(Locale.ROOT,
                        "exploding: %s has non-finite figures (gradient norm %s, update ratio %s, activation mean %s, std %s)",
                        f.name(), f.gradNorm(), f.updateRatio(), f.activationMean(), f.activationStd())));
            } else if (f.updateRatio() > EXPLODING_UPDATE) {
                flags.add(new Flag(Kind.EXPLODING, epoch, f.name(), String.format(Locale.ROOT,
                        "exploding updates: one step moved %s's parameters by %.3g times their norm (threshold %.0f)",
                        f.name(), f.updateRatio(), EXPLODING_UPDATE)));
            }
            if (f.deadFraction() > DEAD_FRACTION) {
                flags.add(new Flag(Kind.DEAD_RELU, epoch, f.name(), String.format(Locale.ROOT,
                        "dead ReLU: %.1f %% of %s's units are zero for the whole batch (threshold %.0f %%)",
                        100 * f.deadFraction(), f.name(), 100 * DEAD_FRACTION)));
            }
        }
        return List.copyOf(flags);
    }

    private static boolean finiteOrUnmeasured(double x) { return Double.isNaN(x) || Double.isFinite(x); }

    /** Every finished epoch's report, in order. */
    public List<EpochReport> reports() { return Collections.unmodifiableList(reports); }

    /** The last finished epoch's report, or null before the first epoch ends. */
    public EpochReport last() { return reports.isEmpty() ? null : reports.get(reports.size() - 1); }

    /** Every flag of every finished epoch. */
    public List<Flag> flags() {
        List<Flag> all = new ArrayList<>();
        for (EpochReport r : reports) all.addAll(r.flags());
        return all;
    }

    /** Whether any finished epoch raised a flag of {@code kind}. */
    public boolean flagged(Kind kind) {
        for (EpochReport r : reports) for (Flag f : r.flags()) if (f.kind() == kind) return true;
        return false;
    }

    /** The gradient norms of every sample so far (copies), for {@link GradientFlowPlot}. */
    public History history() {
        List<String> names = new ArrayList<>();
        double[][] norms = new double[withParams.size()][];
        for (int k = 0; k < withParams.size(); k++) {
            Entry e = withParams.get(k);
            names.add(e.path + " " + e.layer.describe());
            norms[k] = Arrays.copyOf(histNorms[k], histCount);
        }
        return new History(List.copyOf(names), Arrays.copyOf(histSteps, histCount), norms, steps);
    }

    /** The per-layer table of {@code r}, for a terminal (one line per layer, then the flags). */
    public String table(EpochReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "gradient flow, epoch %d (%d sampled step%s, every %d steps):%n",
                r.epoch(), r.samples(), r.samples() == 1 ? "" : "s", every));
        int w = 5;
        for (LayerFigures f : r.layers()) w = Math.max(w, f.name().length());
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  %10s  %10s  %10s  %10s  %6s%n", "layer", "grad_norm", "upd/weight", "act_mean", "act_std", "dead"));
        for (LayerFigures f : r.layers()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %10s  %10s  %10s  %10s  %6s%n", f.name(), sci(f.gradNorm()),
                    sci(f.updateRatio()), fixed(f.activationMean()), fixed(f.activationStd()),
                    Double.isNaN(f.deadFraction()) ? "-" : String.format(Locale.ROOT, "%5.1f%%", 100 * f.deadFraction())));
        }
        sb.append(String.format(Locale.ROOT, "first/last layer gradient norm: %s%n", sci(r.firstToLastRatio())));
        if (r.flags().isEmpty()) sb.append("flags: none").append(System.lineSeparator());
        for (Flag f : r.flags()) sb.append("flag ").append(f.kind().key()).append(": ").append(f.message()).append(System.lineSeparator());
        return sb.toString();
    }

    private static String sci(double x) { return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3e", x); }

    private static String fixed(double x) { return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.4f", x); }

    /**
     * Everything as JSON-ready maps and lists ({@link org.vectorgrad.io.Json#write}): the sampling period, the
     * thresholds, whether any epoch raised each kind of flag, every flag, and every epoch's per-layer figures
     * (NaN, i.e. not measured, as null).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("every", every);
        int samples = 0;
        for (EpochReport r : reports) samples += r.samples();
        m.put("samples", samples);
        Map<String, Object> th = new LinkedHashMap<>();
        th.put("vanishing_ratio", VANISHING_RATIO);
        th.put("exploding_ratio", EXPLODING_RATIO);
        th.put("exploding_update_ratio", EXPLODING_UPDATE);
        th.put("dead_fraction", DEAD_FRACTION);
        m.put("thresholds", th);
        for (Kind k : Kind.values()) m.put(k.key(), flagged(k));
        EpochReport last = last();
        m.put("first_to_last_ratio", last == null ? null : num(last.firstToLastRatio()));
        List<Object> flags = new ArrayList<>();
        for (Flag f : flags()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("epoch", f.epoch());
            fm.put("kind", f.kind().key());
            fm.put("layer", f.layer());
            fm.put("message", f.message());
            flags.add(fm);
        }
        m.put("flags", flags);
        List<Object> epochs = new ArrayList<>();
        for (EpochReport r : reports) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("epoch", r.epoch());
            em.put("samples", r.samples());
            em.put("first_to_last_ratio", num(r.firstToLastRatio()));
            List<Object> layers = new ArrayList<>();
            for (LayerFigures f : r.layers()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("path", f.path());
                lm.put("layer", f.layer());
                lm.put("grad_norm", num(f.gradNorm()));
                lm.put("update_ratio", num(f.updateRatio()));
                lm.put("act_mean", num(f.activationMean()));
                lm.put("act_std", num(f.activationStd()));
                lm.put("dead_fraction", num(f.deadFraction()));
                Map<String, Object> pm = new LinkedHashMap<>();
                for (int i = 0; i < f.parameterNames().size(); i++) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("grad_norm", num(f.parameterGradNorms()[i]));
                    one.put("update_ratio", num(f.parameterUpdateRatios()[i]));
                    pm.put(f.parameterNames().get(i), one);
                }
                lm.put("parameters", pm);
                layers.add(lm);
            }
            em.put("layers", layers);
            epochs.add(em);
        }
        m.put("epochs", epochs);
        return m;
    }

    private static Object num(double x) { return Double.isFinite(x) ? (Object) x : null; }
}
