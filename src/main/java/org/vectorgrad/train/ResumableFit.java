package org.vectorgrad.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.BatchLoader;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;

/**
 * {@link Trainer#fit}'s loop with checkpoints, resume and a cooperative stop: the same batches in the same order,
 * the same learning rate per step and the same evaluation, so a run resumed from a checkpoint ends with the same
 * bits as the uninterrupted run (tested against {@code Trainer.fit} and against itself).
 *
 * <p>Checkpoints ({@link Checkpoint}) go to the configured directory at the end of every epoch, every
 * {@code everySteps} steps when that is positive, and when a stop is requested: the stop signal is read after
 * each step, so the step in progress always completes. Not thread-safe (one run at a time); the stop signal may be
 * set from any thread (e.g. a signal handler).
 */
public final class ResumableFit {
    private final Trainer trainer;
    private final Layer model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Path checkpointDir;
    private int everySteps;
    private Path resumeDir;
    private BooleanSupplier stop = () -> false;

    /** What a run did: every finished epoch (those before a resume included), and whether it was stopped early. */
    public record Result(List<EpochStats> epochs, boolean stopped, Checkpoint.Position position) {}

    /** {@code trainer} must have been made with {@code model} and {@code optimizer}; {@code schedule} as for {@link Trainer#schedule}. */
    public ResumableFit(Trainer trainer, Layer model, Optimizer optimizer, LearningRateSchedule schedule) {
        this.trainer = trainer;
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
    }

    /** Checkpoints into {@code dir} at every epoch end and, when {@code everySteps > 0}, every that many steps. */
    public ResumableFit checkpointTo(Path dir, int everySteps) {
        if (everySteps < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0 steps, got " + everySteps);
        this.checkpointDir = dir;
        this.everySteps = everySteps;
        return this;
    }

    /** Continues from the checkpoint in {@code dir} (model and optimizer are overwritten from it). */
    public ResumableFit resumeFrom(Path dir) {
        this.resumeDir = dir;
        return this;
    }

    /** The run stops (after the step in progress, with a checkpoint when one is configured) once this is true. */
    public ResumableFit stopWhen(BooleanSupplier stop) {
        this.stop = stop;
        return this;
    }

    public ResumableFit addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Trains up to {@code epochs} epochs in all (as {@link Trainer#fit}), resuming first when configured. */
    public Result run(Dataset train, Dataset test, int epochs, int batchSize, long seed) throws IOException {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        BatchLoader loader = train.loader(batchSize, false);
        int steps = loader.numBatches();
        float baseRate = optimizer.learningRate();
        long totalSteps = (long) steps * epochs;
        Checkpoint.Run run = new Checkpoint.Run(seed, batchSize, epochs, steps, baseRate);
        Checkpoint.Position pos = resumeDir != null
                ? Checkpoint.restore(resumeDir, model, optimizer, run)
                : new Checkpoint.Position(1, 0, 0, 0, 0, List.of());
        List<EpochStats> history = new ArrayList<>(pos.history());
        long done = pos.globalStep();
        for (int epoch = pos.epoch(); epoch <= epochs; epoch++) {
            boolean resumed = epoch == pos.epoch();
            int skip = resumed ? pos.stepInEpoch() : 0;
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs, steps);
            long start = System.nanoTime();
            double lossSum = resumed ? pos.lossSum() : 0;
            long samples = resumed ? pos.samples() : 0;
            int step = 0;
            for (Batch b : loader.epoch(seed, epoch, true)) {
                if (step < skip) { // the order depends only on (seed, epoch): pass over the batches already trained on
                    step++;
                    continue;
                }
                optimizer.setLearningRate(Math.max(schedule.rate(baseRate, done++, totalSteps), Float.MIN_NORMAL));
                double l = trainer.step(b.images(), b.labels());
                if (!Double.isFinite(l)) {
                    throw new IllegalStateException("training diverged: loss " + l + " at epoch " + epoch + ", step " + (step + 1)
                            + "; lower the learning rate");
                }
                lossSum += l * b.size();
                samples += b.size();
                step++;
                double secs = (System.nanoTime() - start) / 1e9;
                for (TrainingListener lis : listeners) lis.onStep(epoch, step, steps, l, samples / Math.max(secs, 1e-9));
                boolean stopNow = stop.getAsBoolean();
                if (step < steps && (stopNow || (everySteps > 0 && done % everySteps == 0))) {
                    Checkpoint.Position p = new Checkpoint.Position(epoch, step, done, lossSum, samples, List.copyOf(history));
                    save(run, p);
                    if (stopNow) {
                        optimizer.setLearningRate(baseRate);
                        return new Result(List.copyOf(history), true, p);
                    }
                }
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            double acc = test == null ? Double.NaN : trainer.accuracy(test, Math.max(batchSize, 256));
            double secs = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch, epochs, lossSum / samples, acc, samples / trainSecs, secs);
            history.add(stats);
            optimizer.setLearningRate(baseRate);
            for (TrainingListener l : listeners) l.onEpochEnd(stats);
            Checkpoint.Position next = new Checkpoint.Position(epoch + 1, 0, done, 0, 0, List.copyOf(history));
            save(run, next);
            if (epoch < epochs && stop.getAsBoolean()) return new Result(List.copyOf(history), true, next);
        }
        return new Result(List.copyOf(history), false, new Checkpoint.Position(epochs + 1, 0, done, 0, 0, List.copyOf(history)));
    }

    private void save(Checkpoint.Run run, Checkpoint.Position p) throws IOException {
        if (checkpointDir != null) Checkpoint.save(checkpointDir, model, optimizer, run, p);
    }
}
