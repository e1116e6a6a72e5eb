package org.vectorgrad.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Batch;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Checkpoint;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.TrainingListener;

/**
 * Synchronous data-parallel training on Spark. The driver holds the master model and the optimizer (SGD with
 * optional momentum, a learning-rate schedule); the training rows are split once into one cached shard per
 * partition (row r to partition r mod P); every executor task keeps a replica of the model. A global batch of B
 * samples is P local batches of B/P, one per partition. Two modes:
 *
 * <ul>
 *   <li><b>Gradient sum</b> ({@code averageEvery(0)}, the default): per step, one Spark job. The driver
 *       broadcasts the parameters; each task loads them into its replica, runs forward and backward on its local
 *       batch and returns its mean-loss gradient; the driver adds the P gradients <em>in partition order</em>
 *       ({@code collect()} returns them so), scales by 1/P, and takes one optimizer step. Equivalent to one JVM
 *       stepping on the concatenated batch, up to float rounding of the reordered sums.</li>
 *   <li><b>Parameter averaging every k steps</b> ({@code averageEvery(k)}): per k steps, one job. Each task
 *       loads the parameters and the SGD velocities, runs k local SGD steps on its next k local batches, returns
 *       parameters and velocities; the driver averages them in partition order.</li>
 * </ul>
 *
 * <p><b>Reproducible:</b> the same rows, seed, partition count, backend and threads per task give the same bits,
 * including after a task failure (a retried task recomputes from the broadcast state; the replica keeps nothing
 * that matters between tasks) and after a resume from a checkpoint. Not thread-safe: one thread drives a trainer.
 */
public final class SparkTrainer {
    /** What every task needs; travels inside the tasks. */
    record Config(String runId, ModelFactory factory, String backend, int threadsPerTask, int[] sampleShape, long seed,
                  int localBatch, long failAtStep, int failPartition) implements Serializable {}

    /** One task's answer: its loss sum, its sample count and a flat float vector (gradient or state). */
    record StepResult(double lossSum, long samples, float[] values) implements Serializable {}

    /**
     * What a {@link #fit} did: every finished epoch (those before a resume included), whether it stopped early,
     * the first step's loss, and where the driver's time per step went.
     */
    public record Result(List<EpochStats> epochs, boolean stopped, double startLoss, Costs costs) {}

    /**
     * Mean wall time per Spark job (one step, or k steps when averaging) of this fit, in milliseconds: the whole job
     * as the driver sees it (broadcast, scheduling, the tasks, the results' transfer) and the driver's part after it
     * (sum or average, optimizer step); plus the floats sent to each task and received from each per job.
     */
    public record Costs(long jobs, double jobMillis, double driverMillis, long floatsToEachTask, long floatsFromEachTask) {}

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final ModelFactory factory;
    private final Sequential model;
    private int partitions = 2;
    private String backendName = Backends.AUTO;
    private int threadsPerTask = 0; // 0: spark.task.cpus, resolved in fit
    private int driverThreads = 1;
    private float lr = 0.05f, momentum = 0.9f;
    private LearningRateSchedule schedule = LearningRateSchedule.constant();
    private int averageEvery = 0;
    private int[] sampleShape;
    private Path checkpointDir, resumeDir;
    private int checkpointEvery = 0;
    private BooleanSupplier stop = () -> false;
    private final List<TrainingListener> listeners = new ArrayList<>();
    /** Test hook: failures {@link #failOnce} injected in this JVM (local mode: the tasks run in the driver's JVM). */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();
    private long failAtStep = -1;
    private int failPartition = -1;

