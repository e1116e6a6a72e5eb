package org.vectorgrad.spark;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Moves samples between Spark {@code Dataset<Row>}s and vectorgrad: a features column (an array of floats or
 * doubles, or a Spark ML vector) and an integer label column.
 *
 * <p>Stateless; thread-safe.
 */
public final class SparkData {
    private SparkData() {}

    /** Column names used by {@link #fromDataset}. */
    public static final String FEATURES = "features", LABEL = "label";

    /**
     * A {@code Dataset<Row>} with columns {@code features} ({@code array<float>}, the sample flattened in row-major
     * order) and {@code label} ({@code int}), in the sample order of {@code data}, over {@code slices} partitions.
     */
    public static Dataset<Row> fromDataset(SparkSession spark, org.vectorgrad.data.Dataset data, int slices) {
        int d = data.sampleSize();
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            float[] x = new float[d];
            data.copySample(i, x, 0);
            rows.add(RowFactory.create(x, data.label(i)));
        }
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false),
                DataTypes.createStructField(LABEL, DataTypes.IntegerType, false)});
        JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices);
        return spark.createDataFrame(rdd, schema);
    }

    /** Collects {@code df} to the driver as a vectorgrad data set (for evaluation); row order is kept. */
    public static org.vectorgrad.data.Dataset toDataset(Dataset<Row> df, String featuresCol, String labelCol, int[] sampleShape,
                                                        int numClasses) {
        checkSchema(df, featuresCol, labelCol);
        List<Row> rows = df.select(featuresCol, labelCol).collectAsList();
        int d = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        float[] x = new float[Math.multiplyExact(rows.size(), d)];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            float[] f = features(rows.get(i), featuresCol, i);
            if (f.length != d) throw wrongLength(featuresCol, i, d, f.length);
            System.arraycopy(f, 0, x, i * d, d);
            y[i] = label(rows.get(i), labelCol, i, numClasses);
        }
        return org.vectorgrad.data.Dataset.ofFloats("spark:" + featuresCol, x, sampleShape, y, numClasses);
    }

    /**
     * Splits {@code df} into one cached {@link Shard} per partition: row r (in the data set's order, numbered by
     * {@code zipWithIndex}) goes to partition {@code r % partitions}, in row order. Checks the schema first, and
     * every row while building: no nulls, {@code sampleSize} finite features, a label in {@code [0, numClasses)}
     * (the model's output width). Checked here, on every row, because a bad row would otherwise surface only when
     * (and if) a batch draws it: a NaN loss at some later step, or a label error naming a batch row.
     */
    static JavaRDD<Shard> shards(Dataset<Row> df, String featuresCol, String labelCol, int partitions, int sampleSize, int numClasses) {
        checkSchema(df, featuresCol, labelCol);
        JavaRDD<Row> rows = df.select(featuresCol, labelCol).javaRDD();
        Partitioner byRow = new HashPartitioner(partitions); // Long keys hash to themselves mod 2^32: r mod partitions
        return rows.zipWithIndex()
                .mapToPair(t -> {
                    float[] f = features(t._1(), featuresCol, t._2());
                    if (f.length != sampleSize) throw wrongLength(featuresCol, t._2(), sampleSize, f.length);
                    for (int i = 0; i < f.length; i++) {
                        if (!Float.isFinite(f[i])) {
                            throw new IllegalArgumentException("features column '" + featuresCol + "', row " + t._2() + ": element " + i
                                    + " is " + f[i] + ", expected a finite number (a double beyond the float range becomes infinite)");
                        }
                    }
                    return new Tuple2<>(t._2(), new Tuple2<>(f, label(t._1(), labelCol, t._2(), numClasses)));
                })
                .partitionBy(byRow)
                .mapPartitionsWithIndex((p, it) -> List.of(shard(p, sampleSize, it)).iterator(), true)
                .persist(StorageLevel.MEMORY_ONLY());
    }

    private static Shard shard(int partition, int d, Iterator<Tuple2<Long, Tuple2<float[], Integer>>> it) {
        List<Tuple2<Long, Tuple2<float[], Integer>>> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        all.sort((a, b) -> Long.compare(a._1(), b._1())); // row order, whatever order the shuffle delivered
        float[] x = new float[Math.multiplyExact(all.size(), d)];
        int[] y = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            System.arraycopy(all.get(i)._2()._1(), 0, x, i * d, d);
            y[i] = all.get(i)._2()._2();
        }
        return new Shard(partition, d, x, y);
    }

    static void checkSchema(Dataset<Row> df, String featuresCol, String labelCol) {
        StructType s = df.schema();
        List<String> names = Arrays.asList(s.fieldNames());
        for (String c : List.of(featuresCol, labelCol)) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("the Dataset<Row> has no column '" + c + "'; its columns are " + names);
            }
        }
        DataType f = s.apply(featuresCol).dataType();
        boolean ok = f instanceof ArrayType a && (a.elementType() == DataTypes.FloatType || a.elementType() == DataTypes.DoubleType)
                || f.typeName().equals("vector");
        if (!ok) {
            throw new IllegalArgumentException("features column '" + featuresCol + "': expected array<float>, array<double> or a"
                    + " Spark ML vector, found " + f.simpleString());
        }
        DataType l = s.apply(labelCol).dataType();
        if (!(l == DataTypes.IntegerType || l == DataTypes.LongType || l == DataTypes.ShortType || l == DataTypes.ByteType
                || l == DataTypes.DoubleType || l == DataTypes.FloatType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "': expected an integer class index (int, long,"
                    + " or a whole float/double), found " + l.simpleString());
        }
    }

    /** Row {@code index}'s features (column 0 of {@code row}); {@code index} only names the row in errors. */
    static float[] features(Row row, String col, long index) {
        Object v = row.get(0);
        if (v == null) throw new IllegalArgumentException("features column '" + col + "', row " + index + ": null, expected an array of numbers");
        if (v instanceof scala.collection.Seq<?> seq) {
            float[] f = new float[seq.length()];
            for (int i = 0; i < f.length; i++) f[i] = number(seq.apply(i), col, index, i);
            return f;
        }
        if (v instanceof List<?> list) {
            float[] f = new float[list.size()];
            for (int i = 0; i < f.length; i++) f[i] = number(list.get(i), col, index, i);
            return f;
        }
        try { // a Spark ML vector (spark-mllib is not a dependency: its toArray() by reflection)
            Method m = v.getClass().getMethod("toArray");
            double[] a = (double[]) m.invoke(v);
            float[] f = new float[a.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) a[i];
            return f;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("features column '" + col + "', row " + index + ": cannot read a " + v.getClass().getName()
                    + " as numbers", e);
        }
    }

    private static float number(Object o, String col, long row, int element) {
        if (o instanceof Number n) return n.floatValue();
        throw new IllegalArgumentException("features column '" + col + "', row " + row + ": element " + element + " is "
                + (o == null ? "null" : "a " + o.getClass().getName()) + ", expected a number");
    }

    /** Row {@code index}'s label (column 1 of {@code row}), checked to be a class index below {@code numClasses}. */
    static int label(Row row, String col, long index, int numClasses) {
        Object v = row.get(1);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("label column '" + col + "', row " + index + ": expected a class index, found " + v);
        double d = n.doubleValue();
        if (d < 0 || d != Math.rint(d) || d >= numClasses) {
            throw new IllegalArgumentException("label column '" + col + "', row " + index + ": expected a class index in [0, " + numClasses
                    + ") (a whole number; the model has " + numClasses + " outputs), found " + v);
        }
        return (int) d;
    }

    private static IllegalArgumentException wrongLength(String col, long row, int expected, int found) {
        return new IllegalArgumentException("features column '" + col + "', row " + row + ": expected " + expected
                + " values (the sample shape's size), found " + found);
    }
}
