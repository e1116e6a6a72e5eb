package org.vectorgrad.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.ImmutableRegressionInfo;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.BatchLoader;
import org.vectorgrad.io.ModelFile;
import org.vectorgrad.loss.MeanSquaredError;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Tanh;
import org.vectorgrad.optim.Adam;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/**
 * A Tribuo {@link Trainer} that trains a vectorgrad multi-layer perceptron: for classification ({@link Label},
 * softmax cross-entropy) or regression ({@link Regressor}, mean squared error, one output per dimension). Make one
 * with {@link #classification()} or {@link #regression()}; both return a {@link Builder}.
 *
 * <p><b>Architecture.</b> Dense layers of the configured {@link Builder#hidden hidden sizes}, each followed by the
 * activation, then a Dense layer to one output per class (or regression dimension); inputs are the dataset's feature
 * ID map ({@code featureIDMap.size()} columns). He-normal weights, zero biases; the Dense layer number {@code i}
 * (from 1) is seeded with {@code seed × 1000003 + i}, as vectorgrad's reference models are, so
 * {@code hidden(512, 256)} on 784 features and 10 classes is exactly {@code ./vectorgrad train --model mlp}'s network.
 *
 * <p><b>Data.</b> {@link #train} writes every example once into one dense float matrix through the feature and
 * output ID maps (see {@link FeatureConverter}; nothing is allocated per example on our side), applies the optional
 * input transform ({@link Builder#inputScale}, then {@link Builder#standardize} with the training set's mean and
 * standard deviation over all values, as the CLI standardizes), and trains with vectorgrad. Example weights are
 * ignored (this trainer does not implement Tribuo's {@code WeightedExamples}). Classification runs vectorgrad's own
 * {@link org.vectorgrad.train.Trainer} loop; regression the same loop shape (seeded shuffled batches, the learning
 * rate schedule per step, a finite-loss check per step) with the mean squared error.
 *
 * <p><b>Determinism.</b> A run is a function of the data, the configuration, the backend and its thread count: the
 * same inputs give a model with the same bits. Following Tribuo's convention, the N-th call of {@link #train} on one
 * trainer (its invocation count, recorded in the provenance) uses the seed {@code seed + N × 0x9E3779B97F4A7C15};
 * the first call uses {@code seed} itself, and {@code train(data, provenance, N)} reproduces call N.
 *
 * <p><b>Provenance.</b> The trainer's provenance holds every {@code @Config} field below and the invocation count;
 * the model's run provenance adds the vectorgrad version, the backend that actually ran ({@code auto} resolved), its
 * thread count and the seed used.
 *
 * <p>Multithreaded by default (the backend uses {@link Runtime#availableProcessors()} threads unless
 * {@link Builder#threads} says otherwise). Not thread-safe: one {@code train} at a time per trainer, as with Tribuo's
 * other trainers; the models it returns are thread-safe.
 *
 * @param <T> {@link Label} or {@link Regressor}
 */
public final class VectorgradTrainer<T extends Output<T>> implements Trainer<T> {
    private static final Logger logger = Logger.getLogger(VectorgradTrainer.class.getName());

    /** What the network learns. */
    public enum Task { CLASSIFICATION, REGRESSION }

    /** The activation after every hidden layer. */
    public enum Activation { RELU, TANH }

    /** The optimizer: SGD (with {@code momentum}, 0 for plain SGD) or Adam (betas 0.9, 0.999, eps 1e-8). */
    public enum OptimizerType { SGD, ADAM }

    /** The learning-rate schedule over the whole run (after the warm-up ramp). */
    public enum Schedule { CONSTANT, COSINE }