    /** A trainer of the model {@code factory} builds (the driver's copy is built now: {@link #model()}). */
    public SparkTrainer(SparkSession spark, ModelFactory factory) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.factory = factory;
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(java.io.OutputStream.nullOutputStream())) {
            // the factory travels inside every task: find out now, not at the first step after the data was shuffled
            out.writeObject(factory);
        } catch (IOException e) {
            throw new IllegalArgumentException("SparkTrainer: the ModelFactory cannot be serialized to travel to the executors ("
                    + e + "); build the model inside create() from serializable values, without capturing other objects", e);
        }
        this.model = factory.create();
        if (!model.buffers().isEmpty()) {
            // each replica would update its own running statistics and only parameters travel back to the driver,
            // so the driver's statistics would stay at their initial values: refuse rather than serve wrong numbers
            throw new IllegalArgumentException("SparkTrainer: the model has " + model.buffers().size()
                    + " buffers (running statistics of a BatchNorm layer, for example); data-parallel training here"
                    + " synchronizes parameters only, so those statistics would not be trained; use a model without them");
        }
    }

    /** The driver's model: after {@link #fit}, the trained parameters. */
    public Sequential model() { return model; }

    /** Partitions, i.e. workers, each with a model replica (default 2); the global batch must divide by it. */
    public SparkTrainer partitions(int p) {
        if (p < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + p);
        this.partitions = p;
        return this;
    }

    /**
     * Backend of every replica and of the driver (default auto), and threads per task (default: the session's
     * {@code spark.task.cpus}, 1 unless set, so a task uses the cores Spark reserves for it).
     */
    public SparkTrainer backend(String name, int threadsPerTask) {
        if (threadsPerTask < 1) throw new IllegalArgumentException("threads per task must be >= 1, got " + threadsPerTask);
        this.backendName = name;
        this.threadsPerTask = threadsPerTask;
        return this;
    }

    /** Threads of the driver's backend (optimizer step, evaluation); default 1. */
    public SparkTrainer driverThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("driver threads must be >= 1, got " + threads);
        this.driverThreads = threads;
        return this;
    }

    /** SGD's base learning rate and momentum (defaults 0.05 and 0.9; momentum 0 is plain SGD). */
    public SparkTrainer sgd(float lr, float momentum) {
        this.lr = lr;
        this.momentum = momentum;
        return this;
    }

    /** The learning-rate schedule over all steps (default constant). */
    public SparkTrainer schedule(LearningRateSchedule s) {
        this.schedule = s;
        return this;
    }

    /** 0 (default): sum the gradients every step; k >= 1: k local SGD steps per worker, then average. */
    public SparkTrainer averageEvery(int k) {
        if (k < 0) throw new IllegalArgumentException("averageEvery must be >= 0, got " + k);
        this.averageEvery = k;
        return this;
    }

    /** The shape of one sample (default: the features' length, flat); the reference models want {1, 28, 28}. */
    public SparkTrainer sampleShape(int... shape) {
        this.sampleShape = shape.clone();
        return this;
    }

    /** Writes a checkpoint ({@link Checkpoint}'s format) into {@code dir} every {@code everySteps} steps and after every epoch. */
    public SparkTrainer checkpointTo(Path dir, int everySteps) {
        this.checkpointDir = dir;
        this.checkpointEvery = Math.max(0, everySteps);
        return this;
    }

    /** Continues from the checkpoint in {@code dir} when there is one (the run's options must match it). */
    public SparkTrainer resumeFrom(Path dir) {
        this.resumeDir = dir;
        return this;
    }

    /** Asked after every step (or averaging round): true stops the run there, without a checkpoint. */
    public SparkTrainer stopWhen(BooleanSupplier s) {
        this.stop = s;
        return this;
    }

    public SparkTrainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Test hook: the first attempt of partition {@code partition}'s task of global step {@code step} throws. */
    SparkTrainer failOnce(long step, int partition) {
        this.failAtStep = step;
        this.failPartition = partition;
        return this;
    }

    /**
     * Trains on {@code train} (columns {@code featuresCol}, {@code labelCol}) for {@code epochs} epochs of global
     * batches of {@code batchSize}; evaluates on {@code test} (may be null) on the driver after each epoch.
     * Steps per epoch: the smallest shard's size divided by {@code batchSize / partitions} (the remainder of each
     * shard, a different one every epoch, is left out).
     */
    public Result fit(Dataset<Row> train, String featuresCol, String labelCol, org.vectorgrad.data.Dataset test, int epochs,
                      int batchSize, long seed) throws IOException {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < partitions || batchSize % partitions != 0) {
            throw new IllegalArgumentException("the batch (" + batchSize + ") must be a multiple of the partitions (" + partitions + ")");
        }
        int b = batchSize / partitions;
        List<Parameter> params = model.parameters();
        int paramCount = params.stream().mapToInt(Parameter::size).sum();
        SparkData.checkSchema(train, featuresCol, labelCol);
        int sampleSize;
        int[] shape;
        if (sampleShape != null) {
            shape = sampleShape;
            sampleSize = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        } else {
            List<Row> first = train.select(featuresCol, labelCol).takeAsList(1); // first() throws a bare NoSuchElementException
            if (first.isEmpty()) throw new IllegalArgumentException("the training Dataset<Row> has no rows");
            sampleSize = SparkData.features(first.get(0), featuresCol, 0).length;
            shape = new int[] {sampleSize};
        }
        int tpt = threadsPerTask > 0 ? threadsPerTask : defaultThreadsPerTask(jsc.getConf());
        Config cfg = new Config(UUID.randomUUID().toString(), factory, backendName, tpt, shape, seed, b, failAtStep, failPartition);
        try (Backend backend = Backends.create(backendName, driverThreads)) {
            model.bind(backend);
            SGD sgd = new SGD(params, lr, momentum);
            sgd.bind(backend);
            int[] probeShape = new int[shape.length + 1];
            probeShape[0] = 1;
            System.arraycopy(shape, 0, probeShape, 1, shape.length);
            Tensor probe; // one zero sample on the driver: a sample shape the model cannot take fails here, not in every task
            try {
                probe = model.forward(Tensor.zeros(probeShape), false);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the model " + model.describe() + " cannot take samples of shape " + Arrays.toString(shape)
                        + " (set sampleShape(...)): " + e.getMessage(), e);
            }
            if (probe.rank() != 2) {
                throw new IllegalArgumentException("the model's output has shape " + probe.shapeString() + " for one sample; expected [1, classes]");
            }
            JavaRDD<Shard> shards = SparkData.shards(train, featuresCol, labelCol, partitions, sampleSize, probe.dim(1));
            boolean stepped = false;
            Replica.claim(model, "the driver's model");
            try {
                List<Integer> sizes;
                try {
                    sizes = shards.map(Shard::size).collect();
                } catch (Exception e) {
                    throw clearer(e); // a bad row: the task's message, not Spark's "Job aborted due to stage failure"
                }
                int minShard = sizes.stream().mapToInt(Integer::intValue).min().orElse(0);
                int steps = minShard / b;
                if (steps < 1) {
                    throw new IllegalArgumentException("the smallest of the " + partitions + " shards holds " + minShard + " samples (shards "
                            + sizes + "), fewer than one local batch of " + b + " (batch " + batchSize + " / " + partitions + " partitions)");
                }
                Checkpoint.Run run = new Checkpoint.Run(seed, batchSize, epochs, steps, lr);
                Checkpoint.Position from = new Checkpoint.Position(1, 0, 0, 0, 0, Double.NaN, List.of());
                if (resumeDir != null && Checkpoint.exists(resumeDir)) from = Checkpoint.restore(resumeDir, model, sgd, run);
                stepped = true;
                return loop(shards, cfg, sgd, run, from, test, epochs, batchSize, steps, paramCount);
            } finally {
                String id = cfg.runId();
                Replica.unclaim(model);
                Replica.release(id); // in local mode the replicas live in this JVM: freed even if the job below cannot run
                try { // best effort: free the replicas' backends and the cached shards; never hide the run's own exception
                    // a task frees every replica of the run in its JVM, not only its partition's: the task of partition
                    // p may land on another executor than the one holding p's replica (a retry, a locality fallback)
                    if (stepped) shards.foreachPartition(it -> Replica.release(id));
                    shards.unpersist(false);
                } catch (RuntimeException e) {
                    System.err.println("vectorgrad-spark: could not release the replicas of run " + id + ": " + e);
                }
            }
        }
    }

    private Result loop(JavaRDD<Shard> shards, Config cfg, SGD sgd, Checkpoint.Run run, Checkpoint.Position from,
                        org.vectorgrad.data.Dataset test, int epochs, int batchSize, int steps, int paramCount) throws IOException {
        List<Parameter> params = model.parameters();
        List<Tensor> velocity = List.copyOf(sgd.stateTensors().values());
        int k = averageEvery;
        long totalSteps = (long) steps * epochs, done = from.globalStep();
        List<EpochStats> history = new ArrayList<>(from.history());
        double startLoss = from.startLoss();
        long jobs = 0, jobNanos = 0, driverNanos = 0;
        int stateLength = k == 0 ? paramCount : paramCount * (velocity.isEmpty() ? 1 : 2);
        float[] state = new float[stateLength];
        for (int epoch = from.epoch(); epoch <= epochs; epoch++) {
            boolean resumed = epoch == from.epoch();
            int step = resumed ? from.stepInEpoch() : 0;
            double lossSum = resumed ? from.lossSum() : 0;
            long samples = resumed ? from.samples() : 0;
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs, steps);
            long start = System.nanoTime();
            while (step < steps) {
                int n = k == 0 ? 1 : Math.min(k, steps - step);
                float[] rates = new float[n];
                for (int i = 0; i < n; i++) rates[i] = Math.max(schedule.rate(lr, done + i, totalSteps), Float.MIN_NORMAL);
                int o = 0;
                for (Parameter p : params) {
                    Tensor v = p.value();
                    System.arraycopy(v.data(), v.offset(), state, o, p.size());
                    o += p.size();
                }
                if (k != 0) {
                    for (Tensor v : velocity) {
                        System.arraycopy(v.data(), v.offset(), state, o, v.size());
                        o += v.size();
                    }
                }
                long t0 = System.nanoTime();
                List<StepResult> rs = job(shards, cfg, state, epoch, step, done, rates, momentum, lr);
                long t1 = System.nanoTime();
                double l = 0;
                long cnt = 0;
                for (StepResult r : rs) { // partition order
                    l += r.lossSum();
                    cnt += r.samples();
                }
                double mean = l / cnt;
                if (!Double.isFinite(mean)) {
                    throw new IllegalStateException("training stopped at epoch " + epoch + ", step " + (step + 1) + ": the loss is " + mean
                            + "; lower the learning rate or check the data");
                }
                if (k == 0) applyGradient(rs, params, sgd, rates[0], epoch, step + 1);
                else average(rs, params, velocity, epoch, step + n);
                driverNanos += System.nanoTime() - t1;
                jobNanos += t1 - t0;
                jobs++;
                done += n;
                step += n;
                lossSum += l;
                samples += cnt;
                if (Double.isNaN(startLoss)) startLoss = k == 0 ? mean : rs.get(0).lossSum() / rs.get(0).samples();
                double secs = (System.nanoTime() - start) / 1e9;
                for (TrainingListener lis : listeners) lis.onStep(epoch, step, steps, mean, samples / Math.max(secs, 1e-9));
                if (step < steps) {
                    Checkpoint.Position here = new Checkpoint.Position(epoch, step, done, lossSum, samples, startLoss, List.copyOf(history));
                    if (checkpointDir != null && checkpointEvery > 0 && done % checkpointEvery < n) {
                        Checkpoint.save(checkpointDir, model, sgd, run, here);
                    }
                    if (stop.getAsBoolean()) return new Result(List.copyOf(history), true, startLoss, costs(jobs, jobNanos, driverNanos, stateLength, paramCount, k));
                }
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            double acc = test == null ? Double.NaN : accuracy(test, Math.max(batchSize, 256));
            double secs = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch, epochs, lossSum / samples, acc, samples / trainSecs, secs);
            history.add(stats);
            for (TrainingListener l : listeners) l.onEpochEnd(stats);
            Checkpoint.Position next = new Checkpoint.Position(epoch + 1, 0, done, 0, 0, startLoss, List.copyOf(history));
            if (checkpointDir != null) Checkpoint.save(checkpointDir, model, sgd, run, next);
            if (epoch < epochs && stop.getAsBoolean()) {
                return new Result(List.copyOf(history), true, startLoss, costs(jobs, jobNanos, driverNanos, stateLength, paramCount, k));
            }
        }
        return new Result(List.copyOf(history), false, startLoss, costs(jobs, jobNanos, driverNanos, stateLength, paramCount, k));
    }

    /** Threads per task when none are set: {@code spark.task.cpus} (the cores Spark reserves per task), at least 1. */
    static int defaultThreadsPerTask(SparkConf conf) {
        return Math.max(1, conf.getInt("spark.task.cpus", 1));
    }

    /**
     * A failed Spark job as the exception a user can act on: when a task threw an IllegalArgumentException (bad
     * data) or IllegalStateException (a failing ModelFactory, a replica that does not match the driver's model),
     * the same type with that task's message, Spark's failure (task, stage, executor, stack) as its cause.
     */
    static RuntimeException clearer(Exception e) {
        if (e instanceof SparkException && e.getCause() instanceof IllegalArgumentException c) return new IllegalArgumentException(c.getMessage(), e);
        if (e instanceof SparkException && e.getCause() instanceof IllegalStateException c) return new IllegalStateException(c.getMessage(), e);
        if (e instanceof RuntimeException r) return r;
        return new IllegalStateException(e.getMessage(), e);
    }

    private static Costs costs(long jobs, long jobNanos, long driverNanos, int stateLength, int paramCount, int k) {
        double j = Math.max(jobs, 1);
        return new Costs(jobs, jobNanos / 1e6 / j, driverNanos / 1e6 / j, stateLength, k == 0 ? paramCount : stateLength);
    }

    /** One Spark job: broadcast {@code state}, one task per shard, results in partition order. */
    private List<StepResult> job(JavaRDD<Shard> shards, Config cfg, float[] state, int epoch, int step, long globalStep,
                                 float[] rates, float momentum, float lr0) {
        Broadcast<float[]> bc = jsc.broadcast(state);
        try {
            boolean averaging = averageEvery != 0;
            return shards.mapPartitionsWithIndex((p, it) -> {
                Shard s = it.next();
                Replica r = Replica.of(cfg, p);
                StepResult res = averaging
                        ? r.localSteps(s, bc.value(), lr0, momentum, cfg.seed(), epoch, step, rates, cfg.localBatch())
                        : r.gradient(s, bc.value(), cfg.seed(), epoch, step, cfg.localBatch());
                // injected after the replica computed: the retry finds the replica in its post-step state (the
                // worst case for a replica that kept anything between tasks), not untouched
                if (cfg.failAtStep() >= globalStep && cfg.failAtStep() < globalStep + rates.length && p == cfg.failPartition()
                        && TaskContext.get().attemptNumber() == 0) {
                    INJECTED.incrementAndGet();
                    throw new IllegalStateException("injected failure: partition " + p + ", global step " + cfg.failAtStep());
                }
                return List.of(res).iterator();
            }, true).collect();
        } catch (Exception e) {
            throw clearer(e); // a failing ModelFactory on an executor: its message, not only Spark's stage failure
        } finally {
            bc.destroy();
        }
    }

    /** Sums the gradients in partition order, scales by 1/P, checks they are finite, takes the optimizer step. */
    private void applyGradient(List<StepResult> rs, List<Parameter> params, SGD sgd, float rate, int epoch, int step) {
        float scale = 1f / rs.size();
        int o = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            float[] gd = g.data();
            int go = g.offset();
            for (int j = 0; j < p.size(); j++) {
                float acc = rs.get(0).values()[o + j];
                for (int w = 1; w < rs.size(); w++) acc += rs.get(w).values()[o + j];
                float v = acc * scale;
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("training stopped at epoch " + epoch + ", step " + step + ": the summed gradient of "
                            + p + " holds " + v + " at element " + j + "; lower the learning rate or check the data");
                }
                gd[go + j] = v;
            }
            o += p.size();
        }
        sgd.setLearningRate(rate);
        sgd.step();
        sgd.setLearningRate(lr);
    }

    /** Averages parameters and velocities over the partitions, in partition order, into the driver's model and SGD. */
    private void average(List<StepResult> rs, List<Parameter> params, List<Tensor> velocity, int epoch, int step) {
        float scale = 1f / rs.size();
        List<Tensor> targets = new ArrayList<>();
        for (Parameter p : params) targets.add(p.value());
        targets.addAll(velocity);
        int o = 0;
        for (Tensor t : targets) {
            float[] d = t.data();
            int to = t.offset();
            for (int j = 0; j < t.size(); j++) {
                float acc = rs.get(0).values()[o + j];
                for (int w = 1; w < rs.size(); w++) acc += rs.get(w).values()[o + j];
                float v = acc * scale;
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("training stopped at epoch " + epoch + ", step " + step + ": the averaged state holds "
                            + v + "; lower the learning rate or check the data");
                }
                d[to + j] = v;
            }
            o += t.size();
        }
    }

    /** Fraction of {@code data} the driver's model classifies right (inference mode, in order; during {@link #fit}). */
    private double accuracy(org.vectorgrad.data.Dataset data, int batchSize) {
        long correct = 0, total = 0;
        for (Batch b : data.batches(batchSize, 0, 0, false)) {
            Tensor logits = model.forward(b.images(), false).contiguous();
            int n = b.size(), c = logits.dim(1);
            float[] d = logits.data();
            int off = logits.offset();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < c; j++) if (d[off + i * c + j] > d[off + i * c + best]) best = j;
                if (best == b.labels()[i]) correct++;
            }
            total += n;
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SparkTrainer(%d partitions, %s backend x %s threads per task, %s)", partitions, backendName,
                threadsPerTask > 0 ? threadsPerTask : "spark.task.cpus", averageEvery == 0 ? "gradient sum every step" : "parameter averaging every " + averageEvery + " steps");
    }
}
