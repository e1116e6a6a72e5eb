package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Adam (Kingma and Ba) with bias correction and optional L2 weight decay (added to the gradient), as PyTorch's
 * {@code Adam} with {@code amsgrad=False}, in PyTorch 1.13's order of float operations (see
 * {@link org.vectorgrad.backend.Updates#adam}); the bias corrections are computed in double from the decimals the
 * float hyperparameters were written as, as for {@link AdamW}. Without weight decay no decay term is added (as in
 * PyTorch), so a parameter holding ±Inf stays ±Inf. For decoupled weight decay use {@link AdamW}. Weight decay and
 * learning-rate scale may differ per {@link ParamGroups parameter group}. Not thread-safe.
 */
public final class Adam extends AbstractOptimizer {
    private final float beta1, beta2, eps;
    private final Tensor[] m, v;
    private int t;

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    public Adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(ParamGroups.single(SGD.nonEmpty(params), check("weight decay", weightDecay, 0f, Float.MAX_VALUE)), lr, beta1, beta2, eps);
    }

    /** Adam over parameter groups, each with its own (L2) weight decay and learning-rate scale. */
    public Adam(ParamGroups groups, float lr, float beta1, float beta2, float eps) {
        super(groups, lr);
        this.beta1 = check("beta1", beta1, 0f, 1f);
        this.beta2 = check("beta2", beta2, 0f, 1f);
        if (!(eps > 0f)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        this.eps = eps;
        this.m = new Tensor[this.params.size()];
        this.v = new Tensor[this.params.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Tensor.zeros(this.params.get(i).value().shape());
            v[i] = Tensor.zeros(this.params.get(i).value().shape());
        }
    }

    @Override
    protected void update() {
        Backend be = backend();
        t++;
        // as AdamW: the bias corrections and 1 - beta in double, from the decimals, as PyTorch computes them in Python
        double c1 = 1 - StrictMath.pow(decimal(beta1), t);
        float sqrtC2 = (float) StrictMath.sqrt(1 - StrictMath.pow(decimal(beta2), t));
        float ob1 = (float) oneMinus(beta1), ob2 = (float) oneMinus(beta2);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor w = p.value(), g = p.grad();
            float stepSize = (float) (lr(i) / c1);
            be.updates().adam(p.size(), weightDecay(i), beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w.data(), w.offset(), g.data(), g.offset(),
                    m[i].data(), m[i].offset(), v[i].data(), v[i].offset());
        }
    }

    /** Steps taken so far. */
    public int steps() { return t; }

    /** {@code exp_avg.<i>} and {@code exp_avg_sq.<i>} (first and second moments) per parameter, as PyTorch names them. */
    @Override
    public java.util.Map<String, Tensor> stateTensors() {
        java.util.Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        for (int i = 0; i < m.length; i++) {
            s.put("exp_avg." + i, m[i]);
            s.put("exp_avg_sq." + i, v[i]);
        }
        return s;
    }

    @Override public long stepCount() { return t; }

    @Override
    public void setStepCount(long steps) {
        if (steps < 0 || steps > Integer.MAX_VALUE) throw new IllegalArgumentException("Adam step count out of range: " + steps);
        t = (int) steps;
    }

    @Override
    protected String hyperparameters() {
        return "betas=(" + beta1 + ", " + beta2 + "), eps=" + eps;
    }
}
