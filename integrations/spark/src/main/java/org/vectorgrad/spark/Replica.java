package org.vectorgrad.spark;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/**
 * A worker's model replica: the model, its backend (one per replica, {@link SparkTrainer.Config#threadsPerTask}
 * threads), the loss and the batch buffers. Replicas live in a static map of the executor JVM, one per (run,
 * partition), so a task reuses the replica its partition's previous task built instead of rebuilding the model
 * every step; {@link #release} closes them when the run ends.
 *
 * <p>A task never trusts what the replica holds from before: it first overwrites the parameters (and, when
 * averaging, the optimizer state) with the driver's, so a task that failed half-way, or one re-run on another
 * executor, computes the same result from the same inputs. Methods are synchronized: one task at a time per
 * replica (Spark runs one task per partition at a time; speculative copies would queue here).
 */
final class Replica {
    private static final ConcurrentHashMap<String, Replica> REPLICAS = new ConcurrentHashMap<>();
    /**
     * The parameters of every model in use in this JVM (replicas, and the driver's model in local mode), by identity:
     * a ModelFactory that hands out one shared model (a static field, a cache) would have two tasks of this
     * executor race on the same weights and gradients, a silently wrong run; it is refused instead.
     */
    private static final ConcurrentHashMap<Parameter, String> IN_USE = new ConcurrentHashMap<>();

    private final Sequential model;
    private final Backend backend;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final List<Parameter> params;
    private final int paramCount;
    private final int[] sampleShape;
    private SGD local; // only when averaging
    private int orderEpoch = -1;
    private int[] order;
    private float[] input = new float[0];
    private int[] labels = new int[0];

    private Replica(SparkTrainer.Config cfg, int partition) {
        Sequential m;
        try {
            m = cfg.factory().create();
        } catch (RuntimeException | LinkageError e) { // named here: Spark would report only the task that failed
            throw new IllegalStateException("partition " + partition + ": the ModelFactory failed on this executor: " + e, e);
        }
        if (m == null) throw new IllegalStateException("partition " + partition + ": the ModelFactory returned null");
        claim(m, "the replica of partition " + partition);
        this.model = m;
        try {
            this.backend = Backends.create(cfg.backend(), cfg.threadsPerTask());
        } catch (RuntimeException e) {
            unclaim(m);
            throw e;
        }
        model.bind(backend);
        loss.bind(backend);
        this.params = model.parameters();
        int n = 0;
        for (Parameter p : params) n += p.size();
        this.paramCount = n;
        this.sampleShape = cfg.sampleShape().clone();
    }

    /** The replica of {@code partition} in run {@code cfg.runId()}, built on first use in this JVM. */
    static Replica of(SparkTrainer.Config cfg, int partition) {
        return REPLICAS.computeIfAbsent(cfg.runId() + "/" + partition, k -> new Replica(cfg, partition));
    }

    /** Closes and forgets every replica of run {@code runId} in this JVM, whichever partitions they serve. */
    static void release(String runId) {
        for (String key : List.copyOf(REPLICAS.keySet())) {
            if (!key.startsWith(runId + "/")) continue;
            Replica r = REPLICAS.remove(key);
            if (r != null) {
                unclaim(r.model);
                r.backend.close();
            }
        }
    }

    /** Replicas of all runs alive in this JVM (tests). */
    static int live() { return REPLICAS.size(); }

    /** Records {@code m}'s parameters as used by {@code who}; refuses a model whose parameters another one uses. */
    static void claim(Sequential m, String who) {
        List<Parameter> ps = m.parameters();
        for (int i = 0; i < ps.size(); i++) {
            String other = IN_USE.putIfAbsent(ps.get(i), who);
            if (other != null) {
                for (int j = 0; j < i; j++) IN_USE.remove(ps.get(j), who);
                throw new IllegalStateException(who + ": the ModelFactory returned a model whose parameter " + ps.get(i)
                        + " is already used by " + other + " in this JVM; each create() must build a new model sharing no"
                        + " mutable state (tasks run concurrently in one executor)");
            }
        }
    }

    /** Forgets {@code m}'s parameters (those it claimed). */
    static void unclaim(Sequential m) {
        for (Parameter p : m.parameters()) IN_USE.remove(p);
    }

