package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * AdamW (Loshchilov and Hutter's decoupled weight decay) as PyTorch 1.13's {@code torch.optim.AdamW} with
 * {@code amsgrad=False}: each step first shrinks the weights, {@code w *= 1 - lr·weightDecay}, then takes a plain
 * Adam step whose gradient carries no decay term (see {@link org.vectorgrad.backend.Updates#adamW} for the float operations, in
 * PyTorch's order). The bias corrections use the step count {@code t}: {@code stepSize = lr / (1 - beta1^t)} and
 * {@code sqrt(1 - beta2^t)}, computed in double as PyTorch computes them in Python (from the decimals the float
 * hyperparameters were written as, so that {@code 1 - 0.999} is 0.001 as in PyTorch).
 *
 * <p>Weight decay and learning-rate scale may differ per {@link ParamGroups parameter group}: use
 * {@link ParamGroups#noDecayForBiasAndNorm} to leave biases and normalization parameters undecayed.
 * {@code amsgrad} (the running maximum of the second moment) is not implemented. Not thread-safe.
 */
public final class AdamW extends AbstractAdam {
    /** PyTorch's default weight decay for AdamW. */
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;

    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on every parameter. */
    public AdamW(List<Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, DEFAULT_WEIGHT_DECAY);
    }

    /** AdamW over {@code params} with the given betas (each in [0, 1)), eps (positive) and decoupled weight decay. */
    public AdamW(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(ParamGroups.single(SGD.nonEmpty(params), check("weight decay", weightDecay, 0f, Float.MAX_VALUE)), lr, beta1, beta2, eps);
    }

    /** AdamW over parameter groups, each with its own decoupled weight decay and learning-rate scale. */
    public AdamW(ParamGroups groups, float lr, float beta1, float beta2, float eps) {
        super(groups, lr, beta1, beta2, eps);
    }

    @Override
    protected void step(Backend be, int i, Parameter p, double c1, float sqrtC2, float ob1, float ob2) {
        Tensor w = p.value(), g = p.grad();
        double lri = lr(i);
        float decay = (float) (1 - lri * weightDecay(i));
        float stepSize = (float) (lri / c1);
        be.updates().adamW(p.size(), decay, beta1, ob1, beta2, ob2, eps, stepSize, sqrtC2, w.data(), w.offset(),
                g.data(), g.offset(), m[i].data(), m[i].offset(), v[i].data(), v[i].offset());
    }
}
