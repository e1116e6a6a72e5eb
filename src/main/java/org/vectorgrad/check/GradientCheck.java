package org.vectorgrad.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Checks a layer's (or a whole model's) backward pass against central finite differences.
 *
 * <p>For a scalar objective L(model(x)) — a loss, or by default a fixed random projection {@code Σ r_i·y_i} that
 * exercises every output — each checked coordinate θ gets the numerical derivative
 * {@code (L(θ+h) - L(θ-h)) / 2h}, compared with the analytic gradient from {@code backward}. Objective values and
 * all differences are computed in double. The network itself runs in float32 (its only precision), so the step
 * {@code h} is sized for float32 (default 1e-2 × max(1, |θ|)) and the default tolerance is 1e-2 relative: a
 * wrong backward (a missing term, a transposed weight, a lost fan-out branch) shows errors of order 1.
 *
 * <p><b>Kinks.</b> At a point where the function is not differentiable (ReLU at 0, a max-pool tie) the central
 * difference is meaningless. Every coordinate is therefore also probed one-sidedly: when the forward and
 * backward slopes disagree beyond what smooth curvature allows, the point straddles a kink and is skipped
 * (counted in {@link Report#skippedNearKinks()}), i.e. only points away from kinks are judged. Tests should
 * also build inputs away from kinks, so that few points are skipped; the report says how many were.
 *
 * <p>Thread safety: static and stateless; it runs the model and the objective on the caller's thread, and the model
 * must not be in use elsewhere during the check.
 */
public final class GradientCheck {

    /** A scalar function of the model output whose gradient w.r.t. that output is known. */
    public interface Objective {
        /** L(output), in double. */
        double value(Tensor output);

        /** dL/d(output) at the output last passed to {@link #value}. */
        Tensor gradient();
    }

    /** Options: finite-difference step, tolerance, how many coordinates per tensor to check, seed. */
    public record Options(double step, double tolerance, double absoluteFloor, int maxCoordinatesPerTensor, boolean checkInput, long seed) {
        /**
         * Step 1e-2, tolerance 1e-2, absolute floor 1e-3, up to 200 coordinates per tensor, the input checked too, seed
         * 42.
         */
        public static Options defaults() { return new Options(1e-2, 1e-2, 1e-3, 200, true, 42); }
        /** These options with central-difference step {@code h}. */
        public Options withStep(double h) { return new Options(h, tolerance, absoluteFloor, maxCoordinatesPerTensor, checkInput, seed); }
        /** These options with relative tolerance {@code t}. */
        public Options withTolerance(double t) { return new Options(step, t, absoluteFloor, maxCoordinatesPerTensor, checkInput, seed); }
        /** These options checking at most {@code n} coordinates per tensor. */
        public Options withMaxCoordinates(int n) { return new Options(step, tolerance, absoluteFloor, n, checkInput, seed); }
        /** These options with dL/dx checked ({@code true}) or not. */
        public Options withCheckInput(boolean b) { return new Options(step, tolerance, absoluteFloor, maxCoordinatesPerTensor, b, seed); }
        /** These options with seed {@code s} (which coordinates are probed). */
        public Options withSeed(long s) { return new Options(step, tolerance, absoluteFloor, maxCoordinatesPerTensor, checkInput, s); }
    }

    /** Worst relative error per checked tensor ("input" for dL/dx), and how many points were checked and skipped. */
    public record Report(Map<String, Double> maxRelativeError, int checked, int skippedNearKinks, double tolerance) {
        /** Whether some point was checked and every tensor's worst relative error is within the tolerance. */
        public boolean passed() {
            return checked > 0 && maxRelativeError.values().stream().allMatch(e -> e <= tolerance);
        }

        /** The largest relative error over all checked tensors (0 when none). */
        public double worst() {
            return maxRelativeError.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        /** Throws {@link AssertionError} listing every tensor's error unless {@link #passed()}. */
        public Report assertPassed() {
            if (!passed()) throw new AssertionError("gradient check failed: " + this);
            return this;
        }

        @Override
        public String toString() {
            return "max relative error " + maxRelativeError + " (tolerance " + tolerance + "), " + checked + " points checked, "
                    + skippedNearKinks + " skipped near kinks";
        }
    }

    private GradientCheck() {}

    /** The objective {@code Σ r_i·y_i} with r drawn uniformly from [-1, 1] (seeded), matching the output's shape. */
    public static Objective randomProjection(long seed) {
        return new Objective() {
            private Tensor r;

            @Override
            public double value(Tensor y) {
                if (r == null || !r.sameShape(y)) r = Tensor.uniform(seed, -1f, 1f, y.shape());
                double s = 0;
                for (int i = 0; i < y.size(); i++) s += (double) r.getFlat(i) * y.getFlat(i);
                return s;
            }

            @Override
            public Tensor gradient() { return r; }
        };
    }

    /** A loss with a fixed target as the objective (the loss must already be bound to a backend). */
    public static <T> Objective of(Loss<T> loss, T target) {
        return new Objective() {
            @Override public double value(Tensor output) { return loss.forward(output, target); }
            @Override public Tensor gradient() { return loss.backward(); }
        };
    }

    /** Checks {@code model} at {@code input} with the random-projection objective and default options. */
    public static Report check(Layer model, Tensor input) {
        return check(model, input, randomProjection(7), Options.defaults());
    }

    /**
     * Checks every parameter of {@code model} (and dL/d(input) when {@code options.checkInput()}) at {@code input}.
     * The model must be bound to a backend. Parameter gradients are overwritten (zeroed, then one backward).
     */
    public static Report check(Layer model, Tensor input, Objective objective, Options options) {
        Tensor x = input.copy();
        List<Parameter> params = model.parameters();
        for (Parameter p : params) p.zeroGrad();
        Tensor out = model.forward(x, true);
        objective.value(out);
        Tensor dx = model.backward(objective.gradient()).copy();

        Map<String, Double> worst = new LinkedHashMap<>();
        int[] counts = new int[2]; // checked, skipped
        SplittableRandom rng = new SplittableRandom(options.seed());
        List<String> names = uniqueNames(params);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor analytic = p.grad().copy();
            worst.put(names.get(i), checkTensor(model, x, p.value(), analytic, objective, options, rng, counts));
        }
        if (options.checkInput()) {
            worst.put("input", checkTensor(model, x, x, dx, objective, options, rng, counts));
        }
        return new Report(worst, counts[0], counts[1], options.tolerance());
    }

    private static double checkTensor(Layer model, Tensor x, Tensor target, Tensor analytic, Objective objective,
                                      Options o, SplittableRandom rng, int[] counts) {
        int n = target.size();
        double f0 = eval(model, x, objective); // parameters are restored bit-exactly, so f0 holds for every coordinate
        int[] coords = pickCoordinates(n, o.maxCoordinatesPerTensor(), rng);
        double worst = 0;
        for (int idx : coords) {
            float orig = target.getFlat(idx);
            double h = o.step() * Math.max(1.0, Math.abs(orig));
            float plus = (float) (orig + h), minus = (float) (orig - h);
            double hp = plus - (double) orig, hm = (double) orig - minus; // the steps float32 actually took
            target.setFlat(idx, plus);
            double fp = eval(model, x, objective);
            target.setFlat(idx, minus);
            double fm = eval(model, x, objective);
            target.setFlat(idx, orig);

            double slopePlus = (fp - f0) / hp, slopeMinus = (f0 - fm) / hm;
            double numeric = (fp - fm) / (hp + hm);
            double a = analytic.getFlat(idx);
            double scale = Math.max(Math.max(Math.abs(slopePlus), Math.abs(slopeMinus)), o.absoluteFloor());
            // Smooth functions give one-sided slopes that differ by about h·f''; a kink makes them differ by O(1).
            if (Math.abs(slopePlus - slopeMinus) > 0.1 * scale + 1e-3) {
                counts[1]++;
                continue;
            }
            double err = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), o.absoluteFloor());
            worst = Math.max(worst, err);
            counts[0]++;
        }
        return worst;
    }

    private static double eval(Layer model, Tensor x, Objective objective) {
        return objective.value(model.forward(x, true));
    }

    private static int[] pickCoordinates(int n, int max, SplittableRandom rng) {
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = 0; i < max; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, max);
    }

    private static List<String> uniqueNames(List<Parameter> params) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Parameter p : params) {
            int k = seen.merge(p.name(), 1, Integer::sum);
            out.add(k == 1 ? p.name() : p.name() + "#" + k);
        }
        // first occurrences of repeated names get a suffix too, so "weight" never means two tensors
        for (int i = 0; i < out.size(); i++) {
            String name = params.get(i).name();
            if (seen.get(name) > 1 && out.get(i).equals(name)) out.set(i, name + "#1");
        }
        return out;
    }
}
