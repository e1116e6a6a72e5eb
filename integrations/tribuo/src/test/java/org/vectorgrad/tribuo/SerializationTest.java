package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.regression.Regressor;
import org.vectorgrad.io.ModelFile;

class SerializationTest {
    @TempDir Path dir;

    @SuppressWarnings("unchecked")
    static <T extends org.tribuo.Output<T>> Model<T> javaRoundTrip(Model<T> m) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Model<T>) in.readObject();
        }
    }

    @Test
    void classificationModelReadBackFromProtobufAndJavaSerializationPredictsTheSameBits() throws Exception {
        MutableDataset<Label> train = Data.blobs(300, 1), test = Data.blobs(100, 2);
        Model<Label> model = VectorgradTrainer.classification().hidden(16, 8).epochs(3).batchSize(16).seed(9)
                .inputScale(0.5f).standardize(true).threads(2).build().train(train);
        long[] expected = ClassificationTest.scoreBits(model.predict(test));

        Path file = dir.resolve("model.tribuo");
        model.serializeToFile(file);
        Model<?> proto = Model.deserializeFromFile(file);
        assertInstanceOf(VectorgradModel.class, proto);
        Model<Label> fromProto = proto.castModel(Label.class);
        assertArrayEquals(expected, ClassificationTest.scoreBits(fromProto.predict(test)));
        assertEquals(model.getProvenance(), fromProto.getProvenance());
        assertEquals(model.getName(), fromProto.getName());

        Model<Label> fromJava = javaRoundTrip(model);
        assertArrayEquals(expected, ClassificationTest.scoreBits(fromJava.predict(test)));
        assertEquals(model.getProvenance(), fromJava.getProvenance());

        Model<Label> copy = model.copy();
        assertArrayEquals(expected, ClassificationTest.scoreBits(copy.predict(test)));
    }

    @Test
    void regressionModelRoundTripsWithTheSameBits() throws Exception {
        MutableDataset<Regressor> train = Data.regression(200, 1), test = Data.regression(50, 2);
        Model<Regressor> model = RegressionTest.trainer(4).train(train);
        Model<Regressor> back = Model.deserialize(model.serialize()).castModel(Regressor.class);
        Model<Regressor> java = javaRoundTrip(model);
        List<Prediction<Regressor>> a = model.predict(test), b = back.predict(test), c = java.predict(test);
        for (int i = 0; i < a.size(); i++) {
            double[] u = a.get(i).getOutput().getValues();
            for (double[] v : new double[][] {b.get(i).getOutput().getValues(), c.get(i).getOutput().getValues()}) {
                assertEquals(u.length, v.length);
                for (int j = 0; j < u.length; j++) assertEquals(Double.doubleToRawLongBits(u[j]), Double.doubleToRawLongBits(v[j]));
            }
        }
    }

    @Test
    void theWeightsAreAVectorgradModelFileWithTheInputTransform() throws Exception {
        VectorgradModel<Label> model = (VectorgradModel<Label>) VectorgradTrainer.classification().hidden(8).epochs(1)
                .inputScale(0.25f).standardize(true).seed(2).threads(2).build().train(Data.blobs(90, 1));
        Path f = dir.resolve("w.safetensors");
        Files.write(f, model.weightsAsSafetensors());
        ModelFile.Loaded loaded = ModelFile.load(f);
        assertEquals("Sequential(Dense(4 -> 8), ReLU, Dense(8 -> 3))".replace(" ", ""), loaded.model().describe().replace(" ", ""));
        assertEquals("0.25", loaded.metadata().get("tribuo.input_scale"));
        assertEquals("CLASSIFICATION", loaded.metadata().get("tribuo.task"));
        assertTrue(loaded.metadata().containsKey("tribuo.input_mean") && loaded.metadata().containsKey("tribuo.input_std"));
    }

    @Test
    void aDamagedProtobufIsRejectedClearly() {
        Model<Label> model = ClassificationTest.trainer(1).train(Data.blobs(60, 1));
        ModelProto good = model.serialize();
        ModelProto noWeights = good.toBuilder().setSerializedData(Any.newBuilder()
                .setTypeUrl(good.getSerializedData().getTypeUrl()).setValue(ByteString.EMPTY)).build();
        Exception e = assertThrows(RuntimeException.class, () -> Model.deserialize(noWeights));
        assertTrue(messages(e).contains("lacks its model metadata"), messages(e));
        ModelProto future = good.toBuilder().setVersion(VectorgradModel.CURRENT_VERSION + 1).build();
        e = assertThrows(RuntimeException.class, () -> Model.deserialize(future));
        assertTrue(messages(e).contains("Unknown version"), messages(e));
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (; t != null; t = t.getCause()) sb.append(t.getMessage()).append(" | ");
        return sb.toString();
    }
}
