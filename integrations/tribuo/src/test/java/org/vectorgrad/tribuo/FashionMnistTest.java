package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.IdxArray;
import org.vectorgrad.data.IdxReader;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.io.SafeTensors;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.Trainer;

/**
 * Fashion-MNIST through Tribuo's IDXDataSource, with the CLI's reference MLP recipe (784-512-256-10, SGD 0.05
 * momentum 0.9, batch 128, cosine with 100 warm-up steps, standardized inputs, seed 42), kept small for the suite:
 * 3000 training images, one epoch, 1000 test images, from the 10k file. The same run through vectorgrad's own
 * Trainer on the same bytes must end with the same weights, bit for bit, and so the same accuracy.
 *
 * <p>Why images 5000..7999: Tribuo's feature map holds only features seen non-zero, and pixel 0 is non-zero in just
 * two images of the 10k file (5661 and 9873); this range contains one, so the map has all 784 pixels and the network
 * has the CLI's shape. (The 60k training file has all 784 in any case.)
 */
class FashionMnistTest {
    static final int TRAIN_FROM = 5000, TRAIN_TO = 8000, TEST_TO = 9000;

    @Test
    void tribuoRunEqualsTheCoreTrainerOnTheSameDataSeedAndRecipe() throws Exception {
        Data.requireFashionMnist();
        Path images = Data.FASHION.resolve("t10k-images-idx3-ubyte.gz"), labels = Data.FASHION.resolve("t10k-labels-idx1-ubyte.gz");

        // Tribuo side
        LabelFactory factory = new LabelFactory();
        List<Example<Label>> all = new ArrayList<>();
        for (Example<Label> e : new IDXDataSource<>(images, labels, factory)) all.add(e);
        MutableDataset<Label> train = new MutableDataset<>(all.subList(TRAIN_FROM, TRAIN_TO), new SimpleDataSourceProvenance("fashion-mnist t10k 5000..7999", factory), factory);
        MutableDataset<Label> test = new MutableDataset<>(all.subList(TRAIN_TO, TEST_TO), new SimpleDataSourceProvenance("fashion-mnist t10k 8000..8999", factory), factory);
        assertEquals(784, train.getFeatureIDMap().size());
        for (int c = 0; c < 10; c++) assertEquals(c, train.getOutputIDInfo().getID(new Label(Integer.toString(c))), "Tribuo's ID of label " + c);
        VectorgradTrainer<Label> trainer = VectorgradTrainer.classification().hidden(512, 256).sgd(0.05f, 0.9f)
                .schedule(VectorgradTrainer.Schedule.COSINE, 100).epochs(1).batchSize(128).seed(42)
                .inputScale(1f / 255f).standardize(true).backend("auto").threads(2).build();
        VectorgradModel<Label> model = (VectorgradModel<Label>) trainer.train(train);
        LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);

        // vectorgrad side: the CLI's data path (bytes × 1/255, standardized with the training stats) and Trainer
        IdxArray img = IdxReader.readImages(images);
        int[] lab = IdxReader.readLabels(labels, 10);
        Dataset coreTrain = Dataset.ofUnsignedBytes("train", Arrays.copyOfRange(img.data(), TRAIN_FROM * 784, TRAIN_TO * 784),
                new int[] {1, 28, 28}, Arrays.copyOfRange(lab, TRAIN_FROM, TRAIN_TO), 10);
        Dataset coreTest = Dataset.ofUnsignedBytes("test", Arrays.copyOfRange(img.data(), TRAIN_TO * 784, TEST_TO * 784),
                new int[] {1, 28, 28}, Arrays.copyOfRange(lab, TRAIN_TO, TEST_TO), 10);
        double[] ms = coreTrain.meanAndStd();
        double coreAccuracy;
        Sequential net = Models.mlp(42);
        try (Backend backend = Backends.create("auto", 2)) {
            Trainer core = new Trainer(net, new SoftmaxCrossEntropy(), new SGD(net.parameters(), 0.05f, 0.9f), backend)
                    .schedule(LearningRateSchedule.cosine().withWarmup(100));
            core.fit(coreTrain.standardized(ms[0], ms[1]), null, 1, 128, 42);
            coreAccuracy = core.accuracy(coreTest.standardized(ms[0], ms[1]), 256);
        }

        Map<String, SafeTensors.Entry> ours = SafeTensors.decode(Path.of("tribuo model"), model.weightsAsSafetensors()).tensors();
        Map<String, Parameter> theirs = ModelSpec.stateDict(net);
        // Models.mlp starts with Flatten (child 0), so its Dense layers are children 1, 3, 5; ours are 0, 2, 4
        String[][] pairs = {{"0.weight", "1.weight"}, {"0.bias", "1.bias"}, {"2.weight", "3.weight"}, {"2.bias", "3.bias"}, {"4.weight", "5.weight"}, {"4.bias", "5.bias"}};
        for (String[] p : pairs) assertArrayEquals(theirs.get(p[1]).value().toArray(), ours.get(p[0]).data(), p[0] + " vs core " + p[1]);
        assertEquals(coreAccuracy, eval.accuracy(), 0.0, "Tribuo accuracy vs core Trainer accuracy");
        assertTrue(eval.accuracy() > 0.6, "one epoch on 3000 images should pass 60%: " + eval.accuracy());
    }
}
