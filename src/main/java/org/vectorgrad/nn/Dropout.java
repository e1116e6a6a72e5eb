package org.vectorgrad.nn;

import org.vectorgrad.backend.scalar.ScalarDropout;
import org.vectorgrad.tensor.Tensor;

/**
 * Dropout, as PyTorch's {@code nn.Dropout(p)}: in training ({@code forward(x, true)}) each element is zeroed with
 * probability p and the kept ones are scaled by 1/(1 - p) (inverted dropout), so evaluation
 * ({@code forward(x, false)}) is the identity and returns its input. p = 0 keeps everything, p = 1 gives zeros
 * (x·0: NaN and ±∞ inputs give NaN, as PyTorch); a dropped NaN stays NaN, as PyTorch's {@code input * noise}.
 *
 * <p><b>Reproducible masks.</b> The mask is a function of (seed, step, element index) only
 * ({@link ScalarDropout}): {@code step} counts this layer's training forwards (0 for the first), so the same seed
 * gives the same masks, bit for bit, on every backend and thread count, whatever the thread scheduling. Two
 * Dropout layers with the same seed draw the same mask for inputs of the same size: give each its own seed
 * ({@code ModelSpec} derives one from the layer's position when a spec names none). {@link #setStep} restores the
 * counter; {@code train.Checkpoint} records every Dropout's step and seed, so a resumed run draws the masks an
 * unbroken run would have drawn (and a run with another seed is refused). The mask cannot equal
 * PyTorch's (a different generator); its statistics are tested instead.
 *
 * <p>Backward multiplies dL/dy by the same mask and scale (recomputed from (seed, step), not stored); after an
 * evaluation forward it passes dL/dy through. Not thread-safe (see {@link Layer}).
 */
public final class Dropout extends AbstractLayer {
    private final double p;
    private final long seed;
    private long step;
    private long lastStep = -1;        // step of the last training forward; -1: the last forward was evaluation
    private boolean forwardDone;
    private Tensor output;
    private Tensor gradInput;

    /** Dropout with probability p and seed 0. */
    public Dropout(double p) { this(p, 0L); }

    /**
     * @param p the probability of zeroing an element, in [0, 1]
     * @param seed keys the masks (see the class comment)
     * @throws IllegalArgumentException when p is outside [0, 1] or NaN
     */
    public Dropout(double p, long seed) {
        ScalarDropout.checkProbability("Dropout", p);
        this.p = p;
        this.seed = seed;
    }

    /** The probability of zeroing an element. */
    public double p() { return p; }

    /** The seed keying the masks. */
    public long seed() { return seed; }

    /** The step the next training forward uses (the number of training forwards so far, unless {@link #setStep} was called). */
    public long step() { return step; }

    /** Sets the step of the next training forward (e.g. to continue a run's masks after resuming); must be ≥ 0. */
    public void setStep(long step) {
        if (step < 0) throw new IllegalArgumentException(describe() + ": step must be >= 0, got " + step);
        this.step = step;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        forwardDone = true;
        if (!training) {
            lastStep = -1;
            return x;
        }
        Tensor in = dense(x);
        lastStep = step++;
        output = reuseLike(output, in);
        backend().pointwise().dropout(p, seed, lastStep, in.size(), in.data(), in.offset(), output.data(), output.offset());
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(forwardDone ? this : null);
        if (lastStep < 0) return gy;
        requireSameShape("gradient of the output", gy, output);
        Tensor dy = dense(gy);
        gradInput = reuseLike(gradInput, output);
        backend().pointwise().dropout(p, seed, lastStep, dy.size(), dy.data(), dy.offset(), gradInput.data(), gradInput.offset());
        return gradInput;
    }

    @Override
    public String describe() { return "Dropout(p=" + p + ")"; }
}
