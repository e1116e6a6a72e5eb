package org.vectorgrad.train;

import java.util.List;
import org.vectorgrad.io.SpecFile;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Sequential;

/**
 * The reference networks for 1×28×28 inputs and 10 classes (Fashion-MNIST), seeded. Each is a named JSON
 * architecture spec in the jar ({@code /org/vectorgrad/models/NAME.json}) built by {@link SpecFile#build}, the same
 * code path as {@code vectorgrad train --model FILE.json}: the k-th Dense or Conv2d gets seed
 * {@code seed * 1_000_003 + k}, He-normal weights and zero biases. Thread-safe.
 */
public final class Models {
    private Models() {}

    /** Names accepted by {@link #create}. */
    public static List<String> names() { return SpecFile.builtInNames(); }

    /** A reference model by name; unknown names fail with the list of known ones. */
    public static Sequential create(String name, long seed) {
        Layer model = SpecFile.builtIn(name).build(seed);
        if (!(model instanceof Sequential s)) throw new IllegalStateException("built-in model " + name + " is not a Sequential");
        return s;
    }

    /** Flatten, Dense 784→512, ReLU, Dense 512→256, ReLU, Dense 256→10 (He-normal weights, zero biases). */
    public static Sequential mlp(long seed) { return create("mlp", seed); }

    /**
     * Conv2d 1→32 3×3 pad 1, ReLU, MaxPool 2×2; Conv2d 32→64 3×3 pad 1, ReLU, MaxPool 2×2; Flatten (3136);
     * Dense 3136→128, ReLU; Dense 128→10 (He-normal weights, zero biases).
     */
    public static Sequential cnn(long seed) { return create("cnn", seed); }

    /**
     * The reference residual network: 3×3 stem convolution 1→32 with BatchNorm and ReLU; three stages of one basic
     * block each ({@link org.vectorgrad.nn.Residual#basicBlock}'s structure: conv3×3–BN–ReLU–conv3×3–BN plus a
     * projection shortcut conv1×1–BN, then ReLU) of 32, 64 and 128 channels at stride 2 (14×14, 7×7, 4×4); global
     * average pooling; Dense 128→10. Its spec carries a training recipe (5 epochs, SGD lr 0.1 momentum 0.9, batch
     * 128, cosine with 100 warm-up steps) that {@code vectorgrad train --model resnet} uses for the options not given.
     */
    public static Sequential resnet(long seed) { return create("resnet", seed); }
}
