package org.vectorgrad.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vectorgrad.io.Json;
import org.vectorgrad.io.ModelFileException;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.io.SafeTensors;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Dropout;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sum;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.tensor.Tensor;

/**
 * A training checkpoint: one safetensors file, {@code DIR/}{@value #FILE}, written atomically (temporary file in
 * the same directory, fsync, rename), holding everything a resumed run needs to continue bit for bit:
 * the model's parameters and buffers ({@code model.<state_dict name>}: batch norm's running statistics and its
 * int64 {@code num_batches_tracked} included), the optimizer's state ({@code optimizer.velocity.<i>},
 * {@code optimizer.exp_avg.<i>}, {@code optimizer.square_avg.<i>}, ...; the step count of Adam, AdamW and RMSProp
 * and the optimizer's {@link Optimizer#configuration() configuration} (hyperparameters, parameter groups, gradient
 * clipping; a resume under another is refused) in the metadata), and in the metadata the position
 * (epoch in progress, batches done in it, global step, which is the schedule's position), the run's configuration
 * that the data order and the schedule depend on (seed, batch size, epochs, steps per epoch, base learning rate),
 * the partial epoch's loss sum and sample count, the first step's loss, and the finished epochs' statistics.
 *
 * <p>Thread safety: static methods holding no state; the model and optimizer they read or write must not be in use on
 * another thread during the call.
 */
public final class Checkpoint {
    /** File name inside the checkpoint directory. */
    public static final String FILE = "checkpoint.safetensors";
    static final String VERSION = "1";

    /**
     * Where a run stands: the epoch in progress (1-based) and the batches of it already done, the global step, the
     * partial epoch's loss sum and sample count, the run's first-step loss (NaN before it; what divergence is
     * judged against) and the finished epochs.
     */
    public record Position(int epoch, int stepInEpoch, long globalStep, double lossSum, long samples, double startLoss,
                           List<EpochStats> history) {}

    /**
     * The run configuration a checkpoint must agree with to resume bit for bit. {@code trainSamples} (the data
     * order is a permutation of that many samples) and {@code scheduleRates} (a hash of the learning rate at every
     * step of the run, see {@link #scheduleRates}) are checked when both the run and the checkpoint know them
     * ({@code -1} and {@code 0}: unknown): without them, a resume with another {@code --limit} giving the same number
     * of steps per epoch, or another {@code --schedule}/{@code --lr-warmup}, was accepted and silently gave other bits.
     */
    public record Run(long seed, int batchSize, int epochs, int stepsPerEpoch, float baseRate, long trainSamples, long scheduleRates) {
        /** A run whose sample count and schedule are not checked. */
        public Run(long seed, int batchSize, int epochs, int stepsPerEpoch, float baseRate) {
            this(seed, batchSize, epochs, stepsPerEpoch, baseRate, -1, 0);
        }
    }

    /**
     * A 64-bit hash of the bits of {@code schedule}'s rate at each of the {@code totalSteps} steps, as {@link Trainer}
     * asks for them: two schedules with the same hash give the same rates (barring a collision). Never 0.
     */
    public static long scheduleRates(LearningRateSchedule schedule, float baseRate, long totalSteps) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the rates' bits
        for (long s = 0; s < totalSteps; s++) {
            h = (h ^ Float.floatToIntBits(schedule.rate(baseRate, s, totalSteps))) * 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }

    private Checkpoint() {}

