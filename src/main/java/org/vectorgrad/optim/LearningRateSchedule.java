package org.vectorgrad.optim;

/**
 * Learning rate as a function of training progress. {@link #rate} receives the base rate, the step about to be
 * taken (0-based) and the total number of steps of the run. The schedules made here are stateless functions of
 * their arguments (thread-safe), so a resumed run gets the same rate for the same step; PyTorch's schedulers
 * (StepLR, ExponentialLR, OneCycleLR, CosineAnnealingLR) are matched step by step to 1e-4 relative on generated
 * cases ({@code tools/pytorch/optim_cases.py}).
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

    /**
     * Step decay, as PyTorch's {@code StepLR} stepped once per optimizer step: {@code base · gamma^⌊step/stepSize⌋}
     * (PyTorch's closed form; its chained form multiplies by gamma every {@code stepSize} steps, the same up to
     * rounding). For {@code StepLR} stepped once per epoch, pass {@code stepSize} = epochs × steps per epoch.
     */
    static LearningRateSchedule step(long stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("step schedule: step size must be >= 1, got " + stepSize);
        checkGamma("step", gamma);
        return (base, step, total) -> (float) (base * StrictMath.pow(gamma, step / stepSize));
    }

    /**
     * Exponential decay, as PyTorch's {@code ExponentialLR} stepped once per optimizer step:
     * {@code base · gamma^step}. Stepped once per epoch instead, it is {@link #step step(stepsPerEpoch, gamma)}.
     */
    static LearningRateSchedule exponential(double gamma) {
        checkGamma("exponential", gamma);
        return (base, step, total) -> (float) (base * StrictMath.pow(gamma, step));
    }

    private static void checkGamma(String what, double gamma) {
        if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException(what + " schedule: gamma must be in (0, 1], got " + gamma);
    }

    /** {@link #oneCycle(double, double, double)} with PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4. */
    static LearningRateSchedule oneCycle() {
        return oneCycle(0.3, 25, 1e4);
    }

    /**
     * Smith's one-cycle policy as PyTorch's {@code OneCycleLR} (two phases, cosine annealing, stepped once per
     * optimizer step over {@code total} steps) with the base rate as {@code max_lr}: from {@code base/divFactor} up
     * to {@code base} over the first {@code pctStart·total - 1} steps, then down to
     * {@code base/(divFactor·finalDivFactor)} at step {@code total - 1}, each phase
     * {@code end + (start - end)/2 · (1 + cos(π·pct))}. Momentum is not cycled (PyTorch's {@code cycle_momentum}
     * default cycles it between 0.85 and 0.95): the optimizer's momentum or betas stay as set.
     */
    static LearningRateSchedule oneCycle(double pctStart, double divFactor, double finalDivFactor) {
        if (!(pctStart > 0 && pctStart < 1)) throw new IllegalArgumentException("one-cycle schedule: pct_start must be in (0, 1), got " + pctStart);
        if (!(divFactor > 0) || Double.isInfinite(divFactor)) throw new IllegalArgumentException("one-cycle schedule: div_factor must be positive, got " + divFactor);
        if (!(finalDivFactor > 0) || Double.isInfinite(finalDivFactor)) {
            throw new IllegalArgumentException("one-cycle schedule: final_div_factor must be positive, got " + finalDivFactor);
        }
        return (base, step, total) -> {
            double max = base, initial = max / divFactor, min = initial / finalDivFactor;
            double s = Math.min(step, Math.max(total - 1, 0));
            double end1 = pctStart * total - 1, end2 = total - 1;
            double from, to, pct;
            if (s <= end1) {
                from = initial; to = max; pct = end1 == 0 ? 1 : s / end1;
            } else {
                from = max; to = min; pct = end2 == end1 ? 1 : (s - end1) / (end2 - end1);
            }
            return (float) (to + (from - to) / 2.0 * (StrictMath.cos(Math.PI * pct) + 1));
        };
    }

    /** A schedule that needs no parameters, by name: {@code constant}, {@code cosine} or {@code onecycle} (PyTorch's defaults). */
    static LearningRateSchedule named(String name) {
        return switch (name) {
            case "constant" -> constant();
            case "cosine" -> cosine();
            case "onecycle" -> oneCycle();
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "'; choose constant, cosine or onecycle"
                    + " (step and exponential take parameters: step(stepSize, gamma), exponential(gamma))");
        };
    }
}
