package org.vectorgrad.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads Fashion-MNIST (or any MNIST-style directory: the file names are the same) as train and test
 * {@link Dataset}s of {@code (1, 28, 28)} images scaled to [0, 1] with labels 0..9.
 *
 * <p>Files looked for in the directory, each raw or gzipped ({@code .gz} suffix; the content is what decides):
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}. Debian's {@code dataset-fashion-mnist} installs the gzipped ones in
 * {@link #DEFAULT_DIR}. This class never installs anything and never runs a program: when the data is missing its
 * message says what to install ({@link #howToGet}). Hostile or broken files are refused with bounded work, see
 * {@link IdxReader}. Thread-safe (stateless).
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the data. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The Debian package that provides the data. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    /** Number of classes. */
    public static final int NUM_CLASSES = 10;
    /** Class names by label, as in the Fashion-MNIST paper. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** The training split (60,000 samples for Fashion-MNIST) and the test split (10,000). */
    public record Splits(Dataset train, Dataset test) {}

    private FashionMnist() {}

    /** Loads from {@link #DEFAULT_DIR}. */
    public static Splits load() throws IOException {
        return load(DEFAULT_DIR);
    }

    /**
     * Loads both splits from {@code dir}. The four headers are read and checked first (a few bytes each): file types,
     * permissions, formats, the train and test sample shapes, the image and label counts, and the heap the declared
     * sizes need; only then is any data read. Never installs anything: when the data is missing the message says
     * what to install.
     *
     * @throws DataNotFoundException     when the directory or one of the four files is missing; the message names
     *                                   the path and says how to get the data
     * @throws DataFileException         when the directory is not one, or a file is a directory, FIFO, device or
     *                                   socket, or is not readable (each with its own message naming the path)
     * @throws IdxFormatException        when a file is empty or malformed, images and labels disagree, or the train
     *                                   and test images have different shapes (the message names both shapes and
     *                                   both files)
     * @throws InsufficientHeapException when the declared sizes do not fit in the free heap; the message says how
     *                                   much is needed and which {@code -Xmx} to give
     */
    public static Splits load(Path dir) throws IOException {
        return load(dir, HeapBudget.runtime());
    }

    static Splits load(Path dir, HeapBudget heap) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new DataFileException(dir, "is not a directory: Fashion-MNIST needs a directory holding "
                        + TRAIN_IMAGES + "(.gz) and the three other MNIST-style files. " + howToGet(dir));
            }
            throw new DataNotFoundException(dir, "Fashion-MNIST directory " + dir + " does not exist. "
                    + howToGet(dir));
        }
        Path trainImages = locate(dir, TRAIN_IMAGES), trainLabels = locate(dir, TRAIN_LABELS);
        Path testImages = locate(dir, TEST_IMAGES), testLabels = locate(dir, TEST_LABELS);
        IdxReader.Header[] h = {
                IdxReader.header(trainImages, IdxReader.Expect.IMAGES), IdxReader.header(trainLabels, IdxReader.Expect.LABELS),
                IdxReader.header(testImages, IdxReader.Expect.IMAGES), IdxReader.header(testLabels, IdxReader.Expect.LABELS)};
        int[] trainShape = {h[0].dims()[1], h[0].dims()[2]}, testShape = {h[2].dims()[1], h[2].dims()[2]};
        if (!Arrays.equals(trainShape, testShape)) {
            throw new IdxFormatException(testImages, "the test images are " + testShape[0] + "x" + testShape[1]
                    + " but the training images in " + trainImages + " are " + trainShape[0] + "x" + trainShape[1]
                    + ": both splits must have the same sample shape (rows x columns)");
        }
        if (h[0].dims()[0] != h[1].dims()[0]) throw Dataset.countMismatch(trainImages, h[0].dims()[0], trainLabels, h[1].dims()[0]);
        if (h[2].dims()[0] != h[3].dims()[0]) throw Dataset.countMismatch(testImages, h[2].dims()[0], testLabels, h[3].dims()[0]);
        // Files are read in this order, each one's data kept while the next is read.
        IdxReader.Expect[] expect = {IdxReader.Expect.IMAGES, IdxReader.Expect.LABELS, IdxReader.Expect.IMAGES, IdxReader.Expect.LABELS};
        long peak = 0, held = 0;
        StringBuilder claims = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            peak = Math.max(peak, held + h[i].peakHeap(expect[i]));
            held += h[i].retainedHeap(expect[i]);
            claims.append(i == 0 ? "" : ", ").append(h[i].file().getFileName()).append(' ')
                    .append(Arrays.toString(h[i].dims())).append(" = ").append(h[i].payload()).append(" bytes");
        }
        heap.require(peak, "loading Fashion-MNIST from " + dir + " (its IDX headers declare " + claims + ")");
        Dataset train = Dataset.fromIdx("fashion-mnist train", trainImages, trainLabels, NUM_CLASSES);
        Dataset test = Dataset.fromIdx("fashion-mnist test", testImages, testLabels, NUM_CLASSES);
        return new Splits(train, test);
    }

    /** True when {@code dir} holds all four files (raw or gzipped); says nothing about their content. */
    public static boolean isPresent(Path dir) {
        for (String base : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            if (find(dir, base) == null) return false;
        }
        return true;
    }

    /**
     * What to do when the data is missing, for messages: the Debian package to install as root, or {@code --data DIR}.
     * This library never installs anything itself (the {@code ./vectorgrad} launcher may, see the README).
     */
    public static String howToGet(Path dir) {
        return dir.equals(DEFAULT_DIR)
                ? "Install it as root with 'apt-get install " + DEBIAN_PACKAGE + "' (Debian/Ubuntu; the ./vectorgrad"
                        + " launcher does this itself when run as root), or pass --data DIR for a directory with "
                        + TRAIN_IMAGES + "(.gz) and the three other MNIST-style files."
                : "Pass --data DIR for a directory with " + TRAIN_IMAGES + "(.gz) and the three other MNIST-style files,"
                        + " or install the Debian package as root with 'apt-get install " + DEBIAN_PACKAGE
                        + "' and use its default directory " + DEFAULT_DIR + ".";
    }

    /**
     * The file to read for {@code base}: a regular raw file, else a regular gzipped one, else whichever of the two
     * exists as something else (a directory, FIFO, device, broken link: the reader then says what it is).
     */
    private static Path locate(Path dir, String base) throws DataNotFoundException {
        Path found = find(dir, base);
        if (found != null) return found;
        Path raw = dir.resolve(base), gz = dir.resolve(base + ".gz");
        if (Files.exists(raw, LinkOption.NOFOLLOW_LINKS)) return raw;
        if (Files.exists(gz, LinkOption.NOFOLLOW_LINKS)) return gz;
        throw new DataNotFoundException(gz, "Fashion-MNIST file " + gz + " (or " + raw + ") does not exist. "
                + howToGet(dir));
    }

    /** The uncompressed file if present (no inflating needed), else the gzipped one, else null. */
    private static Path find(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }
}
