package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;

/** Per-channel helpers of the convolution: bias broadcast, fixed-order partial sums (the bias gradient is
 * {@code ReductionKernels.channelSums}). */
final class ChannelOps {
    private ChannelOps() {}

    /** Row o of the {@code rows × len} block at {@code y[off]} is set to {@code bias[b0 + o]}. */
    static void fillRows(float[] bias, int b0, int rows, int len, float[] y, int off) {
        for (int o = 0; o < rows; o++) Arrays.fill(y, off + o * len, off + (o + 1) * len, bias[b0 + o]);
    }

    /** {@code dst[i] += src[s + i]} for i in [0, len), vectorized. */
    static void addInto(float[] src, int s, float[] dst, int d, int len) {
        Im2col.addInto(src, s, dst, d, len);
    }
}