    @Config(mandatory = true, description = "Classification (softmax cross-entropy) or regression (mean squared error).")
    private Task task;
    @Config(description = "Sizes of the hidden Dense layers, input side first.")
    private int[] hiddenSizes = {512, 256};
    @Config(description = "Activation after each hidden layer.")
    private Activation activation = Activation.RELU;
    @Config(description = "Optimizer.")
    private OptimizerType optimizer = OptimizerType.SGD;
    @Config(description = "Base learning rate.")
    private float learningRate = 0.05f;
    @Config(description = "SGD momentum (ignored by Adam).")
    private float momentum = 0.9f;
    @Config(description = "L2 weight decay.")
    private float weightDecay = 0f;
    @Config(description = "Learning-rate schedule.")
    private Schedule schedule = Schedule.COSINE;
    @Config(description = "Steps of linear learning-rate warm-up.")
    private int warmupSteps = 100;
    @Config(description = "Passes over the training data.")
    private int epochs = 5;
    @Config(description = "Examples per optimizer step.")
    private int batchSize = 128;
    @Config(description = "Seed of the initialization and of the batch order.")
    private long seed = Trainer.DEFAULT_SEED;
    @Config(description = "Every feature value is multiplied by this (as a float) before anything else.")
    private float inputScale = 1f;
    @Config(description = "Standardize inputs with the training set's mean and std over all values.")
    private boolean standardize = false;
    @Config(description = "vectorgrad backend: auto, vector, blas or scalar.")
    private String backend = "auto";
    @Config(description = "Threads of the backend (default: available processors).")
    private int threads = Runtime.getRuntime().availableProcessors();

    private int invocationCount = 0;

    /** For OLCUT's configuration system. */
    private VectorgradTrainer() {}

    /** A builder of a classification trainer ({@code Trainer<Label>}). */
    public static Builder<Label> classification() { return new Builder<>(Task.CLASSIFICATION); }

    /** A builder of a regression trainer ({@code Trainer<Regressor>}). */
    public static Builder<Regressor> regression() { return new Builder<>(Task.REGRESSION); }

    /**
     * Configures a {@link VectorgradTrainer}; every setter returns the builder. Defaults: hidden 512, 256, ReLU,
     * SGD learning rate 0.05 momentum 0.9, cosine schedule with 100 warm-up steps, 5 epochs, batch 128, seed
     * {@link Trainer#DEFAULT_SEED}, no input transform, backend auto, all available processors. Not thread-safe.
     */
    public static final class Builder<T extends Output<T>> {
        private final VectorgradTrainer<T> t = new VectorgradTrainer<>();

        private Builder(Task task) { t.task = task; }

        /** Hidden layer sizes, input side first (none: a linear model). */
        public Builder<T> hidden(int... sizes) { t.hiddenSizes = sizes.clone(); return this; }
        public Builder<T> activation(Activation a) { t.activation = a; return this; }
        /** SGD with momentum (0 for plain SGD). */
        public Builder<T> sgd(float learningRate, float momentum) { t.optimizer = OptimizerType.SGD; t.learningRate = learningRate; t.momentum = momentum; return this; }
        /** Adam with the given learning rate. */
        public Builder<T> adam(float learningRate) { t.optimizer = OptimizerType.ADAM; t.learningRate = learningRate; return this; }
        public Builder<T> weightDecay(float wd) { t.weightDecay = wd; return this; }
        /** The schedule and its linear warm-up length in steps (0: none). */
        public Builder<T> schedule(Schedule s, int warmupSteps) { t.schedule = s; t.warmupSteps = warmupSteps; return this; }
        public Builder<T> epochs(int epochs) { t.epochs = epochs; return this; }
        public Builder<T> batchSize(int batchSize) { t.batchSize = batchSize; return this; }
        public Builder<T> seed(long seed) { t.seed = seed; return this; }
        /** Multiplies every feature value (as a float) by {@code scale}, e.g. {@code 1f / 255f} for pixels. */
        public Builder<T> inputScale(float scale) { t.inputScale = scale; return this; }
        /** Standardizes every input value with the training set's mean and std (over all values, after the scale). */
        public Builder<T> standardize(boolean on) { t.standardize = on; return this; }
        /** The vectorgrad backend by name: auto (default), vector, blas or scalar. */
        public Builder<T> backend(String name) { t.backend = name; return this; }
        public Builder<T> threads(int threads) { t.threads = threads; return this; }