    /**
     * The positions in a shard of {@code shardSize} samples that partition {@code partition} trains on in epoch
     * {@code epoch}: a Fisher–Yates shuffle seeded by (seed, epoch, partition); step s takes positions
     * {@code [s*b, (s+1)*b)} of it for a local batch of b.
     */
    static int[] epochOrder(long seed, int epoch, int partition, int shardSize) {
        int[] o = new int[shardSize];
        for (int i = 0; i < shardSize; i++) o[i] = i;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + partition * 7_919L + 17);
        for (int i = shardSize - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** Copies local batch {@code step} of {@code epoch} into the batch buffers; returns the input tensor. */
    private Tensor batch(Shard s, long seed, int epoch, int step, int b) {
        if (orderEpoch != epoch) {
            order = epochOrder(seed, epoch, s.partition, s.size());
            orderEpoch = epoch;
        }
        int d = s.sampleSize;
        if (input.length != b * d) input = new float[b * d];
        if (labels.length != b) labels = new int[b];
        for (int i = 0; i < b; i++) {
            int pos = order[step * b + i];
            System.arraycopy(s.features, pos * d, input, i * d, d);
            labels[i] = s.labels[pos];
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = b;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return Tensor.wrap(input, shape);
    }

    private void load(float[] flat, int from) {
        int o = from;
        for (Parameter p : params) {
            Tensor v = p.value();
            System.arraycopy(flat, o, v.data(), v.offset(), p.size());
            o += p.size();
        }
    }

    /** Forward and backward on local batch {@code step}; returns the batch's mean loss, gradients in the parameters. */
    private double forwardBackward(Shard s, long seed, int epoch, int step, int b) {
        for (Parameter p : params) p.zeroGrad();
        Tensor x = batch(s, seed, epoch, step, b);
        Tensor logits = model.forward(x, true);
        double l = loss.forward(logits, labels);
        model.backward(loss.backward(), false);
        return l;
    }

    /**
     * Gradient mode: the mean-loss gradient of local batch {@code step} of {@code epoch} at parameters
     * {@code flatParams} (all parameters, in {@link Sequential#parameters()} order, concatenated).
     */
    synchronized SparkTrainer.StepResult gradient(Shard s, float[] flatParams, long seed, int epoch, int step, int b) {
        check(s, flatParams.length, paramCount, b, step);
        load(flatParams, 0);
        double l = forwardBackward(s, seed, epoch, step, b);
        float[] g = new float[paramCount];
        int o = 0;
        for (Parameter p : params) {
            Tensor t = p.grad();
            System.arraycopy(t.data(), t.offset(), g, o, p.size());
            o += p.size();
        }
        return new SparkTrainer.StepResult(l * b, b, g);
    }

    /**
     * Averaging mode: from {@code state} (parameters, then the SGD velocities when momentum is used), runs
     * {@code rates.length} local SGD steps starting at local batch {@code firstStep}, one learning rate per step;
     * returns the loss sum and the state after them.
     */
    synchronized SparkTrainer.StepResult localSteps(Shard s, float[] state, float lr0, float momentum, long seed, int epoch,
                                                    int firstStep, float[] rates, int b) {
        if (local == null) {
            local = new SGD(params, lr0, momentum);
            local.bind(backend);
        }
        List<Tensor> velocity = List.copyOf(local.stateTensors().values());
        int expected = paramCount * (velocity.isEmpty() ? 1 : 2);
        check(s, state.length, expected, b, firstStep + rates.length - 1);
        load(state, 0);
        int o = paramCount;
        for (Tensor v : velocity) {
            System.arraycopy(state, o, v.data(), v.offset(), v.size());
            o += v.size();
        }
        double lossSum = 0;
        for (int i = 0; i < rates.length; i++) {
            lossSum += forwardBackward(s, seed, epoch, firstStep + i, b) * b;
            local.setLearningRate(rates[i]);
            local.step();
        }
        float[] out = new float[expected];
        o = 0;
        for (Parameter p : params) {
            Tensor v = p.value();
            System.arraycopy(v.data(), v.offset(), out, o, p.size());
            o += p.size();
        }
        for (Tensor v : velocity) {
            System.arraycopy(v.data(), v.offset(), out, o, v.size());
            o += v.size();
        }
        return new SparkTrainer.StepResult(lossSum, (long) b * rates.length, out);
    }

    private void check(Shard s, int got, int expected, int b, int lastStep) {
        if (got != expected) {
            throw new IllegalStateException("partition " + s.partition + ": the driver sent " + got + " floats, the replica's model "
                    + model.describe() + " needs " + expected + ": the ModelFactory must build the same model on every JVM");
        }
        if ((long) (lastStep + 1) * b > s.size()) {
            throw new IllegalStateException("partition " + s.partition + " holds " + s.size() + " samples, too few for local batch "
                    + (lastStep + 1) + " of " + b);
        }
    }
}
