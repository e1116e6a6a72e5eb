package org.vectorgrad.tribuo;

import java.nio.file.Path;
import java.util.Locale;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * The acceptance measurement, outside the test suite (a main, not a test): Fashion-MNIST (60k/10k) through
 * Tribuo's IDXDataSource with the reference MLP recipe, and Tribuo's own LinearSGDTrainer for scale. Prints one
 * line per trainer: accuracy, wall seconds of train(), conversion seconds, training samples/s.
 *
 * <pre>
 * mvn -B -ntp -f integrations/pom.xml -pl tribuo -am test-compile -Dmaven.test.skip.exec=true
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
 *   -cp integrations/tribuo/target/test-classes:integrations/tribuo/target/classes:$(cat cp.txt) \
 *   org.vectorgrad.tribuo.TribuoBench [threads] [data dir] [epochs] [file to write the trained weights to, safetensors]
 * </pre>
 */
public final class TribuoBench {
    private TribuoBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        Path dir = Path.of(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist");
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        LabelFactory f = new LabelFactory();
        long l0 = System.nanoTime();
        MutableDataset<Label> train = new MutableDataset<>(new IDXDataSource<>(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), f));
        MutableDataset<Label> test = new MutableDataset<>(new IDXDataSource<>(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), f));
        System.out.printf(Locale.ROOT, "tribuo IDXDataSource load: %.2f s (%d train examples, %d features; %d test)%n",
                (System.nanoTime() - l0) / 1e9, train.size(), train.getFeatureIDMap().size(), test.size());

        VectorgradTrainer<Label> vg = VectorgradTrainer.classification().hidden(512, 256).sgd(0.05f, 0.9f)
                .schedule(VectorgradTrainer.Schedule.COSINE, 100).epochs(epochs).batchSize(128).seed(42)
                .inputScale(1f / 255f).standardize(true).backend("auto").threads(threads).build();
        long t0 = System.nanoTime();
        Model<Label> m = vg.train(train);
        double wall = (System.nanoTime() - t0) / 1e9, conv = vg.lastConversionNanos / 1e9, fit = vg.lastTrainingNanos / 1e9;
        if (args.length > 3) java.nio.file.Files.write(Path.of(args[3]), ((VectorgradModel<Label>) m).weightsAsSafetensors());
        long p0 = System.nanoTime();
        LabelEvaluation e = new LabelEvaluator().evaluate(m, test);
        double predictSecs = (System.nanoTime() - p0) / 1e9;
        System.out.printf(Locale.ROOT, "vectorgrad via tribuo: accuracy %.4f, train() %.2f s = conversion %.2f s (%.1f%% of train()) + training %.2f s;"
                        + " %.0f samples/s over train() (%.0f over training alone); predict+evaluate 10k: %.2f s; threads %d%n",
                e.accuracy(), wall, conv, 100 * conv / wall, fit, (double) train.size() * epochs / wall, (double) train.size() * epochs / fit, predictSecs, threads);

        LinearSGDTrainer lin = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs, 42);
        long s0 = System.nanoTime();
        Model<Label> lm = lin.train(train);
        double linSecs = (System.nanoTime() - s0) / 1e9;
        LabelEvaluation le = new LabelEvaluator().evaluate(lm, test);
        System.out.printf(Locale.ROOT, "tribuo LinearSGDTrainer (LogMulticlass, AdaGrad 0.1, %d epochs, raw pixels): accuracy %.4f, train() %.2f s, %.0f samples/s%n",
                epochs, le.accuracy(), linSecs, (double) train.size() * epochs / linSecs);
    }
}
