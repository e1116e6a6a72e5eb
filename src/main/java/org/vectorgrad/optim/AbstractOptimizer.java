package org.vectorgrad.optim;

import java.util.List;
import java.util.Locale;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;

/**
 * Parameter groups, learning rate, gradient clipping and backend binding shared by the optimizers. {@link #step()}
 * clips (when on) and then runs the subclass's {@link #update()}.
 */
abstract class AbstractOptimizer implements Optimizer {
    protected final List<Parameter> params;
    protected final ParamGroups groups;
    protected float lr;
    private float clipNorm;
    private double lastNorm = Double.NaN;
    private Backend backend;

    AbstractOptimizer(ParamGroups groups, float lr) {
        this.groups = groups;
        this.params = groups.parameters();
        setLearningRate(lr);
    }

    @Override public List<Parameter> parameters() { return params; }
    @Override public float learningRate() { return lr; }

    /** The parameter groups (one group when constructed from a plain list). */
    public ParamGroups groups() { return groups; }

    @Override
    public void setLearningRate(float lr) {
        if (!(lr > 0f) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        this.lr = lr;
    }

    /** Learning rate of parameter {@code i}: the optimizer's times its group's scale (exactly the rate when 1). */
    protected final float lr(int i) { return lr * groups.lrScale(i); }

    /** Weight decay of parameter {@code i}, from its group. */
    protected final float weightDecay(int i) { return groups.weightDecay(i); }

    @Override public void bind(Backend backend) { this.backend = backend; }

    protected final Backend backend() {
        if (backend == null) throw new IllegalStateException(getClass().getSimpleName() + " has no backend: call bind(backend) first");
        return backend;
    }

    @Override
    public final void step() {
        Backend be = backend();
        if (clipNorm > 0f) lastNorm = GradientClipping.clipGradNorm(params, clipNorm, be);
        update();
    }

    /** One update of every parameter from its (clipped) gradient. */
    protected abstract void update();

    @Override
    public void clipGradNorm(float maxNorm) {
        this.clipNorm = maxNorm == 0f ? 0f : GradientClipping.checkMaxNorm(maxNorm);
        this.lastNorm = Double.NaN;
    }

    @Override public float clipNorm() { return clipNorm; }

    @Override public double lastGradNorm() { return lastNorm; }

    /** The subclass's hyperparameters, then the groups and the clipping norm. */
    @Override
    public String configuration() {
        return getClass().getSimpleName() + "(" + hyperparameters() + ", groups=" + groups
                + (clipNorm > 0f ? String.format(Locale.ROOT, ", clip_norm=%s", clipNorm) : "") + ")";
    }

    /** The hyperparameters other than learning rate, weight decay and groups, e.g. {@code momentum=0.9}. */
    protected abstract String hyperparameters();

    @Override
    public String toString() {
        return configuration().replaceFirst("\\(", "(lr=" + lr + ", ");
    }

    /**
     * {@code 1 - x} as PyTorch gets it: in double, from the decimal the float was written as (PyTorch's
     * hyperparameters are Python doubles: {@code 1 - 0.999} is 0.001, while {@code 1f - 0.999f} is 0.00100005).
     */
    static double oneMinus(float x) { return 1 - decimal(x); }

    /** The double of the shortest decimal that reads back as {@code x} (0.999f gives 0.999). */
    static double decimal(float x) { return Double.parseDouble(Float.toString(x)); }

    static float check(String what, float v, float lo, float hi) {
        if (!(v >= lo && v < hi)) throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "), got " + v);
        return v;
    }
}