        /**
         * A new trainer with the current settings; later setter calls do not change it (each call of {@code build}
         * gives an independent trainer, with its own invocation count).
         *
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public VectorgradTrainer<T> build() {
            // a copy: handing out t itself let the builder's later setters change a built trainer (and its provenance)
            VectorgradTrainer<T> c = new VectorgradTrainer<>();
            c.task = t.task;
            c.hiddenSizes = t.hiddenSizes.clone();
            c.activation = t.activation;
            c.optimizer = t.optimizer;
            c.learningRate = t.learningRate;
            c.momentum = t.momentum;
            c.weightDecay = t.weightDecay;
            c.schedule = t.schedule;
            c.warmupSteps = t.warmupSteps;
            c.epochs = t.epochs;
            c.batchSize = t.batchSize;
            c.seed = t.seed;
            c.inputScale = t.inputScale;
            c.standardize = t.standardize;
            c.backend = t.backend;
            c.threads = t.threads;
            try {
                c.postConfig();
            } catch (PropertyException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return c;
        }
    }

    @Override
    public void postConfig() {
        check(task != null, "task", "must be set");
        check(hiddenSizes != null, "hiddenSizes", "must be set (empty for a linear model)");
        for (int h : hiddenSizes) check(h >= 1, "hiddenSizes", "must all be >= 1, got " + java.util.Arrays.toString(hiddenSizes));
        check(learningRate > 0 && Float.isFinite(learningRate), "learningRate", "must be a finite number > 0, got " + learningRate);
        check(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        check(weightDecay >= 0 && Float.isFinite(weightDecay), "weightDecay", "must be >= 0, got " + weightDecay);
        check(warmupSteps >= 0, "warmupSteps", "must be >= 0, got " + warmupSteps);
        check(epochs >= 1, "epochs", "must be >= 1, got " + epochs);
        check(batchSize >= 1, "batchSize", "must be >= 1, got " + batchSize);
        check(inputScale != 0 && Float.isFinite(inputScale), "inputScale", "must be finite and non-zero, got " + inputScale);
        check(threads >= 1, "threads", "must be >= 1, got " + threads);
        check(backend != null && org.vectorgrad.backend.Backends.names().contains(backend), "backend",
                "must be one of " + org.vectorgrad.backend.Backends.names() + ", got " + backend);
    }

    private static void check(boolean ok, String field, String what) {
        if (!ok) throw new PropertyException("", field, "VectorgradTrainer " + field + " " + what);
    }

    @Override
    public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public synchronized Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        if (invocationCount != INCREMENT_INVOCATION_COUNT) setInvocationCount(invocationCount);
        checkOutputType(examples.getOutputFactory());
        // Tribuo's supervised trainers refuse unknown outputs (LabelFactory.UNKNOWN_LABEL, RegressionFactory's
        // UNKNOWN_REGRESSOR) up front, with this message; they are not in the output domain, and an unknown
        // one-dimensional regressor would otherwise have trained as a NaN target
        if (examples.getOutputInfo().getUnknownCount() > 0) {
            throw new IllegalArgumentException("The supplied Dataset contained unknown Outputs, and this Trainer is supervised.");
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        ImmutableOutputInfo<T> outputInfo = examples.getOutputIDInfo();
        int n = examples.size(), d = featureMap.size(), k = outputInfo.size();
        if (n == 0) throw new IllegalArgumentException("VectorgradTrainer: the dataset " + examples.getSourceDescription() + " has no examples");
        if (d == 0) throw new IllegalArgumentException("VectorgradTrainer: the dataset " + examples.getSourceDescription() + " has no features");
        // one label is allowed, as Tribuo's own classifiers allow it: the model predicts that label with probability 1
        if ((long) n * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("VectorgradTrainer: " + n + " examples × " + d + " features do not fit one Java array");
        }
        long runSeed = seed + invocationCount() * 0x9E3779B97F4A7C15L;
        TrainerProvenance trainerProvenance = getProvenance();
        this.invocationCount++;

        long t0 = System.nanoTime();
        float[] x = new float[n * d];
        int[] labels = task == Task.CLASSIFICATION ? new int[n] : null;
        float[] targets = task == Task.REGRESSION ? new float[n * k] : null;
        int[] naturalToId = task == Task.REGRESSION ? ((ImmutableRegressionInfo) outputInfo).getNaturalOrderToIDMapping() : null;
        int i = 0;
        for (Example<T> e : examples) {
            FeatureConverter.writeRow(e, featureMap, inputScale, x, i * d);
            if (labels != null) {
                int id = outputInfo.getID(e.getOutput());
                if (id < 0) throw new IllegalArgumentException("VectorgradTrainer: example " + i + " has the label " + e.getOutput() + ", unknown to the dataset's output info");
                labels[i] = id;
            } else {
                double[] v = ((Regressor) e.getOutput()).getValues();
                if (v.length != k) {
                    throw new IllegalArgumentException("VectorgradTrainer: example " + i + " has " + v.length + " regression dimensions, the dataset has " + k);
                }
                for (int j = 0; j < k; j++) {
                    // say which example and dimension, instead of a NaN loss at some step of the first epoch
                    if (!Double.isFinite(v[j])) {
                        throw new IllegalArgumentException("VectorgradTrainer: example " + i + " has the target " + v[j]
                                + " in the regression dimension " + ((Regressor) e.getOutput()).getNames()[j]);
                    }
                    targets[i * k + naturalToId[j]] = (float) v[j];
                }
            }
            i++;
        }
        long t1 = System.nanoTime();

        Backend be = SharedBackends.get(backend, threads);
        Sequential net = network(d, k, runSeed);
        Optimizer opt = optimizer == OptimizerType.SGD
                ? new SGD(net.parameters(), learningRate, momentum, weightDecay, false)
                : new Adam(net.parameters(), learningRate, 0.9f, 0.999f, 1e-8f, weightDecay);
        LearningRateSchedule sched = (schedule == Schedule.COSINE ? LearningRateSchedule.cosine() : LearningRateSchedule.constant()).withWarmup(warmupSteps);
        String name = "tribuo " + examples.getSourceDescription();
        org.vectorgrad.data.Dataset data = org.vectorgrad.data.Dataset.ofFloats(name, x, new int[] {d},
                labels != null ? labels : new int[n], labels != null ? k : 1);
        double[] meanStd = null;
        if (standardize) {
            meanStd = data.meanAndStd();
            data = data.standardized(meanStd[0], meanStd[1]);
        }
        if (task == Task.CLASSIFICATION) {
            org.vectorgrad.train.Trainer trainer = new org.vectorgrad.train.Trainer(net, new SoftmaxCrossEntropy(), opt, be).schedule(sched);
            trainer.fit(data, null, epochs, batchSize, runSeed);
            if (trainer.diverged()) {
                logger.warning("VectorgradTrainer: the run diverged (last epoch's loss " + trainer.endLoss() + " > "
                        + org.vectorgrad.train.Trainer.DIVERGENCE_FACTOR + " × " + trainer.referenceLoss() + "); lower the learning rate");
            }
        } else {
            fitRegression(net, opt, sched, be, data, targets, n, d, k, runSeed);
        }
        long t2 = System.nanoTime();
        lastConversionNanos = t1 - t0;
        lastTrainingNanos = t2 - t1;
        logger.fine(String.format(java.util.Locale.ROOT, "VectorgradTrainer: converted %d examples in %.3f s, trained in %.3f s",
                n, (t1 - t0) / 1e9, (t2 - t1) / 1e9));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(VectorgradModel.KEY_TASK, task.name());
        meta.put(VectorgradModel.KEY_SCALE, Float.toString(inputScale));
        if (meanStd != null) {
            meta.put(VectorgradModel.KEY_MEAN, Float.toString((float) meanStd[0]));
            meta.put(VectorgradModel.KEY_STD, Float.toString((float) meanStd[1]));
        }
        meta.put(VectorgradModel.KEY_BACKEND, backend);
        meta.put(VectorgradModel.KEY_THREADS, Integer.toString(threads));
        byte[] file = ModelFile.encode(net, meta);

        Map<String, Provenance> run = new HashMap<>(runProvenance);
        run.put("vectorgrad-version", new StringProvenance("vectorgrad-version", ModelFile.LIBRARY_VERSION));
        run.put("vectorgrad-backend", new StringProvenance("vectorgrad-backend", be.name()));
        run.put("vectorgrad-threads", new IntProvenance("vectorgrad-threads", be.threads()));
        run.put("vectorgrad-seed", new LongProvenance("vectorgrad-seed", runSeed));
        ModelProvenance provenance = new ModelProvenance(VectorgradModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, run);
        return new VectorgradModel<>("vectorgrad-" + task.name().toLowerCase(java.util.Locale.ROOT), provenance, featureMap, outputInfo, file);
    }

    // timings of the last train call, for the benchmark in the tests (not part of the API)
    long lastConversionNanos, lastTrainingNanos;

    private void checkOutputType(OutputFactory<T> factory) {
        boolean ok = task == Task.CLASSIFICATION ? factory instanceof LabelFactory : factory instanceof RegressionFactory;
        if (!ok) {
            throw new IllegalArgumentException("VectorgradTrainer configured for " + task + " got a dataset of "
                    + factory.getClass().getSimpleName() + " outputs; use VectorgradTrainer."
                    + (factory instanceof RegressionFactory ? "regression()" : "classification()"));
        }
    }

    /** The network: Dense layers seeded as vectorgrad's reference models are, activations between them. */
    Sequential network(int inputs, int outputs, long runSeed) {
        List<Layer> layers = new ArrayList<>();
        int prev = inputs;
        for (int l = 0; l < hiddenSizes.length; l++) {
            layers.add(new Dense(prev, hiddenSizes[l], true, Init.HE_NORMAL, runSeed * 1_000_003L + l + 1));
            layers.add(activation == Activation.RELU ? new ReLU() : new Tanh());
            prev = hiddenSizes[l];
        }
        layers.add(new Dense(prev, outputs, true, Init.HE_NORMAL, runSeed * 1_000_003L + hiddenSizes.length + 1));
        return new Sequential(layers);
    }

