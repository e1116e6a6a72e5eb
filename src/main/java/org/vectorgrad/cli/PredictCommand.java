package org.vectorgrad.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.data.Batch;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.data.IdxArray;
import org.vectorgrad.data.IdxReader;
import org.vectorgrad.parallel.Dispatcher;
import org.vectorgrad.serve.Predictor;
import org.vectorgrad.tensor.Tensor;

/**
 * {@code vectorgrad predict --model FILE --input FILE}: one line per input sample, {@code index class name
 * probability}, tab-separated. The input is an IDX image file (raw or gzipped, {@code (count, rows, cols)}
 * unsigned bytes) or a CSV file of pixel rows (integers 0..255, one sample per line; a row with one value more
 * than a sample is read as {@code label,pixels} as in the Kaggle CSVs, the label ignored; a first line that is not
 * numeric is a header and skipped). Inputs get the training run's standardization saved in the model file.
 */
final class PredictCommand {
    private final PrintStream out, err;

    PredictCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> argv) {
        Args a = Args.parse(argv, Set.of("model", "input", "backend", "threads", "batch"), Set.of());
        String file = a.string("model", null), input = a.string("input", null);
        if (file == null || input == null) throw new UsageException("predict needs --model FILE and --input FILE");
        String backendName = a.choice("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO), Backends.names());
        int threads = a.integer("threads", Dispatcher.defaultThreads(), 1, 1024);
        ModelSaving.Served m = ModelSaving.Served.load(Path.of(file));
        int batch = a.integer("batch", m.evalBatch(), 1, 1 << 20);
        int sampleSize = 1;
        for (int d : m.sampleShape()) sampleSize *= d;
        byte[] pixels = read(Path.of(input), m.sampleShape(), sampleSize);
        int count = pixels.length / sampleSize;
        Dataset ds = Dataset.ofUnsignedBytes(input, pixels, m.sampleShape(), new int[count], Math.max(1, m.classNames().size()))
                .standardized(m.mean(), m.std());
        try (Backend backend = Backends.create(backendName, threads, err::println)) {
            Predictor p = Predictor.of(m.model(), backend);
            int index = 0;
            float[] probs = new float[0];
            for (Batch b : ds.batches(batch, 0, 0, false)) {
                Tensor logits = p.predict(b.images());
                int n = logits.dim(0), classes = logits.dim(1);
                if (probs.length < n * classes) probs = new float[n * classes];
                backend.losses().softmax(n, classes, logits.data(), logits.offset(), probs, 0);
                StringBuilder sb = new StringBuilder();
                for (int r = 0; r < n; r++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) if (probs[r * classes + c] > probs[r * classes + best]) best = c;
                    sb.append(index++).append('\t').append(best).append('\t').append(m.className(best)).append('\t')
                            .append(String.format(Locale.ROOT, "%.4f", probs[r * classes + best])).append('\n');
                }
                out.print(sb);
            }
            err.printf(Locale.ROOT, "predicted %d samples with %s (%s backend)%n", count, file, backend.name());
            return 0;
        }
    }

    private static byte[] read(Path input, int[] shape, int sampleSize) {
        try {
            if (!Files.exists(input)) throw new IllegalArgumentException(input + ": no such file");
            if (looksLikeIdx(input)) {
                IdxArray images = IdxReader.readImages(input);
                if (shape.length != 3 || images.dim(1) != shape[1] || images.dim(2) != shape[2]) {
                    throw new IllegalArgumentException(input + ": images are " + images.dim(1) + "x" + images.dim(2)
                            + ", the model expects samples of shape " + java.util.Arrays.toString(shape));
                }
                return images.data();
            }
            return readCsv(input, sampleSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** IDX files start with two zero bytes (or gzip's 1f 8b); CSV text does not. */
    private static boolean looksLikeIdx(Path f) throws IOException {
        try (var in = Files.newInputStream(f)) {
            byte[] h = in.readNBytes(2);
            return h.length == 2 && ((h[0] == 0 && h[1] == 0) || ((h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b));
        }
    }

    private static byte[] readCsv(Path f, int sampleSize) throws IOException {
        List<byte[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty()) continue;
                String[] parts = line.split("[,;\\s]+");
                if (lineNo == 1 && !parts[0].isEmpty() && !Character.isDigit(parts[0].charAt(0))) continue; // header
                int skip = parts.length == sampleSize + 1 ? 1 : 0;
                if (parts.length - skip != sampleSize) {
                    throw new IllegalArgumentException(f + ": line " + lineNo + " has " + parts.length + " values, expected " + sampleSize
                            + " pixels (or " + (sampleSize + 1) + " with a leading label)");
                }
                byte[] row = new byte[sampleSize];
                for (int i = 0; i < sampleSize; i++) {
                    int v;
                    try {
                        v = Integer.parseInt(parts[i + skip]);
                    } catch (NumberFormatException e) {
                        v = -1;
                    }
                    if (v < 0 || v > 255) {
                        throw new IllegalArgumentException(f + ": line " + lineNo + ", value " + (i + 1) + " is '" + parts[i + skip]
                                + "', expected an integer pixel 0..255");
                    }
                    row[i] = (byte) v;
                }
                rows.add(row);
            }
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(f + ": no samples");
        byte[] all = new byte[rows.size() * sampleSize];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, all, i * sampleSize, sampleSize);
        return all;
    }
}
