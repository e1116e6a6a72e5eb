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
}
