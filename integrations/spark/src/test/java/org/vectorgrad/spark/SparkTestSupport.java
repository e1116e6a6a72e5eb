package org.vectorgrad.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;

/** Shared by the Spark tests: one local session per test class, random data, parameter snapshots. */
final class SparkTestSupport {
    private SparkTestSupport() {}

    /** {@code master} such as local[2] (no retries) or local[2,2] (a failed task is retried once). */
    static SparkSession session(String master, String app) {
        return SparkSession.builder().master(master).appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** n random samples of 784 standard-normal features, labels 0..9 (seeded). */
    static Dataset random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) org.vectorgrad.tensor.Tensor.gaussian(rng);
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
        return Dataset.ofFloats("random", x, new int[] {784}, y, 10);
    }

    /** All parameters of a model, concatenated (a copy). */
    static float[] flat(Sequential m) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Parameter p : m.parameters()) {
            parts.add(p.value().toArray());
            n += p.size();
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
