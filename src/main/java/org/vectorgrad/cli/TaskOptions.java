package org.vectorgrad.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.vectorgrad.data.Task;

/**
 * The options of {@code train} that choose the task and the user's own data, taken out of {@code argv} before the
 * shared options are parsed (as {@link ModelSaving.SaveOption} does):
 * <ul>
 *   <li>{@code --csv FILE}: train on a CSV file's rows instead of Fashion-MNIST;</li>
 *   <li>{@code --target COLS}: the target column(s), by header name or 0-based index, comma-separated (several
 *       for multi-label or multi-output regression; required with {@code --csv});</li>
 *   <li>{@code --task classification|regression|multilabel} (default classification);</li>
 *   <li>{@code --csv-header yes|no} (default yes);</li>
 *   <li>{@code --csv-test FILE}: the test rows (same columns), else {@code --test-fraction F} (default 0.2) of
 *       the rows, chosen by a split seeded with {@code --seed};</li>
 *   <li>{@code --loss mse|mae|huber}: the regression loss (default mse; Huber with delta 1);</li>
 *   <li>{@code --hidden N,N,...}: the hidden widths of {@code --model mlp} (default the reference 512,256).</li>
 * </ul>
 */
record TaskOptions(Path csv, Path csvTest, double testFraction, List<String> targets, Task task, boolean header, String loss,
                   int[] hidden, List<String> rest) {
    static final Set<String> NAMES = Set.of("csv", "csv-test", "test-fraction", "target", "task", "csv-header", "loss", "hidden");
    static final int[] REFERENCE_HIDDEN = {512, 256};

    static TaskOptions extract(List<String> argv) {
        List<String> rest = new ArrayList<>(), mine = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : "";
            if (NAMES.contains(name)) {
                mine.add(a);
                if (!a.contains("=") && i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) mine.add(argv.get(++i));
            } else {
                rest.add(a);
            }
        }
        Args p = Args.parse(mine, NAMES, Set.of());
        String csv = p.string("csv", null), csvTest = p.string("csv-test", null), target = p.string("target", null);
        Task task = switch (p.choice("task", "classification", List.of("classification", "regression", "multilabel"))) {
            case "regression" -> Task.REGRESSION;
            case "multilabel" -> Task.MULTI_LABEL;
            default -> Task.CLASSIFICATION;
        };
        String loss = p.string("loss", null);
        if (loss != null) {
            loss = p.choice("loss", null, List.of("mse", "mae", "huber"));
            if (task != Task.REGRESSION) {
                throw new UsageException("--loss chooses the regression loss (--task regression); " + task.cliName()
                        + " trains with " + (task == Task.CLASSIFICATION ? "softmax cross-entropy" : "binary cross-entropy on logits"));
            }
        }
        double fraction = p.decimal("test-fraction", 0.2f, 0f, 1f);
        if (p.flag("test-fraction") && !(fraction > 0 && fraction < 1)) throw new UsageException("--test-fraction must be strictly between 0 and 1, got " + fraction);
        if (csv == null) {
            for (String n : List.of("csv-test", "test-fraction", "target", "csv-header")) {
                if (p.flag(n)) throw new UsageException("--" + n + " goes with --csv FILE");
            }
            if (task != Task.CLASSIFICATION) throw new UsageException("--task " + task.cliName() + " needs --csv FILE (Fashion-MNIST is a classification task)");
        } else {
            if (target == null || target.isBlank()) throw new UsageException("--csv needs --target COLUMN (a header name or a 0-based index; several, comma-separated, for multilabel)");
            if (csvTest != null && p.flag("test-fraction")) throw new UsageException("give --csv-test FILE or --test-fraction F, not both");
        }
        List<String> targets = target == null ? List.of() : Arrays.stream(target.split(",")).map(String::strip).toList();
        if (targets.stream().anyMatch(String::isEmpty)) throw new UsageException("--target has an empty column name: '" + target + "'");
        if (task == Task.CLASSIFICATION && targets.size() > 1) throw new UsageException("classification takes one --target column, got " + targets.size());
        boolean header = p.choice("csv-header", "yes", List.of("yes", "no")).equals("yes");
        int[] hidden = REFERENCE_HIDDEN;
        if (p.flag("hidden")) {
            try {
                hidden = Arrays.stream(p.string("hidden", "").split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
            } catch (NumberFormatException e) {
                throw new UsageException("--hidden expects widths like 64,32, got '" + p.string("hidden", "") + "'");
            }
            for (int h : hidden) if (h < 1 || h > 65_536) throw new UsageException("--hidden widths must be between 1 and 65536, got " + h);
        }
        return new TaskOptions(csv == null ? null : Path.of(csv), csvTest == null ? null : Path.of(csvTest), fraction, targets, task,
                header, loss == null ? "mse" : loss, hidden, rest);
    }

    /** Whether the hidden widths are the reference MLP's. */
    boolean referenceHidden() { return Arrays.equals(hidden, REFERENCE_HIDDEN); }
}
