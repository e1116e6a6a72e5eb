package org.vectorgrad.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.cli.Args;
import org.vectorgrad.cli.Json;
import org.vectorgrad.cli.UsageException;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.FashionMnist;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.ProgressListener;

/**
 * {@code vectorgrad spark-train}: trains a reference model on Fashion-MNIST through Spark (the training set
 * loaded into a {@code Dataset<Row>}), with the progress, epoch table and JSON line of {@code vectorgrad train}.
 * The launcher script runs it with Spark's JVM flags ({@code integrations/spark/jvm.options}); with
 * {@code spark-submit}, pass the module jar and {@code --class org.vectorgrad.spark.SparkTrainCommand}.
 * Exit 0 after a normal run, 1 when training stopped on a NaN/Inf or a failure, 2 on a usage error.
 */
public final class SparkTrainCommand {
    static final String USAGE = """
            usage: vectorgrad spark-train [options]
              --master M                 Spark master (default local[2]; local[N,F] retries a failed task up to F times)
              --partitions P             workers, one model replica each (default: N of local[N], else 2)
              --average-every K          0: sum gradients every step (default); K: average parameters every K local steps
              --threads-per-task T       backend threads inside each task (default: spark.task.cpus, 1 unless set)
              --checkpoint DIR           driver checkpoints into DIR after every epoch (and --checkpoint-every N steps)
              --resume                   continue from --checkpoint DIR's checkpoint (same options needed)
              --model, --epochs, --batch, --lr, --momentum, --backend, --seed, --data, --limit, --schedule, --lr-warmup
                                         as for train (batch must divide by the partitions)
            """;

    private SparkTrainCommand() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        try {
            return train(argv, out, err);
        } catch (UsageException e) {
            err.println("vectorgrad spark-train: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("vectorgrad spark-train: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("VECTORGRAD_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }

    static int partitionsOf(String master) {
        Matcher m = Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
        return m.matches() ? Integer.parseInt(m.group(1)) : 2;
    }

    private static int train(List<String> argv, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(argv, Set.of("master", "partitions", "average-every", "threads-per-task", "checkpoint", "checkpoint-every",
                "model", "epochs", "batch", "lr", "momentum", "backend", "seed", "data", "limit", "schedule", "lr-warmup"), Set.of("resume"));
        String master = a.string("master", "local[2]");
        int partitions = a.integer("partitions", partitionsOf(master), 1, 4096);
        int averageEvery = a.integer("average-every", 0, 0, 1_000_000);
        int tpt = a.integer("threads-per-task", 0, 1, 1024); // 0: not given, spark.task.cpus decides
        String modelName = a.choice("model", "mlp", Models.names());
        int epochs = a.integer("epochs", 5, 1, 10_000);
        int batch = a.integer("batch", 128, 1, 1 << 20);
        float lr = a.decimal("lr", 0.05f, 1e-9f, 100f);
        float momentum = a.decimal("momentum", 0.9f, 0f, 0.999f);
        String backend = a.choice("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO), Backends.names());
        long seed = a.longValue("seed", 42);
        Path dataDir = Path.of(a.string("data", FashionMnist.DEFAULT_DIR.toString()));
        int limit = a.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        String scheduleName = a.choice("schedule", "cosine", List.of("cosine", "constant"));
        int warmup = a.integer("lr-warmup", 100, 0, 1_000_000);
        String ckpt = a.string("checkpoint", null);
        int ckptEvery = a.integer("checkpoint-every", 0, 0, Integer.MAX_VALUE);
        if (a.flag("resume") && ckpt == null) throw new UsageException("--resume needs --checkpoint DIR");
        if (batch % partitions != 0) throw new UsageException("--batch " + batch + " must be a multiple of --partitions " + partitions);

        long wallStart = System.nanoTime();
        if (!FashionMnist.isPresent(dataDir)) {
            err.println("vectorgrad spark-train: " + FashionMnist.howToGet(dataDir));
            return 1;
        }
        FashionMnist.Splits raw = FashionMnist.load(dataDir);
        double[] ms = raw.train().meanAndStd(); // standardized as `train` does: zero-centred inputs
        Dataset trainSet = raw.train().standardized(ms[0], ms[1]);
        if (limit < trainSet.size()) trainSet = trainSet.subset(limit);
        Dataset testSet = raw.test().standardized(ms[0], ms[1]);

        SparkSession spark = SparkSession.builder().master(master).appName("vectorgrad spark-train")
                .config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false")).getOrCreate();
        try {
            int threads = tpt > 0 ? tpt : SparkTrainer.defaultThreadsPerTask(spark.sparkContext().getConf());
            org.apache.spark.sql.Dataset<Row> rows = SparkData.fromDataset(spark, trainSet, partitions);
            SparkTrainer trainer = new SparkTrainer(spark, () -> Models.create(modelName, seed))
                    .partitions(partitions).backend(backend, threads).sgd(lr, momentum).averageEvery(averageEvery)
                    .schedule(LearningRateSchedule.named(scheduleName).withWarmup(warmup)).sampleShape(trainSet.sampleShape())
                    .addListener(new ProgressListener(err, System.console() != null));
            if (ckpt != null) trainer.checkpointTo(Path.of(ckpt), ckptEvery);
            if (a.flag("resume")) trainer.resumeFrom(Path.of(ckpt));
            err.printf(Locale.ROOT, "training %s on %d samples through Spark %s (%s, %d partitions, %s backend x %d threads per task, batch %d = %d x %d, seed %d, %s)%n",
                    trainer.model().describe(), trainSet.size(), spark.version(), master, partitions, backend, threads, batch, partitions,
                    batch / partitions, seed, averageEvery == 0 ? "gradient sum every step" : "parameter averaging every " + averageEvery + " steps");
            SparkTrainer.Result r = trainer.fit(rows, SparkData.FEATURES, SparkData.LABEL, testSet, epochs, batch, seed);
            List<EpochStats> hist = r.epochs();
            if (hist.isEmpty()) {
                out.println("stopped before the first epoch ended: no finished epoch to summarize");
                return 1;
            }
            EpochStats last = hist.get(hist.size() - 1);
            double meanRate = org.vectorgrad.cli.EpochSummary.meanRate(hist);
            double wall = (System.nanoTime() - wallStart) / 1e9;
            org.vectorgrad.cli.EpochSummary.print(out, hist, epochs, wall);
            SparkTrainer.Costs c = r.costs();
            out.println(new Json()
                    .put("model", modelName).put("backend", backend).put("threads", threads)
                    .put("epochs", epochs).put("batch", batch).put("seed", seed)
                    .put("lr", lr, 4).put("momentum", momentum, 3).put("schedule", scheduleName).put("lr_warmup", warmup)
                    .put("train_samples", trainSet.size())
                    .put("test_accuracy", last.testAccuracy(), 4)
                    .put("train_loss", last.trainLoss(), 6)
                    .put("start_loss", r.startLoss(), 6)
                    .put("samples_per_s", meanRate, 1)
                    .put("wall_s", wall, 2)
                    .put("master", master).put("partitions", partitions).put("average_every", averageEvery)
                    .put("jobs", c.jobs()).put("job_ms", c.jobMillis(), 2).put("driver_ms", c.driverMillis(), 2)
                    .put("floats_to_each_task", c.floatsToEachTask()).put("floats_from_each_task", c.floatsFromEachTask()));
            return 0;
        } finally {
            spark.stop();
        }
    }
}
