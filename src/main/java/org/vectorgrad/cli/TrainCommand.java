package org.vectorgrad.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.FashionMnist;
import org.vectorgrad.loss.BinaryCrossEntropyWithLogits;
import org.vectorgrad.loss.HuberLoss;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.loss.MeanAbsoluteError;
import org.vectorgrad.loss.MeanSquaredError;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.GradientFlowListener;
import org.vectorgrad.train.ProgressListener;
import org.vectorgrad.train.Trainer;
import org.vectorgrad.train.TrainingListener;

/**
 * {@code vectorgrad train}: trains a reference model ({@code --model mlp|cnn|resnet}) or one described by a JSON spec
 * file ({@code --model FILE.json}, see {@link org.vectorgrad.io.SpecFile}), shows progress on stderr, prints a summary
 * and a JSON line. A spec is checked against the dataset (a dry forward pass of one sample) before training.
 * On Fashion-MNIST by default (classification); on the rows of a CSV file with {@code --csv} ({@link TaskOptions},
 * {@link CsvLoading}) for classification, regression or multi-label, with the task's loss and test metrics
 * (accuracy; MSE and MAE; exact-match and label accuracy) in the epoch table and the JSON.
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
        TaskOptions task = TaskOptions.extract(diagnostics.rest()); // --csv, --target, --task, --loss, --hidden...
        TrainingOptions o = TrainingOptions.parse(task.rest(), Set.of("epochs"));
        if (task.csv() != null) {
            if (!o.model().equals("mlp")) throw new UsageException("--csv rows are flat feature vectors: use --model mlp (with --hidden N,N,...), not " + o.model());
        } else if (!task.referenceHidden() && !o.model().equals("mlp")) {
            throw new UsageException("--hidden sets the widths of --model mlp");
        }
        // before loading data and training: an unwritable --save path used to fail only after training, losing the model
        if (save.path() != null) ModelSaving.checkWritable(save.path(), "--save " + save.path());
        if (save.checkpoint() != null) ModelSaving.checkWritable(save.checkpoint().resolve(org.vectorgrad.train.Checkpoint.FILE), "--checkpoint " + save.checkpoint());
        if (diagnostics.plot() != null) ModelSaving.checkWritable(diagnostics.plot(), "--diagnostics-plot " + diagnostics.plot());
        long wallStart = System.nanoTime();
        FashionMnist.Splits data = null;
        Dataset train, test;
        CsvLoading.Loaded csv = null;
        if (task.csv() == null) {
            data = DataLoading.load(o.data());
            FashionMnist.Splits std = DataLoading.standardize(data);
            train = std.train();
            test = std.test();
        } else {
            csv = CsvLoading.load(task, o.seed());
            train = csv.train();
            test = csv.test();
        }
        if (o.limit() < train.size()) train = train.subset(o.limit());
        try (Backend backend = Backends.create(o.backend(), o.threads(), err::println)) {
            Layer model;
            if (csv != null) model = Models.mlp(csv.features().size(), task.hidden(), csv.outputs(), o.seed());
            else if (!task.referenceHidden()) model = Models.mlp(784, task.hidden(), 10, o.seed());
            else {
                model = o.spec().build(o.seed());
                model.bind(backend);
                SpecCheck.fits(o.spec(), model, train); // a dry forward pass: a spec that does not fit the data fails here, not mid-epoch
                if (!o.fromRecipe().isEmpty()) err.println("recipe of " + o.spec().name() + " (for options not given): " + String.join(", ", o.fromRecipe()));
            }
            Optimizer optimizer = o.optim().create(model, o.lr(), o.momentum());
            Loss<?> loss = switch (task.task()) {
                case CLASSIFICATION -> new SoftmaxCrossEntropy();
                case MULTI_LABEL -> new BinaryCrossEntropyWithLogits();
                case REGRESSION -> switch (task.loss()) {
                    case "mae" -> new MeanAbsoluteError();
                    case "huber" -> new HuberLoss();
                    default -> new MeanSquaredError();
                };
            };
            Trainer trainer = new Trainer(model, loss, optimizer, backend);
            int stepsPerEpoch = (train.size() + o.batch() - 1) / o.batch();
            LearningRateSchedule schedule = o.optim().schedule(o.schedule(), o.lrWarmup(), stepsPerEpoch);
            trainer.schedule(schedule);
            trainer.addListener(new ProgressListener(err, System.console() != null));
            if (csv != null) {
                err.printf(Locale.ROOT, "%s: %s with %d features %s, target%s %s; %d training and %d test rows (%s); features standardized"
                        + " with the training rows' mean and std%n", task.csv(), task.task().cliName(), csv.features().size(), names(csv.features()),
                        csv.targets().size() == 1 ? "" : "s", names(csv.targets()), train.size(), test.size(), csv.split());
            }
            GradientFlowListener diag = diagnostics.enabled() ? diagnostics.listener(model) : null;
            List<TrainingListener> extra = diag == null ? List.of() : List.of(diag, DiagnosticsOption.printer(diag, err));
            for (TrainingListener l : extra) trainer.addListener(l);
            err.printf(Locale.ROOT, "training %s on %d samples (%s backend, %d threads, batch %d, seed %d)%n",
                    model.describe(), train.size(), backend.name(), backend.threads(), o.batch(), o.seed());
            err.println("optimizer " + optimizer);
            int exit = 0;
            List<EpochStats> epochs;
            if (save.resumable()) { // --checkpoint / --resume: checkpoints, resume, SIGINT/SIGTERM handling
                ResumableTraining.Outcome r = ResumableTraining.run(trainer, model, optimizer, schedule, train, test, o, save, extra, err);
                epochs = r.epochs();
                exit = r.exitCode();
                if (epochs.isEmpty()) {
                    out.println("stopped before the first epoch ended: no finished epoch to summarize");
                    return exit;
                }
            } else {
                epochs = trainer.fit(train, test, o.epochs(), o.batch(), o.seed());
            }
            EpochStats last = epochs.get(epochs.size() - 1);
            if (save.path() != null && exit == 0 && csv != null) {
                ModelSaving.saveTabular(save.path(), model, task.task(), csv.features(), csv.targets(), csv.featureMean(), csv.featureStd(),
                        Math.max(o.batch(), 256), java.util.Map.of("backend", backend.name(), "threads", Integer.toString(backend.threads())));
                err.println("saved the model to " + save.path());
            } else if (save.path() != null && exit == 0) {
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
                    .put("optimizer", o.optim().optimizer()).put("weight_decay", o.optim().weightDecay(), 6)
                    .put("clip_norm", o.optim().clipNorm(), 4);
            if (csv != null || !task.referenceHidden()) {
                json.put("hidden", java.util.Arrays.stream(task.hidden()).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")));
            }
            if (csv != null) {
                json.put("task", task.task().cliName()).put("csv", task.csv().toString()).put("loss", loss.describe())
                        .put("features", csv.features().size()).put("outputs", csv.outputs()).put("test_samples", test.size());
            }
            json.put("train_samples", train.size());
            putMetrics(json, last);
            json.put("train_loss", last.trainLoss(), 6)
                    .put("start_loss", trainer.startLoss(), 6)
                    .put("diverged", trainer.diverged())
                    .put("samples_per_s", meanRate, 1)
                    .put("wall_s", wall, 2);
            if (diag != null) json.putValue("diagnostics", diag.toJson());
            out.println(json);
            return exit != 0 ? exit : exitCode(trainer, err);
        }
    }

    /** Column names as a list, a name holding a comma or a quote in CSV quotes, so that the list reads unambiguously. */
    private static String names(List<String> names) {
        return names.stream().map(n -> n.contains(",") || n.contains("\"") ? "\"" + n.replace("\"", "\"\"") + "\"" : n)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /**
     * The last epoch's test metrics as {@code test_<name>} keys: {@code test_accuracy} (4 decimals, as always) for
     * classification; {@code test_mse} and {@code test_mae} (6 significant digits) for regression;
     * {@code test_exact_match} and {@code test_label_accuracy} (4 decimals) for multi-label.
     */
    static void putMetrics(Json json, EpochStats last) {
        if (last.testMetrics().isEmpty() || last.testMetrics().containsKey(EpochStats.ACCURACY)) {
            json.put("test_accuracy", last.testAccuracy(), 4);
            return;
        }
        for (var e : last.testMetrics().entrySet()) {
            boolean fraction = e.getKey().equals(EpochStats.EXACT_MATCH) || e.getKey().equals(EpochStats.LABEL_ACCURACY);
            json.put("test_" + e.getKey(), e.getValue(), fraction ? 4 : significant(e.getValue()));
        }
    }

    /** Decimals that show 6 significant digits of {@code v} (at most 12). */
    private static int significant(double v) {
        if (!(Math.abs(v) > 0) || !Double.isFinite(v)) return 6;
        int digits = (int) Math.floor(Math.log10(Math.abs(v))) + 1;
        return Math.max(0, Math.min(12, 6 - digits));
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
