package org.vectorgrad.train;

import java.util.List;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.MaxPool2d;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;

/** The reference networks for 1×28×28 inputs and 10 classes (Fashion-MNIST), seeded. */
public final class Models {
    private Models() {}

    /** Names accepted by {@link #create}. */
    public static List<String> names() { return List.of("mlp", "cnn"); }

    /** A reference model by name; unknown names fail with the list of known ones. */
    public static Sequential create(String name, long seed) {
        return switch (name) {
            case "mlp" -> mlp(seed);
            case "cnn" -> cnn(seed);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; choose one of " + String.join(", ", names()));
        };
    }

    /** Flatten, Dense 784→512, ReLU, Dense 512→256, ReLU, Dense 256→10 (He-normal weights, zero biases). */
    public static Sequential mlp(long seed) {
        return new Sequential(
                new Flatten(),
                new Dense(784, 512, true, Init.HE_NORMAL, seed * 1_000_003L + 1),
                new ReLU(),
                new Dense(512, 256, true, Init.HE_NORMAL, seed * 1_000_003L + 2),
                new ReLU(),
                new Dense(256, 10, true, Init.HE_NORMAL, seed * 1_000_003L + 3));
    }

    /**
     * An MLP for flat inputs of {@code inputs} values: Flatten, then Dense and ReLU for each of the {@code hidden}
     * widths, then Dense to {@code outputs} (He-normal weights, zero biases; the layers seeded as {@link #mlp(long)}
     * seeds its own, so {@code mlp(784, {512, 256}, 10, seed)} is the reference MLP bit for bit). For tabular data,
     * e.g. CSV rows: its input width is the number of feature columns, its output width 1 for a regression target
     * or the number of labels for multi-label.
     */
    public static Sequential mlp(int inputs, int[] hidden, int outputs, long seed) {
        List<org.vectorgrad.nn.Layer> layers = new java.util.ArrayList<>();
        layers.add(new Flatten());
        int in = inputs;
        for (int i = 0; i < hidden.length; i++) {
            layers.add(new Dense(in, hidden[i], true, Init.HE_NORMAL, seed * 1_000_003L + i + 1));
            layers.add(new ReLU());
            in = hidden[i];
        }
        layers.add(new Dense(in, outputs, true, Init.HE_NORMAL, seed * 1_000_003L + hidden.length + 1));
        return new Sequential(layers);
    }

    /**
     * Conv2d 1→32 3×3 pad 1, ReLU, MaxPool 2×2; Conv2d 32→64 3×3 pad 1, ReLU, MaxPool 2×2; Flatten (3136);
     * Dense 3136→128, ReLU; Dense 128→10 (He-normal weights, zero biases).
     */
    public static Sequential cnn(long seed) {
        long s = seed * 1_000_003L;
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1, s + 1), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(32, 64, 3, 1, 1, s + 2), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(),
                new Dense(3136, 128, true, Init.HE_NORMAL, s + 3), new ReLU(),
                new Dense(128, 10, true, Init.HE_NORMAL, s + 4));
    }
}
