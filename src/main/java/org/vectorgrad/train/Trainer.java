package org.vectorgrad.train;

import java.util.ArrayList;
import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.BatchLoader;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.Loss;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.tensor.Tensor;

/**
 * The training loop: for each seeded, shuffled batch, forward, loss, backward, optimizer step; after each epoch,
 * test accuracy. Binds the model, loss and optimizer to one backend. Listeners see progress.
 *
 * <p>Same seed, backend and thread count give a bitwise identical run: initialization and shuffling are seeded and
 * every kernel is deterministic for a given thread count.
 */
public final class Trainer {
    private final Layer model;
    private final Loss<int[]> loss;
    private final Optimizer optimizer;
    private final Backend backend;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private int[] predictions = new int[0];
    private LearningRateSchedule schedule = LearningRateSchedule.constant();

    public Trainer(Layer model, Loss<int[]> loss, Optimizer optimizer, Backend backend) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.backend = backend;
        model.bind(backend);
        loss.bind(backend);
        optimizer.bind(backend);
    }

    /** The learning-rate schedule {@link #fit} applies (default constant: the optimizer's rate throughout). */
    public Trainer schedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    public Trainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** One optimizer step on a batch; returns the batch's mean loss. */
    public double step(Tensor images, int[] labels) {
        optimizer.zeroGrad();
        Tensor logits = model.forward(images, true);
        double l = loss.forward(logits, labels);
        model.backward(loss.backward(), false); // the input is data: no dL/d(input) needed
        optimizer.step();
        return l;
    }

    /**
     * Trains for {@code epochs} epochs; returns the stats of every epoch. {@code test} may be null (no evaluation).
     * Batch order for epoch e is seeded by (seed, e).
     */
    public List<EpochStats> fit(Dataset train, Dataset test, int epochs, int batchSize, long seed) {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        List<EpochStats> all = new ArrayList<>();
        BatchLoader loader = train.loader(batchSize, false); // one loader: its batch buffers are reused across epochs
        int steps = loader.numBatches();
        float baseRate = optimizer.learningRate();
        long totalSteps = (long) steps * epochs, done = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs, steps);
            long start = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            int step = 0;
            for (Batch b : loader.epoch(seed, epoch, true)) {
                optimizer.setLearningRate(Math.max(schedule.rate(baseRate, done++, totalSteps), Float.MIN_NORMAL));
                double l = step(b.images(), b.labels());
                if (!Double.isFinite(l)) {
                    throw new IllegalStateException("training diverged: loss " + l + " at epoch " + epoch + ", step " + (step + 1)
                            + "; lower the learning rate");
                }
                lossSum += l * b.size();
                samples += b.size();
                step++;
                double secs = (System.nanoTime() - start) / 1e9;
                for (TrainingListener lis : listeners) lis.onStep(epoch, step, steps, l, samples / Math.max(secs, 1e-9));
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            double acc = test == null ? Double.NaN : accuracy(test, Math.max(batchSize, 256));
            double secs = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch, epochs, lossSum / samples, acc, samples / trainSecs, secs);
            all.add(stats);
            optimizer.setLearningRate(baseRate);
            for (TrainingListener l : listeners) l.onEpochEnd(stats);
        }
        return all;
    }

    /** Fraction of samples whose arg-max logit equals the label (inference mode, in order, no shuffling). */
    public double accuracy(Dataset data, int batchSize) {
        long correct = 0, total = 0;
        for (Batch b : data.batches(batchSize, 0, 0, false)) {
            Tensor logits = model.forward(b.images(), false).contiguous();
            int n = b.size();
            if (predictions.length < n) predictions = new int[n];
            backend.argmaxRows(n, logits.dim(1), logits.data(), logits.offset(), predictions, 0);
            int[] labels = b.labels();
            for (int i = 0; i < n; i++) if (predictions[i] == labels[i]) correct++;
            total += n;
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
