package org.vectorgrad.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.tensor.Tensor;

/**
 * A model described by a JSON architecture spec, from a file ({@code vectorgrad train --model FILE.json}) or one
 * of the built-in named specs ({@code mlp}, {@code cnn}, {@code resnet}: resources
 * {@code /org/vectorgrad/models/NAME.json} in the jar), and built with seeded initial weights.
 *
 * <p><b>File format.</b> Either a bare layer, exactly the {@link ModelSpec} JSON a model file keeps in its metadata
 * ({@code {"type":"Sequential","layers":[...]}}), or an object holding one:
 * <pre>{@code
 * {"name": "tiny", "description": "...", "input": [1, 28, 28], "classes": 10,
 *  "recipe": {"epochs": 5, "lr": 0.1, ...},
 *  "architecture": {"type": "Sequential", "layers": [...]}}
 * }</pre>
 * where only {@code architecture} is required: {@code input} (the sample shape the model expects) and {@code classes}
 * are checked against the dataset before training; {@code recipe} is the training recipe the CLI uses for every
 * option the user does not give (keys {@code epochs, batch, lr, momentum, schedule, lr_warmup}: {@link #RECIPE_KEYS}). Keys starting with {@code _} are comments and
 * ignored, anywhere; any other unknown key is refused (a typo would otherwise pass silently).
 *
 * <p><b>Shorthands</b> (as PyTorch's constructor defaults): {@code Dense} {@code bias} defaults to true;
 * {@code Conv2d} {@code kernel}, {@code stride}, {@code dilation} take an integer or {@code [h, w]},
 * {@code padding} an integer, {@code [h, w]}, {@code [top, bottom, left, right]} or PyTorch's strings {@code "valid"}
 * (0) and {@code "same"} (stride 1 only; the explicit four sides of {@link Conv2d#samePadding}, which is what
 * {@link #architecture} and a saved model's spec then hold); {@code stride} defaults to 1,
 * {@code padding} to 0, {@code dilation} to 1, {@code groups} to 1, {@code bias} to true; pooling {@code stride}
 * defaults to the kernel, {@code padding} to 0, {@code ceil_mode} to false (left absent: {@link ModelSpec} reads it so),
 * {@code AvgPool2d}'s {@code count_include_pad} to true;
 * {@code LeakyReLU}'s {@code slope} to 0.01. Every layer's fields are checked against {@link ModelSpec}'s table of
 * what each type takes; an unknown type passes unchanged to {@link ModelSpec}, which names it.
 *
 * <p><b>Initial weights</b> ({@link #build}): the k-th {@code Dense} or {@code Conv2d} in depth-first order
 * (k = 1, 2, ...) draws its weight from seed {@code seed * 1_000_003 + k} with its {@code init}
 * ({@code he_normal} unless the layer says {@code he_uniform}, {@code xavier_normal} or {@code xavier_uniform});
 * biases start at zero, normalization layers at weight 1 and bias 0 (their constructors' values). The built-in
 * {@code mlp} and {@code cnn} therefore start from the same bits as the hand-written models they replaced.
 *
 * <p><b>Hostile input.</b> A file over {@value #MAX_BYTES} bytes, nesting deeper than {@link Json#MAX_DEPTH}, or a
 * model of more than {@value #MAX_PARAMETERS} parameters and buffers (or more than a quarter of the heap for its weights,
 * gradients and optimizer state) is refused before anything large is allocated. Every error is an
 * {@link IllegalArgumentException} whose message names the file, the JSON path of the bad value (e.g.
 * {@code $.architecture.layers[3].out}) and what was expected and found.
 *
 * <p>Instances are immutable and thread-safe; {@link #build} returns a new model on every call.
 */
