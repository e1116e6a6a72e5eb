package org.vectorgrad.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.parallel.Dispatcher;
import org.vectorgrad.train.Models;

/** Options shared by {@code train} and {@code bench train}, parsed and validated. */
record TrainingOptions(String model, int epochs, int batch, float lr, float momentum, int threads, String backend,
                       long seed, Path data, int limit, int steps, int warmup, int runs, String schedule, int lrWarmup,
                       OptimizerOptions optim) {

    static final Set<String> COMMON = Set.of("model", "batch", "lr", "momentum", "threads", "backend", "seed", "data", "limit", "schedule", "lr-warmup");
    static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

    static TrainingOptions parse(List<String> argv, Set<String> extra) {
        Set<String> valued = new java.util.HashSet<>(COMMON);
        valued.addAll(extra);
        valued.addAll(OptimizerOptions.VALUED);
        Args a = Args.parse(argv, valued, OptimizerOptions.FLAGS);
        List<String> backends = Backends.names();
        String schedule = a.choice("schedule", "cosine", OptimizerOptions.SCHEDULES);
        OptimizerOptions optim = OptimizerOptions.parse(a, schedule);
        if (a.string("momentum", null) != null && !OptimizerOptions.takesMomentum(optim.optimizer())) {
            throw new UsageException("--momentum applies to --optimizer sgd or rmsprop; " + optim.optimizer() + " has fixed betas (0.9, 0.999)");
        }
        return new TrainingOptions(
                a.choice("model", "mlp", Models.names()),
                a.integer("epochs", 5, 1, 10_000),
                a.integer("batch", 128, 1, 1 << 20),
                a.decimal("lr", OptimizerOptions.defaultLr(optim.optimizer()), 1e-9f, 100f),
                a.decimal("momentum", OptimizerOptions.defaultMomentum(optim.optimizer()), 0f, 0.999f),
                a.integer("threads", Dispatcher.defaultThreads(), 1, 1024),
                a.choice("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO), backends),
                a.longValue("seed", 42),
                Path.of(a.string("data", DEFAULT_DATA)),
                a.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
                a.integer("steps", 100, 1, 1_000_000),
                a.integer("warmup", 10, 0, 1_000_000),
                a.integer("runs", 3, 1, 100),
                schedule,
                a.integer("lr-warmup", schedule.equals("onecycle") ? 0 : 100, 0, 1_000_000), // one-cycle warms up by itself
                optim);
    }
}
