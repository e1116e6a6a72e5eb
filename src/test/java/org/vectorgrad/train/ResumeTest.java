package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.io.ModelFileException;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.BatchNorm1d;
import org.vectorgrad.nn.BatchNorm2d;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.Adam;
import org.vectorgrad.optim.AdamW;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.optim.ParamGroups;
import org.vectorgrad.optim.RMSProp;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;

/**
 * Training 2 epochs straight gives the same bits as stopping (at an epoch end or mid-epoch) and resuming, for
 * SGD with momentum, Adam, AdamW (parameter groups, clipping, one-cycle) and RMSProp (centered, momentum, clipping,
 * step decay), MLP and CNN; and the resumable loop gives Trainer.fit's bits.
 */
class ResumeTest {
    static final int EPOCHS = 2, BATCH = 32;
    static final long SEED = 17;

    static Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            for (int j = 0; j < 64; j++) x[i * 64 + j] = (float) (r.nextGaussian() + (j % 4 == y[i] ? 1 : 0));
        }
        return Dataset.ofFloats("synthetic", x, new int[] {1, 8, 8}, y, 4);
    }

    static Sequential model(String name, long seed) {
        if (name.equals("bn")) { // batch norm: its running statistics and num_batches_tracked must resume too
            return new Sequential(new Conv2d(1, 4, 3, 1, 1, seed), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2, 2), new Flatten(),
                    new Dense(64, 16, seed + 1), new BatchNorm1d(16), new ReLU(), new Dense(16, 4, seed + 2));
        }
        if (name.equals("dropout")) { // the masks depend on each Dropout's step counter, which must resume too
            return new Sequential(new Flatten(), new Dense(64, 32, seed), new ReLU(), new org.vectorgrad.nn.Dropout(0.3, 4242) /* architecture, not init */,
                    new Dense(32, 4, seed + 1));
        }
        return name.equals("mlp")
                ? new Sequential(new Flatten(), new Dense(64, 32, seed), new ReLU(), new Dense(32, 4, seed + 1))
                : new Sequential(new Conv2d(1, 4, 3, 1, 1, seed), new ReLU(), new MaxPool2d(2, 2), new Flatten(), new Dense(64, 4, seed + 1));
    }

    static Optimizer optimizer(String name, Sequential m) {
        return optimizer(name, m, 0.05f);
    }

    /**
     * SGD with momentum; Adam; AdamW with biases out of weight decay and gradient clipping; centered RMSProp with
     * momentum, L2 decay and clipping. {@code decay} is AdamW's and RMSProp's weight decay.
     */
    static Optimizer optimizer(String name, Sequential m, float decay) {
        Optimizer o = switch (name) {
            case "sgd" -> new SGD(m.parameters(), 0.05f, 0.9f);
            case "adam" -> new Adam(m.parameters(), 0.01f);
            case "adamw" -> new AdamW(ParamGroups.noDecayForBiasAndNorm(m, decay), 0.01f, 0.9f, 0.999f, 1e-8f);
            case "rmsprop" -> new RMSProp(m.parameters(), 0.002f, 0.99f, 1e-8f, decay / 100, 0.5f, true);
            default -> throw new AssertionError(name);
        };
        if (name.equals("adamw") || name.equals("rmsprop")) o.clipGradNorm(1f); // the MLP's gradient norm here goes from about 3 to 0.1 (clipped early only), the CNN's stays above 1
        return o;
    }

    static final LearningRateSchedule SCHEDULE = LearningRateSchedule.cosine().withWarmup(3);

    /** Cosine with warm-up; one-cycle for AdamW and step decay for RMSProp, so the new schedules resume too. */
    static LearningRateSchedule schedule(String optimizer) {
        return switch (optimizer) {
            case "adamw" -> LearningRateSchedule.oneCycle();
            case "rmsprop" -> LearningRateSchedule.step(5, 0.5);
            default -> SCHEDULE;
        };
    }

    record Run(Sequential model, Optimizer opt, Trainer trainer) {}

    static Run fresh(String model, String opt, long initSeed, Backend b) {
        Sequential m = model(model, initSeed);
        Optimizer o = optimizer(opt, m);
        return new Run(m, o, new Trainer(m, new SoftmaxCrossEntropy(), o, b).schedule(schedule(opt)));
    }

    static void assertSameState(Run want, Run got, String what) {
        for (int i = 0; i < want.model().parameters().size(); i++) {
            assertBits(want.model().parameters().get(i).value(), got.model().parameters().get(i).value(), what + " parameter " + i);
        }
        List<Buffer> ba = want.model().buffers(), bb = got.model().buffers();
        assertEquals(ba.size(), bb.size());
        for (int i = 0; i < ba.size(); i++) {
            if (ba.get(i).isInt64()) assertArrayEquals(ba.get(i).longs(), bb.get(i).longs(), what + " buffer " + i);
            else assertBits(ba.get(i).value(), bb.get(i).value(), what + " buffer " + i);
        }
        Map<String, Tensor> sa = want.opt().stateTensors(), sb = got.opt().stateTensors();
        assertEquals(sa.keySet(), sb.keySet());
        for (String k : sa.keySet()) assertBits(sa.get(k), sb.get(k), what + " optimizer " + k);
        assertEquals(want.opt().stepCount(), got.opt().stepCount(), what + " optimizer steps");
    }

    static void assertBits(Tensor want, Tensor got, String what) {
        float[] x = want.toArray(), y = got.toArray();
        assertEquals(x.length, y.length, what);
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) throw new AssertionError(what + "[" + i + "]: " + y[i] + " != " + x[i]);
        }
    }

    static void assertSameStats(List<EpochStats> want, List<EpochStats> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).trainLoss(), got.get(i).trainLoss(), 0.0, "epoch " + (i + 1) + " loss");
            assertEquals(want.get(i).testAccuracy(), got.get(i).testAccuracy(), 0.0, "epoch " + (i + 1) + " accuracy");
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp, sgd, scalar", "mlp, adam, scalar", "cnn, sgd, scalar", "cnn, adam, scalar",
                "mlp, sgd, vector", "mlp, adam, vector", "cnn, sgd, vector", "cnn, adam, vector",
                "mlp, adam, auto", "cnn, adam, auto", "bn, sgd, scalar", "bn, adam, vector",
                "mlp, adamw, scalar", "cnn, adamw, vector", "mlp, rmsprop, vector", "cnn, rmsprop, scalar", "bn, adamw, vector",
                "dropout, sgd, scalar", "dropout, adam, vector"})
    void resumedRunEqualsTheUninterruptedOne(String modelName, String optName, String backend, @TempDir Path dir) throws Exception {
        Dataset train = data(200, 1), test = data(50, 2); // 7 batches per epoch, the last one of 8
        // every backend's kernels give the same bits whatever the JIT has compiled (docs/decisions.md §5a): before
        // they did, the vector CNN+Adam mid-epoch case once differed by one ulp in a moment
        try (Backend b = Backends.create(backend, 2)) {
            Run straight = fresh(modelName, optName, 5, b);
            List<EpochStats> want = straight.trainer().fit(train, test, EPOCHS, BATCH, SEED);

            Run loop = fresh(modelName, optName, 5, b);
            ResumableFit.Result same = new ResumableFit(loop.trainer(), loop.model(), loop.opt(), schedule(optName)).run(train, test, EPOCHS, BATCH, SEED);
            assertSameState(straight, loop, "ResumableFit vs Trainer.fit");
            assertSameStats(want, same.epochs());

            // stop at the end of epoch 1, resume into a differently initialized model and optimizer
            Path atEpoch = dir.resolve("epoch");
            Run first = fresh(modelName, optName, 5, b);
            AtomicBoolean epochDone = new AtomicBoolean();
            ResumableFit.Result r1 = new ResumableFit(first.trainer(), first.model(), first.opt(), schedule(optName))
                    .checkpointTo(atEpoch, 0).stopWhen(epochDone::get)
                    .addListener(new TrainingListener() {
                        @Override public void onEpochEnd(EpochStats s) { epochDone.set(true); }
                    }).run(train, test, EPOCHS, BATCH, SEED);
            assertTrue(r1.stopped());
            assertEquals(1, r1.epochs().size());
            Run second = fresh(modelName, optName, 99, b);
            ResumableFit.Result r2 = new ResumableFit(second.trainer(), second.model(), second.opt(), schedule(optName)).resumeFrom(atEpoch)
                    .run(train, test, EPOCHS, BATCH, SEED);
            assertFalse(r2.stopped());
            assertSameState(straight, second, "resumed at the epoch end");
            assertSameStats(want, r2.epochs());

            // stop mid-epoch 2 (after global step 10), checkpoints every 4 steps along the way
            Path midway = dir.resolve("mid");
            Run a = fresh(modelName, optName, 5, b);
            AtomicInteger stepsSeen = new AtomicInteger();
            ResumableFit.Result s1 = new ResumableFit(a.trainer(), a.model(), a.opt(), schedule(optName)).checkpointTo(midway, 4)
                    .stopWhen(() -> stepsSeen.get() >= 10)
                    .addListener(new TrainingListener() {
                        @Override public void onStep(int epoch, int step, int steps, double loss, double sps) { stepsSeen.incrementAndGet(); }
                    }).run(train, test, EPOCHS, BATCH, SEED);
            assertTrue(s1.stopped());
            assertEquals(2, s1.position().epoch());
            assertEquals(3, s1.position().stepInEpoch());
            Run c = fresh(modelName, optName, 123, b);
            ResumableFit.Result s2 = new ResumableFit(c.trainer(), c.model(), c.opt(), schedule(optName)).resumeFrom(midway).run(train, test, EPOCHS, BATCH, SEED);
            assertSameState(straight, c, "resumed mid-epoch");
            assertSameStats(want, s2.epochs());

            // a run with other options is refused, naming what differs
            Run d = fresh(modelName, optName, 5, b);
            ModelFileException e = assertThrows(ModelFileException.class, () -> new ResumableFit(d.trainer(), d.model(), d.opt(), SCHEDULE)
                    .resumeFrom(midway).run(train, test, EPOCHS, BATCH + 1, SEED));
            assertTrue(e.getMessage().contains("batch is 33 in this run but 32 in the checkpoint"), e.getMessage());

            // and one whose Dropout draws other masks (another seed)
            if (modelName.equals("dropout")) {
                Sequential om = new Sequential(new Flatten(), new Dense(64, 32, 5), new ReLU(), new org.vectorgrad.nn.Dropout(0.3, 7),
                        new Dense(32, 4, 6));
                Optimizer oo = optimizer(optName, om);
                Trainer ot = new Trainer(om, new SoftmaxCrossEntropy(), oo, b).schedule(schedule(optName));
                e = assertThrows(ModelFileException.class, () -> new ResumableFit(ot, om, oo, schedule(optName)).resumeFrom(midway)
                        .run(train, test, EPOCHS, BATCH, SEED));
                assertTrue(e.getMessage().contains("the seed of Dropout 0 is 7 in this run but 4242 in the checkpoint"), e.getMessage());
            }

            // so is one whose optimizer differs in a hyperparameter the state tensors do not show (weight decay)
            Sequential dm = model(modelName, 5);
            Optimizer other = optimizer(optName, dm, 0.07f);
            Trainer dt = new Trainer(dm, new SoftmaxCrossEntropy(), other, b).schedule(SCHEDULE);
            if (optName.startsWith("adamw") || optName.equals("rmsprop")) {
                e = assertThrows(ModelFileException.class, () -> new ResumableFit(dt, dm, other, SCHEDULE).resumeFrom(midway)
                        .run(train, test, EPOCHS, BATCH, SEED));
                assertTrue(e.getMessage().contains("optimizer configuration is " + other.configuration()), e.getMessage());
            }
        }
    }

    /**
     * What the step count does not show is checked too: 199 samples give the same 7 batches as 200 but another data
     * order, and another schedule other rates; both resumes were accepted and gave other bits.
     */
    @org.junit.jupiter.api.Test
    void aResumeWithAnotherSampleCountOrScheduleIsRefused(@TempDir Path dir) throws Exception {
        Dataset train = data(200, 1), test = data(50, 2);
        try (Backend b = Backends.create("scalar", 1)) {
            Run first = fresh("mlp", "sgd", 5, b);
            AtomicBoolean epochDone = new AtomicBoolean();
            new ResumableFit(first.trainer(), first.model(), first.opt(), SCHEDULE).checkpointTo(dir, 0).stopWhen(epochDone::get)
                    .addListener(new TrainingListener() {
                        @Override public void onEpochEnd(EpochStats s) { epochDone.set(true); }
                    }).run(train, test, EPOCHS, BATCH, SEED);
            Run fewer = fresh("mlp", "sgd", 5, b);
            ModelFileException e = assertThrows(ModelFileException.class, () -> new ResumableFit(fewer.trainer(), fewer.model(), fewer.opt(), SCHEDULE)
                    .resumeFrom(dir).run(data(199, 1), test, EPOCHS, BATCH, SEED));
            assertTrue(e.getMessage().contains("the number of training samples is 199 in this run but 200 in the checkpoint"), e.getMessage());
            Run constant = fresh("mlp", "sgd", 5, b);
            e = assertThrows(ModelFileException.class, () -> new ResumableFit(constant.trainer(), constant.model(), constant.opt(),
                    LearningRateSchedule.constant()).resumeFrom(dir).run(train, test, EPOCHS, BATCH, SEED));
            assertTrue(e.getMessage().contains("the learning-rate schedule"), e.getMessage());
            Run same = fresh("mlp", "sgd", 5, b); // and the same run still resumes
            assertFalse(new ResumableFit(same.trainer(), same.model(), same.opt(), SCHEDULE).resumeFrom(dir).run(train, test, EPOCHS, BATCH, SEED).stopped());
        }
    }
}
