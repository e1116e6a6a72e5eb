package org.vectorgrad.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.io.SpecFile;
import org.vectorgrad.parallel.Dispatcher;
import org.vectorgrad.train.Models;

/**
 * Options shared by {@code train} and {@code bench train}, parsed and validated. {@code model} is the
 * {@code --model} value as given (a built-in name or a spec file), {@code spec} the spec it names; an option the
 * user does not give takes the value of the spec's {@code recipe} when it has one ({@code fromRecipe} lists those),
 * else the default. The recipe's {@code lr} and {@code momentum} are for SGD: with another {@code --optimizer} they
 * are not used. {@code compare} is {@code bench train}'s second backend ({@code --compare}), or null.
 */
record TrainingOptions(String model, SpecFile spec, List<String> fromRecipe, int epochs, int batch, float lr, float momentum, int threads,
                       String backend, long seed, Path data, int limit, int steps, int warmup, float warmupSeconds, int runs, String schedule, int lrWarmup,
                       OptimizerOptions optim, String compare) {

    static final Set<String> COMMON = Set.of("model", "batch", "lr", "momentum", "threads", "backend", "seed", "data", "limit", "schedule", "lr-warmup");
    static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

    static TrainingOptions parse(List<String> argv, Set<String> extra) {
        Set<String> valued = new java.util.HashSet<>(COMMON);
        valued.addAll(extra);
        valued.addAll(OptimizerOptions.VALUED);
        Args a = Args.parse(argv, valued, OptimizerOptions.FLAGS);
        List<String> backends = Backends.names();
        String model = a.string("model", "mlp");
        SpecFile spec = resolve(model);
        String schedule = a.choice("schedule", spec.recipeChoice("schedule", "cosine", OptimizerOptions.SCHEDULES), OptimizerOptions.SCHEDULES);
        OptimizerOptions optim = OptimizerOptions.parse(a, schedule);
        if (a.string("momentum", null) != null && !OptimizerOptions.takesMomentum(optim.optimizer())) {
            throw new UsageException("--momentum applies to --optimizer sgd or rmsprop; " + optim.optimizer() + " has fixed betas (0.9, 0.999)");
        }
        boolean sgd = optim.optimizer().equals("sgd"); // the recipe's lr and momentum are SGD's
        List<String> fromRecipe = new ArrayList<>();
        for (String key : spec.recipe().keySet()) {
            String flag = key.replace('_', '-');
            if (!sgd && (key.equals("lr") || key.equals("momentum"))) continue;
            if (valued.contains(flag) && a.string(flag, null) == null) fromRecipe.add(flag + " " + spec.recipe().get(key));
        }
        float lr = OptimizerOptions.defaultLr(optim.optimizer()), momentum = OptimizerOptions.defaultMomentum(optim.optimizer());
        if (sgd) {
            lr = spec.recipeFloat("lr", lr, 1e-9f, 100f);
            momentum = spec.recipeFloat("momentum", momentum, 0f, 0.999f);
        }
        return new TrainingOptions(
                model, spec, List.copyOf(fromRecipe),
                a.integer("epochs", spec.recipeInt("epochs", 5, 1, 10_000), 1, 10_000),
                a.integer("batch", spec.recipeInt("batch", 128, 1, 1 << 20), 1, 1 << 20),
                a.decimal("lr", lr, 1e-9f, 100f),
                a.decimal("momentum", momentum, 0f, 0.999f),
                a.integer("threads", Dispatcher.defaultThreads(), 1, 1024),
                a.choice("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO), backends),
                a.longValue("seed", 42),
                Path.of(a.string("data", DEFAULT_DATA)),
                a.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
                a.integer("steps", 100, 1, 1_000_000),
                a.integer("warmup", 10, 0, 1_000_000),
                a.decimal("warmup-seconds", 3f, 0f, 3600f),
                a.integer("runs", 3, 1, 100),
                schedule,
                // one-cycle warms up by itself
                a.integer("lr-warmup", spec.recipeInt("lr_warmup", schedule.equals("onecycle") ? 0 : 100, 0, 1_000_000), 0, 1_000_000),
                optim,
                compare(a, backends));
    }

    /**
     * {@code --compare B} (bench train): a second backend timed in the same JVM, its runs alternating with the first's;
     * null when not given. It must name another backend than {@code --backend}.
     */
    private static String compare(Args a, List<String> backends) {
        String other = a.string("compare", null);
        if (other == null) return null;
        String first = a.string("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO));
        other = a.choice("compare", other, backends);
        if (other.equals(first)) throw new UsageException("--compare must name another backend than --backend (" + first + ")");
        return other;
    }

    /**
     * The spec a {@code --model} value names: a built-in name, else a JSON spec file (a value ending in
     * {@code .json}, holding a '/', or naming an existing file).
     */
    static SpecFile resolve(String model) {
        if (Models.names().contains(model)) return SpecFile.builtIn(model);
        if (model.endsWith(".json") || model.contains("/") || Files.isRegularFile(Path.of(model))) return SpecFile.read(Path.of(model));
        throw new UsageException("--model must be one of " + String.join(", ", Models.names()) + " or a JSON spec file (FILE.json), got '" + model + "'");
    }
}
