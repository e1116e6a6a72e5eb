package org.vectorgrad.train;

import java.util.List;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;

/** The reference networks for 1×28×28 inputs and 10 classes (Fashion-MNIST), seeded. */
public final class Models {
    private Models() {}

    /** Names accepted by {@link #create}. */
    public static List<String> names() { return List.of("mlp"); }

    /** A reference model by name; unknown names fail with the list of known ones. */
    public static Sequential create(String name, long seed) {
        return switch (name) {
            case "mlp" -> mlp(seed);
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
}
