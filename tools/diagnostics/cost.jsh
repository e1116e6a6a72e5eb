// What --diagnostics costs: trains the reference MLP for one epoch on the first DEMO_LIMIT Fashion-MNIST samples
// without diagnostics, with them every 50 steps and every step, in rounds that alternate the three in one JVM (the
// first round warms the JIT and is dropped); prints samples/s per round and each mode's best and median.
//   DEMO_LIMIT=12800 DEMO_ROUNDS=5 jshell -R--add-modules=jdk.incubator.vector --add-modules jdk.incubator.vector \
//     --class-path target/vectorgrad.jar tools/diagnostics/cost.jsh
import java.util.*;
import org.vectorgrad.backend.*;
import org.vectorgrad.data.*;
import org.vectorgrad.loss.*;
import org.vectorgrad.nn.*;
import org.vectorgrad.optim.*;
import org.vectorgrad.train.*;

String env(String k, String d) { String v = System.getenv(k); return v == null || v.isEmpty() ? d : v; }
int limit = Integer.parseInt(env("DEMO_LIMIT", "12800"));
int rounds = Integer.parseInt(env("DEMO_ROUNDS", "5"));
int threads = Integer.parseInt(env("DEMO_THREADS", "2"));
var raw = FashionMnist.load(FashionMnist.DEFAULT_DIR);
double[] ms = raw.train().meanAndStd();
var train = raw.train().standardized(ms[0], ms[1]).subset(limit);
Map<Integer, List<Double>> rates = new TreeMap<>();
try (Backend be = Backends.create("vector", threads, s -> {})) {
    for (int round = 0; round <= rounds; round++) {
        for (int every : new int[] {0, 50, 1}) {
            var model = Models.mlp(42);
            var t = new Trainer(model, new SoftmaxCrossEntropy(), new SGD(model.parameters(), 0.05f, 0.9f), be);
            if (every > 0) t.addListener(new GradientFlowListener(model, every));
            double r = t.fit(train, null, 1, 128, 42).get(0).samplesPerSecond();
            System.out.printf(Locale.ROOT, "round %d, diagnostics %s: %.0f samples/s%n", round, every == 0 ? "off" : "every " + every, r);
            if (round > 0) rates.computeIfAbsent(every, k -> new ArrayList<>()).add(r);
        }
    }
}
for (var e : rates.entrySet()) {
    List<Double> v = new ArrayList<>(e.getValue());
    Collections.sort(v);
    System.out.printf(Locale.ROOT, "diagnostics %-9s best %.0f, median %.0f samples/s over %d rounds%n",
            e.getKey() == 0 ? "off" : "every " + e.getKey(), v.get(v.size() - 1), v.get(v.size() / 2), v.size());
}
/exit
