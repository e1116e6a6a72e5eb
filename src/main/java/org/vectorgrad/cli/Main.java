package org.vectorgrad.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code vectorgrad} command line. stdout carries results (a summary, then one JSON object as the last line);
 * progress and warnings go to stderr. Exit codes: 0 success, 1 failure (one line on stderr, no stack trace unless
 * {@code VECTORGRAD_DEBUG} is set; an {@link OutOfMemoryError} included, with the {@code -Xmx} to try), 2 usage error.
 *
 * <p>Thread safety: the entry point of a process, not a library API: {@link #main} runs one command and exits the
 * JVM; {@link #run} confines the model it builds to the calling thread.
 */
public final class Main {
    static final String USAGE = """
            usage: vectorgrad <command> [options]

            commands:
              train         train a reference model or one from a JSON spec on Fashion-MNIST, or an MLP on a CSV
                            file's rows (--csv)
              bench train   time training steps on real batches (median samples/s of several runs)
              eval          test accuracy and confusion matrix of a saved model: --model FILE [--data DIR]
              predict       class and probability per sample: --model FILE --input FILE (IDX images or CSV pixel rows)
              info          JDK, vector species, CPU features, backends, OpenBLAS core and threads (--json)
              help          this text

            train options (bench train takes the same, minus --epochs, plus --steps/--warmup/--runs):
              --model mlp|cnn|resnet|FILE.json   reference network (default mlp) or a JSON architecture spec
                                         (docs/model-specs.md); a spec's recipe (resnet's: 5 epochs, lr 0.1,
                                         cosine) fills the options not given
              --epochs N                 passes over the training set (default 5)
              --batch B                  batch size (default 128)
              --optimizer sgd|adam|adamw|rmsprop   optimizer, PyTorch's formulas (default sgd)
              --lr X                     learning rate (default 0.05 for sgd, 0.001 for the others)
              --momentum M               momentum of sgd (default 0.9) and rmsprop (default 0)
              --weight-decay W           weight decay: L2 for sgd/adam/rmsprop (default 0), decoupled for adamw (default 0.01)
              --decay-params weights|all decay only weights of 2+ dimensions, not biases/norm parameters (default weights)
              --clip-norm C              clip the gradients' global L2 norm to C before each step (default 0: off)
              --rmsprop-centered         centered RMSProp (divides by the gradient's running variance)
              --threads T                kernel threads (default: available processors)
              --backend auto|vector|blas|scalar   kernels (default auto, or -Dvectorgrad.backend)
              --seed S                   seed for initialization and shuffling (default 42)
              --data DIR                 IDX files (default /usr/share/datasets/fashion-mnist)
              --schedule cosine|constant|step|exponential|onecycle   learning-rate schedule (default cosine)
              --lr-gamma G               step: x G every --lr-step-epochs (default 0.1); exponential: x G per epoch (0.9)
              --lr-step-epochs N         step: epochs between decays (default 2)
              --lr-warmup N              steps of linear learning-rate warm-up (default 100; 0 for onecycle)
              --limit N                  train on the first N training samples only
              --save FILE                (train) save the final model as safetensors (PyTorch state_dict names)
              --checkpoint DIR           (train) checkpoint into DIR every epoch (and on SIGINT/SIGTERM: exit 130/143)
              --checkpoint-every N       (train) also every N steps
              --resume DIR               (train) continue from DIR's checkpoint, bit for bit (same options needed)
              --diagnostics              (train) gradient-flow table per layer on stderr after each epoch (gradient
                                         norms, update/weight, activation mean/std, dead ReLUs; vanishing, exploding
                                         and dead-ReLU flags) and a "diagnostics" object in the JSON
              --diagnostics-every N      (train) measure every N steps (default 50; implies --diagnostics)
              --diagnostics-plot F.svg   (train) plot the per-layer gradient norms over training (implies --diagnostics)
              --steps N --warmup N --runs N   (bench train) timed steps, warm-up steps, runs (100, 10, 3)
              --compare BACKEND          (bench train) time BACKEND too, in the same JVM: runs alternate between
                                         the two, and the summary gives the median of the runs' speed ratios
              --hidden N,N,...           (train) hidden widths of --model mlp (default 512,256)

            train on your own rows (CSV, RFC 4180; a malformed row stops with its file and line):
              --csv FILE                 the rows: numeric feature columns and the target column(s)
              --target COLS              target column(s): header names or 0-based indices, comma-separated
              --task classification|regression|multilabel   (default classification)
              --loss mse|mae|huber       regression loss (default mse; huber with delta 1)
              --csv-test FILE            test rows (same columns); else
              --test-fraction F          rows held out for testing, split seeded by --seed (default 0.2)
              --csv-header yes|no        whether the first line names the columns (default yes)
            """;

    private Main() {}

    public static void main(String[] args) {
        // An error that escapes in another thread is one line and exit 1 too, never a stack trace and a hung run.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("vectorgrad: " + describe(e) + " (in thread " + thread.getName() + ")");
            if (System.getenv("VECTORGRAD_DEBUG") != null) e.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        });
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> argv = Arrays.asList(args);
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            out.print(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        try {
            String cmd = argv.get(0);
            List<String> rest = argv.subList(1, argv.size());
            return switch (cmd) {
                case "train" -> new TrainCommand(out, err).run(rest);
                case "bench" -> {
                    if (rest.isEmpty() || !rest.get(0).equals("train")) throw new UsageException("bench needs a target: 'bench train'");
                    yield new BenchTrainCommand(out, err).run(rest.subList(1, rest.size()));
                }
                case "eval" -> new EvalCommand(out, err).run(rest);
                case "predict" -> new PredictCommand(out, err).run(rest);
                case "info" -> InfoCommand.run(rest.toArray(String[]::new), out);
                default -> throw new UsageException("unknown command '" + cmd + "'");
            };
        } catch (UsageException e) {
            err.println("vectorgrad: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (RuntimeException | OutOfMemoryError e) {
            err.println("vectorgrad: " + describe(e));
            if (System.getenv("VECTORGRAD_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * The one-line message for a failure: its own message (data errors name the file and say what is wrong), its
     * class when it has none, and for an {@link OutOfMemoryError} the heap limit and the {@code -Xmx} to try.
     */
    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError oom) return outOfMemory(oom, Runtime.getRuntime().maxMemory());
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** "out of memory (...) with a Java heap of at most N MiB; give the JVM more heap: VECTORGRAD_JAVA_OPTS=-Xmx..." */
    static String outOfMemory(OutOfMemoryError e, long maxHeap) {
        long mib = 1L << 20;
        String limit = maxHeap == Long.MAX_VALUE ? "" : " with a Java heap of at most " + maxHeap / mib + " MiB";
        long twice = maxHeap == Long.MAX_VALUE ? 4096 * mib : Math.max(512 * mib, 2 * maxHeap);
        long rounded = Math.ceilDiv(twice, 256 * mib) * 256 * mib;
        String xmx = rounded % (1024 * mib) == 0 ? rounded / (1024 * mib) + "g" : rounded / mib + "m";
        return "out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage()) + ")" + limit
                + "; give the JVM more heap: VECTORGRAD_JAVA_OPTS=-Xmx" + xmx + " ./vectorgrad ...";
    }
}
