package org.vectorgrad.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Fashion-MNIST (or any MNIST-style directory: the file names are the same) as train and test
 * {@link Dataset}s of {@code (1, 28, 28)} images scaled to [0, 1] with labels 0..9.
 *
 * <p>Files looked for in the directory, each raw or gzipped ({@code .gz} suffix; the content is what decides):
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}. Debian's {@code dataset-fashion-mnist} installs the gzipped ones in
 * {@link #DEFAULT_DIR}.
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
     * Loads both splits from {@code dir}.
     *
     * @throws DataNotFoundException when the directory or one of the four files is missing; the message names the
     *                               path and says how to get the data
     * @throws IdxFormatException    when a file is malformed or images and labels disagree
     */
    public static Splits load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataNotFoundException(dir, "Fashion-MNIST directory " + dir + " does not exist. "
                    + howToGet(dir));
        }
        Dataset train = Dataset.fromIdx("fashion-mnist train", locate(dir, TRAIN_IMAGES), locate(dir, TRAIN_LABELS), NUM_CLASSES);
        Dataset test = Dataset.fromIdx("fashion-mnist test", locate(dir, TEST_IMAGES), locate(dir, TEST_LABELS), NUM_CLASSES);
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
     * Installs the Debian package when the data is missing from {@link #DEFAULT_DIR} and installing can work: the
     * process runs as root and {@code apt-get} is on the PATH. apt-get's output and a line saying what happened go
     * to {@code log} (stderr in the CLI; stdout stays clean). Blocks until apt-get finishes.
     *
     * @return true when the package was installed and the directory now exists; false when the directory was
     *         already there, when installing is not possible here, or when it failed
     */
    public static boolean tryInstall(PrintStream log) {
        if (Files.isDirectory(DEFAULT_DIR)) return false;
        return AptInstaller.install(DEBIAN_PACKAGE, DEFAULT_DIR, AptInstaller.isRoot(), AptInstaller.findOnPath("apt-get"), log);
    }

    private static Path locate(Path dir, String base) throws DataNotFoundException {
        Path found = find(dir, base);
        if (found == null) {
            Path expected = dir.resolve(base + ".gz");
            throw new DataNotFoundException(expected, "Fashion-MNIST file " + expected + " (or " + dir.resolve(base)
                    + ") does not exist. " + howToGet(dir));
        }
        return found;
    }

    /** The uncompressed file if present (no inflating needed), else the gzipped one, else null. */
    private static Path find(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static String howToGet(Path dir) {
        return dir.equals(DEFAULT_DIR)
                ? "Install it with 'apt-get install " + DEBIAN_PACKAGE + "', or pass --data DIR for a directory with "
                        + TRAIN_IMAGES + "(.gz) and the three other MNIST-style files."
                : "Pass --data DIR for a directory with " + TRAIN_IMAGES + "(.gz) and the three other MNIST-style files,"
                        + " or install '" + DEBIAN_PACKAGE + "' (apt-get) and use its default " + DEFAULT_DIR + ".";
    }
}
