package org.vectorgrad.cli;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.FashionMnist;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Trainer;

/**
 * {@code vectorgrad bench train}: times full training steps (forward, loss, backward, optimizer step; SGD unless
 * {@code --optimizer} says otherwise) on real batches.
 * Each run does {@code warmup} untimed steps then {@code steps} timed ones; prints every run and the median, and,
 * where Linux accounts it, the share of CPU time the hypervisor took during the timed steps ({@link CpuSteal}).
 * The first run's warm-up also lasts at least {@code warmup-seconds} (default 3): C2 compiles the Vector API kernels
 * only after they have run a while, and ten MLP steps (~40 ms) left it compiling into the timed runs, so that two
 * of the three runs could time the JIT rather than the code (5,000–11,000 samples/s against 23,000–33,000 once
 * compiled; with 1 s the first run was still slow on a 2-core VM, with 3 s it was not). Past that minimum it goes
 * on until the JIT has been quiet for half a second of steps and C2 has nothing running or queued
 * ({@link JitActivity}; at most {@value #WARMUP_STRETCH} times {@code warmup-seconds} in all, 30 s by default): on a
 * Zen 5 VM the vector MLP was still being compiled after 3 s, and its first two timed runs read 1,700 and 4,800
 * samples/s against 58,000 once compiled, which put the median of three runs on the JIT. Each model also takes at
 * least {@value #FIRST_WARMUP_STEPS} steps before that ({@link #firstWarmUpGoesOn}; within the same bound of ten
 * times {@code warmup-seconds}): a quiet JIT does not mean a finished one, since a kernel that a step calls once
 * or twice reaches C2's invocation thresholds only after hundreds of steps, and until then nothing is queued
 * (docs/decisions.md §2bn).
 *
 * <p>{@code --compare B} trains a second model (same spec and seed) on backend B in the same JVM: both warm up, the
 * quiet-JIT part in turns until neither makes C2 compile ({@link #warmUp}), then their runs alternate (run r of one,
 * then of the other, the order turning each run), and the summary adds B's median and the median of the runs'
 * ratios. On a shared VM the speed drifts over minutes, and in separate
 * processes a comparison of two backends measured the drift as much as the code (the thirtieth pass of issue 12:
 * `blas` at two threads 118-121 K samples/s, then 74-77 K twenty minutes later).
 */
final class BenchTrainCommand {
    /** Steal from which the summary says that the host took a noticeable share of the CPUs. */
    static final double STEAL_WARNING_PERCENT = 5;
    /** The first warm-up lasts at most this many times {@code warmup-seconds} while the JIT keeps compiling. */
    static final int WARMUP_STRETCH = 10;
    /** A window of steps this long in which the JIT compiled for at most {@link #QUIET_COMPILE_MS} ends the warm-up. */
    static final long QUIET_WINDOW_NS = 500_000_000L;
    static final long QUIET_COMPILE_MS = 5;
    /**
     * Steps each model takes in the first warm-up at least (within {@link #WARMUP_STRETCH} times
     * {@code --warmup-seconds}): the reference CNN on {@code auto} at two threads had C2 compiling its last kernels
     * (the 2-row GEMM tile of its 128-row products, the 2 x 2 max-pool's forward) around step 530, its step time
     * falling until then (docs/decisions.md §2bn).
     */
    static final int FIRST_WARMUP_STEPS = 600;

    private final PrintStream out, err;

    BenchTrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> argv) {
        TrainingOptions o = TrainingOptions.parse(argv, Set.of("steps", "warmup", "warmup-seconds", "runs", "compare"));
        FashionMnist.Splits data = DataLoading.load(o.data());
        Dataset train = DataLoading.standardize(data).train();
        // Real batches, gathered once so the timed loop measures training only, not data handling.
        int nb = Math.min(16, Math.max(1, train.size() / o.batch()));
        Tensor[] images = new Tensor[nb];
        int[][] labels = new int[nb][];
        int k = 0;
        for (Batch b : train.batches(o.batch(), o.seed(), 1, true)) {
            if (k == nb || b.size() != o.batch()) break;
            images[k] = b.images().copy();
            labels[k] = b.labels().clone();
            k++;
        }
        if (k == 0) throw new IllegalArgumentException("--batch " + o.batch() + " is larger than the training set (" + train.size() + ")");
        // a null resource (no --compare) is skipped by try-with-resources
        try (Backend backend = Backends.create(o.backend(), o.threads(), err::println);
             Backend other = o.compare() == null ? null : Backends.create(o.compare(), o.threads(), err::println)) {
            Timed first = new Timed(o, backend, train, images, labels, k);
            Timed second = other == null ? null : new Timed(o, other, train, images, labels, k);
            Timed[] all = second == null ? new Timed[] {first} : new Timed[] {first, second};
            warmUp(o, all);
            for (int r = 0; r < o.runs(); r++) {
                // with --compare the two alternate, and which goes first alternates too: a drift of the machine's
                // speed over the runs then falls on both alike
                for (int i = 0; i < all.length; i++) all[(i + r) % all.length].run(r, all.length > 1);
            }
            double median = median(first.rates);
            for (Timed t : all) {
                out.printf(Locale.ROOT, "median %.0f samples/s (%s, %s backend, %d threads)%n", median(t.rates), o.model(), t.backend.name(), t.backend.threads());
            }
            double ratio = Double.NaN;
            if (second != null) {
                double[] ratios = new double[o.runs()];
                StringBuilder each = new StringBuilder();
                for (int r = 0; r < o.runs(); r++) {
                    ratios[r] = first.rates[r] / second.rates[r];
                    each.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ratios[r]));
                }
                ratio = median(ratios);
                out.printf(Locale.ROOT, "%s ÷ %s: %.3f (median of the runs' ratios: %s)%n", backend.name(), other.name(), ratio, each);
            }
            long counted = 0, stolen = 0;
            boolean stealKnown = true;
            for (Timed t : all) {
                stealKnown &= t.stealKnown;
                counted += t.countedTime;
                stolen += t.stolenTime;
            }
            double steal = stealKnown && counted > 0 ? 100.0 * stolen / counted : Double.NaN;
            if (steal >= STEAL_WARNING_PERCENT) {
                out.printf(Locale.ROOT, "note: the hypervisor took %.0f %% of the CPU time while the steps were timed (steal in /proc/stat);"
                        + " figures from this run understate the code's speed and vary with the host's load%n", steal);
            }
            Json json = new Json().put("model", o.model()).put("backend", backend.name()).put("threads", backend.threads())
                    .put("batch", o.batch()).put("steps", o.steps()).put("warmup", o.warmup())
                    .put("warmup_seconds", o.warmupSeconds(), 1).put("runs", o.runs())
                    .put("samples_per_s", median, 1);
            if (second != null) {
                json.put("compare_backend", other.name()).put("compare_samples_per_s", median(second.rates), 1).put("ratio", ratio, 4);
            }
            if (!Double.isNaN(steal)) json.put("cpu_steal_pct", steal, 1);
            out.println(json);
            return 0;
        }
    }

    /**
     * The warm-up before the first run: each trainer steps for at least {@code --warmup-seconds} (and {@code --warmup}
     * steps, and {@link #FIRST_WARMUP_STEPS} while {@link #firstWarmUpGoesOn} allows), then all of them in turn,
     * half a second of steps each, until the JIT has compiled for at most
     * {@link #QUIET_COMPILE_MS} over a whole turn and C2 has nothing running or queued ({@link JitActivity}; at most
     * {@link #WARMUP_STRETCH} times {@code --warmup-seconds} per trainer). With {@code --compare} the turns matter:
     * the second model's first steps make C2 recompile code that the first one's warm-up had compiled for its
     * backend alone (shared call sites that see a second receiver), and a first run timed before that showed it.
     */
    private void warmUp(TrainingOptions o, Timed[] all) {
        long start = System.nanoTime(), minWarmNs = (long) (o.warmupSeconds() * 1e9);
        int[] done = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            long t0 = System.nanoTime();
            while (firstWarmUpGoesOn(done[i], o.warmup(), System.nanoTime() - t0, minWarmNs)) done[i] = all[i].steps(done[i], 1);
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean quiet = jit == null || !jit.isCompilationTimeMonitoringSupported();
        while (!quiet && System.nanoTime() - start < WARMUP_STRETCH * minWarmNs * all.length) {
            long compiled = jit.getTotalCompilationTime();
            for (int i = 0; i < all.length; i++) {
                long w0 = System.nanoTime();
                do done[i] = all[i].steps(done[i], 1); while (System.nanoTime() - w0 < QUIET_WINDOW_NS);
            }
            // the compile time grows only when a compile ends: a long one still running must not pass for quiet
            quiet = jit.getTotalCompilationTime() - compiled <= QUIET_COMPILE_MS && !JitActivity.c2Busy();
        }
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            counts.append(i == 0 ? "" : " and ").append(done[i]).append(all.length > 1 ? " (" + all[i].backend.name() + ")" : "");
        }
        out.printf(Locale.ROOT, "warm-up: %s steps in %.1f s%s%n", counts, (System.nanoTime() - start) / 1e9,
                quiet ? "" : " (the JIT was still compiling; the first runs may time it)");
    }

    /**
     * Whether a model's first warm-up goes on after {@code done} steps and {@code elapsedNs}: until it has taken
     * {@code warmupSteps} steps and {@code minWarmNs} have passed, and until {@link #FIRST_WARMUP_STEPS} steps unless
     * {@link #WARMUP_STRETCH} times {@code minWarmNs} have passed. A pure function of its arguments.
     */
    static boolean firstWarmUpGoesOn(int done, int warmupSteps, long elapsedNs, long minWarmNs) {
        if (done < warmupSteps || elapsedNs < minWarmNs) return true;
        return done < FIRST_WARMUP_STEPS && elapsedNs < WARMUP_STRETCH * minWarmNs;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One backend's trainer on the reference batches, and the speeds of its timed runs. */
    private final class Timed {
        final Backend backend;
        final Trainer trainer;
        final TrainingOptions o;
        final Tensor[] images;
        final int[][] labels;
        final int k;
        final double[] rates;
        long countedTime, stolenTime;
        boolean stealKnown = true;

        Timed(TrainingOptions o, Backend backend, Dataset train, Tensor[] images, int[][] labels, int k) {
            this.o = o;
            this.backend = backend;
            this.images = images;
            this.labels = labels;
            this.k = k;
            Layer model = o.spec().build(o.seed());
            model.bind(backend);
            SpecCheck.fits(o.spec(), model, train);
            this.trainer = new Trainer(model, new SoftmaxCrossEntropy(), o.optim().create(model, o.lr(), o.momentum()), backend);
            this.rates = new double[o.runs()];
        }

        /** {@code n} untimed steps from step {@code from} on; returns the next step's number. */
        int steps(int from, int n) {
            for (int t = from; t < from + n; t++) trainer.step(images[t % k], labels[t % k]);
            return from + n;
        }

        /** Run r: {@code --warmup} untimed steps, then the timed ones. */
        void run(int r, boolean named) {
            String who = named ? " (" + backend.name() + ")" : "";
            steps(0, o.warmup());
            CpuSteal.Snapshot before = CpuSteal.now();
            long t0 = System.nanoTime();
            steps(0, o.steps());
            double secs = (System.nanoTime() - t0) / 1e9;
            CpuSteal.Snapshot after = CpuSteal.now();
            if (before == null || after == null || Double.isNaN(CpuSteal.percent(before, after))) {
                stealKnown = false;
            } else {
                countedTime += after.total() - before.total();
                stolenTime += after.steal() - before.steal();
            }
            rates[r] = (double) o.steps() * o.batch() / secs;
            out.printf(Locale.ROOT, "run %d%s: %d steps of batch %d in %.3f s = %.0f samples/s%n", r + 1, who, o.steps(), o.batch(), secs, rates[r]);
        }
    }
}
