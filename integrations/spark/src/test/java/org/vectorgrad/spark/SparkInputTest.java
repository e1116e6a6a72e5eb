package org.vectorgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Sequential;

/**
 * What a Spark user's data and cluster throw at the trainer, on a tiny model (4 features, 3 classes) so each case
 * costs a second: every bad row is refused before training with its column, row number, what was expected and
 * what was found (not a NaN loss steps later, a label error naming a batch row, or Spark's stage failure alone);
 * the input's column order, types and partitioning do not change the bits; a factory Spark cannot ship, one that
 * fails on executors, or one that shares its model are named.
 */
class SparkInputTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = SparkTestSupport.session("local[2]", "vectorgrad-input");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() { if (spark != null) spark.stop(); }

    static final int N = 24;

    /** Serializable, shares nothing: a new model per call. */
    static Sequential tiny() { return new Sequential(new Dense(4, 3, 3)); }

    static SparkTrainer trainer() { return new SparkTrainer(spark, SparkInputTest::tiny).partitions(2).backend("scalar", 1).sgd(0.1f, 0.9f); }

    /** Row i: features (i, -i, i/2, 1) / N, label i % 3. */
    static Object[] row(int i) { return new Object[] {new float[] {i / (float) N, -i / (float) N, i / (2f * N), 1f}, i % 3}; }

    static org.apache.spark.sql.Dataset<Row> df(List<Object[]> rows, DataType featureType, DataType labelType, int slices) {
        StructType schema = new StructType().add(SparkData.FEATURES, featureType, true).add(SparkData.LABEL, labelType, true);
        List<Row> rs = new ArrayList<>();
        for (Object[] r : rows) rs.add(RowFactory.create(r));
        return spark.createDataFrame(jsc.parallelize(rs, slices), schema);
    }

    static List<Object[]> rows() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) rows.add(row(i));
        return rows;
    }

    static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, true);

    static float[] fit(SparkTrainer t, org.apache.spark.sql.Dataset<Row> df) throws Exception {
        t.fit(df, SparkData.FEATURES, SparkData.LABEL, null, 2, 4, 9);
        return SparkTestSupport.flat(t.model());
    }

    /** Row {@code i} replaced by {@code r}; the fit must fail with an IllegalArgumentException whose message has all of {@code parts}. */
    static void refused(int i, Object[] r, String... parts) {
        List<Object[]> rows = rows();
        rows.set(i, r);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit(trainer(), df(rows, FLOATS, DataTypes.IntegerType, 3)));
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing in: " + e.getMessage());
        assertFalse(e.getMessage().contains("Job aborted"), "the task's message, not Spark's wrapper: " + e.getMessage());
    }

    @Test
    void badRowsAreRefusedByColumnAndRow() {
        refused(5, new Object[] {null, 1}, "features column 'features', row 5", "null");
        refused(6, new Object[] {new Float[] {1f, null, 0f, 0f}, 1}, "features column 'features', row 6", "element 1 is null");
        refused(7, new Object[] {new float[] {1f, 2f, 3f}, 1}, "row 7", "expected 4 values", "found 3");
        refused(8, new Object[] {new float[] {0f, Float.NaN, 0f, 0f}, 1}, "features column 'features', row 8", "element 1 is NaN");
        refused(9, new Object[] {new float[] {0f, 0f, Float.POSITIVE_INFINITY, 0f}, 1}, "row 9", "element 2 is Infinity");
        refused(10, new Object[] {row(10)[0], 3}, "label column 'label', row 10", "[0, 3)", "found 3");
        refused(11, new Object[] {row(11)[0], -1}, "label column 'label', row 11", "found -1");
        refused(12, new Object[] {row(12)[0], null}, "label column 'label', row 12", "found null");
    }

    @Test
    void emptyOrTooSmallDataIsRefusedClearly() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> fit(trainer(), df(List.of(), FLOATS, DataTypes.IntegerType, 2)));
        assertTrue(empty.getMessage().contains("has no rows"), empty.getMessage());
        IllegalArgumentException shaped = assertThrows(IllegalArgumentException.class,
                () -> fit(trainer().sampleShape(4), df(List.of(), FLOATS, DataTypes.IntegerType, 2)));
        assertTrue(shaped.getMessage().contains("holds 0 samples"), shaped.getMessage());
        // more partitions than rows: a shard is empty
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> trainer().partitions(4).fit(df(rows().subList(0, 3), FLOATS, DataTypes.IntegerType, 2), SparkData.FEATURES,
                        SparkData.LABEL, null, 1, 4, 9));
        assertTrue(few.getMessage().contains("holds 0 samples") && few.getMessage().contains("[1, 1, 1, 0]"), few.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> fit(trainer().sampleShape(2, 3), df(rows(), FLOATS, DataTypes.IntegerType, 2)));
        assertTrue(shape.getMessage().contains("cannot take samples of shape [2, 3]"), shape.getMessage());
    }

    /**
     * docs/spark.md: the shards depend only on the row order and the partition count, so the same rows as doubles
     * and longs, columns swapped, spread over 30 input partitions (6 of them empty) train to the same bits as
     * floats and ints in 1 partition; and a second run is bitwise the first.
     */
    @Test
    void columnOrderTypesAndInputPartitioningDoNotChangeTheBits() throws Exception {
        float[] base = fit(trainer(), df(rows(), FLOATS, DataTypes.IntegerType, 1));
        assertArrayEquals(base, fit(trainer(), df(rows(), FLOATS, DataTypes.IntegerType, 1)), "train twice: same bits");
        List<Row> other = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] f = (float[]) row(i)[0];
            double[] d = new double[f.length];
            for (int j = 0; j < f.length; j++) d[j] = f[j];
            other.add(RowFactory.create((long) (i % 3), d));
        }
        StructType schema = new StructType().add(SparkData.LABEL, DataTypes.LongType).add("id", DataTypes.StringType, true)
                .add(SparkData.FEATURES, DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> withId = new ArrayList<>();
        for (Row r : other) withId.add(RowFactory.create(r.get(0), null, r.get(1)));
        org.apache.spark.sql.Dataset<Row> swapped = spark.createDataFrame(jsc.parallelize(withId, 30), schema);
        assertTrue(Arrays.stream(swapped.javaRDD().glom().collect().toArray()).anyMatch(p -> ((List<?>) p).isEmpty()), "an empty input partition");
        assertArrayEquals(base, fit(trainer(), swapped));
    }

    @Test
    void aFactorySparkCannotShipIsRefusedWhenTheTrainerIsBuilt() {
        Object notSerializable = new Object();
        ModelFactory f = () -> { notSerializable.hashCode(); return tiny(); };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(spark, f));
        assertTrue(e.getMessage().contains("ModelFactory cannot be serialized") && e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @Test
    void aFactoryFailingOnTheExecutorsIsNamed() {
        ModelFactory f = () -> {
            if (TaskContext.get() != null) throw new IllegalStateException("model file /models/x.bin not found");
            return tiny();
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> fit(new SparkTrainer(spark, f).partitions(2).backend("scalar", 1), df(rows(), FLOATS, DataTypes.IntegerType, 2)));
        assertTrue(e.getMessage().contains("the ModelFactory failed on this executor") && e.getMessage().contains("/models/x.bin"), e.getMessage());
        assertEquals(0, Replica.live(), "no replica left behind");
    }

    static final Sequential SHARED = tiny();

    /** local[2] runs two tasks in one JVM: a factory handing out one model would have them race on its weights. */
    @Test
    void aFactoryHandingOutOneSharedModelIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> fit(new SparkTrainer(spark, () -> SHARED).partitions(2).backend("scalar", 1), df(rows(), FLOATS, DataTypes.IntegerType, 2)));
        assertTrue(e.getMessage().contains("already used by") && e.getMessage().contains("each create() must build a new model"), e.getMessage());
        assertEquals(0, Replica.live(), "no replica left behind");
    }

    static long backendThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("vectorgrad-")).count();
    }

    /** Replicas (each with a 2-thread backend here) are closed when a run ends, and when it fails. */
    @Test
    void replicasAndTheirThreadsAreReleasedAndThreadsPerTaskFollowSparkTaskCpus() throws Exception {
        long before = backendThreads();
        fit(trainer().backend("vector", 2), df(rows(), FLOATS, DataTypes.IntegerType, 2));
        assertEquals(0, Replica.live(), "replicas are closed when the run ends");
        assertEquals(before, backendThreads(), "no backend worker thread left");
        SparkTrainer failing = trainer().backend("vector", 2).stopWhen(() -> { throw new IllegalStateException("driver fails"); });
        assertThrows(IllegalStateException.class, () -> fit(failing, df(rows(), FLOATS, DataTypes.IntegerType, 2)));
        assertEquals(0, Replica.live(), "replicas are closed when the run fails");
        assertEquals(before, backendThreads(), "no backend worker thread left after a failure");
        assertEquals(1, SparkTrainer.defaultThreadsPerTask(new SparkConf()));
        assertEquals(4, SparkTrainer.defaultThreadsPerTask(new SparkConf().set("spark.task.cpus", "4")));
    }
}
