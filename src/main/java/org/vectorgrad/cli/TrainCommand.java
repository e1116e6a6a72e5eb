package org.vectorgrad.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.FashionMnist;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.GradientFlowListener;
import org.vectorgrad.train.ProgressListener;
import org.vectorgrad.train.Trainer;
import org.vectorgrad.train.TrainingListener;

/**
 * {@code vectorgrad train}: trains a reference model ({@code --model mlp|cnn|resnet}) or one described by a JSON spec
 * file ({@code --model FILE.json}, see {@link org.vectorgrad.io.SpecFile}), shows progress on stderr, prints a summary
 * and a JSON line. A spec is checked against the dataset (a dry forward pass of one sample) before training.
 * Exit 0 when training ended normally; 1 when it diverged (the JSON says {@code "diverged": true} and stderr says
 * why, see {@link Trainer#diverged()}) or stopped on a NaN/Inf loss or gradient (message on stderr, no JSON).
 */
final class TrainCommand {
    private final PrintStream out, err;

    TrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> argv) {
        ModelSaving.SaveOption save = ModelSaving.SaveOption.extract(argv); // --save FILE
        DiagnosticsOption diagnostics = DiagnosticsOption.extract(save.rest()); // --diagnostics ...
        TrainingOptions o = TrainingOptions.parse(diagnostics.rest(), Set.of("epochs"));
        long wallStart = System.nanoTime();
        FashionMnist.Splits data = DataLoading.load(o.data());
        FashionMnist.Splits std = DataLoading.standardize(data);
        Dataset train = o.limit() < std.train().size() ? std.train().subset(o.limit()) : std.train();
        try (Backend backend = Backends.create(o.backend(), o.threads(), err::println)) {
            Layer model = o.spec().build(o.seed());
            model.bind(backend);
            SpecCheck.fits(o.spec(), model, train); // a dry forward pass: a spec that does not fit the data fails here, not mid-epoch
            SGD sgd = new SGD(model.parameters(), o.lr(), o.momentum());
            Trainer trainer = new Trainer(model, new SoftmaxCrossEntropy(), sgd, backend);
            if (!o.fromRecipe().isEmpty()) err.println("recipe of " + o.spec().name() + " (for options not given): " + String.join(", ", o.fromRecipe()));
            trainer.schedule(LearningRateSchedule.named(o.schedule()).withWarmup(o.lrWarmup()));
            trainer.addListener(new ProgressListener(err, System.console() != null));
            GradientFlowListener diag = diagnostics.enabled() ? diagnostics.listener(model) : null;
            List<TrainingListener> extra = diag == null ? List.of() : List.of(diag, DiagnosticsOption.printer(diag, err));
            for (TrainingListener l : extra) trainer.addListener(l);
            err.printf(Locale.ROOT, "training %s on %d samples (%s backend, %d threads, batch %d, seed %d)%n",
                    model.describe(), train.size(), backend.name(), backend.threads(), o.batch(), o.seed());
            int exit = 0;
            List<EpochStats> epochs;
            if (save.resumable()) { // --checkpoint / --resume: checkpoints, resume, SIGINT/SIGTERM handling
                ResumableTraining.Outcome r = ResumableTraining.run(trainer, model, sgd,
                        LearningRateSchedule.named(o.schedule()).withWarmup(o.lrWarmup()), train, std.test(), o, save, extra, err);
                epochs = r.epochs();
                exit = r.exitCode();
                if (epochs.isEmpty()) {
                    out.println("stopped before the first epoch ended: no finished epoch to summarize");
                    return exit;
                }
            } else {
                epochs = trainer.fit(train, std.test(), o.epochs(), o.batch(), o.seed());
            }
            EpochStats last = epochs.get(epochs.size() - 1);
            if (save.path() != null && exit == 0) {
                // eval batch as Trainer.fit evaluates, so `vectorgrad eval` reproduces the last epoch's accuracy bit for bit
                ModelSaving.save(save.path(), model, o.spec().name(), data.train().meanAndStd(), Math.max(o.batch(), 256),
                        java.util.Map.of("test_accuracy", Double.toString(last.testAccuracy()), "backend", backend.name(),
                                "threads", Integer.toString(backend.threads())));
                err.println("saved the model to " + save.path());
            }
            if (diag != null) diagnostics.writePlot(diag, o.model(), err);
            double meanRate = EpochSummary.meanRate(epochs);
            double wall = (System.nanoTime() - wallStart) / 1e9;
            EpochSummary.print(out, epochs, o.epochs(), wall);
            Json json = new Json()
                    .put("model", o.model()).put("backend", backend.name()).put("threads", backend.threads())
                    .put("epochs", o.epochs()).put("batch", o.batch()).put("seed", o.seed())
                    .put("lr", o.lr(), 4).put("momentum", o.momentum(), 3).put("schedule", o.schedule()).put("lr_warmup", o.lrWarmup())
                    .put("train_samples", train.size())
                    .put("test_accuracy", last.testAccuracy(), 4)
                    .put("train_loss", last.trainLoss(), 6)
                    .put("start_loss", trainer.startLoss(), 6)
                    .put("diverged", trainer.diverged())
                    .put("samples_per_s", meanRate, 1)
                    .put("wall_s", wall, 2);
            if (diag != null) json.putValue("diagnostics", diag.toJson());
            out.println(json);
            return exit != 0 ? exit : exitCode(trainer, err);
        }
    }

    /**
     * 0 after a normal run; 1, with the reason on {@code err}, when the run diverged ({@link Trainer#diverged()}:
     * the last epoch's mean loss is more than {@value Trainer#DIVERGENCE_FACTOR} times the smaller of the first
     * step's loss and ln(classes)).
     */
    static int exitCode(Trainer trainer, PrintStream err) {
        if (!trainer.diverged()) return 0;
        err.printf(Locale.ROOT, "vectorgrad: training diverged: the last epoch's mean loss %.6g is more than %.0f times"
                + " %.6g, the smaller of the first step's loss (%.6g) and ln(classes); lower the learning rate (--lr)%n",
                trainer.endLoss(), Trainer.DIVERGENCE_FACTOR, trainer.referenceLoss(), trainer.startLoss());
        return 1;
    }
}
