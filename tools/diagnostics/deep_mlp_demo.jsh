// Gradient-flow demo on Fashion-MNIST before `train --model FILE.json` exists: trains the example specs with the CLI's
// recipe (inputs standardized by the training set's mean/std, SGD lr 0.05 momentum 0.9, 100 warm-up steps, cosine)
// and prints the diagnostics table of every epoch, the flags and the test accuracy; writes the plots.
// Run from the repository root after `mvn -B -ntp -q package -DskipTests`:
//   DEMO_SPECS="examples/deep-sigmoid.json examples/deep-relu.json" DEMO_LIMIT=10000 DEMO_EPOCHS=2 \
//   jshell -R--add-modules=jdk.incubator.vector --add-modules jdk.incubator.vector \
//     --class-path target/vectorgrad.jar tools/diagnostics/deep_mlp_demo.jsh
// Weights: each Dense i (0-based) gets the spec's "init" drawn with seed 42 * 1_000_003 + i (Models' scheme).
import java.nio.file.*;
import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.data.*;
import org.vectorgrad.io.*;
import org.vectorgrad.loss.*;
import org.vectorgrad.nn.*;
import org.vectorgrad.optim.*;
import org.vectorgrad.train.*;

String env(String k, String d) { String v = System.getenv(k); return v == null || v.isEmpty() ? d : v; }
int limit = Integer.parseInt(env("DEMO_LIMIT", "10000"));
int epochs = Integer.parseInt(env("DEMO_EPOCHS", "2"));
int every = Integer.parseInt(env("DEMO_EVERY", "50"));
long seed = 42;
var raw = FashionMnist.load(FashionMnist.DEFAULT_DIR);
double[] ms = raw.train().meanAndStd();
var train = raw.train().standardized(ms[0], ms[1]).subset(limit);
var test = raw.test().standardized(ms[0], ms[1]);

for (String file : env("DEMO_SPECS", "examples/deep-sigmoid.json examples/deep-relu.json").split(" ")) {
    Object spec = Json.parse(Files.readString(Path.of(file)));
    Sequential model = (Sequential) ModelSpec.build(spec);
    List<?> specs = (List<?>) ((Map<?, ?>) spec).get("layers");
    int dense = 0;
    for (int i = 0; i < specs.size(); i++) {
        if (model.layers().get(i) instanceof Dense d) {
            Object name = ((Map<?, ?>) specs.get(i)).get("init");
            Init init = name == null ? Init.HE_UNIFORM : Init.named((String) name);
            d.weight().value().copyFrom(init.create(seed * 1_000_003L + dense++, d.inFeatures(), d.outFeatures(), d.outFeatures(), d.inFeatures()));
        }
    }
    try (Backend be = Backends.create("vector", 2, s -> {})) {
        var sgd = new SGD(model.parameters(), 0.05f, 0.9f);
        var t = new Trainer(model, new SoftmaxCrossEntropy(), sgd, be);
        t.schedule(LearningRateSchedule.named("cosine").withWarmup(100));
        var diag = new GradientFlowListener(model, every);
        t.addListener(diag);
        long start = System.nanoTime();
        var stats = t.fit(train, test, epochs, 128, seed);
        System.out.printf("== %s: %d samples, %d epochs, test accuracy %.2f %%, %.0f s%n", file, train.size(), epochs,
                100 * stats.get(stats.size() - 1).testAccuracy(), (System.nanoTime() - start) / 1e9);
        for (var r : diag.reports()) System.out.print(diag.table(r));
        String name = Path.of(file).getFileName().toString().replace(".json", "");
        GradientFlowPlot.write(Path.of("docs/diagnostics/" + name + ".svg"), diag.history(),
                "gradient norm per layer: " + file + " (every " + every + " steps)");
        System.out.println("flags " + Json.write(Map.of("vanishing", diag.flagged(GradientFlowListener.Kind.VANISHING),
                "exploding", diag.flagged(GradientFlowListener.Kind.EXPLODING), "dead_relu", diag.flagged(GradientFlowListener.Kind.DEAD_RELU))));
    }
}
/exit
