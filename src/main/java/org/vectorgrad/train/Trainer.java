package org.vectorgrad.train;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.BatchLoader;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.Task;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.tensor.Tensor;

/**
 * The training loop: for each seeded, shuffled batch, forward, loss, backward, optimizer step; after each epoch,
 * the test metrics of the dataset's {@link Task} ({@link #evaluate}: accuracy for classification, MSE and MAE for
 * regression, exact-match and label accuracy for multi-label). Binds the model, loss and optimizer to one backend.
 * Listeners see progress, and each step's gradients between the backward pass and the update
 * ({@link TrainingListener#onGradients}).
 *
 * <p><b>Targets.</b> A loss that {@link Loss#takesClassLabels() takes class labels} (softmax cross-entropy) trains on
 * classification datasets; every other loss (MSE, MAE, Huber, binary cross-entropy on logits) on regression or
 * multi-label datasets, whose batches carry a float target tensor of the model output's shape {@code (n, width)}.
 * {@link #fit} refuses a mismatch before the first step.
 *
 * <p>Same seed, backend and thread count give a bitwise identical run: initialization and shuffling are seeded and
 * every kernel is deterministic for a given thread count.
 *
 * <p><b>NaN and Inf are never hidden.</b> Every step checks that the batch's loss is finite (after the forward
 * pass) and that the L2 norm of every parameter's gradient is finite (after the backward pass, before the
 * optimizer step); otherwise it throws {@link NonFiniteException}, naming the epoch, the step and what was not
 * finite, and the parameters keep their values from before that step. The gradient norm, taken in double (squares
 * of floats cannot overflow it), is finite exactly when every element of the gradient is, so the check is
 * {@link org.vectorgrad.backend.Pointwise#allFinite} on each gradient: one vectorized read of the gradients per step (its cost is measured
 * in docs/architecture.md, "NaN, Inf and sizes").
 *
 * <p><b>Divergence.</b> A run whose loss stays finite but ends far above where it started is reported by
 * {@link #diverged()}: the mean training loss of the last epoch is more than {@value #DIVERGENCE_FACTOR} times
 * {@link #referenceLoss()}, the smaller of {@link #startLoss()} (the loss of the very first step: the untrained
 * model's loss on the first batch, computed before any update, so a run that blows up within its first steps is
 * still measured against where it started) and ln(classes) (the cross-entropy of a uniform guess; it matters for
 * models whose untrained loss is already above it, such as the reference CNN's 4.4; for multi-label, ln 2, the
 * binary cross-entropy of logits 0; for regression there is no such guess and the first step's loss alone is the
 * reference). A working run ends well below both.
 *
 * <p>Not thread-safe: one thread drives a trainer (the backend may use more threads inside each kernel).
 */
public final class Trainer {
    /** A run has diverged when its last epoch's mean loss exceeds this multiple of {@link #referenceLoss()}. */
    public static final double DIVERGENCE_FACTOR = 2.0;

    private final Layer model;
    private final Loss<?> loss;
    private final Optimizer optimizer;
    private final Backend backend;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Parameter> checked;
    private final Map<Parameter, String> labels = new IdentityHashMap<>();
    private int[] predictions = new int[0];
    private LearningRateSchedule schedule = LearningRateSchedule.constant();
    private boolean checkGradients = true;
    private double startLoss = Double.NaN, endLoss = Double.NaN, uniformLoss = Double.NaN;

