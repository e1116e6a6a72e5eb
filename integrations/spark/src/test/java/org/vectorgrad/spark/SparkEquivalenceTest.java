package org.vectorgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.Trainer;

/**
 * Data-parallel training on Spark equals one JVM: with plain SGD and the gradient sum every step, 2 partitions
 * of 64 samples give the parameters one JVM gets stepping on the concatenation of the two local batches (128).
 * Not bitwise: the JVM's kernels add the 128 samples' contributions to a weight gradient in one sequence, the
 * workers add 64 each and the driver adds the two partial sums, so the roundings differ (the 1/2 scaling itself is
 * exact). The tolerance is float rounding of those sums over 4 steps; a missing or doubled partition, a wrong
 * scale or a wrong batch would be off by orders of magnitude more (the test checks the parameters moved that much).
 */
class SparkEquivalenceTest {
    static SparkSession spark;

    @BeforeAll
    static void start() { spark = SparkTestSupport.session("local[2]", "vectorgrad-equivalence"); }

    @AfterAll
    static void stop() { if (spark != null) spark.stop(); }

    static final long SEED = 7;
    static final float LR = 0.05f;

    @Test
    void twoPartitionsOf64EqualOneJvmOnTheConcatenated128() throws Exception {
        Dataset data = SparkTestSupport.random(256, 11);
        org.apache.spark.sql.Dataset<Row> df = SparkData.fromDataset(spark, data, 3);
        SparkTrainer st = new SparkTrainer(spark, () -> Models.mlp(SEED)).partitions(2).backend("vector", 1).sgd(LR, 0f);
        SparkTrainer.Result r = st.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 2, 128, SEED);
        assertEquals(2, r.epochs().size());
        assertEquals(4, r.costs().jobs()); // 2 epochs × (128 samples per shard / 64 per local batch)

        // one JVM, same initial model, stepping on partition 0's local batch followed by partition 1's
        Sequential single = Models.mlp(SEED);
        float[] initial = SparkTestSupport.flat(single);
        try (Backend be = Backends.create("vector", 1)) {
            Trainer t = new Trainer(single, new SoftmaxCrossEntropy(), new SGD(single.parameters(), LR, 0f), be);
            for (int epoch = 1; epoch <= 2; epoch++) {
                int[][] orders = {Replica.epochOrder(SEED, epoch, 0, 128), Replica.epochOrder(SEED, epoch, 1, 128)};
                for (int step = 0; step < 2; step++) {
                    float[] x = new float[128 * 784];
                    int[] y = new int[128];
                    for (int p = 0; p < 2; p++) {
                        for (int i = 0; i < 64; i++) {
                            int row = orders[p][step * 64 + i] * 2 + p; // shard position -> row: row r lives in partition r % 2
                            data.copySample(row, x, (p * 64 + i) * 784);
                            y[p * 64 + i] = data.label(row);
                        }
                    }
                    t.step(Tensor.wrap(x, 128, 784), y);
                }
            }
        }
        float[] expected = SparkTestSupport.flat(single), got = SparkTestSupport.flat(st.model());
        double diff = SparkTestSupport.maxAbsDiff(expected, got), moved = SparkTestSupport.maxAbsDiff(initial, expected);
        System.err.printf("spark (2 x 64) vs one JVM (128): max |diff| %.3g over %d parameters, bitwise equal: %s; largest change from init %.3g%n",
                diff, got.length, java.util.Arrays.equals(expected, got), moved);
        assertTrue(moved > 1e-2, "the parameters must have moved for the comparison to mean anything: " + moved);
        assertTrue(diff <= 2e-6, "max |spark - single JVM| = " + diff);
    }

    @Test
    void averagingEveryStepWithPlainSgdMatchesTheGradientSum() throws Exception {
        Dataset data = SparkTestSupport.random(256, 12);
        org.apache.spark.sql.Dataset<Row> df = SparkData.fromDataset(spark, data, 2);
        SparkTrainer sum = new SparkTrainer(spark, () -> Models.mlp(SEED)).backend("vector", 1).sgd(LR, 0f);
        sum.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 1, 128, SEED);
        SparkTrainer avg = new SparkTrainer(spark, () -> Models.mlp(SEED)).backend("vector", 1).sgd(LR, 0f).averageEvery(1);
        SparkTrainer.Result r = avg.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 1, 128, SEED);
        assertEquals(2, r.costs().jobs());
        double diff = SparkTestSupport.maxAbsDiff(SparkTestSupport.flat(sum.model()), SparkTestSupport.flat(avg.model()));
        assertTrue(diff <= 1e-6, "averaging after every plain SGD step is the gradient sum up to rounding: " + diff);
    }

    @Test
    void modelsWithRunningStatisticsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(spark,
                () -> new Sequential(new org.vectorgrad.nn.Dense(4, 3, 1), new org.vectorgrad.nn.BatchNorm1d(3))));
        assertTrue(e.getMessage().contains("running statistics"), e.getMessage());
        assertTrue(e.getMessage().contains("SparkTrainer"), e.getMessage());
    }

    @Test
    void rowsRoundTripAndBadColumnsAreNamed() {
        Dataset data = SparkTestSupport.random(10, 13);
        org.apache.spark.sql.Dataset<Row> df = SparkData.fromDataset(spark, data, 2);
        Dataset back = SparkData.toDataset(df, SparkData.FEATURES, SparkData.LABEL, new int[] {784}, 10);
        float[] a = new float[784], b = new float[784];
        for (int i = 0; i < 10; i++) {
            data.copySample(i, a, 0);
            back.copySample(i, b, 0);
            assertTrue(java.util.Arrays.equals(a, b), "row " + i);
            assertEquals(data.label(i), back.label(i));
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SparkData.toDataset(df, "pixels", SparkData.LABEL, new int[] {784}, 10));
        assertTrue(missing.getMessage().contains("no column 'pixels'") && missing.getMessage().contains("features"), missing.getMessage());
        org.apache.spark.sql.Dataset<Row> swapped = df.withColumnRenamed(SparkData.LABEL, "y").withColumnRenamed(SparkData.FEATURES, "label")
                .withColumnRenamed("y", SparkData.FEATURES);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new SparkTrainer(spark, () -> Models.mlp(1)).fit(swapped, SparkData.FEATURES, SparkData.LABEL, null, 1, 2, 1));
        assertTrue(type.getMessage().contains("expected array<float>") && type.getMessage().contains("found int"), type.getMessage());
        assertFalse(List.of(df.columns()).isEmpty());
    }
}
