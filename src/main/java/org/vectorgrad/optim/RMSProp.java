package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * RMSProp as PyTorch 1.13's {@code torch.optim.RMSprop}: a running average of the squared gradient with smoothing
 * constant {@code alpha}, the step {@code g / (sqrt(avg) + eps)} (eps added <em>after</em> the square root, as
 * PyTorch does, unlike TensorFlow), optional L2 weight decay added to the gradient, optional momentum on the
 * scaled step, and the {@code centered} variant that subtracts the squared running mean of the gradient (an
 * estimate of its variance; rounding can make that difference negative, and then the step is NaN exactly as in
 * PyTorch). See {@link org.vectorgrad.backend.Updates#rmsProp} for the float operations, in PyTorch's order.
 *
 * <p>Weight decay and learning-rate scale may differ per {@link ParamGroups parameter group}. Not thread-safe.
 */
public final class RMSProp extends AbstractOptimizer {
    private final float alpha, eps, momentum;
    private final boolean centered;
    private final Tensor[] square, gradAvg, buffer;
    private long t;

    /** RMSProp with PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public RMSProp(List<Parameter> params, float lr) {
        this(params, lr, 0.99f, 1e-8f, 0f, 0f, false);
    }

    /**
     * RMSProp over {@code params}: smoothing {@code alpha}, {@code eps}, L2 weight decay, momentum, and centered
     * (dividing by the gradient's running variance) as PyTorch's options.
     */
    public RMSProp(List<Parameter> params, float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered) {
        this(ParamGroups.single(SGD.nonEmpty(params), check("weight decay", weightDecay, 0f, Float.MAX_VALUE)), lr, alpha, eps, momentum, centered);
    }

    /** RMSProp over parameter groups, each with its own (L2) weight decay and learning-rate scale. */
    public RMSProp(ParamGroups groups, float lr, float alpha, float eps, float momentum, boolean centered) {
        super(groups, lr);
        this.alpha = check("alpha", alpha, 0f, 1f);
        if (!(eps > 0f) || Float.isInfinite(eps)) throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        this.eps = eps;
        this.momentum = check("momentum", momentum, 0f, 1f);
        this.centered = centered;
        int n = this.params.size();
        this.square = new Tensor[n];
        this.gradAvg = new Tensor[n];
        this.buffer = new Tensor[n];
        for (int i = 0; i < n; i++) {
            int[] shape = this.params.get(i).value().shape();
            square[i] = Tensor.zeros(shape);
            if (centered) gradAvg[i] = Tensor.zeros(shape);
            if (momentum > 0f) buffer[i] = Tensor.zeros(shape);
        }
    }

    @Override
    protected void update() {
        Backend be = backend();
        t++;
        float oa = (float) oneMinus(alpha);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor w = p.value(), g = p.grad(), s = square[i], a = gradAvg[i], b = buffer[i];
            be.updates().rmsProp(p.size(), lr(i), alpha, oa, eps, weightDecay(i), momentum, centered, w.data(), w.offset(), g.data(), g.offset(),
                    s.data(), s.offset(), a == null ? null : a.data(), a == null ? 0 : a.offset(), b == null ? null : b.data(), b == null ? 0 : b.offset());
        }
    }

    /**
     * {@code square_avg.<i>}, and {@code grad_avg.<i>} when centered and {@code momentum_buffer.<i>} with momentum, per
     * parameter, as PyTorch names them.
     */
    @Override
    public java.util.Map<String, Tensor> stateTensors() {
        java.util.Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        for (int i = 0; i < square.length; i++) {
            s.put("square_avg." + i, square[i]);
            if (gradAvg[i] != null) s.put("grad_avg." + i, gradAvg[i]);
            if (buffer[i] != null) s.put("momentum_buffer." + i, buffer[i]);
        }
        return s;
    }

    /** Steps taken (PyTorch keeps the count too; the update does not depend on it). */
    @Override public long stepCount() { return t; }

    @Override
    public void setStepCount(long steps) {
        if (steps < 0) throw new IllegalArgumentException("RMSProp step count out of range: " + steps);
        t = steps;
    }

    @Override
    protected String hyperparameters() {
        return "alpha=" + alpha + ", eps=" + eps + ", momentum=" + momentum + ", centered=" + centered;
    }
}
