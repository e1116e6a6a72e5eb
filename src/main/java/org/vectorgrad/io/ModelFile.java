package org.vectorgrad.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Saves and loads a model's parameters and buffers (batch norm's running statistics: float32, and
 * {@code num_batches_tracked}: int64, as PyTorch keeps them) as a safetensors file that PyTorch's
 * {@code load_state_dict} accepts without renaming (see {@link ModelSpec} for the names), plus metadata from which vectorgrad rebuilds the model:
 * {@value #KEY_ARCHITECTURE} (the {@link ModelSpec} JSON), {@value #KEY_FORMAT_VERSION} and
 * {@value #KEY_LIBRARY_VERSION}. Callers may add their own string entries (e.g. input preprocessing).
 *
 * <p>Saving is atomic ({@link AtomicFiles}). Loading validates the whole file first ({@link SafeTensors}) and
 * every name and shape against the model before copying anything: a file either loads completely or not at all.
 * Stateless and thread-safe; the model itself must not be trained or run while it is saved or loaded.
 */
public final class ModelFile {
    /** Metadata key of the architecture spec. */
    public static final String KEY_ARCHITECTURE = "vectorgrad.architecture";
    /** Metadata key of the model-file format version. */
    public static final String KEY_FORMAT_VERSION = "vectorgrad.format_version";
    /** Metadata key of the library version that wrote the file. */
    public static final String KEY_LIBRARY_VERSION = "vectorgrad.version";
    /** The format version written; files of other versions are refused. */
    public static final String FORMAT_VERSION = "1";
    /** The library version written into files. */
    public static final String LIBRARY_VERSION = "0.1.0";

    private ModelFile() {}

    /** A model rebuilt from a file and the file's metadata. */
    public record Loaded(Layer model, Map<String, String> metadata) {}

    /** Saves {@code model} to {@code file} with the standard metadata only. */
    public static void save(Path file, Layer model) throws IOException {
        save(file, model, Map.of());
    }

    /**
     * Saves {@code model}'s parameters and architecture, plus {@code extra} metadata (keys must not start with
     * {@code vectorgrad.}).
     *
     * @throws IllegalArgumentException when the model holds a layer type without a spec (see {@link ModelSpec#describe})
     */
    public static void save(Path file, Layer model, Map<String, String> extra) throws IOException {
        SafeTensors.write(file, metadata(model, extra), entries(model));
    }

    /** The file's bytes, as {@link #save} would write them. */
    public static byte[] encode(Layer model, Map<String, String> extra) {
        return SafeTensors.encode(metadata(model, extra), entries(model));
    }

    private static Map<String, String> metadata(Layer model, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (e.getKey().startsWith("vectorgrad.")) throw new IllegalArgumentException("metadata key " + e.getKey() + " is reserved");
            meta.put(e.getKey(), e.getValue());
        }
        meta.put(KEY_FORMAT_VERSION, FORMAT_VERSION);
        meta.put(KEY_LIBRARY_VERSION, LIBRARY_VERSION);
        meta.put(KEY_ARCHITECTURE, ModelSpec.toJson(model));
        return meta;
    }

    private static List<SafeTensors.Entry> entries(Layer model) {
        List<SafeTensors.Entry> list = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(model).entrySet()) {
            Tensor v = e.getValue().value();
            list.add(new SafeTensors.Entry(e.getKey(), v.shape(), v.toArray()));
        }
        for (Map.Entry<String, Buffer> e : ModelSpec.buffers(model).entrySet()) list.add(entry(e.getKey(), e.getValue()));
        return list;
    }

    /** A buffer as a safetensors entry (F32 or I64), its values copied. */
    static SafeTensors.Entry entry(String name, Buffer b) {
        return b.isInt64() ? SafeTensors.Entry.int64(name, b.shape(), b.longs().clone()) : new SafeTensors.Entry(name, b.shape(), b.value().toArray());
    }

    /** Copies a checked entry's values into a buffer of the same kind and shape. */
    static void copy(SafeTensors.Entry t, Buffer b) {
        b.restore(b.isInt64() ? t.longs() : t.data());
    }

    /**
     * Fills {@code model}'s parameters from {@code file}, by name. Every name in either and every shape must
     * agree; otherwise nothing is copied and the exception lists every mismatch (missing tensor, unexpected
     * tensor, tensor with expected and found shapes). Returns the file's metadata.
     */
    public static Map<String, String> loadInto(Path file, Layer model) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        fill(file, model, c.tensors());
        return c.metadata();
    }

    /** Rebuilds the model the file's architecture metadata describes and fills it. */
    public static Loaded load(Path file) throws IOException {
        return load(file, SafeTensors.read(file));
    }

    /** As {@link #load(Path)} on contents already read (e.g. decoded from memory); {@code file} names it in messages. */
    public static Loaded load(Path file, SafeTensors.Contents c) throws ModelFileException {
        Map<String, String> meta = c.metadata();
        String version = meta.get(KEY_FORMAT_VERSION);
        String arch = meta.get(KEY_ARCHITECTURE);
        if (arch == null) {
            throw new ModelFileException(file, "no " + KEY_ARCHITECTURE + " in the metadata: not written by vectorgrad; build the model "
                    + "in code and use loadInto(file, model)");
        }
        if (!FORMAT_VERSION.equals(version)) {
            throw new ModelFileException(file, "model format version " + version + " is not supported (this library reads " + FORMAT_VERSION + ")");
        }
        Layer model;
        try {
            Object spec = SpecFile.normalizeArchitecture(Json.parse(arch), "architecture"); // a spec file's shorthands and defaults hold here too
            Map<String, int[]> expected = ModelSpec.parameterShapes(spec);
            check(file, expected, c.tensors()); // before building: the spec's sizes are bounded by the file's tensors
            model = ModelSpec.build(spec);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, e.getMessage(), e);
        }
        fill(file, model, c.tensors());
        return new Loaded(model, meta);
    }

    private static void fill(Path file, Layer model, Map<String, SafeTensors.Entry> tensors) throws ModelFileException {
        Map<String, Parameter> params = ModelSpec.stateDict(model);
        Map<String, Buffer> buffers = ModelSpec.buffers(model);
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) expected.put(e.getKey(), e.getValue().value().shape());
        for (Map.Entry<String, Buffer> e : buffers.entrySet()) expected.put(e.getKey(), e.getValue().shape());
        check(file, expected, tensors);
        List<String> problems = new ArrayList<>();
        for (String name : params.keySet()) dtype(problems, name, "F32", tensors.get(name));
        for (Map.Entry<String, Buffer> e : buffers.entrySet()) dtype(problems, e.getKey(), e.getValue().isInt64() ? "I64" : "F32", tensors.get(e.getKey()));
        if (!problems.isEmpty()) throw new ModelFileException(file, "does not fit the model: " + String.join("; ", problems));
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor v = e.getValue().value();
            float[] src = tensors.get(e.getKey()).data();
            System.arraycopy(src, 0, v.data(), v.offset(), src.length);
        }
        for (Map.Entry<String, Buffer> e : buffers.entrySet()) copy(tensors.get(e.getKey()), e.getValue());
    }

    static void dtype(List<String> problems, String name, String want, SafeTensors.Entry t) {
        if (!t.dtype().equals(want)) problems.add("tensor " + name + ": expected dtype " + want + ", found " + t.dtype());
    }

    private static void check(Path file, Map<String, int[]> expected, Map<String, SafeTensors.Entry> tensors) throws ModelFileException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            SafeTensors.Entry t = tensors.get(e.getKey());
            if (t == null) problems.add("tensor " + e.getKey() + " missing (expected shape " + Arrays.toString(e.getValue()) + ")");
            else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("tensor " + e.getKey() + ": expected shape " + Arrays.toString(e.getValue()) + ", found " + Arrays.toString(t.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) problems.add("unexpected tensor " + name + " (shape " + Arrays.toString(tensors.get(name).shape()) + ")");
        }
        if (!problems.isEmpty()) {
            throw new ModelFileException(file, "does not fit the model: " + String.join("; ", problems));
        }
    }
}
