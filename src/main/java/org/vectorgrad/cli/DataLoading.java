package org.vectorgrad.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vectorgrad.data.FashionMnist;

/** Loads Fashion-MNIST for the commands, installing Debian's package first when that is possible and needed. */
final class DataLoading {
    private DataLoading() {}

    static FashionMnist.Splits load(Path dir, PrintStream err) {
        if (!Files.isDirectory(dir) && dir.equals(Path.of(TrainingOptions.DEFAULT_DATA))) {
            FashionMnist.tryInstall(err);
        }
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
