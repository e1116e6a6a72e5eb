package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * Batch normalization of an NCHW input over N, H and W for each channel, as PyTorch's {@code nn.BatchNorm2d}; see
 * {@link BatchNorm} for training and evaluation behaviour, parameters and buffers. Not thread-safe.
 */
public final class BatchNorm2d extends BatchNorm {

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    /** With running statistics tracked. */
    public BatchNorm2d(int channels, float eps, float momentum, boolean affine) {
        this(channels, eps, momentum, affine, true);
    }

    /** Every option of PyTorch's constructor (but momentum {@code None}). */
    public BatchNorm2d(int channels, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super(channels, eps, momentum, affine, trackRunningStats);
    }

    @Override String kind() { return "BatchNorm2d"; }

    @Override
    int spatial(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected (N, C, H, W) with C = " + channels());
        }
        requireChannels(x, "(N, C, H, W)");
        return x.dim(2) * x.dim(3);
    }
}
