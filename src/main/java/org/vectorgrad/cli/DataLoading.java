package org.vectorgrad.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.vectorgrad.data.FashionMnist;

/**
 * Loads Fashion-MNIST for the commands. Installs nothing: when the data is missing, the message says what to install
 * (the {@code ./vectorgrad} launcher installs Debian's package itself when run as root, before starting the JVM).
 */
final class DataLoading {
    private DataLoading() {}

    static FashionMnist.Splits load(Path dir) {
        try {
            return FashionMnist.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Both splits standardized with the training set's pixel mean and std (about 0.286 and 0.353 for
     * Fashion-MNIST), as PyTorch recipes do with {@code Normalize}: zero-centred inputs let SGD at lr 0.05 with
     * momentum 0.9 converge faster than raw [0, 1] pixels.
     */
    static FashionMnist.Splits standardize(FashionMnist.Splits raw) {
        double[] ms = raw.train().meanAndStd();
        return new FashionMnist.Splits(raw.train().standardized(ms[0], ms[1]), raw.test().standardized(ms[0], ms[1]));
    }
}
