package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with PyTorch's
 * update rule (see {@link org.vectorgrad.backend.Updates#sgd}). Velocity buffers are allocated once, at construction.
 */
public final class SGD extends AbstractOptimizer {
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final Tensor[] velocity;

    /** Plain SGD with momentum (0 for none). */
    public SGD(List<Parameter> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, false);
    }

    public SGD(List<Parameter> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        super(params, lr);
        this.momentum = check("momentum", momentum, 0f, 1f);
        this.weightDecay = check("weight decay", weightDecay, 0f, Float.MAX_VALUE);
        if (nesterov && momentum == 0f) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.nesterov = nesterov;
        this.velocity = new Tensor[this.params.size()];
        if (momentum != 0f) for (int i = 0; i < velocity.length; i++) velocity[i] = Tensor.zeros(this.params.get(i).value().shape());
    }

    @Override
    public void step() {
        Backend be = backend();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor w = p.value(), g = p.grad(), v = velocity[i];
            be.updates().sgd(p.size(), lr, momentum, weightDecay, nesterov, w.data(), w.offset(), g.data(), g.offset(),
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
    public String toString() {
        return "SGD(lr=" + lr + ", momentum=" + momentum + ", weightDecay=" + weightDecay + ", nesterov=" + nesterov + ")";
    }
}
