package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * A trainable tensor and the gradient accumulated for it by backward passes.
 *
 * <p>{@link #zeroGrad()} defers its fill: the gradient is zeroed by the next {@link #grad()}, unless a layer first
 * takes {@link #gradientBeta()} = 0 and overwrites every element (a weight-gradient GEMM with beta 0), which saves a
 * pass over the gradient and the GEMM's read of it per training step. Either way {@link #grad()} never shows a value
 * from before the last {@code zeroGrad()}.
 *
 * <p>Not thread-safe: one training loop owns a parameter's gradient; concurrent inference only reads
 * {@link #value()}.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    /** zeroGrad() was called and the gradient's elements have not been zeroed or overwritten since. */
    private boolean zeroPending;

    /**
     * A trainable tensor named {@code name} (its state_dict suffix), with a zero gradient of the same shape; {@code
     * value} must be contiguous.
     */
    public Parameter(String name, Tensor value) {
        if (!value.isContiguous()) throw new IllegalArgumentException("parameter " + name + " must be contiguous");
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    /** The name, e.g. {@code weight} or {@code bias} (the state_dict suffix). */
    public String name() { return name; }
    /** The values the optimizer updates (contiguous). */
    public Tensor value() { return value; }
    /** dL/d(value), accumulated by {@link Layer#backward} since the last {@link #zeroGrad()} (zeros if none since). */
    public Tensor grad() {
        if (zeroPending) {
            grad.fill(0f);
            zeroPending = false;
        }
        return grad;
    }

    /** Number of elements. */
    public int size() { return value.size(); }

    /** Sets the gradient to zero (the fill itself is deferred: see the class comment). */
    public void zeroGrad() { zeroPending = true; }

    /**
     * For a layer about to combine its whole contribution into {@link #grad()} as {@code grad = contribution +
     * beta·grad}: 0 when the gradient is zero by a deferred {@link #zeroGrad()}, so the caller must then write every
     * element and need not read them (a GEMM with beta 0); 1 otherwise. From this call on the gradient counts as
     * written, so the caller must make that write before anything else reads {@link #grad()}.
     */
    public float gradientBeta() {
        if (!zeroPending) return 1f;
        zeroPending = false;
        return 0f;
    }

    @Override public String toString() { return "Parameter(" + name + ", " + value.shapeString() + ")"; }
}
