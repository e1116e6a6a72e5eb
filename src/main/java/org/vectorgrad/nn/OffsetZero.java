package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * The convolution and pooling kernels read NCHW storage from index 0. This hands them the tensor itself when it
 * already starts there and is contiguous, else a copy into a buffer kept for the next step (no allocation once
 * the shape is stable).
 */
final class OffsetZero {
    private Tensor copy;

    Tensor of(Tensor t) {
        if (t.isContiguous() && t.offset() == 0) return t;
        if (copy == null || !copy.sameShape(t)) copy = Tensor.zeros(t.shape());
        return copy.copyFrom(t);
    }
}
