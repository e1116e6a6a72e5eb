package org.vectorgrad.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vectorgrad.backend.Activation;
import org.vectorgrad.nn.ActivationLayer;
import org.vectorgrad.nn.AvgPool2d;
import org.vectorgrad.nn.BatchNorm;
import org.vectorgrad.nn.BatchNorm1d;
import org.vectorgrad.nn.BatchNorm2d;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Dropout;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.GELU;
import org.vectorgrad.nn.GlobalAvgPool2d;
import org.vectorgrad.nn.Identity;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.LayerNorm;
import org.vectorgrad.nn.LeakyReLU;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.SiLU;
import org.vectorgrad.nn.Sigmoid;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.nn.Tanh;

/**
 * The architecture of a model as a small JSON value, from which the model is rebuilt without code, and the
 * PyTorch {@code state_dict} names of its parameters.
 *
 * <p>Spec: one object per layer with a {@code "type"}: {@code {"type":"Sequential","layers":[...]}},
 * {@code {"type":"Dense","in":784,"out":512,"bias":true}}, {@code {"type":"Conv2d","in":1,"out":32,
 * "kernel":[3,3],"stride":[1,1],"padding":[top,bottom,left,right],"dilation":[1,1],"groups":1,"bias":true}} (a
 * Conv2d's padding is always written as these four numbers, also for a layer built with PyTorch's {@code "same"}:
 * {@link SpecFile} expands a spec file's {@code "padding": "same"} or {@code "valid"} to them, and a file holding the
 * numbers reads in versions that predate the strings),
 * {@code {"type":"MaxPool2d","kernel":[kh,kw],"stride":[sh,sw],"padding":[ph,pw],"ceil_mode":true}} ({@code ceil_mode}
 * optional, absent means false, and written only when true: a floor-mode pool's spec is what it was before the field
 * existed, so its files stay readable by versions that refuse the field), {@code AvgPool2d} (the same plus
 * {@code "count_include_pad"}), {@code GlobalAvgPool2d}, {@code Flatten}, {@code Identity}, {@code ReLU},
 * {@code {"type":"LeakyReLU","slope":0.01}}, {@code Sigmoid}, {@code Tanh}, {@code {"type":"GELU","approximate":"none"}}
 * ({@code "tanh"} for PyTorch's tanh approximation; absent means {@code "none"}), {@code SiLU},
 * {@code {"type":"Dropout","p":0.5,"seed":7}} (seed optional: absent, one is derived from the layer's path, so two
 * Dropouts of a spec never share masks), {@code {"type":"Sum","branches":[...]}},
 * {@code {"type":"BatchNorm2d","channels":64,"eps":1e-5,"momentum":0.1,"affine":true,"track_running_stats":true}}
 * (likewise {@code BatchNorm1d}; every field but {@code channels} optional, PyTorch's defaults) and
 * {@code {"type":"LayerNorm","shape":[256],"eps":1e-5,"elementwise_affine":true}} (eps and affine optional).
 *
 * <p>Names ({@link #stateDict}): as PyTorch's {@code Module.state_dict()}: a {@link Sequential}'s children are
 * numbered from 0 counting every layer, activations and {@code Flatten} included (as {@code torch.nn.Sequential}
 * does), a {@link Sum}'s branches likewise (as a {@code ModuleList} would be), and names join with dots:
 * {@code "3.weight"}, {@code "0.1.bias"}. Dense weights are {@code (out, in)}, Conv2d weights
 * {@code (O, C/groups, KH, KW)}, as PyTorch's {@code Linear} and {@code Conv2d}. Stateless and thread-safe.
 */
public final class ModelSpec {
    private ModelSpec() {}

    // ---- describing a model -------------------------------------------------------------------------

