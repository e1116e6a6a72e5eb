package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * Weight initializers, seeded. {@code fanIn}/{@code fanOut} follow PyTorch: for a Dense (out, in) they are in and
 * out; for a Conv2d (O, I/g, KH, KW) they are I/g·KH·KW and O·KH·KW.
 *
 * <p>Thread safety: safe to share; each {@link #create} call draws from a generator of its own, seeded by its argument.
 */
public enum Init {
    /** Glorot uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)). */
    XAVIER_UNIFORM,
    /** Glorot normal: N(0, 2 / (fanIn + fanOut)). */
    XAVIER_NORMAL,
    /** Kaiming uniform for ReLU: U(-a, a), a = sqrt(6 / fanIn). */
    HE_UNIFORM,
    /** Kaiming normal for ReLU: N(0, 2 / fanIn). */
    HE_NORMAL;

    /** A tensor of {@code shape} drawn from this distribution with the given fans and seed. */
    public Tensor create(long seed, int fanIn, int fanOut, int... shape) {
        if (fanIn < 1 || fanOut < 1) throw new IllegalArgumentException("fans must be positive, got " + fanIn + ", " + fanOut);
        return switch (this) {
            case XAVIER_UNIFORM -> { float a = (float) Math.sqrt(6.0 / (fanIn + fanOut)); yield Tensor.uniform(seed, -a, a, shape); }
            case XAVIER_NORMAL -> Tensor.randn(seed, 0f, (float) Math.sqrt(2.0 / (fanIn + fanOut)), shape);
            case HE_UNIFORM -> { float a = (float) Math.sqrt(6.0 / fanIn); yield Tensor.uniform(seed, -a, a, shape); }
            case HE_NORMAL -> Tensor.randn(seed, 0f, (float) Math.sqrt(2.0 / fanIn), shape);
        };
    }
}
