package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with PyTorch's
 * update rule (see {@link org.vectorgrad.backend.Updates#sgd}). Velocity buffers are allocated once, at construction. Weight decay
 * and learning-rate scale may differ per {@link ParamGroups parameter group}. Not thread-safe.
 */
public final class SGD extends AbstractOptimizer {
    private final float momentum;
    private final boolean nesterov;
    private final Tensor[] velocity;

    /** Plain SGD with momentum (0 for none). */
    public SGD(List<Parameter> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, false);
    }

    /**
     * SGD over {@code params}: momentum in [0, 1), L2 weight decay (0 for none), Nesterov momentum (needs momentum >
     * 0).
     */
    public SGD(List<Parameter> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        this(ParamGroups.single(nonEmpty(params), check("weight decay", weightDecay, 0f, Float.MAX_VALUE)), lr, momentum, nesterov);
    }

    /** SGD over parameter groups, each with its own weight decay and learning-rate scale. */
    public SGD(ParamGroups groups, float lr, float momentum, boolean nesterov) {
        super(groups, lr);
        this.momentum = check("momentum", momentum, 0f, 1f);
        if (nesterov && momentum == 0f) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.nesterov = nesterov;
        this.velocity = new Tensor[this.params.size()];
        if (momentum != 0f) for (int i = 0; i < velocity.length; i++) velocity[i] = Tensor.zeros(this.params.get(i).value().shape());
    }

    static List<Parameter> nonEmpty(List<Parameter> params) {
        if (params.isEmpty()) throw new IllegalArgumentException("the optimizer got no parameters to optimize");
        return params;
    }

    @Override
    protected void update() {
        Backend be = backend();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor w = p.value(), g = p.grad(), v = velocity[i];
            be.updates().sgd(p.size(), lr(i), momentum, weightDecay(i), nesterov, w.data(), w.offset(), g.data(), g.offset(),
                    v == null ? null : v.data(), v == null ? 0 : v.offset());
        }
    }

    /** {@code velocity.<i>} per parameter (in {@link #parameters()} order) when momentum is used. */
    @Override
    public java.util.Map<String, Tensor> stateTensors() {
        java.util.Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < velocity.length; i++) if (velocity[i] != null) m.put("velocity." + i, velocity[i]);
        return m;
    }

    @Override
    protected String hyperparameters() {
        return "momentum=" + momentum + ", nesterov=" + nesterov;
    }
}
