package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.vectorgrad.backend.vector.elementwise.Lanes;
import jdk.incubator.vector.VectorSpecies;

/** Per-channel helpers of the convolution: bias broadcast, bias-gradient sums, fixed-order partial sums. */
final class ChannelOps {
    private static final VectorSpecies<Float> S = Lanes.F;

    private ChannelOps() {}

    /** Row o of the {@code rows × len} block at {@code y[off]} is set to {@code bias[b0 + o]}. */
    static void fillRows(float[] bias, int b0, int rows, int len, float[] y, int off) {
        for (int o = 0; o < rows; o++) Arrays.fill(y, off + o * len, off + (o + 1) * len, bias[b0 + o]);
    }

    /**
     * {@code Σ_n Σ_p dy[n, c, p]} for one channel c, summed image by image in a fixed order (vector lanes, then
     * the lanes reduced in {@link Lanes#sum}'s fixed order, then the tail), so the result depends only on the data, never on threads.
     */
    static float channelSum(float[] dy, int batch, int channels, int spatial, int c) {
        FloatVector acc = FloatVector.zero(S);
        float tail = 0f;
        int bound = S.loopBound(spatial);
        for (int n = 0; n < batch; n++) {
            int base = (n * channels + c) * spatial;
            int p = 0;
            for (; p < bound; p += S.length()) acc = acc.add(FloatVector.fromArray(S, dy, base + p));
            for (; p < spatial; p++) tail += dy[base + p];
        }
        return Lanes.sum(acc) + tail;
    }

    /** {@code dst[i] += src[s + i]} for i in [0, len), vectorized. */
    static void addInto(float[] src, int s, float[] dst, int d, int len) {
        Im2col.addInto(src, s, dst, d, len);
    }
}
