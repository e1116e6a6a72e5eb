package org.vectorgrad.nn;

import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/**
 * Mean over the spatial positions of each channel: NCHW input {@code (N, C, H, W)} to {@code (N, C)}, as
 * PyTorch's {@code AdaptiveAvgPool2d(1)} followed by a flatten. It is an average pool whose window is the whole
 * plane, so it runs on the backend's average-pool kernels.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps buffers for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class GlobalAvgPool2d extends AbstractLayer {
    private PoolGeometry geometry;
    private Tensor output;
    private Tensor gradInput;
    private boolean haveForward;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(describe() + ": input has shape " + x.shapeString() + ", expected [batch, channels, height, width]");
        }
        PoolGeometry p = PoolShapes.geometry(this, geometry, x, x.dim(2), x.dim(3), 1, 1, 0, 0, true, false);
        Tensor in = dense(x);
        geometry = p;
        output = reuse(output, p.batch(), p.channels());
        backend().pooling().avgForward(p, in.data(), in.offset(), output.data(), output.offset());
        haveForward = true;
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(haveForward ? geometry : null);
        PoolGeometry p = geometry;
        requireShape("gradient of the output", gy, p.batch(), p.channels());
        Tensor dy = dense(gy);
        gradInput = reuse(gradInput, p.batch(), p.channels(), p.inH(), p.inW());
        backend().pooling().avgBackward(p, dy.data(), dy.offset(), gradInput.data(), gradInput.offset());
        return gradInput;
    }

    @Override
    public String describe() { return "GlobalAvgPool2d"; }
}
