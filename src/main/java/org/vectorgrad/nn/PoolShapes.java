package org.vectorgrad.nn;

import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/** Geometry of a pooling layer's input, with errors that name the layer and the input shape. */
final class PoolShapes {
    private PoolShapes() {}

    /** The pooling geometry for NCHW input {@code x}, reusing {@code last} when the input shape is unchanged. */
    static PoolGeometry geometry(Layer layer, PoolGeometry last, Tensor x, int kh, int kw, int sh, int sw, int ph, int pw,
                                 boolean countIncludePad, boolean ceilMode) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(layer.describe() + ": input has shape " + x.shapeString() + ", expected [batch, channels, height, width]");
        }
        return geometry(layer, last, x.dim(0), x.dim(1), x.dim(2), x.dim(3), kh, kw, sh, sw, ph, pw, countIncludePad, ceilMode);
    }

    /** The geometry for an input of shape [n, c, h, w]: {@code last} when it matches, else a new one (checked). */
    static PoolGeometry geometry(Layer layer, PoolGeometry last, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                 boolean countIncludePad, boolean ceilMode) {
        if (last != null && last.batch() == n && last.channels() == c && last.inH() == h && last.inW() == w) return last;
        try {
            return new PoolGeometry(n, c, h, w, kh, kw, sh, sw, ph, pw, countIncludePad, ceilMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer.describe() + ": input [" + n + ", " + c + ", " + h + ", " + w + "]: " + e.getMessage(), e);
        }
    }

    /** Validates layer hyper-parameters at construction, naming the layer. */
    static void checkOptions(String layer, int kh, int kw, int sh, int sw, int ph, int pw) {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
            throw new IllegalArgumentException(layer + ": kernel " + kh + "x" + kw + " and stride " + sh + "x" + sw
                    + " must be positive and padding " + ph + "x" + pw + " between 0 and half the kernel");
        }
    }
}
