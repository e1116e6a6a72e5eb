package org.vectorgrad.optim;

/**
 * Learning rate as a function of training progress. {@link #rate} receives the base rate, the step about to be
 * taken (0-based) and the total number of steps of the run.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    float rate(float base, long step, long totalSteps);

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return (base, step, total) -> base;
    }

    /**
     * Cosine annealing from the base rate to 0 over the run (Loshchilov and Hutter's SGDR without restarts):
     * {@code base · (1 + cos(π·step/total)) / 2}. Large steps early, small ones at the end, so the final weights
     * are not taken at a random point of SGD's noise.
     */
    static LearningRateSchedule cosine() {
        return (base, step, total) -> total <= 0 ? base : (float) (base * 0.5 * (1 + StrictMath.cos(Math.PI * Math.min(step, total) / total)));
    }

    /**
     * This schedule multiplied by a linear ramp from {@code 1/warmupSteps} to 1 over the first {@code warmupSteps}
     * steps (Goyal et al.'s warm-up): with momentum 0.9 a full-size rate on the first, badly scaled gradients
     * throws freshly initialized weights far off; the ramp avoids that and then gets out of the way.
     */
    default LearningRateSchedule withWarmup(int warmupSteps) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        if (warmupSteps == 0) return this;
        return (base, step, total) -> rate(base, step, total) * (float) Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** A schedule by name: {@code constant} or {@code cosine}. */
    static LearningRateSchedule named(String name) {
        return switch (name) {
            case "constant" -> constant();
            case "cosine" -> cosine();
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "'; choose constant or cosine");
        };
    }
}