    /**
     * The spec of {@code layer} as JSON-ready maps and lists.
     *
     * @throws IllegalArgumentException naming the layer when a layer type cannot be described (a custom layer)
     */
    public static Map<String, Object> describe(Layer layer) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (layer) {
            case Sequential s -> {
                m.put("type", "Sequential");
                List<Object> children = new ArrayList<>();
                for (Layer l : s.layers()) children.add(describe(l));
                m.put("layers", children);
            }
            case Sum s -> {
                m.put("type", "Sum");
                List<Object> children = new ArrayList<>();
                for (Layer l : s.branches()) children.add(describe(l));
                m.put("branches", children);
            }
            case Dense d -> {
                m.put("type", "Dense");
                m.put("in", d.inFeatures());
                m.put("out", d.outFeatures());
                m.put("bias", d.bias() != null);
            }
            case Conv2d c -> {
                m.put("type", "Conv2d");
                m.put("in", c.inChannels());
                m.put("out", c.outChannels());
                m.put("kernel", c.kernelSize());
                m.put("stride", c.stride());
                m.put("padding", c.padding());
                m.put("dilation", c.dilation());
                m.put("groups", c.groups());
                m.put("bias", c.bias() != null);
            }
            case MaxPool2d p -> pool(m, "MaxPool2d", p.options(), p.ceilMode());
            case AvgPool2d p -> {
                pool(m, "AvgPool2d", p.options(), p.ceilMode());
                m.put("count_include_pad", p.countIncludePad());
            }
            case BatchNorm b -> {
                m.put("type", b instanceof BatchNorm1d ? "BatchNorm1d" : "BatchNorm2d");
                m.put("channels", b.channels());
                m.put("eps", (double) b.eps());
                m.put("momentum", (double) b.momentum());
                m.put("affine", b.affine());
                m.put("track_running_stats", b.trackRunningStats());
            }
            case LayerNorm n -> {
                m.put("type", "LayerNorm");
                m.put("shape", n.normalizedShape());
                m.put("eps", (double) n.eps());
                m.put("elementwise_affine", n.elementwiseAffine());
            }
            case GlobalAvgPool2d g -> m.put("type", "GlobalAvgPool2d");
            case Flatten f -> m.put("type", "Flatten");
            case Identity i -> m.put("type", "Identity");
            case GELU g -> {
                m.put("type", "GELU");
                m.put("approximate", g.approximate());
            }
            case SiLU a -> m.put("type", "SiLU");
            case Dropout d -> {
                m.put("type", "Dropout");
                m.put("p", d.p());
                m.put("seed", d.seed());
            }
            case ActivationLayer a when a.getClass() == ReLU.class -> m.put("type", "ReLU");
            case ActivationLayer a when a.getClass() == Sigmoid.class -> m.put("type", "Sigmoid");
            case ActivationLayer a when a.getClass() == Tanh.class -> m.put("type", "Tanh");
            case ActivationLayer a when a.getClass() == LeakyReLU.class -> {
                m.put("type", "LeakyReLU");
                m.put("slope", (double) a.alpha());
            }
            default -> throw new IllegalArgumentException("layer " + layer.describe() + " (" + layer.getClass().getName()
                    + ") has no architecture spec; model files can rebuild only the built-in layers");
        }
        return m;
    }

    private static void pool(Map<String, Object> m, String type, int[] o, boolean ceilMode) {
        m.put("type", type);
        m.put("kernel", new int[] {o[0], o[1]});
        m.put("stride", new int[] {o[2], o[3]});
        m.put("padding", new int[] {o[4], o[5]});
        if (ceilMode) m.put("ceil_mode", true); // only when true: see the class comment
    }

    /** The spec of {@code layer} as compact JSON text. */
    public static String toJson(Layer layer) { return Json.write(describe(layer)); }

    /**
     * The model's parameters under their PyTorch {@code state_dict} names, in PyTorch's order.
     *
     * @throws IllegalArgumentException when two parameters would get the same name
     */
    public static Map<String, Parameter> stateDict(Layer model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(model, "", out);
        return out;
    }

    private static void collect(Layer layer, String prefix, Map<String, Parameter> out) {
        List<Layer> children = layer instanceof Sequential s ? s.layers() : layer instanceof Sum u ? u.branches() : null;
        if (children != null) {
            for (int i = 0; i < children.size(); i++) collect(children.get(i), prefix + i + ".", out);
            return;
        }
        for (Parameter p : layer.parameters()) {
            String name = prefix + p.name();
            if (out.putIfAbsent(name, p) != null) {
                throw new IllegalArgumentException("two parameters are named " + name + " in " + layer.describe());
            }
        }
    }

    /**
     * The model's buffers (non-trainable state such as batch norm's {@code running_mean}) under their PyTorch
     * {@code state_dict} names, named as {@link #stateDict} names parameters.
     *
     * @throws IllegalArgumentException when two buffers would get the same name
     */
    public static Map<String, Buffer> buffers(Layer model) {
        Map<String, Buffer> out = new LinkedHashMap<>();
        collectBuffers(model, "", out);
        return out;
    }

    private static void collectBuffers(Layer layer, String prefix, Map<String, Buffer> out) {
        List<Layer> children = layer instanceof Sequential s ? s.layers() : layer instanceof Sum u ? u.branches() : null;
        if (children != null) {
            for (int i = 0; i < children.size(); i++) collectBuffers(children.get(i), prefix + i + ".", out);
            return;
        }
        for (Buffer b : layer.buffers()) {
            String name = prefix + b.name();
            if (out.putIfAbsent(name, b) != null) {
                throw new IllegalArgumentException("two buffers are named " + name + " in " + layer.describe());
            }
        }
    }

    // ---- rebuilding ---------------------------------------------------------------------------------

    /**
     * The state_dict shapes a spec implies, parameters and buffers ({@code num_batches_tracked} has shape
     * {@code []}), computed without building anything (so a file's claimed sizes can be checked against its tensors
     * before any layer allocates).
     *
     * @throws IllegalArgumentException naming the layer path and the field when the spec is malformed
     */
    public static Map<String, int[]> parameterShapes(Object spec) {
        Map<String, int[]> out = new LinkedHashMap<>();
        try {
            shapes(spec, "", out);
        } catch (SpecError e) {
            throw e.located(spec, "$");
        }
        return out;
    }

    private static void shapes(Object spec, String path, Map<String, int[]> out) {
        Map<?, ?> m = object(spec, path);
        String type = string(m, "type", path);
        switch (type) {
            case "Sequential", "Sum" -> {
                List<?> children = list(m, type.equals("Sum") ? "branches" : "layers", path);
                if (children.isEmpty()) throw bad(path, type + " has no layers");
                for (int i = 0; i < children.size(); i++) shapes(children.get(i), path + i + ".", out);
            }
            case "Dense" -> {
                int in = positive(m, "in", path), o = positive(m, "out", path);
                out.put(path + "weight", new int[] {o, in});
                if (bool(m, "bias", path)) out.put(path + "bias", new int[] {o});
            }
            case "Conv2d" -> {
                int in = positive(m, "in", path), o = positive(m, "out", path), g = positive(m, "groups", path);
                int[] k = ints(m, "kernel", 2, path);
                if (in % g != 0 || o % g != 0) throw bad(path, "groups " + g + " must divide in " + in + " and out " + o);
                out.put(path + "weight", new int[] {o, in / g, k[0], k[1]});
                if (bool(m, "bias", path)) out.put(path + "bias", new int[] {o});
            }
            case "BatchNorm1d", "BatchNorm2d" -> {
                int c = positive(m, "channels", path);
                if (optionalBool(m, "affine", true, path)) {
                    out.put(path + "weight", new int[] {c});
                    out.put(path + "bias", new int[] {c});
                }
                if (optionalBool(m, "track_running_stats", true, path)) {
                    out.put(path + "running_mean", new int[] {c});
                    out.put(path + "running_var", new int[] {c});
                    out.put(path + "num_batches_tracked", new int[0]);
                }
            }
            case "LayerNorm" -> {
                int[] shape = normalizedShape(m, path);
                if (optionalBool(m, "elementwise_affine", true, path)) {
                    out.put(path + "weight", shape);
                    out.put(path + "bias", shape.clone());
                }
            }
            // no parameters; the pools' flags checked here already, so that a spec file's bad value is refused when it is read
            case "MaxPool2d", "AvgPool2d" -> {
                optionalBool(m, "ceil_mode", false, path);
                if (type.equals("AvgPool2d")) bool(m, "count_include_pad", path);
            }
            case "GlobalAvgPool2d", "Flatten", "Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "Dropout" -> { }
            default -> throw bad(path, "type", "unknown layer type \"" + type + "\"");
        }
    }

    /**
     * Builds the model a spec (in its parsed JSON form, {@code Json.parse(toJson(model))}) describes, with placeholder parameters (He-uniform from seed 0; callers then copy weights in).
     * Validate with {@link #parameterShapes} first when the spec comes from an untrusted file: this allocates
     * the parameters.
     *
     * @throws IllegalArgumentException naming the layer path and the problem
     */
    public static Layer build(Object spec) {
        try {
            return build(spec, "");
        } catch (SpecError e) {
            throw e.located(spec, "$");
        }
    }

    /**
     * The fields each layer type takes besides {@code "type"} (keys starting with "_" are comments, taken by every
     * type): {@link #build} refuses any other, naming it, so that a misspelt or unsupported option (a pool's
     * {@code "dilation"}, GELU's {@code "approximation"}) never builds a different model in silence. "init" is read by
     * {@link SpecFile}, which initializes the parameters after the build. {@link SpecFile} checks its files
     * against this same table.
     */
    static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("Sequential", Set.of("layers")),
            Map.entry("Sum", Set.of("branches")),
            Map.entry("Dense", Set.of("in", "out", "bias", "init")),
            Map.entry("Conv2d", Set.of("in", "out", "kernel", "stride", "padding", "dilation", "groups", "bias", "init")),
            Map.entry("MaxPool2d", Set.of("kernel", "stride", "padding", "ceil_mode")),
            Map.entry("AvgPool2d", Set.of("kernel", "stride", "padding", "count_include_pad", "ceil_mode")),
            Map.entry("GlobalAvgPool2d", Set.of()),
            Map.entry("Flatten", Set.of()),
            Map.entry("Identity", Set.of()),
            Map.entry("ReLU", Set.of()),
            Map.entry("Sigmoid", Set.of()),
            Map.entry("Tanh", Set.of()),
            Map.entry("SiLU", Set.of()),
            Map.entry("GELU", Set.of("approximate")),
            Map.entry("Dropout", Set.of("p", "seed")),
            Map.entry("LeakyReLU", Set.of("slope")),
            Map.entry("BatchNorm1d", Set.of("channels", "eps", "momentum", "affine", "track_running_stats")),
            Map.entry("BatchNorm2d", Set.of("channels", "eps", "momentum", "affine", "track_running_stats")),
            Map.entry("LayerNorm", Set.of("shape", "eps", "elementwise_affine")));

    /** The first key of layer {@code m} (of a known {@code type}) that {@link #FIELDS} does not list, or null. */
    static String unknownField(Map<?, ?> m, String type) {
        Set<String> known = FIELDS.get(type);
        if (known == null) return null;
        for (Object k : m.keySet()) {
            if (!(k instanceof String key) || (!key.equals("type") && !key.startsWith("_") && !known.contains(key))) return String.valueOf(k);
        }
        return null;
    }

    /** "(it takes a, b)" or "(it takes none)": the fields of a known type, sorted, for error messages. */
    static String takes(String type) {
        Set<String> known = FIELDS.get(type);
        return known.isEmpty() ? "(it takes none)" : "(it takes " + String.join(", ", new TreeSet<>(known)) + ")";
    }

    private static Layer build(Object spec, String path) {
        Map<?, ?> m = object(spec, path);
        String type = string(m, "type", path);
        String unknown = unknownField(m, type);
        if (unknown != null) throw bad(path, unknown, "unknown field for " + type + " " + takes(type));
        try {
            return switch (type) {
                case "Sequential", "Sum" -> {
                    List<?> children = list(m, type.equals("Sum") ? "branches" : "layers", path);
                    if (children.isEmpty()) throw bad(path, type + " has no layers");
                    List<Layer> built = new ArrayList<>();
                    for (int i = 0; i < children.size(); i++) built.add(build(children.get(i), path + i + "."));
                    yield type.equals("Sum") ? new Sum(built.toArray(Layer[]::new)) : new Sequential(built);
                }
                case "Dense" -> new Dense(positive(m, "in", path), positive(m, "out", path), bool(m, "bias", path), Init.HE_UNIFORM, 0);
                case "Conv2d" -> {
                    int[] k = ints(m, "kernel", 2, path), s = ints(m, "stride", 2, path), p = ints(m, "padding", 4, path);
                    int[] d = ints(m, "dilation", 2, path);
                    yield Conv2d.builder(positive(m, "in", path), positive(m, "out", path)).kernel(k[0], k[1]).stride(s[0], s[1])
                            .padding(p[0], p[1], p[2], p[3]).dilation(d[0], d[1]).groups(positive(m, "groups", path))
                            .bias(bool(m, "bias", path)).init(Init.HE_UNIFORM).build();
                }
                case "MaxPool2d" -> {
                    int[] k = ints(m, "kernel", 2, path), s = ints(m, "stride", 2, path), p = ints(m, "padding", 2, path);
                    yield new MaxPool2d(k[0], k[1], s[0], s[1], p[0], p[1], optionalBool(m, "ceil_mode", false, path));
                }
                case "AvgPool2d" -> {
                    int[] k = ints(m, "kernel", 2, path), s = ints(m, "stride", 2, path), p = ints(m, "padding", 2, path);
                    yield new AvgPool2d(k[0], k[1], s[0], s[1], p[0], p[1], bool(m, "count_include_pad", path),
                            optionalBool(m, "ceil_mode", false, path));
                }
                case "BatchNorm1d", "BatchNorm2d" -> {
                    int c = positive(m, "channels", path);
                    float eps = optionalFloat(m, "eps", BatchNorm.DEFAULT_EPS, path), mom = optionalFloat(m, "momentum", BatchNorm.DEFAULT_MOMENTUM, path);
                    boolean affine = optionalBool(m, "affine", true, path), track = optionalBool(m, "track_running_stats", true, path);
                    yield type.equals("BatchNorm1d") ? new BatchNorm1d(c, eps, mom, affine, track) : new BatchNorm2d(c, eps, mom, affine, track);
                }
                case "LayerNorm" -> new LayerNorm(normalizedShape(m, path), optionalFloat(m, "eps", LayerNorm.DEFAULT_EPS, path),
                        optionalBool(m, "elementwise_affine", true, path));
                case "GlobalAvgPool2d" -> new GlobalAvgPool2d();
                case "Flatten" -> new Flatten();
                case "Identity" -> new Identity();
                case "ReLU" -> new ReLU();
                case "Sigmoid" -> new Sigmoid();
                case "Tanh" -> new Tanh();
                case "GELU" -> {
                    Object a = m.containsKey("approximate") ? m.get("approximate") : "none";
                    if (!(a instanceof String approximate)) throw bad(path, "GELU \"approximate\" must be \"none\" or \"tanh\", found " + a);
                    yield new GELU(approximate);
                }
                case "SiLU" -> new SiLU();
                case "Dropout" -> {
                    if (!(m.get("p") instanceof Number p)) throw bad(path, "Dropout needs a number \"p\" in [0, 1], found " + m.get("p"));
                    Object seed = m.get("seed");
                    if (seed != null && !(seed instanceof Long)) throw bad(path, "Dropout \"seed\" must be an integer, found " + seed);
                    // no seed in the spec: one from the layer's path, so that two Dropouts never share their masks
                    yield new Dropout(p.doubleValue(), seed != null ? (Long) seed : ("Dropout@" + path).hashCode() & 0xFFFFFFFFL);
                }
                case "LeakyReLU" -> {
                    if (!(m.get("slope") instanceof Number n)) throw bad(path, "slope", "LeakyReLU needs a number \"slope\", found " + shown(m, "slope"));
                    yield new LeakyReLU((float) n.doubleValue());
                }
                default -> throw bad(path, "type", "unknown layer type \"" + type + "\"");
            };
        } catch (SpecError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
    }

    private static SpecError bad(String path, String what) {
        return new SpecError(path, null, what);
    }

    private static SpecError bad(String path, String field, String what) {
        return new SpecError(path, field, what);
    }

    private static Map<?, ?> object(Object spec, String path) {
        if (spec instanceof Map<?, ?> m) return m;
        throw bad(path, "expected a JSON object, found " + (spec == null ? "null" : spec.getClass().getSimpleName()));
    }

    private static String string(Map<?, ?> m, String key, String path) {
        if (m.get(key) instanceof String s) return s;
        throw bad(path, key, "missing or not a string" + found(m, key));
    }

    private static List<?> list(Map<?, ?> m, String key, String path) {
        if (m.get(key) instanceof List<?> l) return l;
        throw bad(path, key, "missing or not a list" + found(m, key));
    }

    private static boolean bool(Map<?, ?> m, String key, String path) {
        if (m.get(key) instanceof Boolean b) return b;
        throw bad(path, key, "missing or not true/false" + found(m, key));
    }

    /** LayerNorm's "shape": 1 to 8 positive integers whose product fits an array. */
    private static int[] normalizedShape(Map<?, ?> m, String path) {
        if (m.get("shape") instanceof List<?> l && !l.isEmpty() && l.size() <= 8) {
            int[] r = new int[l.size()];
            long n = 1;
            for (int i = 0; i < r.length; i++) {
                if (!(l.get(i) instanceof Long v) || v < 1 || v > Integer.MAX_VALUE) break;
                r[i] = (int) (long) v;
                n *= r[i];
                if (n > Integer.MAX_VALUE - 8) break;
                if (i == r.length - 1) return r;
            }
        }
        throw bad(path, "shape", "must be a list of 1 to 8 positive integers whose product is below 2^31, found " + shown(m, "shape"));
    }

    private static boolean optionalBool(Map<?, ?> m, String key, boolean absent, String path) {
        if (!m.containsKey(key)) return absent;
        if (m.get(key) instanceof Boolean b) return b;
        throw bad(path, key, "must be true/false when given (default " + absent + ")" + found(m, key));
    }

    private static float optionalFloat(Map<?, ?> m, String key, float absent, String path) {
        if (!m.containsKey(key)) return absent;
        if (m.get(key) instanceof Number n && Double.isFinite(n.doubleValue())) return (float) n.doubleValue();
        throw bad(path, key, "must be a finite number, found " + shown(m, key));
    }

    private static int positive(Map<?, ?> m, String key, String path) {
        if (m.get(key) instanceof Long v && v >= 1 && v <= Integer.MAX_VALUE) return (int) (long) v;
        throw bad(path, key, "must be an integer in [1, 2^31), found " + shown(m, key));
    }

    private static int[] ints(Map<?, ?> m, String key, int n, String path) {
        if (m.get(key) instanceof List<?> l && l.size() == n) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                if (!(l.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                    throw bad(path, key, "must hold " + n + " integers in [0, 2^31), found " + shown(m, key));
                }
                r[i] = (int) (long) v;
            }
            return r;
        }
        throw bad(path, key, "must be a list of " + n + " integers, found " + shown(m, key));
    }

    private static String found(Map<?, ?> m, String key) {
        return m.containsKey(key) ? ", found " + shown(m, key) : "";
    }

    /** The value of a field as JSON text, cut to 60 characters, or a word saying it is missing. */
    private static String shown(Map<?, ?> m, String key) {
        if (!m.containsKey(key)) return "nothing (the field is missing)";
        String t = Json.write(m.get(key));
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }

    /**
     * A malformed spec, found at the layer whose state_dict prefix is {@code layer} ("" for the root, else ending
     * with a dot) and, when known, in its {@code field}; {@link #located} turns that into the JSON path.
     */
    static final class SpecError extends IllegalArgumentException {
        final String layer, field, detail;

        SpecError(String layer, String field, String detail) {
            super("architecture, layer " + (layer.isEmpty() ? "<root>" : layer.substring(0, layer.length() - 1)) + ": "
                    + (field == null ? "" : "field \"" + field + "\" ") + detail);
            this.layer = layer;
            this.field = field;
            this.detail = detail;
        }

        /** The JSON path of the bad value in {@code root}, whose own path is {@code rootPath} (e.g. "$"). */
        String jsonPath(Object root, String rootPath) {
            StringBuilder sb = new StringBuilder(rootPath);
            Object node = root;
            for (String step : layer.split("\\.")) {
                if (step.isEmpty()) continue;
                String key = node instanceof Map<?, ?> m && "Sum".equals(m.get("type")) ? "branches" : "layers";
                sb.append('.').append(key).append('[').append(step).append(']');
                node = node instanceof Map<?, ?> m && m.get(key) instanceof List<?> l && Integer.parseInt(step) < l.size()
                        ? l.get(Integer.parseInt(step)) : null;
            }
            if (field != null) sb.append('.').append(field);
            return sb.toString();
        }

        /** The type of the layer at fault, or null. */
        String layerType(Object root) {
            Object node = root;
            for (String step : layer.split("\\.")) {
                if (step.isEmpty()) continue;
                String key = node instanceof Map<?, ?> m && "Sum".equals(m.get("type")) ? "branches" : "layers";
                node = node instanceof Map<?, ?> m && m.get(key) instanceof List<?> l && Integer.parseInt(step) < l.size()
                        ? l.get(Integer.parseInt(step)) : null;
            }
            return node instanceof Map<?, ?> m && m.get("type") instanceof String t ? t : null;
        }

        /** "architecture, $.layers[3].out (layer 3, Dense): must be ...": this error with its JSON path. */
        IllegalArgumentException located(Object root, String rootPath) {
            String type = layerType(root);
            String where = layer.isEmpty() ? "the root layer" : "layer " + layer.substring(0, layer.length() - 1);
            return new IllegalArgumentException("architecture, " + jsonPath(root, rootPath) + " (" + where
                    + (type == null ? "" : ", " + type) + "): " + detail, this);
        }
    }
}
