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
public final class Adam extends AbstractAdam {

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /**
     * Adam over {@code params} with the given betas (each in [0, 1)), eps (positive) and L2 weight decay (0 for none).
     */
    public Adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(ParamGroups.single(SGD.nonEmpty(params), check("weight decay", weightDecay, 0f, Float.MAX_VALUE)), lr, beta1, beta2, eps);
    }

    /** Adam over parameter groups, each with its own (L2) weight decay and learning-rate scale. */
    public Adam(ParamGroups groups, float lr, float beta1, float beta2, float eps) {
        super(groups, lr, beta1, beta2, eps);
    }

    @Override
    protected void step(Backend be, int i, Parameter p, double c1, float sqrtC2, float ob1, float ob2) {
        Tensor w = p.value(), g = p.grad();
        float stepSize = (float) (lr(i) / c1);
        be.updates().adam(p.size(), weightDecay(i), beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w.data(), w.offset(),
                g.data(), g.offset(), m[i].data(), m[i].offset(), v[i].data(), v[i].offset());
    }
}