public final class SpecFile {
    /** Largest spec file read, in bytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** Most parameters a spec may describe. */
    public static final long MAX_PARAMETERS = 1L << 28;
    /** Where the built-in specs live on the class path. */
    public static final String RESOURCE_DIR = "/org/vectorgrad/models/";
    private static final List<String> BUILT_IN = List.of("mlp", "cnn", "resnet");
    /** The keys a {@code recipe} may hold. */
    public static final Set<String> RECIPE_KEYS = Set.of("epochs", "batch", "lr", "momentum", "schedule", "lr_warmup");
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "input", "classes", "recipe", "architecture");

    private final String name, source, description;
    private final Object architecture;
    private final String rootPath;
    private final Map<String, Object> recipe;
    private final int[] input;
    private final int classes;
    private final Map<String, int[]> shapes;
    private final long parameterCount;

    private SpecFile(String name, String source, String description, Object architecture, String rootPath,
                     Map<String, Object> recipe, int[] input, int classes, Map<String, int[]> shapes, long parameterCount) {
        this.name = name;
        this.source = source;
        this.description = description;
        this.architecture = architecture;
        this.rootPath = rootPath;
        this.recipe = recipe;
        this.input = input;
        this.classes = classes;
        this.shapes = shapes;
        this.parameterCount = parameterCount;
    }

    // ---- reading --------------------------------------------------------------------------------------------

    /** The names of the built-in specs: {@code mlp}, {@code cnn}, {@code resnet}. */
    public static List<String> builtInNames() { return BUILT_IN; }

    /**
     * A built-in spec by name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SpecFile builtIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("unknown model '" + name + "'; choose one of " + String.join(", ", BUILT_IN));
        }
        String resource = RESOURCE_DIR + name + ".json";
        try (InputStream in = SpecFile.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("built-in spec " + resource + " is missing from the class path");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name, "built-in model " + name + " (" + resource + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in spec " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a spec file. Its name (for the JSON line and the model file) is the spec's {@code name} if it has one,
     * else the file name without {@code .json}.
     *
     * @throws IllegalArgumentException naming the file when it is missing, too large, not UTF-8 JSON or not a valid spec
     */
    public static SpecFile read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // bounded even for a device or a pipe that reports no size
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such model spec file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the model spec: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": a model spec file may hold at most " + MAX_BYTES + " bytes; this one is larger");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (a model spec is JSON)");
        }
        String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String base = fileName.toLowerCase(Locale.ROOT).endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return parse(text, base, file.toString());
    }

    /**
     * Parses and checks a spec given as text.
     *
     * @param defaultName the name when the spec has none
     * @param source      what to call the spec in messages (a file name)
     * @throws IllegalArgumentException starting with {@code source} and the JSON path of the problem
     */
    public static SpecFile parse(String text, String defaultName, String source) {
        if (text.length() > MAX_BYTES) throw new IllegalArgumentException(source + ": a model spec may hold at most " + MAX_BYTES + " characters");
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + withLine(text, e.getMessage()), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException(source + ": $: expected a JSON object (a layer or {\"architecture\": ...}), found " + kind(root));
        }
        String name = defaultName, description = "", rootPath = "$";
        Map<String, Object> recipe = Map.of();
        int[] input = null;
        int classes = 0;
        Object arch;
        if (top.containsKey("type")) {
            arch = top; // a bare layer, as a model file's metadata holds it
        } else {
            for (Object k : top.keySet()) {
                String key = (String) k;
                if (!TOP_KEYS.contains(key) && !key.startsWith("_")) {
                    throw new IllegalArgumentException(source + ": $." + key + ": unknown key; a spec holds " + String.join(", ", sorted(TOP_KEYS))
                            + " (or is a bare layer with a \"type\")");
                }
            }
            if (!top.containsKey("architecture")) {
                throw new IllegalArgumentException(source + ": $.architecture: missing; a spec is a layer ({\"type\": ...}) or an object whose"
                        + " \"architecture\" is one");
            }
            arch = top.get("architecture");
            rootPath = "$.architecture";
            if (top.containsKey("name")) name = nonEmptyString(top.get("name"), source, "$.name");
            if (top.containsKey("description")) description = nonEmptyString(top.get("description"), source, "$.description");
            if (top.containsKey("input")) input = shape(top.get("input"), source, "$.input");
            if (top.containsKey("classes")) classes = (int) integer(top.get("classes"), 2, 1 << 24, source, "$.classes");
            if (top.containsKey("recipe")) recipe = recipe(top.get("recipe"), source);
        }
        Object normalized = normalize(arch, source, rootPath);
        Map<String, int[]> shapes;
        try {
            shapes = ModelSpec.parameterShapes(normalized);
        } catch (IllegalArgumentException e) {
            throw located(e, normalized, source, rootPath);
        }
        long count = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            long n = 1;
            for (int d : e.getValue()) n = Math.multiplyHigh(n, d) != 0 ? Long.MAX_VALUE : n * d;
            count = n > MAX_PARAMETERS || count + n > MAX_PARAMETERS ? Long.MAX_VALUE : count + n;
            if (count == Long.MAX_VALUE) {
                throw new IllegalArgumentException(source + ": the model has more than " + MAX_PARAMETERS + " parameters (at tensor "
                        + e.getKey() + " of shape " + Arrays.toString(e.getValue()) + "); a spec may describe at most " + MAX_PARAMETERS);
            }
        }
        return new SpecFile(name, source, description, normalized, rootPath, recipe, input, classes,
                Collections.unmodifiableMap(shapes), count);
    }

    // ---- what a spec holds ----------------------------------------------------------------------------------

    /** The model's name: the spec's {@code name}, else the file name without {@code .json}, or the built-in name. */
    public String name() { return name; }

    /** The file (or built-in resource) the spec came from, as messages name it. */
    public String source() { return source; }

    /** The spec's {@code description}, or "". */
    public String description() { return description; }

    /** The architecture with every shorthand expanded: the form {@link ModelSpec#build} reads. */
    public Object architecture() { return architecture; }

    /** The recipe (possibly empty): keys among {@link #RECIPE_KEYS}, values checked by the accessors below. */
    public Map<String, Object> recipe() { return recipe; }

    /** The sample shape the spec declares ({@code input}), or null when it declares none. */
    public int[] input() { return input == null ? null : input.clone(); }

    /** The number of classes the spec declares ({@code classes}), or 0 when it declares none. */
    public int classes() { return classes; }

    /** The state_dict names and shapes of the parameters and buffers, without building anything. */
    public Map<String, int[]> parameterShapes() { return shapes; }

    /** The number of values in the model's parameters and buffers. */
    public long parameterCount() { return parameterCount; }

    /** The recipe's integer {@code key}, or {@code def} when absent; outside [min, max] it is an error naming the path. */
    public int recipeInt(String key, int def, int min, int max) {
        if (!recipe.containsKey(key)) return def;
        return (int) integer(recipe.get(key), min, max, source, "$.recipe." + key);
    }

    /** The recipe's number {@code key}, or {@code def} when absent; outside [min, max] it is an error naming the path. */
    public float recipeFloat(String key, float def, float min, float max) {
        if (!recipe.containsKey(key)) return def;
        Object v = recipe.get(key);
        if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw new IllegalArgumentException(source + ": $.recipe." + key + ": must be a number between " + min + " and " + max + ", found " + Json.write(v));
        }
        return n.floatValue();
    }

    /** The recipe's string {@code key}, one of {@code allowed}, or {@code def} when absent. */
    public String recipeChoice(String key, String def, List<String> allowed) {
        if (!recipe.containsKey(key)) return def;
        Object v = recipe.get(key);
        if (!(v instanceof String s) || !allowed.contains(s)) {
            throw new IllegalArgumentException(source + ": $.recipe." + key + ": must be one of " + String.join(", ", allowed) + ", found " + Json.write(v));
        }
        return s;
    }

    // ---- building -------------------------------------------------------------------------------------------

    /**
     * A new model with the initial weights described in the class comment for {@code seed}.
     *
     * @throws IllegalArgumentException naming the file when the weights, their gradients and optimizer state
     *         would take more than a quarter of the JVM's maximum heap
     */
    public Layer build(long seed) {
        long bytes = parameterCount * 4L * 4; // weights, gradients, two optimizer slots (Adam)
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && bytes > heap / 4) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the model has %d parameters: about %d MiB with gradients and"
                    + " optimizer state, more than a quarter of the %d MiB heap; give the JVM more (VECTORGRAD_JAVA_OPTS=-Xmx...)",
                    source, parameterCount, bytes >> 20, heap >> 20));
        }
        Layer model;
        try {
            model = ModelSpec.build(architecture);
        } catch (IllegalArgumentException e) {
            throw located(e, architecture, source, rootPath);
        }
        initialize(model, architecture, seed, new long[1]);
        return model;
    }

    /** The seed {@link #build} gives the k-th (1-based) Dense or Conv2d layer. */
    public static long layerSeed(long seed, int k) { return seed * 1_000_003L + k; }

    private static void initialize(Layer layer, Object spec, long seed, long[] counter) {
        Map<?, ?> m = (Map<?, ?>) spec;
        switch (layer) {
            case Sequential s -> {
                List<?> children = (List<?>) m.get("layers");
                for (int i = 0; i < s.layers().size(); i++) initialize(s.layers().get(i), children.get(i), seed, counter);
            }
            case Sum s -> {
                List<?> children = (List<?>) m.get("branches");
                for (int i = 0; i < s.branches().size(); i++) initialize(s.branches().get(i), children.get(i), seed, counter);
            }
            case Dense d -> {
                long k = ++counter[0];
                int in = d.inFeatures(), out = d.outFeatures();
                fill(d.weight(), init(m).create(seed * 1_000_003L + k, in, out, out, in));
                if (d.bias() != null) fill(d.bias(), Tensor.zeros(out));
            }
            case Conv2d c -> {
                long k = ++counter[0];
                int[] w = c.weight().value().shape(); // (O, C/g, KH, KW)
                int g = c.groups();
                fill(c.weight(), init(m).create(seed * 1_000_003L + k, w[1] * w[2] * w[3], w[0] / g * w[2] * w[3], w));
                if (c.bias() != null) fill(c.bias(), Tensor.zeros(w[0]));
            }
            default -> { } // no random initial state: the constructor's values stand
        }
    }

    private static Init init(Map<?, ?> m) {
        Object v = m.get("init");
        return v == null ? Init.HE_NORMAL : Init.valueOf(((String) v).toUpperCase(Locale.ROOT)); // checked by normalize
    }

    private static void fill(Parameter p, Tensor values) {
        Tensor v = p.value();
        if (!v.isContiguous() || !values.isContiguous() || v.size() != values.size()) {
            throw new IllegalStateException("cannot initialize " + p.name() + ": unexpected tensor layout");
        }
        System.arraycopy(values.data(), values.offset(), v.data(), v.offset(), v.size());
    }

    // ---- shorthands and checks ------------------------------------------------------------------------------

    private static final List<String> INITS = List.of("he_normal", "he_uniform", "xavier_normal", "xavier_uniform");

    /**
     * A bare architecture (a model file's {@code vectorgrad.architecture}) with shorthands expanded and defaults filled,
     * as {@link #parse} does; errors start with {@code source} and the JSON path.
     */
    static Object normalizeArchitecture(Object arch, String source) {
        return normalize(arch, source, "$");
    }

    /** The layer with shorthands expanded and defaults filled, for the types listed in {@link ModelSpec#FIELDS}. */
    private static Object normalize(Object spec, String source, String path) {
        if (!(spec instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ": " + path + ": expected a layer (a JSON object with a \"type\"), found " + kind(spec));
        }
        if (!(m.get("type") instanceof String type)) {
            throw new IllegalArgumentException(source + ": " + path + ".type: " + (m.containsKey("type") ? "must be a string, found "
                    + Json.write(m.get("type")) : "missing; every layer names its type, e.g. {\"type\": \"Dense\", \"in\": 784, \"out\": 10}"));
        }
        Set<String> known = ModelSpec.FIELDS.get(type);
        if (known == null) return m; // an unknown type: ModelSpec names it
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals("type") || key.startsWith("_")) continue;
            if (!known.contains(key)) {
                throw new IllegalArgumentException(source + ": " + path + "." + key + ": unknown field for " + type + " " + ModelSpec.takes(type));
            }
            out.put(key, e.getValue());
        }
        switch (type) {
            case "Sequential", "Sum" -> {
                String key = type.equals("Sum") ? "branches" : "layers";
                if (!(m.get(key) instanceof List<?> children)) {
                    throw new IllegalArgumentException(source + ": " + path + "." + key + ": " + (m.containsKey(key)
                            ? "must be a list of layers, found " + kind(m.get(key)) : "missing (the list of " + (type.equals("Sum") ? "branches" : "layers") + ")"));
                }
                List<Object> built = new ArrayList<>();
                for (int i = 0; i < children.size(); i++) built.add(normalize(children.get(i), source, path + "." + key + "[" + i + "]"));
                out.put(key, built);
            }
            case "Dense" -> {
                out.putIfAbsent("bias", true);
                checkInit(out, source, path);
            }
            case "Conv2d" -> {
                pair(out, "kernel", null, source, path);
                pair(out, "stride", 1L, source, path);
                pair(out, "dilation", 1L, source, path);
                quad(out, source, path);
                out.putIfAbsent("groups", 1L);
                out.putIfAbsent("bias", true);
                checkInit(out, source, path);
            }
            case "MaxPool2d", "AvgPool2d" -> {
                pair(out, "kernel", null, source, path);
                if (!out.containsKey("stride")) out.put("stride", out.get("kernel"));
                pair(out, "stride", null, source, path);
                pair(out, "padding", 0L, source, path);
                if (type.equals("AvgPool2d")) out.putIfAbsent("count_include_pad", true);
            }
            case "LeakyReLU" -> out.putIfAbsent("slope", 0.01);
            default -> { }
        }
        return out;
    }

    /** An integer field as [v, v]; a missing one as [def, def], or an error when {@code def} is null. */
    private static void pair(Map<String, Object> m, String key, Long def, String source, String path) {
        Object v = m.get(key);
        if (v == null && def != null && !m.containsKey(key)) v = def;
        if (v instanceof Long n) m.put(key, List.of(n, n));
        else if (v instanceof List<?> l && l.size() == 2) m.put(key, l);
        else {
            throw new IllegalArgumentException(source + ": " + path + "." + key + ": " + (m.containsKey(key)
                    ? "must be an integer or a list of 2 integers, found " + Json.write(v) : "missing (an integer or [height, width])"));
        }
    }

    /**
     * Conv2d padding: p as [p, p, p, p], [h, w] as [h, h, w, w], [top, bottom, left, right] as is; missing as 0;
     * PyTorch's strings "valid" as [0, 0, 0, 0] and "same" as {@link Conv2d#samePadding} of the layer's kernel and
     * dilation (already expanded to pairs by the caller), refused with a stride other than 1 as PyTorch refuses it.
     */
    private static void quad(Map<String, Object> m, String source, String path) {
        Object v = m.containsKey("padding") ? m.get("padding") : (Object) 0L;
        if (v instanceof String s && (s.equals("same") || s.equals("valid"))) { // case-sensitive, as PyTorch
            v = s.equals("valid") ? (Object) 0L : samePadding(m, source, path);
        }
        if (v instanceof Long n) m.put("padding", List.of(n, n, n, n));
        else if (v instanceof List<?> l && l.size() == 2) m.put("padding", List.of(l.get(0), l.get(0), l.get(1), l.get(1)));
        else if (v instanceof List<?> l && l.size() == 4) m.put("padding", l);
        else {
            throw new IllegalArgumentException(source + ": " + path + ".padding: must be an integer, [height, width], [top, bottom, left, right],"
                    + " \"same\" or \"valid\" (lower case, as PyTorch), found " + Json.write(v));
        }
    }

    /** "padding": "same" as the list [top, bottom, left, right] the layer's kernel and dilation give, at stride 1 only. */
    private static List<Object> samePadding(Map<String, Object> m, String source, String path) {
        List<?> stride = (List<?>) m.get("stride");
        if (!stride.equals(List.of(1L, 1L))) {
            throw new IllegalArgumentException(source + ": " + path + ".padding: \"same\" needs stride 1 along both axes, found stride "
                    + Json.write(stride) + " (as PyTorch, which refuses padding='same' for strided convolutions); use stride 1, or explicit padding");
        }
        int[] k = positivePair(m, "kernel", source, path), d = positivePair(m, "dilation", source, path);
        int[] p;
        try {
            p = Conv2d.samePadding(k[0], k[1], d[0], d[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + path + ".padding: " + e.getMessage(), e);
        }
        return List.of((long) p[0], (long) p[1], (long) p[2], (long) p[3]);
    }

    /** A [h, w] field of positive integers, which "padding": "same" needs to be worked out. */
    private static int[] positivePair(Map<String, Object> m, String key, String source, String path) {
        List<?> l = (List<?>) m.get(key);
        if (l.get(0) instanceof Long a && a >= 1 && a <= Integer.MAX_VALUE && l.get(1) instanceof Long b && b >= 1 && b <= Integer.MAX_VALUE) {
            return new int[] {(int) (long) a, (int) (long) b};
        }
        throw new IllegalArgumentException(source + ": " + path + "." + key + ": must hold 2 integers in [1, 2^31) (\"padding\": \"same\" is worked out"
                + " from it), found " + Json.write(l));
    }

    private static void checkInit(Map<String, Object> m, String source, String path) {
        if (!m.containsKey("init")) return;
        if (!(m.get("init") instanceof String s) || !INITS.contains(s)) {
            throw new IllegalArgumentException(source + ": " + path + ".init: must be one of " + String.join(", ", INITS) + ", found " + Json.write(m.get("init")));
        }
    }

    private static IllegalArgumentException located(IllegalArgumentException e, Object architecture, String source, String rootPath) {
        if (e.getCause() instanceof ModelSpec.SpecError se) {
            IllegalArgumentException l = se.located(architecture, rootPath);
            return new IllegalArgumentException(source + ": " + l.getMessage().substring("architecture, ".length()), se);
        }
        return new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }

    private static Map<String, Object> recipe(Object v, String source) {
        if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException(source + ": $.recipe: must be an object, found " + kind(v));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = (String) e.getKey();
            if (key.startsWith("_")) continue;
            if (!RECIPE_KEYS.contains(key)) {
                throw new IllegalArgumentException(source + ": $.recipe." + key + ": unknown key; a recipe holds " + String.join(", ", sorted(RECIPE_KEYS)));
            }
            out.put(key, e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static long integer(Object v, long min, long max, String source, String path) {
        if (v instanceof Long n && n >= min && n <= max) return n;
        throw new IllegalArgumentException(source + ": " + path + ": must be an integer between " + min + " and " + max + ", found " + Json.write(v));
    }

    private static int[] shape(Object v, String source, String path) {
        if (v instanceof List<?> l && !l.isEmpty() && l.size() <= 8) {
            int[] r = new int[l.size()];
            for (int i = 0; i < r.length; i++) r[i] = (int) integer(l.get(i), 1, Integer.MAX_VALUE, source, path + "[" + i + "]");
            return r;
        }
        throw new IllegalArgumentException(source + ": " + path + ": must be a list of 1 to 8 positive integers (a sample's shape, e.g. [1, 28, 28]), found "
                + (v == null ? "null" : Json.write(v)));
    }

    private static String nonEmptyString(Object v, String source, String path) {
        if (v instanceof String s && !s.isBlank() && s.length() <= 4000) return s;
        throw new IllegalArgumentException(source + ": " + path + ": must be a non-empty string of at most 4000 characters, found "
                + (v instanceof String s ? (s.isBlank() ? "a blank string" : "a string of " + s.length() + " characters") : kind(v)));
    }

    private static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "a list";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "true/false";
        return "the number " + v;
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        Collections.sort(l);
        return l;
    }

    private static final Pattern AT = Pattern.compile("at character (\\d+)");

    /** "invalid JSON at character 123: ..." with the line and column of character 123 added. */
    private static String withLine(String text, String message) {
        Matcher mt = message == null ? null : AT.matcher(message);
        if (mt == null || !mt.find()) return message;
        int pos = (int) Math.min(Long.parseLong(mt.group(1)), text.length());
        int line = 1, col = 1;
        for (int i = 0; i < pos; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else col++;
        }
        return message.substring(0, mt.end()) + " (line " + line + ", column " + col + ")" + message.substring(mt.end());
    }

    @Override
    public String toString() { return "SpecFile(" + name + " from " + source + ", " + parameterCount + " parameters)"; }
}
