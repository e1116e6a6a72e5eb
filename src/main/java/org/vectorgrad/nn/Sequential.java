package org.vectorgrad.nn;

import java.util.ArrayList;
import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * Layers applied in order; backward visits them in reverse, each handing dL/d(input) to the one before.
 *
 * <p>Not thread-safe, like every {@link Layer}: one thread at a time may call {@code forward}/{@code backward}
 * (concurrent {@code forward(x, false)} calls return wrong results without an exception). For concurrent
 * inference use {@link org.vectorgrad.serve.Predictor#of}; save and load with {@link org.vectorgrad.io.ModelFile}.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final int firstWithParameters; // layers are fixed, so this is computed once, not per step
    private ForwardObserver observer; // null: none (the default); reads outputs only, never changes them
    /**
     * byStart[i] / byEnd[i]: the chain of layers starting / ending at layer i, else null: Conv2d → ReLU → MaxPool2d
     * run a few images at a time ({@link ConvReluPool}), Dense → activation with bias and activation in one pass
     * ({@link DenseActivation}).
     */
    private final LayerChain[] byStart, byEnd;

    /** The layers in the order the forward pass runs them (at least one). */
    public Sequential(Layer... layers) { this(List.of(layers)); }

    /** The layers in the order the forward pass runs them (at least one; the list is copied). */
    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("Sequential needs at least one layer");
        this.layers = List.copyOf(layers);
        int first = this.layers.size();
        for (int i = 0; i < this.layers.size(); i++) {
            if (!this.layers.get(i).parameters().isEmpty()) {
                first = i;
                break;
            }
        }
        this.firstWithParameters = first;
        this.byStart = new LayerChain[this.layers.size()];
        this.byEnd = new LayerChain[this.layers.size()];
        for (int i = 0; i < byStart.length; i++) {
            LayerChain chain = ConvReluPool.at(this.layers, i);
            if (chain == null) chain = DenseActivation.at(this.layers, i);
            if (chain != null) {
                byStart[i] = chain;
                byEnd[chain.end()] = chain;
                i = chain.end();
            }
        }
    }

    /** The layers, in order (unmodifiable). */
    public List<Layer> layers() { return layers; }

    /** The chain of layers starting at layer i, or null (for tests). */
    LayerChain chainAt(int i) { return byStart[i]; }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        Tensor x = input;
        ForwardObserver o = observer;
        if (o == null) {
            // Chains of layers (Conv2d → ReLU → MaxPool2d, Dense → activation) run as one: the same bits, with
            // fewer trips through their largest tensors. An observer sees every layer's output, so it gets the
            // layers one by one.
            for (int i = 0, n = layers.size(); i < n; i++) {
                LayerChain chain = byStart[i];
                if (chain != null) {
                    x = chain.forward(x);
                    i = chain.end();
                } else {
                    x = layers.get(i).forward(x, training);
                }
            }
            return x;
        }
        for (LayerChain chain : byStart) if (chain != null) chain.invalidate();
        for (int i = 0, n = layers.size(); i < n; i++) {
            Layer l = layers.get(i);
            x = l.forward(x, training);
            o.afterLayer(this, i, l, x, training);
        }
        return x;
    }

    /**
     * Shows every layer's output to {@code observer} during each later {@code forward} (this Sequential's own
     * layers only: a nested Sequential has its own observer); {@code null} removes it. One observer at a time: a new
     * one replaces the previous. An observer that only reads leaves the computation bit for bit unchanged.
     */
    public void observe(ForwardObserver observer) {
        this.observer = observer;
    }

    /** The observer set by {@link #observe}, or null. */
    public ForwardObserver observer() { return observer; }

    @Override
    public Tensor backward(Tensor gradOutput) {
        return backward(gradOutput, true);
    }

    /**
     * When {@code needInputGradient} is false (the trainer's case: the input is data), the backward pass stops at
     * the first layer that has parameters, which is told it need not compute dL/d(its input), and null is returned:
     * parameter-free layers in front of it (Flatten, an activation) have nothing to contribute. For the reference
     * MLP this skips the 128x784x512 input-gradient GEMM of the first Dense, a quarter of a training step.
     */
    @Override
    public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
        int first = needInputGradient ? 0 : firstWithParameters;
        Tensor g = gradOutput;
        for (int i = layers.size() - 1; i >= first; ) {
            LayerChain chain = byEnd[i];
            if (chain != null && chain.haveForward()) {
                // every chain starts with a layer that has parameters (Conv2d, Dense): first is at most its start
                boolean last = chain.start() == first;
                g = chain.backward(g, !last || needInputGradient);
                if (last) return g;
                i = chain.start() - 1;
            } else if (i == first) {
                return layers.get(i).backward(g, needInputGradient);
            } else {
                g = layers.get(i).backward(g);
                i--;
            }
        }
        return needInputGradient ? g : null;
    }


    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(l.parameters());
        return List.copyOf(all);
    }

    @Override
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(l.buffers());
        return List.copyOf(all);
    }

    @Override
    public void bind(Backend backend) {
        for (Layer l : layers) l.bind(backend);
    }

    @Override
    public void freezeForInference() {
        for (Layer l : layers) l.freezeForInference();
    }

    /** Binds and returns this model, for fluent construction. */
    public Sequential on(Backend backend) {
        bind(backend);
        return this;
    }

    /** Sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) sb.append(i > 0 ? ", " : "").append(layers.get(i).describe());
        return sb.append(')').toString();
    }
}
