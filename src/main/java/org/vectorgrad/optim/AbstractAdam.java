package org.vectorgrad.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * What {@link Adam} and {@link AdamW} share: betas and eps, the two moments per parameter, the step count and the
 * bias corrections, computed in double from the decimals the float hyperparameters were written as, as PyTorch
 * computes them in Python ({@code stepSize = lr / (1 - beta1^t)}, {@code sqrt(1 - beta2^t)}). The subclasses differ
 * only in how weight decay enters the step ({@link #step}). Not thread-safe.
 */
abstract sealed class AbstractAdam extends AbstractOptimizer permits Adam, AdamW {
    protected final float beta1, beta2, eps;
    /** First and second moments per parameter ({@code exp_avg}, {@code exp_avg_sq} in PyTorch). */
    protected final Tensor[] m, v;
    private int t;

    AbstractAdam(ParamGroups groups, float lr, float beta1, float beta2, float eps) {
        super(groups, lr);
        this.beta1 = check("beta1", beta1, 0f, 1f);
        this.beta2 = check("beta2", beta2, 0f, 1f);
        if (!(eps > 0f) || Float.isInfinite(eps)) throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        this.eps = eps;
        this.m = new Tensor[this.params.size()];
        this.v = new Tensor[this.params.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Tensor.zeros(this.params.get(i).value().shape());
            v[i] = Tensor.zeros(this.params.get(i).value().shape());
        }
    }

    @Override
    protected final void update() {
        Backend be = backend();
        t++;
        double c1 = 1 - StrictMath.pow(decimal(beta1), t);
        float sqrtC2 = (float) StrictMath.sqrt(1 - StrictMath.pow(decimal(beta2), t));
        float ob1 = (float) oneMinus(beta1), ob2 = (float) oneMinus(beta2);
        for (int i = 0; i < params.size(); i++) step(be, i, params.get(i), c1, sqrtC2, ob1, ob2);
    }

    /**
     * One parameter's step: the backend's update kernel with this optimizer's weight decay.
     *
     * @param c1     {@code 1 - beta1^t}, in double
     * @param sqrtC2 {@code sqrt(1 - beta2^t)}
     * @param ob1    {@code 1 - beta1}, {@code ob2}: {@code 1 - beta2}, as PyTorch gets them
     */
    protected abstract void step(Backend be, int i, Parameter p, double c1, float sqrtC2, float ob1, float ob2);

    /** Steps taken so far. */
    public int steps() { return t; }

    /** {@code exp_avg.<i>} and {@code exp_avg_sq.<i>} (first and second moments) per parameter, as PyTorch names them. */
    @Override
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (int i = 0; i < m.length; i++) {
            s.put("exp_avg." + i, m[i]);
            s.put("exp_avg_sq." + i, v[i]);
        }
        return s;
    }

    @Override public long stepCount() { return t; }

    @Override
    public void setStepCount(long steps) {
        if (steps < 0 || steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " step count out of range: " + steps);
        }
        t = (int) steps;
    }

    @Override
    protected String hyperparameters() {
        return "betas=(" + beta1 + ", " + beta2 + "), eps=" + eps;
    }
}
