package org.vectorgrad.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
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

    /** Adds a listener, called on the training thread in the order added. */
    public ResumableFit addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Trains up to {@code epochs} epochs in all (as {@link Trainer#fit}, whose loop it runs), resuming first when configured. */
    public Result run(Dataset train, Dataset test, int epochs, int batchSize, long seed) throws IOException {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        int steps = (train.size() + batchSize - 1) / batchSize; // as the loader counts, the last partial batch included
        float base = optimizer.learningRate();
        Checkpoint.Run run = new Checkpoint.Run(seed, batchSize, epochs, steps, base, train.size(),
                Checkpoint.scheduleRates(schedule, base, (long) epochs * steps));
        Checkpoint.Position from = resumeDir != null ? Checkpoint.restore(resumeDir, model, optimizer, run) : Trainer.FROM_START;
        Trainer.Hooks hooks = new Trainer.Hooks() {
            @Override
            public boolean afterStep(Checkpoint.Position next) {
                boolean stopNow = stop.getAsBoolean();
                if (stopNow || (everySteps > 0 && next.globalStep() % everySteps == 0)) save(run, next);
                return stopNow;
            }

            @Override
            public boolean afterEpoch(Checkpoint.Position next) {
                save(run, next);
                return stop.getAsBoolean();
            }
        };
        try {
            Trainer.Outcome o = trainer.run(train, test, epochs, batchSize, seed, schedule, listeners, from, hooks);
            return new Result(o.epochs(), o.stopped(), o.position());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void save(Checkpoint.Run run, Checkpoint.Position p) {
        if (checkpointDir == null) return;
        try {
            Checkpoint.save(checkpointDir, model, optimizer, run, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