    /** Writes the checkpoint of {@code model} and {@code optimizer} at {@code pos} atomically into {@code dir}. */
    public static void save(Path dir, Layer model, Optimizer optimizer, Run run, Position pos) throws IOException {
        List<SafeTensors.Entry> tensors = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(model).entrySet()) {
            Tensor v = e.getValue().value();
            tensors.add(new SafeTensors.Entry("model." + e.getKey(), v.shape(), v.toArray()));
        }
        for (Map.Entry<String, Buffer> e : ModelSpec.buffers(model).entrySet()) {
            Buffer b = e.getValue();
            String name = "model." + e.getKey();
            tensors.add(b.isInt64() ? SafeTensors.Entry.int64(name, b.shape(), b.longs().clone()) : new SafeTensors.Entry(name, b.shape(), b.value().toArray()));
        }
        for (Map.Entry<String, Tensor> e : optimizer.stateTensors().entrySet()) {
            tensors.add(new SafeTensors.Entry("optimizer." + e.getKey(), e.getValue().shape(), e.getValue().toArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("vectorgrad.checkpoint_version", VERSION);
        meta.put("optimizer", optimizer.getClass().getSimpleName());
        meta.put("optimizer_steps", Long.toString(optimizer.stepCount()));
        meta.put("optimizer_config", optimizer.configuration());
        meta.put("seed", Long.toString(run.seed()));
        meta.put("batch", Integer.toString(run.batchSize()));
        meta.put("epochs", Integer.toString(run.epochs()));
        meta.put("steps_per_epoch", Integer.toString(run.stepsPerEpoch()));
        meta.put("base_lr", Integer.toString(Float.floatToIntBits(run.baseRate())));
        if (run.trainSamples() >= 0) meta.put("train_samples", Long.toString(run.trainSamples()));
        if (run.scheduleRates() != 0) meta.put("schedule_rates", Long.toString(run.scheduleRates()));
        meta.put("epoch", Integer.toString(pos.epoch()));
        meta.put("step", Integer.toString(pos.stepInEpoch()));
        meta.put("global_step", Long.toString(pos.globalStep()));
        meta.put("loss_sum", Long.toString(Double.doubleToLongBits(pos.lossSum())));
        meta.put("samples", Long.toString(pos.samples()));
        meta.put("start_loss", Long.toString(Double.doubleToLongBits(pos.startLoss())));
        List<Object> hist = new ArrayList<>();
        for (EpochStats s : pos.history()) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : s.testMetrics().entrySet()) metrics.put(e.getKey(), Double.doubleToLongBits(e.getValue()));
            hist.add(List.of(s.epoch(), s.epochs(), Double.doubleToLongBits(s.trainLoss()), Double.doubleToLongBits(s.testAccuracy()),
                    Double.doubleToLongBits(s.samplesPerSecond()), Double.doubleToLongBits(s.seconds()), metrics));
        }
        meta.put("history", Json.write(hist));
        List<Object> dropoutSteps = new ArrayList<>(), dropoutSeeds = new ArrayList<>();
        for (Dropout d : dropouts(model)) {
            dropoutSteps.add(d.step());
            dropoutSeeds.add(d.seed());
        }
        meta.put("dropout_steps", Json.write(dropoutSteps));
        meta.put("dropout_seeds", Json.write(dropoutSeeds));
        Files.createDirectories(dir);
        SafeTensors.write(dir.resolve(FILE), meta, tensors);
    }

