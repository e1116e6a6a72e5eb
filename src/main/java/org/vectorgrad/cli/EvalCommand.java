package org.vectorgrad.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.parallel.Dispatcher;
import org.vectorgrad.tensor.Tensor;

/**
 * {@code vectorgrad eval --model FILE [--data DIR] [--backend B] [--threads T]}: test accuracy and confusion
 * matrix of a saved model. Inputs are standardized with the statistics saved in the file and evaluated in the
 * training run's batch size, so on the same backend and thread count the figure equals the training run's last
 * epoch bit for bit.
 */
final class EvalCommand {
    private final PrintStream out, err;

    EvalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> argv) {
        Args a = Args.parse(argv, Set.of("model", "data", "backend", "threads"), Set.of());
        String file = a.string("model", null);
        if (file == null) throw new UsageException("eval needs --model FILE");
        Path data = Path.of(a.string("data", TrainingOptions.DEFAULT_DATA));
        String backendName = a.choice("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO), Backends.names());
        int threads = a.integer("threads", Dispatcher.defaultThreads(), 1, 1024);
        ModelSaving.Served m = ModelSaving.Served.load(Path.of(file));
        Dataset test = DataLoading.load(data).test().standardized(m.mean(), m.std());
        int classes = test.numClasses();
        long[][] confusion = new long[classes][classes];
        long correct = 0, total = 0;
        try (Backend backend = Backends.create(backendName, threads, err::println)) {
            m.model().bind(backend);
            int[] predictions = new int[0];
            for (Batch b : test.batches(m.evalBatch(), 0, 0, false)) {
                Tensor logits = m.model().forward(b.images(), false).contiguous();
                int n = b.size();
                if (logits.rank() != 2 || logits.dim(1) != classes) {
                    throw new IllegalArgumentException(file + ": the model gives outputs of shape " + logits.shapeString() + ", expected [" + n + ", " + classes + "]");
                }
                if (predictions.length < n) predictions = new int[n];
                backend.losses().argmaxRows(n, classes, logits.data(), logits.offset(), predictions, 0);
                int[] labels = b.labels();
                for (int i = 0; i < n; i++) {
                    confusion[labels[i]][predictions[i]]++;
                    if (predictions[i] == labels[i]) correct++;
                }
                total += n;
            }
            double acc = (double) correct / total;
            out.printf(Locale.ROOT, "%s: %s on %d test samples (%s backend, %d threads)%n", file, m.model().describe(), total, backend.name(), backend.threads());
            out.println("confusion matrix (rows: true class, columns: predicted)");
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-12s", ""));
            for (int c = 0; c < classes; c++) head.append(String.format(Locale.ROOT, "%6d", c));
            out.println(head);
            for (int r = 0; r < classes; r++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-12s", r + " " + shortName(m.className(r))));
                for (int c = 0; c < classes; c++) row.append(String.format(Locale.ROOT, "%6d", confusion[r][c]));
                out.println(row);
            }
            out.printf(Locale.ROOT, "test accuracy %.2f %% (%d / %d)%n", 100 * acc, correct, total);
            out.println(new Json().put("model", file).put("backend", backend.name()).put("threads", backend.threads())
                    .put("test_samples", total).put("correct", correct).put("test_accuracy", acc, 4));
            return 0;
        }
    }

    private static String shortName(String s) { return s.length() > 10 ? s.substring(0, 10) : s; }
}
