package org.vectorgrad.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.ProgressListener;
import org.vectorgrad.train.ResumableFit;
import org.vectorgrad.train.Trainer;
import org.vectorgrad.train.TrainingListener;

/**
 * {@code train --checkpoint DIR [--checkpoint-every N] [--resume DIR]}: runs {@link ResumableFit} and handles
 * SIGINT and SIGTERM: the first signal lets the current step finish, writes a checkpoint (when {@code --checkpoint}
 * is set) and ends the run, which then prints the summary of the finished epochs and exits 130 (SIGINT) or 143
 * (SIGTERM); a second signal exits at once (the checkpoint on disk is always complete: writes are atomic).
 */
final class ResumableTraining {
    private ResumableTraining() {}

    /** The finished epochs and the exit code: 0, or 128 + the signal number when stopped by a signal. */
    record Outcome(List<EpochStats> epochs, int exitCode) {}

    static Outcome run(Trainer trainer, Layer model, Optimizer optimizer, LearningRateSchedule schedule, Dataset train, Dataset test,
                       TrainingOptions o, ModelSaving.SaveOption opts, List<TrainingListener> extra, PrintStream err) {
        AtomicInteger signal = new AtomicInteger();
        List<Object> previous = new java.util.ArrayList<>();
        for (String name : List.of("INT", "TERM")) {
            int number = name.equals("INT") ? 2 : 15;
            try {
                previous.add(sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    if (!signal.compareAndSet(0, number)) Runtime.getRuntime().halt(128 + signal.get());
                    err.println();
                    err.println("SIG" + name + ": finishing the current step" + (opts.checkpoint() != null ? " and writing a checkpoint" : "")
                            + "; send it again to exit at once");
                }));
            } catch (IllegalArgumentException e) {
                err.println("warning: cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
        if (opts.checkpoint() != null) {
            err.println("checkpoints go to " + opts.checkpoint() + (opts.checkpointEvery() > 0 ? " every " + opts.checkpointEvery() + " steps and" : "")
                    + " at every epoch end; SIGINT/SIGTERM checkpoint and stop");
        }
        ResumableFit fit = new ResumableFit(trainer, model, optimizer, schedule)
                .addListener(new ProgressListener(err, System.console() != null))
                .stopWhen(() -> signal.get() != 0);
        for (TrainingListener l : extra) fit.addListener(l); // e.g. --diagnostics
        if (opts.checkpoint() != null) fit.checkpointTo(opts.checkpoint(), opts.checkpointEvery());
        if (opts.resume() != null) {
            fit.resumeFrom(opts.resume());
            err.println("resuming from " + opts.resume());
        }
        try {
            ResumableFit.Result r = fit.run(train, test, o.epochs(), o.batch(), o.seed());
            if (r.stopped()) {
                err.printf(Locale.ROOT, "stopped in epoch %d after %d of its steps%s%n", r.position().epoch(), r.position().stepInEpoch(),
                        opts.checkpoint() != null ? "; checkpoint in " + opts.checkpoint() + " (continue with --resume " + opts.checkpoint() + ")" : "");
            }
            return new Outcome(r.epochs(), r.stopped() ? 128 + signal.get() : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
