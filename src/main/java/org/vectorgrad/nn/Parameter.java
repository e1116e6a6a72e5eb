package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/** A trainable tensor and the gradient accumulated for it by backward passes. */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(String name, Tensor value) {
        if (!value.isContiguous()) throw new IllegalArgumentException("parameter " + name + " must be contiguous");
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    public String name() { return name; }
    public Tensor value() { return value; }
    /** dL/d(value), accumulated by {@link Layer#backward} until {@link #zeroGrad()}. */
    public Tensor grad() { return grad; }
    public int size() { return value.size(); }
    public void zeroGrad() { grad.fill(0f); }

    @Override public String toString() { return "Parameter(" + name + ", " + value.shapeString() + ")"; }
}
