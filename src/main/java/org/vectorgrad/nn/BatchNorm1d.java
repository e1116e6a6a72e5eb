package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * Batch normalization of an {@code (N, C)} or {@code (N, C, L)} input for each channel, as PyTorch's
 * {@code nn.BatchNorm1d}; see {@link BatchNorm} for training and evaluation behaviour, parameters and buffers. Not
 * thread-safe.
 */
public final class BatchNorm1d extends BatchNorm {

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    /** With running statistics tracked. */
    public BatchNorm1d(int channels, float eps, float momentum, boolean affine) {
        this(channels, eps, momentum, affine, true);
    }

    /** Every option of PyTorch's constructor (but momentum {@code None}). */
    public BatchNorm1d(int channels, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super(channels, eps, momentum, affine, trackRunningStats);
    }

    @Override String kind() { return "BatchNorm1d"; }

    @Override
    int spatial(Tensor x) {
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected (N, C) or (N, C, L) with C = "
                    + channels());
        }
        requireChannels(x, x.rank() == 2 ? "(N, C)" : "(N, C, L)");
        return x.rank() == 3 ? x.dim(2) : 1;
    }
}