    /**
     * A trainer of {@code model} with {@code loss} ({@code Loss<int[]>} for class labels, {@code Loss<Tensor>} for
     * float targets) and {@code optimizer}, all bound to {@code backend}.
     */
    public Trainer(Layer model, Loss<?> loss, Optimizer optimizer, Backend backend) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.backend = backend;
        model.bind(backend);
        loss.bind(backend);
        optimizer.bind(backend);
        label(model, "");
        this.checked = List.copyOf(optimizer.parameters());
    }

    /** Names each parameter after its place in the model, e.g. {@code layers[0] Dense(784 -> 512) weight}. */
    private void label(Layer layer, String path) {
        if (layer instanceof Sequential seq) {
            List<Layer> layers = seq.layers();
            for (int i = 0; i < layers.size(); i++) label(layers.get(i), path + (path.isEmpty() ? "" : ".") + "layers[" + i + "]");
            return;
        }
        for (Parameter p : layer.parameters()) {
            labels.putIfAbsent(p, (path.isEmpty() ? "" : path + " ") + layer.describe() + " " + p.name());
        }
    }

    private String label(Parameter p) {
        String l = labels.get(p);
        return l != null ? l : "parameter " + p.name() + " " + p.value().shapeString();
    }

    /**
     * Turns the per-step check of the parameters' gradient norms on (the default) or off; the loss is always
     * checked. Off exists to measure what the check costs (the JMH {@code TrainStepBenchmark}); leave it on.
     */
    public Trainer checkGradients(boolean on) {
        this.checkGradients = on;
        return this;
    }

    /** The loss of the first step of the last {@link #fit}, before any update (NaN before any fit). */
    public double startLoss() { return startLoss; }

    /** The mean training loss of the last epoch of the last {@link #fit} (NaN before any fit). */
    public double endLoss() { return endLoss; }

    /**
     * What the last {@link #fit}'s end is compared with: the smaller of {@link #startLoss()} and ln(classes) of its
     * training set (NaN before any fit).
     */
    public double referenceLoss() {
        return Double.isNaN(uniformLoss) ? startLoss : Math.min(startLoss, uniformLoss);
    }

    /** Whether the last {@link #fit} diverged: its last epoch's mean loss exceeds {@value #DIVERGENCE_FACTOR} × {@link #referenceLoss()}. */
    public boolean diverged() {
        return endLoss > DIVERGENCE_FACTOR * referenceLoss();
    }

    /** The learning-rate schedule {@link #fit} applies (default constant: the optimizer's rate throughout). */
    public Trainer schedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    /** Adds a listener, called on the training thread in the order added. */
    public Trainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * One optimizer step on a batch; returns the batch's mean loss.
     *
     * @throws NonFiniteException when the loss or a parameter's gradient norm is not finite (epoch and step 0)
     */
    public double step(Tensor images, int[] labels) {
        if (!loss.takesClassLabels()) throw new IllegalArgumentException("Trainer: " + loss.describe() + " takes float targets, not class labels");
        return step(images, labels, null, 0, 0, List.of());
    }

    /**
     * One optimizer step on a batch with float targets (regression, multi-label; the shape of the model's output);
     * returns the batch's mean loss.
     *
     * @throws NonFiniteException when the loss or a parameter's gradient norm is not finite (epoch and step 0)
     */
    public double step(Tensor inputs, Tensor targets) {
        if (loss.takesClassLabels()) throw new IllegalArgumentException("Trainer: " + loss.describe() + " takes class labels, not float targets");
        return step(inputs, null, targets, 0, 0, List.of());
    }

    private double step(Batch b, int epoch, int step, List<TrainingListener> listeners) {
        return b.hasFloatTargets() ? step(b.images(), null, b.targets(), epoch, step, listeners)
                : step(b.images(), b.labels(), null, epoch, step, listeners);
    }

    @SuppressWarnings("unchecked")
    private double step(Tensor images, int[] labels, Tensor targets, int epoch, int step, List<TrainingListener> listeners) {
        optimizer.zeroGrad();
        Tensor logits = model.forward(images, true);
        double l = labels != null ? ((Loss<int[]>) loss).forward(logits, labels) : ((Loss<Tensor>) loss).forward(logits, targets);
        if (!Double.isFinite(l)) throw lossNotFinite(epoch, step, l, images, logits);
        model.backward(loss.backward(), false); // the input is data: no dL/d(input) needed
        if (checkGradients) {
            for (int i = 0, n = checked.size(); i < n; i++) {
                Tensor g = checked.get(i).grad();
                // the norm (in double, where a float's square cannot overflow) is finite exactly when every element
                // is: test that in one cheap read, and compute the norm only to report a failure
                if (!backend.pointwise().allFinite(g.size(), g.data(), g.offset())) {
                    throw gradientNotFinite(epoch, step, l, checked.get(i), squares(g));
                }
            }
        }
        for (int i = 0, n = listeners.size(); i < n; i++) listeners.get(i).onGradients(epoch, step);
        optimizer.step();
        return l;
    }

    private static String where(int epoch, int step) {
        return epoch == 0 ? "training stopped: " : "training stopped at epoch " + epoch + ", step " + step + ": ";
    }

    private NonFiniteException lossNotFinite(int epoch, int step, double l, Tensor images, Tensor logits) {
        StringBuilder sb = new StringBuilder(where(epoch, step)).append("the loss is ").append(l);
        long badInputs = nonFinite(images), badOutputs = nonFinite(logits);
        if (badInputs > 0) {
            sb.append("; the input batch ").append(images.shapeString()).append(" holds ").append(badInputs)
                    .append(" NaN/Inf values: check the data");
        }
        boolean badParameter = false;
        for (Parameter p : checked) {
            long bad = nonFinite(p.value());
            if (bad > 0) {
                sb.append("; ").append(label(p)).append(" holds ").append(bad).append(" NaN/Inf values of ").append(p.size());
                badParameter = true;
            }
        }
        if (badOutputs > 0) sb.append("; the model's output holds ").append(badOutputs).append(" NaN/Inf values");
        if (badInputs == 0 && !badParameter) sb.append("; the parameters are finite, so the loss overflowed: lower the learning rate");
        return new NonFiniteException(epoch, step, "loss", sb.toString());
    }

    private NonFiniteException gradientNotFinite(int epoch, int step, double l, Parameter p, double squares) {
        String what = "gradient of " + label(p);
        String msg = where(epoch, step) + "the gradient norm of " + label(p) + " " + p.value().shapeString() + " is "
                + Math.sqrt(squares) + " (" + nonFinite(p.grad()) + " of its " + p.size() + " values are NaN/Inf; the loss was "
                + String.format(Locale.ROOT, "%.6g", l) + "): lower the learning rate or check the data";
        return new NonFiniteException(epoch, step, what, msg);
    }

    /** Σ t[i]², in double (used only to explain a failure). */
    private static double squares(Tensor t) {
        double s = 0;
        for (int i = 0, n = t.size(); i < n; i++) s += (double) t.getFlat(i) * t.getFlat(i);
        return s;
    }

    /** NaN/Inf elements of a tensor (used only to explain a failure). */
    private static long nonFinite(Tensor t) {
        long bad = 0;
        for (int i = 0, n = t.size(); i < n; i++) if (!Float.isFinite(t.getFlat(i))) bad++;
        return bad;
    }

    /**
     * Trains for {@code epochs} epochs; returns the stats of every epoch. {@code test} may be null (no evaluation).
     * Batch order for epoch e is seeded by (seed, e). Afterwards {@link #startLoss()} and {@link #diverged()}
     * describe the run.
     *
     * @throws NonFiniteException when a batch's loss or a parameter's gradient norm is not finite
     */
    public List<EpochStats> fit(Dataset train, Dataset test, int epochs, int batchSize, long seed) {
        return run(train, test, epochs, batchSize, seed, schedule, listeners, FROM_START, NO_HOOKS).epochs();
    }

    /** What {@link #run} does between steps: how {@link ResumableFit} adds checkpoints and a cooperative stop. */
    interface Hooks {
        /** After every step but an epoch's last, with the position to resume from; true stops the run there. */
        boolean afterStep(Checkpoint.Position next);

        /** After every epoch, with the position of the next one; true stops the run there (ignored after the last). */
        boolean afterEpoch(Checkpoint.Position next);
    }

    private static final Hooks NO_HOOKS = new Hooks() {
        @Override public boolean afterStep(Checkpoint.Position next) { return false; }
        @Override public boolean afterEpoch(Checkpoint.Position next) { return false; }
    };

    static final Checkpoint.Position FROM_START = new Checkpoint.Position(1, 0, 0, 0, 0, Double.NaN, List.of());

    /** What a run did: every finished epoch (those before a resume included), whether it stopped early, where it ended. */
    record Outcome(List<EpochStats> epochs, boolean stopped, Checkpoint.Position position) {}

    /**
     * The one training loop, for {@link #fit} and {@link ResumableFit}: from {@code from} (epoch, step within it,
     * global step, partial loss sum and sample count, finished epochs), the same batches in the same order with the
     * same learning rate per step as an uninterrupted run, so a resumed run ends with the same bits.
     */
    Outcome run(Dataset train, Dataset test, int epochs, int batchSize, long seed, LearningRateSchedule schedule,
                List<TrainingListener> listeners, Checkpoint.Position from, Hooks hooks) {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        checkTask(train);
        if (test != null && test.task() != train.task()) {
            throw new IllegalArgumentException("Trainer: the training set " + train + " and the test set " + test + " are of different tasks");
        }
        List<EpochStats> history = new ArrayList<>(from.history());
        BatchLoader loader = train.loader(batchSize, false); // one loader: its batch buffers are reused across epochs
        int steps = loader.numBatches();
        float baseRate = optimizer.learningRate();
        long totalSteps = (long) steps * epochs, done = from.globalStep();
        startLoss = from.startLoss();
        endLoss = Double.NaN;
        uniformLoss = switch (train.task()) {
            case CLASSIFICATION -> train.numClasses() >= 2 ? Math.log(train.numClasses()) : Double.NaN;
            case MULTI_LABEL -> Math.log(2);
            case REGRESSION -> Double.NaN;
        };
        for (int epoch = from.epoch(); epoch <= epochs; epoch++) {
            boolean resumed = epoch == from.epoch();
            int skip = resumed ? from.stepInEpoch() : 0;
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs, steps);
            long start = System.nanoTime();
            double lossSum = resumed ? from.lossSum() : 0;
            long samples = resumed ? from.samples() : 0;
            int step = 0;
            for (Batch b : loader.epoch(seed, epoch, true)) {
                if (step < skip) { // the order depends only on (seed, epoch): pass over the batches already trained on
                    step++;
                    continue;
                }
                optimizer.setLearningRate(Math.max(schedule.rate(baseRate, done++, totalSteps), Float.MIN_NORMAL));
                double l = step(b, epoch, step + 1, listeners);
                lossSum += l * b.size();
                samples += b.size();
                step++;
                if (epoch == 1 && step == 1) startLoss = l;
                double secs = (System.nanoTime() - start) / 1e9;
                for (TrainingListener lis : listeners) lis.onStep(epoch, step, steps, l, samples / Math.max(secs, 1e-9));
                if (step < steps) {
                    Checkpoint.Position here = new Checkpoint.Position(epoch, step, done, lossSum, samples, startLoss, List.copyOf(history));
                    if (hooks.afterStep(here)) {
                        optimizer.setLearningRate(baseRate);
                        return new Outcome(List.copyOf(history), true, here);
                    }
                }
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            Map<String, Double> metrics = test == null ? Map.of() : evaluate(test, Math.max(batchSize, 256));
            double secs = (System.nanoTime() - start) / 1e9;
            EpochStats stats = EpochStats.of(epoch, epochs, lossSum / samples, metrics, samples / trainSecs, secs);
            history.add(stats);
            endLoss = stats.trainLoss();
            optimizer.setLearningRate(baseRate);
            for (TrainingListener l : listeners) l.onEpochEnd(stats);
            Checkpoint.Position next = new Checkpoint.Position(epoch + 1, 0, done, 0, 0, startLoss, List.copyOf(history));
            if (hooks.afterEpoch(next) && epoch < epochs) return new Outcome(List.copyOf(history), true, next);
        }
        return new Outcome(List.copyOf(history), false, new Checkpoint.Position(epochs + 1, 0, done, 0, 0, startLoss, List.copyOf(history)));
    }

    /** Refuses a loss whose kind of target is not the dataset's, naming both. */
    private void checkTask(Dataset train) {
        boolean labels = train.task() == Task.CLASSIFICATION;
        if (labels != loss.takesClassLabels()) {
            throw new IllegalArgumentException("Trainer: the loss " + loss.describe() + (loss.takesClassLabels() ? " takes class labels" : " takes float targets")
                    + " but " + train + " is a " + train.task().cliName() + " dataset; use "
                    + switch (train.task()) {
                        case CLASSIFICATION -> "SoftmaxCrossEntropy";
                        case REGRESSION -> "MeanSquaredError, MeanAbsoluteError or HuberLoss";
                        case MULTI_LABEL -> "BinaryCrossEntropyWithLogits";
                    });
        }
    }

    /**
     * The test metrics of {@code data}'s task (inference mode, in order, no shuffling), in a fixed order:
     * classification {@code accuracy} ({@link #accuracy}); regression {@code mse} and {@code mae}, the means over
     * every sample and target of the squared and absolute differences, summed in double in index order;
     * multi-label {@code exact_match} and {@code label_accuracy}, with a label predicted on when its logit is
     * above 0 and true when its target is at least 0.5. Keys are {@link EpochStats}'s constants.
     */
    public Map<String, Double> evaluate(Dataset data, int batchSize) {
        if (data.task() == Task.CLASSIFICATION) return Map.of(EpochStats.ACCURACY, accuracy(data, batchSize));
        double sq = 0, abs = 0;
        long values = 0, samples = 0, exact = 0, rightLabels = 0;
        for (Batch b : data.batches(batchSize, 0, 0, false)) {
            Tensor y = model.forward(b.images(), false).contiguous();
            Tensor t = b.targets();
            if (y.size() != t.size()) {
                throw new IllegalArgumentException("Trainer: the model's output " + y.shapeString() + " does not match the targets "
                        + t.shapeString() + " of " + data);
            }
            int n = b.size(), w = t.dim(1);
            float[] yd = y.data(), td = t.data();
            int yo = y.offset(), to = t.offset();
            for (int i = 0; i < n; i++) {
                boolean all = true;
                for (int k = 0; k < w; k++) {
                    float p = yd[yo + i * w + k], target = td[to + i * w + k];
                    if (data.task() == Task.REGRESSION) {
                        double d = (double) p - target;
                        sq += d * d;
                        abs += Math.abs(d);
                    } else {
                        boolean right = (p > 0f) == (target >= 0.5f);
                        if (right) rightLabels++;
                        else all = false;
                    }
                }
                if (all) exact++;
            }
            values += (long) n * w;
            samples += n;
        }
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        if (data.task() == Task.REGRESSION) {
            m.put(EpochStats.MSE, values == 0 ? Double.NaN : sq / values);
            m.put(EpochStats.MAE, values == 0 ? Double.NaN : abs / values);
        } else {
            m.put(EpochStats.EXACT_MATCH, samples == 0 ? Double.NaN : (double) exact / samples);
            m.put(EpochStats.LABEL_ACCURACY, values == 0 ? Double.NaN : (double) rightLabels / values);
        }
        return m;
    }

    /** Fraction of samples whose arg-max logit equals the label (inference mode, in order, no shuffling). */
    public double accuracy(Dataset data, int batchSize) {
        long correct = 0, total = 0;
        for (Batch b : data.batches(batchSize, 0, 0, false)) {
            Tensor logits = model.forward(b.images(), false).contiguous();
            int n = b.size();
            if (predictions.length < n) predictions = new int[n];
            backend.losses().argmaxRows(n, logits.dim(1), logits.data(), logits.offset(), predictions, 0);
            int[] labels = b.labels();
            for (int i = 0; i < n; i++) if (predictions[i] == labels[i]) correct++;
            total += n;
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
