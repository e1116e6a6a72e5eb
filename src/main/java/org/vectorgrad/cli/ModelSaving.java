package org.vectorgrad.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vectorgrad.data.FashionMnist;
import org.vectorgrad.io.ModelFile;
import org.vectorgrad.nn.Layer;

/**
 * The CLI's model files: the trained model plus what {@code eval} and {@code predict} need to reproduce the
 * training run's inference exactly: the input standardization ({@code input_mean}, {@code input_std}, the
 * training set's statistics, as doubles that read back to the same bits), the sample shape, the evaluation batch
 * size, and the class names.
 */
final class ModelSaving {
    static final String MEAN = "input_mean", STD = "input_std", SHAPE = "input_shape", EVAL_BATCH = "eval_batch", CLASSES = "class_names";

    private ModelSaving() {}

    /**
     * The options of {@code train} handled here, taken out of {@code argv} before the shared options are parsed:
     * {@code --save FILE}, {@code --checkpoint DIR}, {@code --checkpoint-every N}, {@code --resume DIR}.
     */
    record SaveOption(Path path, Path checkpoint, int checkpointEvery, Path resume, List<String> rest) {
        static SaveOption extract(List<String> argv) {
            java.util.Set<String> names = java.util.Set.of("save", "checkpoint", "checkpoint-every", "resume");
            List<String> rest = new ArrayList<>(), mine = new ArrayList<>();
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : "";
                if (names.contains(name)) {
                    mine.add(a);
                    if (!a.contains("=") && i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) mine.add(argv.get(++i));
                } else {
                    rest.add(a);
                }
            }
            Args p = Args.parse(mine, names, java.util.Set.of());
            String save = p.string("save", null), cp = p.string("checkpoint", null), resume = p.string("resume", null);
            int every = p.integer("checkpoint-every", 0, 0, Integer.MAX_VALUE);
            if (every > 0 && cp == null) throw new UsageException("--checkpoint-every needs --checkpoint DIR");
            return new SaveOption(save == null ? null : Path.of(save), cp == null ? null : Path.of(cp), every,
                    resume == null ? null : Path.of(resume), rest);
        }

        boolean resumable() { return checkpoint != null || resume != null; }
    }

    /**
     * Fails, naming the option ({@code what}: "--save FILE"), when {@code file} cannot be written: a directory there, or a directory that
     * cannot be created or written (a probe file is created in it and deleted). {@code train} calls it before
     * training, for {@code --save}, {@code --checkpoint} and {@code --diagnostics-plot}: the write itself happens
     * only after training, and an unwritable path used to fail there, losing the trained model. Like
     * {@link org.vectorgrad.io.AtomicFiles#write}, it creates missing parent directories.
     */
    static void checkWritable(Path file, String what) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(what + ": is a directory; give a file name (nothing trained)");
        }
        try {
            Path dir = abs.getParent();
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, "." + abs.getFileName() + ".", ".probe"));
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(what + ": cannot write there (" + reason(e) + "); nothing trained", e);
        }
    }

    /** "permission denied", "Read-only file system", ...: an I/O exception's reason, not only the path it names. */
    static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof java.nio.file.FileSystemException f) return (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName()) + ": " + f.getFile();
        return e.toString();
    }

    static void save(Path file, Layer model, String modelName, double[] meanStd, int evalBatch, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model_name", modelName);
        meta.put(MEAN, Double.toString(meanStd[0]));
        meta.put(STD, Double.toString(meanStd[1]));
        meta.put(SHAPE, "1,28,28");
        meta.put(EVAL_BATCH, Integer.toString(evalBatch));
        meta.put(CLASSES, org.vectorgrad.io.Json.write(FashionMnist.CLASS_NAMES));
        meta.putAll(extra);
        try {
            ModelFile.save(file, model, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Metadata keys of a model trained on CSV rows ({@link #saveTabular}). */
    static final String TASK = "task", FEATURES = "feature_names", TARGETS = "target_names", FEATURE_MEAN = "feature_mean",
            FEATURE_STD = "feature_std";

    /**
     * A model trained with {@code train --csv}: its metadata holds the task, the feature and target column names
     * (JSON lists, in the model's input and output order) and the per-feature standardization of the training rows
     * ({@code feature_mean}, {@code feature_std}: JSON lists of doubles; a std of 0 means the feature is only
     * centred). A service standardizes each input row with them, {@code (x[j] - mean[j]) / std[j]}, and runs the
     * model (e.g. through a {@link org.vectorgrad.serve.Predictor}); {@code eval} and {@code predict} do not read
     * such files yet.
     */
    static void saveTabular(Path file, Layer model, org.vectorgrad.data.Task task, List<String> features, List<String> targets,
                            double[] mean, double[] std, int evalBatch, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model_name", "mlp");
        meta.put(TASK, task.cliName());
        meta.put(FEATURES, org.vectorgrad.io.Json.write(features));
        meta.put(TARGETS, org.vectorgrad.io.Json.write(targets));
        List<Double> m = new ArrayList<>(), s = new ArrayList<>();
        for (int j = 0; j < mean.length; j++) {
            m.add(mean[j]);
            s.add(std[j]);
        }
        meta.put(FEATURE_MEAN, org.vectorgrad.io.Json.write(m));
        meta.put(FEATURE_STD, org.vectorgrad.io.Json.write(s));
        meta.put(SHAPE, Integer.toString(features.size()));
        meta.put(EVAL_BATCH, Integer.toString(evalBatch));
        meta.putAll(extra);
        try {
            ModelFile.save(file, model, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + file + ": " + e.getMessage(), e);
        }
    }

    /** A loaded CLI model file, with its preprocessing read back (and checked). */
    record Served(Layer model, double mean, double std, int[] sampleShape, int evalBatch, List<String> classNames) {
        static Served load(Path file) {
            ModelFile.Loaded l;
            try {
                l = ModelFile.load(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            Map<String, String> m = l.metadata();
            if (m.containsKey(FEATURE_MEAN)) {
                throw new IllegalArgumentException(file + ": a model trained on CSV rows (" + TASK + " " + m.get(TASK) + ", features "
                        + m.get(FEATURES) + "); eval and predict read Fashion-MNIST models only so far: load it with ModelFile.load and"
                        + " standardize each row with its " + FEATURE_MEAN + " and " + FEATURE_STD + " metadata");
            }
            double mean = number(file, m, MEAN), std = number(file, m, STD);
            if (!(std > 0)) throw new IllegalArgumentException(file + ": " + STD + " must be positive, found " + std);
            int[] shape;
            try {
                shape = java.util.Arrays.stream(m.getOrDefault(SHAPE, "1,28,28").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": " + SHAPE + " '" + m.get(SHAPE) + "' is not a list of integers");
            }
            int evalBatch = (int) number(file, Map.of(EVAL_BATCH, m.getOrDefault(EVAL_BATCH, "256")), EVAL_BATCH);
            List<String> names = new ArrayList<>();
            if (m.containsKey(CLASSES) && org.vectorgrad.io.Json.parse(m.get(CLASSES)) instanceof List<?> list) {
                for (Object o : list) names.add(String.valueOf(o));
            }
            return new Served(l.model(), mean, std, shape, Math.max(1, evalBatch), names);
        }

        private static double number(Path file, Map<String, String> m, String key) {
            String v = m.get(key);
            if (v == null) {
                throw new IllegalArgumentException(file + ": metadata has no " + key + " (was the file saved by `vectorgrad train --save`?)");
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": metadata " + key + " '" + v + "' is not a number");
            }
        }

        String className(int c) { return c < classNames.size() ? classNames.get(c) : Integer.toString(c); }
    }
}