    /**
     * Mean squared error training with the shape of vectorgrad's own loop. The batch order comes from a vectorgrad
     * dataset of row indices (exact as floats below 2^24), so it is the same seeded permutation the classification
     * path uses; the rows are gathered into reused batch buffers.
     */
    private void fitRegression(Sequential net, Optimizer opt, LearningRateSchedule sched, Backend be,
                               org.vectorgrad.data.Dataset features, float[] y, int n, int d, int k, long runSeed) {
        if (n > (1 << 24)) throw new IllegalArgumentException("VectorgradTrainer: regression supports at most 2^24 examples, got " + n);
        float[] index = new float[n];
        for (int r = 0; r < n; r++) index[r] = r;
        BatchLoader loader = org.vectorgrad.data.Dataset.ofFloats("row order", index, new int[] {1}, new int[n], 1).loader(batchSize, false);
        net.bind(be);
        MeanSquaredError loss = new MeanSquaredError();
        loss.bind(be);
        opt.bind(be);
        long total = (long) loader.numBatches() * epochs, done = 0;
        float base = opt.learningRate();
        Tensor[] xs = new Tensor[2], ys = new Tensor[2]; // full and partial batch buffers, made on first use
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int step = 0;
            for (Batch b : loader.epoch(runSeed, epoch, true)) {
                int m = b.size(), slot = m == batchSize ? 0 : 1;
                if (xs[slot] == null) {
                    xs[slot] = Tensor.zeros(m, d);
                    ys[slot] = Tensor.zeros(m, k);
                }
                Tensor xb = xs[slot], yb = ys[slot], idx = b.images();
                for (int r = 0; r < m; r++) {
                    int row = (int) idx.getFlat(r);
                    features.copySample(row, xb.data(), r * d);
                    System.arraycopy(y, row * k, yb.data(), r * k, k);
                }
                step++;
                opt.setLearningRate(Math.max(sched.rate(base, done++, total), Float.MIN_NORMAL));
                opt.zeroGrad();
                Tensor out = net.forward(xb, true);
                double l = loss.forward(out, yb);
                if (!Double.isFinite(l)) {
                    opt.setLearningRate(base);
                    throw new IllegalStateException("VectorgradTrainer: regression stopped at epoch " + epoch + ", step " + step
                            + ": the mean squared error is " + l + "; check the targets and features for NaN/Inf, or lower the learning rate");
                }
                net.backward(loss.backward(), false);
                opt.step();
            }
        }
        opt.setLearningRate(base);
    }

    @Override
    public int getInvocationCount() { return invocationCount; }

    private int invocationCount() { return invocationCount; }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        if (invocationCount < 0) throw new IllegalArgumentException("The supplied invocationCount is less than zero.");
        this.invocationCount = invocationCount;
    }

    @Override
    public TrainerProvenance getProvenance() { return new TrainerProvenanceImpl(this); }

    @Override
    public String toString() {
        return "VectorgradTrainer(task=" + task + ",hidden=" + java.util.Arrays.toString(hiddenSizes) + ",activation=" + activation
                + ",optimizer=" + optimizer + ",lr=" + learningRate + ",momentum=" + momentum + ",weightDecay=" + weightDecay
                + ",schedule=" + schedule + ",warmup=" + warmupSteps + ",epochs=" + epochs + ",batch=" + batchSize + ",seed=" + seed
                + ",inputScale=" + inputScale + ",standardize=" + standardize + ",backend=" + backend + ",threads=" + threads + ")";
    }
}
