package org.vectorgrad.tribuo;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.vectorgrad.io.ModelFile;
import org.vectorgrad.io.ModelFileException;
import org.vectorgrad.io.SafeTensors;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;

/**
 * A Tribuo {@link Model} trained by {@link VectorgradTrainer}: a vectorgrad network that predicts through a
 * thread-safe vectorgrad {@link Predictor}.
 *
 * <p><b>Predictions.</b> An example becomes one dense row through the model's feature ID map (absent features are
 * 0, unknown ones ignored, a feature named twice summed, as in Tribuo's own models), the trainer's input transform is applied
 * ({@code (float) value × scale}, then {@code (x − mean) × (1/std)} on every column when the trainer standardized),
 * and the network's outputs are read by output ID. Classification: the scores are the softmax of the logits (in
 * double), one {@link Label} per class in {@link Prediction#getOutputScores()}, the predicted label is the first
 * highest score; {@link #generatesProbabilities()} is true. Regression: one value per dimension, no variances (NaN).
 * An example none of whose features the model knows is rejected with {@link IllegalArgumentException}, as Tribuo's
 * own models do, and so is a known feature whose value is NaN ("Example contained a NaN feature", as Tribuo's
 * {@code SparseVector} and {@code DenseVector} refuse it). Inf in the inputs, or NaN or Inf in the weights, propagate
 * into the scores.
 *
 * <p><b>Bits.</b> The same call gives the same scores every time, on every thread. {@link #predict(Example)} runs
 * the network on one row; {@link #predict(Iterable)} and {@link #predict(org.tribuo.Dataset)} on batches of up to
 * {@value #PREDICT_BATCH} rows (much faster), and the backend's kernels may round a row differently at another batch
 * size, so the two paths agree to rounding (the test suite sees differences in the last bits of float logits on the
 * auto backend, never a different label), not bit for bit.
 *
 * <p><b>Serialization.</b> The weights and the architecture travel as the bytes of a vectorgrad model file
 * (safetensors, {@link ModelFile}) inside both of Tribuo's formats: Java serialization and protobuf
 * ({@link #serialize()}, {@link Model#deserialize}). The input transform, the task and the backend (name and
 * threads) are metadata of that file, so {@link #weightsAsSafetensors()} is a complete vectorgrad model file.
 * A deserialized model builds its predictor from the same bytes on the same backend and thread count, so on the
 * same machine it predicts the same bits as the model that was written.
 *
 * <p><b>Resources.</b> Prediction runs on a backend shared by all models of this module with the same backend
 * name and thread count; it is never closed (its workers are daemon threads). Memory: the weights once as bytes,
 * once as the predictor's snapshot, and once per concurrent caller (one replica each).
 *
 * <p>Thread-safe: any number of threads may call {@code predict} at once.
 *
 * @param <T> {@link Label} or {@link Regressor}
 */
public final class VectorgradModel<T extends Output<T>> extends Model<T> {
    private static final long serialVersionUID = 1L;

    /** The version of the protobuf form written by {@link #serialize()}. */
    public static final int CURRENT_VERSION = 0;

    /** Rows per network call in {@link #predict(Iterable)}. */
    public static final int PREDICT_BATCH = 256;

    static final String KEY_TASK = "tribuo.task";
    static final String KEY_SCALE = "tribuo.input_scale";
    static final String KEY_MEAN = "tribuo.input_mean";
    static final String KEY_STD = "tribuo.input_std";
    static final String KEY_BACKEND = "tribuo.backend";
    static final String KEY_THREADS = "tribuo.threads";

    private static final String PROTO_TYPE_URL = "type.googleapis.com/org.vectorgrad.tribuo.VectorgradModelProto";

    /** The vectorgrad model file: architecture, weights and the metadata above. */
    private final byte[] modelFile;

    private transient VectorgradTrainer.Task task;
    private transient float scale, mean, invStd;
    private transient boolean standardized;
    private transient int inputs, outputs;
    private transient String[] outputNames; // by output ID
    private transient Predictor predictor;

    VectorgradModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureIDMap,
                    ImmutableOutputInfo<T> outputIDInfo, byte[] modelFile) {
        super(name, provenance, featureIDMap, outputIDInfo, isClassification(modelFile));
        this.modelFile = modelFile;
        init();
    }

    private static boolean isClassification(byte[] modelFile) {
        return VectorgradTrainer.Task.valueOf(decode(modelFile).metadata().get(KEY_TASK)) == VectorgradTrainer.Task.CLASSIFICATION;
    }

    private static SafeTensors.Contents decode(byte[] modelFile) {
        try {
            return SafeTensors.decode(Path.of("<weights inside a Tribuo VectorgradModel>"), modelFile);
        } catch (ModelFileException e) {
            throw new IllegalStateException("VectorgradModel: its weights are not a readable vectorgrad model file: " + e.getMessage(), e);
        }
    }

    /** Rebuilds everything transient from {@link #modelFile}: used after training and after deserialization. */
    private void init() {
        SafeTensors.Contents contents = decode(modelFile);
        Map<String, String> meta = contents.metadata();
        ModelFile.Loaded loaded;
        try {
            loaded = ModelFile.load(Path.of("<weights inside a Tribuo VectorgradModel>"), contents);
        } catch (ModelFileException e) {
            throw new IllegalStateException("VectorgradModel: " + e.getMessage(), e);
        }
        task = VectorgradTrainer.Task.valueOf(required(meta, KEY_TASK));
        scale = Float.parseFloat(required(meta, KEY_SCALE));
        String m = meta.get(KEY_MEAN), s = meta.get(KEY_STD);
        standardized = m != null;
        mean = standardized ? Float.parseFloat(m) : 0f;
        invStd = standardized ? 1f / Float.parseFloat(required(meta, KEY_STD)) : 1f;
        if (!standardized && s != null) throw new IllegalStateException("VectorgradModel: " + KEY_STD + " without " + KEY_MEAN);
        inputs = featureIDMap.size();
        outputs = outputIDInfo.size();
        outputNames = new String[outputs];
        for (int id = 0; id < outputs; id++) {
            T o = outputIDInfo.getOutput(id);
            outputNames[id] = o instanceof Label l ? l.getLabel() : ((Regressor) o).getNames()[0];
        }
        predictor = Predictor.of(loaded.model(), SharedBackends.get(required(meta, KEY_BACKEND), Integer.parseInt(required(meta, KEY_THREADS))));
        // a file that does not fit the Tribuo domains would fail on the first prediction: say so now instead
        float[] probe = new float[outputs + 1];
        int n;
        try {
            n = predictor.predict(Tensor.zeros(1, inputs), probe, 0);
        } catch (RuntimeException e) {
            throw new IllegalStateException("VectorgradModel: the network does not accept " + inputs + " features (the feature map's size): " + e.getMessage(), e);
        }
        if (n != outputs) {
            throw new IllegalStateException("VectorgradModel: the network has " + n + " outputs but the output domain has " + outputs);
        }
    }

    private static String required(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalStateException("VectorgradModel: metadata key " + key + " missing from its model file");
        return v;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        init();
    }

    /** A copy of the vectorgrad model file (safetensors, readable by {@link ModelFile#load}) this model predicts with. */
    public byte[] weightsAsSafetensors() { return modelFile.clone(); }

    /** The task: classification (softmax cross-entropy) or regression (mean squared error). */
    public VectorgradTrainer.Task task() { return task; }

    /** Writes one example's transformed row into {@code dst} from {@code offset}; returns the features used. */
    private int row(Example<T> example, float[] dst, int offset) {
        int used = FeatureConverter.writeRow(example, featureIDMap, scale, dst, offset);
        if (used == 0) throw new IllegalArgumentException("No features found in Example " + example);
        if (standardized) for (int i = offset; i < offset + inputs; i++) dst[i] = (dst[i] - mean) * invStd;
        return used;
    }

    @Override
    public Prediction<T> predict(Example<T> example) {
        float[] x = new float[inputs];
        int used = row(example, x, 0);
        float[] y = new float[outputs];
        predictor.predict(Tensor.wrap(x, 1, inputs), y, 0);
        return prediction(y, 0, used, example);
    }

    /**
     * Predicts in batches of up to {@value #PREDICT_BATCH} examples, for Tribuo's {@link #predict(Iterable)} and
     * {@link #predict(org.tribuo.Dataset)}; the results are in the input's order.
     */
    @Override
    protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
        List<Prediction<T>> out = new ArrayList<>();
        float[] x = new float[PREDICT_BATCH * inputs];
        float[] y = new float[PREDICT_BATCH * outputs];
        int[] used = new int[PREDICT_BATCH];
        List<Example<T>> pending = new ArrayList<>(PREDICT_BATCH);
        Iterator<Example<T>> it = examples.iterator();
        while (it.hasNext()) {
            pending.clear();
            java.util.Arrays.fill(x, 0f);
            while (pending.size() < PREDICT_BATCH && it.hasNext()) {
                Example<T> e = it.next();
                used[pending.size()] = row(e, x, pending.size() * inputs);
                pending.add(e);
            }
            int b = pending.size();
            Tensor in = b == PREDICT_BATCH ? Tensor.wrap(x, b, inputs) : Tensor.wrap(java.util.Arrays.copyOf(x, b * inputs), b, inputs);
            predictor.predict(in, y, 0);
            for (int r = 0; r < b; r++) out.add(prediction(y, r * outputs, used[r], pending.get(r)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Prediction<T> prediction(float[] y, int off, int used, Example<T> example) {
        if (task == VectorgradTrainer.Task.REGRESSION) {
            double[] values = new double[outputs];
            for (int j = 0; j < outputs; j++) values[j] = y[off + j];
            return (Prediction<T>) new Prediction<>(new Regressor(outputNames.clone(), values), used, (Example<Regressor>) example);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < outputs; j++) max = Math.max(max, y[off + j]);
        double[] p = new double[outputs];
        double sum = 0;
        for (int j = 0; j < outputs; j++) sum += (p[j] = Math.exp(y[off + j] - max));
        int best = 0;
        Map<String, Label> scores = new LinkedHashMap<>();
        for (int j = 0; j < outputs; j++) {
            p[j] /= sum;
            if (p[j] > p[best]) best = j;
            scores.put(outputNames[j], new Label(outputNames[j], p[j]));
        }
        return (Prediction<T>) new Prediction<>(new Label(outputNames[best], p[best]), scores, used, (Example<Label>) example, true);
    }

    /** Not supported for neural networks: an empty map, as Tribuo's other neural-network models return. */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) { return Collections.emptyMap(); }

    /** Not supported: always empty. */
    @Override
    public Optional<Excuse<T>> getExcuse(Example<T> example) { return Optional.empty(); }

    @Override
    protected VectorgradModel<T> copy(String newName, ModelProvenance newProvenance) {
        return new VectorgradModel<>(newName, newProvenance, featureIDMap, outputIDInfo, modelFile.clone());
    }

    /**
     * The protobuf form: a {@link ModelProto} whose data is an {@link Any} holding field 1, Tribuo's
     * {@link ModelDataProto} (name, provenance, feature and output domains), and field 2, the vectorgrad model file
     * bytes. (Written with protobuf's wire format directly: no generated class is needed for two fields.)
     */
    @Override
    public ModelProto serialize() {
        ModelDataCarrier<T> carrier = createDataCarrier();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(modelFile.length + 4096);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeBytes(1, carrier.serialize().toByteString());
            out.writeByteArray(2, modelFile);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Any data = Any.newBuilder().setTypeUrl(PROTO_TYPE_URL).setValue(ByteString.copyFrom(bytes.toByteArray())).build();
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(VectorgradModel.class.getName()).setSerializedData(data).build();
    }

    /**
     * Reads the protobuf form written by {@link #serialize()}; called by Tribuo's {@link Model#deserialize}.
     *
     * @throws InvalidProtocolBufferException when the data is not that form
     * @throws IllegalArgumentException       when the version is newer than {@link #CURRENT_VERSION}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static VectorgradModel<?> deserializeFromProto(int version, String className, Any message) throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + ", " + VectorgradModel.class.getName() + " supports at most version " + CURRENT_VERSION);
        }
        if (!PROTO_TYPE_URL.equals(message.getTypeUrl())) {
            throw new InvalidProtocolBufferException("expected a message of type " + PROTO_TYPE_URL + ", found " + message.getTypeUrl());
        }
        ModelDataProto metadata = null;
        byte[] modelFile = null;
        try {
            CodedInputStream in = message.getValue().newCodedInput();
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (tag) {
                    case (1 << 3) | 2 -> metadata = ModelDataProto.parseFrom(in.readBytes());
                    case (2 << 3) | 2 -> modelFile = in.readByteArray();
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw e instanceof InvalidProtocolBufferException p ? p : new InvalidProtocolBufferException(e);
        }
        if (metadata == null || modelFile == null) {
            throw new InvalidProtocolBufferException("VectorgradModel protobuf lacks its " + (metadata == null ? "model metadata (field 1)" : "model file (field 2)"));
        }
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(metadata);
        return new VectorgradModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), carrier.outputDomain(), modelFile);
    }

    @Override
    public String toString() {
        return "VectorgradModel(name=" + name + ", task=" + task + ", " + predictor + ", features=" + inputs + ", outputs=" + outputs + ")";
    }
}
