package org.vectorgrad.train;

/**
 * Receives progress from a {@link Trainer}; every method has an empty default.
 *
 * <p>Thread safety: the {@link Trainer} calls every method on the thread that runs the training, one call at a time; an
 * implementation needs synchronization only for state it shares with other threads.
 */
public interface TrainingListener {
    /** Before the first step of an epoch (1-based) with its number of steps. */
    default void onEpochStart(int epoch, int epochs, int steps) {}

    /**
     * After the backward pass of a step and before its optimizer update (steps are 1-based within the epoch): every
     * parameter's {@code grad()} holds this step's gradient (already checked finite) and its {@code value()} the
     * weights the update starts from. A listener must only read them: writing changes the training.
     */
    default void onGradients(int epoch, int step) {}

    /** After each optimizer step: steps done in this epoch, that batch's loss, samples/s so far this epoch. */
    default void onStep(int epoch, int step, int steps, double loss, double samplesPerSecond) {}

    /** After an epoch and its evaluation. */
    default void onEpochEnd(EpochStats stats) {}
}