    /** Whether {@code dir} holds a checkpoint. */
    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(FILE)); }

    /**
     * Restores {@code model} and {@code optimizer} from {@code dir} and returns the position to continue from.
     * Every mismatch (architecture, optimizer type, run configuration) is refused before anything is changed.
     */
    public static Position restore(Path dir, Layer model, Optimizer optimizer, Run run) throws IOException {
        Path file = dir.resolve(FILE);
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> m = c.metadata();
        if (!VERSION.equals(m.get("vectorgrad.checkpoint_version"))) {
            throw new ModelFileException(file, "not a vectorgrad checkpoint of version " + VERSION + " (found " + m.get("vectorgrad.checkpoint_version") + ")");
        }
        try {
            List<String> problems = new ArrayList<>();
            expect(problems, "optimizer", optimizer.getClass().getSimpleName(), m.get("optimizer"));
            if (m.containsKey("optimizer_config")) { // absent from checkpoints written before it was recorded
                expect(problems, "optimizer configuration", optimizer.configuration(), m.get("optimizer_config"));
            }
            expect(problems, "seed", Long.toString(run.seed()), m.get("seed"));
            expect(problems, "batch", Integer.toString(run.batchSize()), m.get("batch"));
            expect(problems, "epochs", Integer.toString(run.epochs()), m.get("epochs"));
            expect(problems, "steps_per_epoch", Integer.toString(run.stepsPerEpoch()), m.get("steps_per_epoch"));
            expect(problems, "base learning rate", Float.toString(run.baseRate()),
                    m.get("base_lr") == null ? null : Float.toString(Float.intBitsToFloat(Integer.parseInt(m.get("base_lr")))));
            if (run.trainSamples() >= 0 && m.containsKey("train_samples")) { // absent from older checkpoints
                expect(problems, "the number of training samples", Long.toString(run.trainSamples()), m.get("train_samples"));
            }
            if (run.scheduleRates() != 0 && m.containsKey("schedule_rates")
                    && !Long.toString(run.scheduleRates()).equals(m.get("schedule_rates"))) {
                problems.add("the learning-rate schedule (schedule, warm-up, gamma or step size) gives other rates in this run than in the checkpoint");
            }
            Map<String, Tensor> targets = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(model).entrySet()) targets.put("model." + e.getKey(), e.getValue().value());
            for (Map.Entry<String, Tensor> e : optimizer.stateTensors().entrySet()) targets.put("optimizer." + e.getKey(), e.getValue());
            Map<String, Buffer> buffers = new LinkedHashMap<>();
            for (Map.Entry<String, Buffer> e : ModelSpec.buffers(model).entrySet()) buffers.put("model." + e.getKey(), e.getValue());
            for (Map.Entry<String, Tensor> e : targets.entrySet()) {
                SafeTensors.Entry t = c.tensors().get(e.getKey());
                if (t == null) problems.add("tensor " + e.getKey() + " missing");
                else if (!java.util.Arrays.equals(t.shape(), e.getValue().shape())) {
                    problems.add("tensor " + e.getKey() + ": expected shape " + e.getValue().shapeString() + ", found " + java.util.Arrays.toString(t.shape()));
                } else if (t.isInt64()) problems.add("tensor " + e.getKey() + ": expected dtype F32, found I64");
            }
            for (Map.Entry<String, Buffer> e : buffers.entrySet()) {
                SafeTensors.Entry t = c.tensors().get(e.getKey());
                Buffer b = e.getValue();
                if (t == null) problems.add("tensor " + e.getKey() + " missing");
                else if (!java.util.Arrays.equals(t.shape(), b.shape()) || t.isInt64() != b.isInt64()) {
                    problems.add("tensor " + e.getKey() + ": expected " + (b.isInt64() ? "I64 " : "F32 ") + java.util.Arrays.toString(b.shape())
                            + ", found " + t.dtype() + " " + java.util.Arrays.toString(t.shape()));
                }
            }
            for (String name : c.tensors().keySet()) {
                if (!targets.containsKey(name) && !buffers.containsKey(name)) problems.add("unexpected tensor " + name);
            }
            List<Dropout> dropouts = dropouts(model);
            long[] dropoutSteps = new long[dropouts.size()];
            Object savedSteps = m.containsKey("dropout_steps") ? Json.parse(m.get("dropout_steps")) : List.of();
            if (!(savedSteps instanceof List<?> steps) || steps.size() != dropouts.size()) {
                problems.add("the model has " + dropouts.size() + " Dropout layers, the checkpoint records the steps of "
                        + (savedSteps instanceof List<?> l ? l.size() : "no") + " (dropout_steps)");
            } else {
                for (int i = 0; i < dropoutSteps.length; i++) {
                    if (!(steps.get(i) instanceof Long v) || v < 0) problems.add("dropout_steps[" + i + "] is not a step count: " + steps.get(i));
                    else dropoutSteps[i] = v;
                }
                if (Json.parse(m.getOrDefault("dropout_seeds", "[]")) instanceof List<?> seeds && seeds.size() == dropouts.size()) {
                    for (int i = 0; i < dropouts.size(); i++) {
                        if (!(seeds.get(i) instanceof Long v) || v != dropouts.get(i).seed()) {
                            problems.add("the seed of Dropout " + i + " is " + dropouts.get(i).seed() + " in this run but " + seeds.get(i) + " in the checkpoint");
                        }
                    }
                } else problems.add("the checkpoint does not record the seeds of its " + dropouts.size() + " Dropout layers (dropout_seeds)");
            }
            if (!problems.isEmpty()) {
                throw new ModelFileException(file, "does not fit this run (resume needs the same model, optimizer and options): "
                        + String.join("; ", problems));
            }
            List<EpochStats> history = new ArrayList<>();
            if (!(Json.parse(m.get("history")) instanceof List<?> hist)) throw new IllegalArgumentException("history is not a list");
            for (Object o : hist) {
                List<?> h = (List<?>) o;
                EpochStats s = new EpochStats((int) (long) (Long) h.get(0), (int) (long) (Long) h.get(1), d(h.get(2)), d(h.get(3)), d(h.get(4)), d(h.get(5)));
                if (h.size() > 6 && h.get(6) instanceof Map<?, ?> saved) { // test metrics by name (absent in older checkpoints)
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : saved.entrySet()) metrics.put((String) e.getKey(), d(e.getValue()));
                    s = new EpochStats(s.epoch(), s.epochs(), s.trainLoss(), s.testAccuracy(), s.samplesPerSecond(), s.seconds(), metrics);
                }
                history.add(s);
            }
            Position pos = new Position(Integer.parseInt(m.get("epoch")), Integer.parseInt(m.get("step")), Long.parseLong(m.get("global_step")),
                    Double.longBitsToDouble(Long.parseLong(m.get("loss_sum"))), Long.parseLong(m.get("samples")),
                    Double.longBitsToDouble(Long.parseLong(m.get("start_loss"))), List.copyOf(history));
            long steps = Long.parseLong(m.get("optimizer_steps"));
            optimizer.setStepCount(steps);
            for (Map.Entry<String, Tensor> e : targets.entrySet()) {
                Tensor dst = e.getValue();
                float[] src = c.tensors().get(e.getKey()).data();
                System.arraycopy(src, 0, dst.data(), dst.offset(), src.length);
            }
            for (Map.Entry<String, Buffer> e : buffers.entrySet()) {
                SafeTensors.Entry t = c.tensors().get(e.getKey());
                e.getValue().restore(t.isInt64() ? t.longs() : t.data());
            }
            for (int i = 0; i < dropoutSteps.length; i++) dropouts.get(i).setStep(dropoutSteps[i]); // same masks as an unbroken run
            return pos;
        } catch (RuntimeException e) { // malformed numbers or history
            throw new ModelFileException(file, "malformed checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /**
     * The model's Dropout layers in a fixed order (depth first, as {@link ModelSpec} numbers layers): their step
     * counters are what a resumed run needs to draw the masks an unbroken run would have drawn.
     */
    private static List<Dropout> dropouts(Layer model) {
        List<Dropout> out = new ArrayList<>();
        collectDropouts(model, out);
        return out;
    }

    private static void collectDropouts(Layer layer, List<Dropout> out) {
        if (layer instanceof Sequential s) for (Layer l : s.layers()) collectDropouts(l, out);
        else if (layer instanceof Sum u) for (Layer l : u.branches()) collectDropouts(l, out);
        else if (layer instanceof Dropout d) out.add(d);
    }

    private static double d(Object o) { return Double.longBitsToDouble((Long) o); }

    private static void expect(List<String> problems, String what, String want, String found) {
        if (!want.equals(found)) problems.add(what + " is " + want + " in this run but " + found + " in the checkpoint");
    }
}
