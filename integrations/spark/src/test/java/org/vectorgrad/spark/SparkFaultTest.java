package org.vectorgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.train.Checkpoint;
import org.vectorgrad.train.EpochStats;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.TrainingListener;

/**
 * Faults: a task that fails mid-epoch is retried by Spark ({@code local[2,2]}: up to 2 attempts per task) and the
 * run ends with the same bits as a run without the failure; a run stopped after a step (as a killed application
 * would be) resumes from the driver's last checkpoint and ends with the same bits as the uninterrupted run.
 * Bitwise, because every step's inputs are the same and every kernel is deterministic for one thread per task.
 */
class SparkFaultTest {
    static SparkSession spark;
    static org.apache.spark.sql.Dataset<Row> df;
    static Dataset test;
    static float[] clean;
    static SparkTrainer.Result cleanResult;

    static final long SEED = 5;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSupport.session("local[2,2]", "vectorgrad-faults");
        df = SparkData.fromDataset(spark, SparkTestSupport.random(256, 21), 2);
        test = SparkTestSupport.random(64, 22);
        SparkTrainer t = trainer();
        cleanResult = t.fit(df, SparkData.FEATURES, SparkData.LABEL, test, 2, 64, SEED);
        clean = SparkTestSupport.flat(t.model());
    }

    @AfterAll
    static void stop() { if (spark != null) spark.stop(); }

    /** SGD with momentum and a cosine schedule: the optimizer state and the step count must survive faults too. */
    static SparkTrainer trainer() {
        return new SparkTrainer(spark, () -> Models.mlp(SEED)).partitions(2).backend("vector", 1).sgd(0.02f, 0.9f)
                .schedule(LearningRateSchedule.cosine());
    }

    @Test
    void aTaskFailingMidEpochIsRetriedAndTheRunEndsTheSame() throws Exception {
        int before = SparkTrainer.INJECTED.get();
        SparkTrainer t = trainer().failOnce(5, 1); // epoch 2 (4 steps per epoch), its second step, partition 1
        SparkTrainer.Result r = t.fit(df, SparkData.FEATURES, SparkData.LABEL, test, 2, 64, SEED);
        assertEquals(before + 1, SparkTrainer.INJECTED.get(), "the failure must have been injected");
        assertFalse(r.stopped());
        assertArrayEquals(clean, SparkTestSupport.flat(t.model()), "a retried task must give the same parameters");
        assertEquals(cleanResult.epochs().get(1).testAccuracy(), r.epochs().get(1).testAccuracy());
        assertEquals(cleanResult.epochs().get(1).trainLoss(), r.epochs().get(1).trainLoss());
    }

    /**
     * Averaging every 2 steps with momentum: the task fails after its 2 local steps moved the replica's parameters
     * and velocities; the retry must start again from the driver's broadcast state, not from what the failed
     * attempt left in the replica.
     */
    @Test
    void aRetriedAveragingTaskStartsFromTheDriversStateNotTheFailedAttempts() throws Exception {
        SparkTrainer clean = trainer().averageEvery(2);
        clean.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 1, 64, SEED);
        int before = SparkTrainer.INJECTED.get();
        SparkTrainer failed = trainer().averageEvery(2).failOnce(2, 0); // the second averaging round, partition 0
        failed.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 1, 64, SEED);
        assertEquals(before + 1, SparkTrainer.INJECTED.get(), "the failure must have been injected");
        assertArrayEquals(SparkTestSupport.flat(clean.model()), SparkTestSupport.flat(failed.model()));
    }

    @Test
    void aKilledRunResumesFromTheDriversLastCheckpoint(@TempDir Path dir) throws Exception {
        AtomicLong steps = new AtomicLong();
        TrainingListener count = new TrainingListener() {
            @Override public void onEpochStart(int epoch, int epochs, int stepsPerEpoch) {}
            @Override public void onStep(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond) { steps.incrementAndGet(); }
            @Override public void onEpochEnd(EpochStats s) {}
        };
        // "killed" after global step 7 (mid-epoch 2): the last checkpoint is the one of step 6, step 7 is lost
        SparkTrainer first = trainer().checkpointTo(dir, 3).addListener(count).stopWhen(() -> steps.get() == 7);
        SparkTrainer.Result r1 = first.fit(df, SparkData.FEATURES, SparkData.LABEL, test, 2, 64, SEED);
        assertTrue(r1.stopped());
        assertTrue(Checkpoint.exists(dir));
        assertFalse(java.util.Arrays.equals(clean, SparkTestSupport.flat(first.model())));

        SparkTrainer second = trainer().checkpointTo(dir, 3).resumeFrom(dir); // a new application: a new driver model
        SparkTrainer.Result r2 = second.fit(df, SparkData.FEATURES, SparkData.LABEL, test, 2, 64, SEED);
        assertFalse(r2.stopped());
        assertEquals(2, r2.costs().jobs(), "resumed at step 6 of 8: two steps left");
        assertArrayEquals(clean, SparkTestSupport.flat(second.model()), "resumed run must end as the uninterrupted one");
        assertEquals(2, r2.epochs().size(), "the epoch finished before the kill is reported too");
        assertEquals(cleanResult.epochs().get(0).trainLoss(), r2.epochs().get(0).trainLoss());
        assertEquals(cleanResult.epochs().get(1).trainLoss(), r2.epochs().get(1).trainLoss());
        assertEquals(cleanResult.epochs().get(1).testAccuracy(), r2.epochs().get(1).testAccuracy());
        assertTrue(Files.size(dir.resolve(Checkpoint.FILE)) > 4L * 535_818);
    }
}
