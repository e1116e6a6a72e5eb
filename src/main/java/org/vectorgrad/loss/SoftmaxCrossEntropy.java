package org.vectorgrad.loss;

import org.vectorgrad.tensor.Tensor;

/**
 * Cross-entropy of softmax(logits) against class labels, averaged over the batch (PyTorch's
 * {@code CrossEntropyLoss} on logits). Stable for large logits: the kernel subtracts each row's maximum and
 * works in log space. Logits {@code (batch, classes)}; labels {@code batch} ints in {@code [0, classes)}.
 *
 * <p>Thread safety: not thread-safe (see {@link Loss}); one per training thread.
 */
public final class SoftmaxCrossEntropy extends AbstractLoss<int[]> {

    @Override
    public double forward(Tensor logits, int[] labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(describe() + ": logits have shape " + logits.shapeString() + ", expected [batch, classes]");
        }
        int n = logits.dim(0), k = logits.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(describe() + ": " + labels.length + " labels for logits of shape " + logits.shapeString());
        }
        Tensor x = logits.contiguous();
        Tensor g = gradBuffer(x);
        double loss = backend().losses().softmaxCrossEntropy(n, k, x.data(), x.offset(), labels, 0, g.data(), g.offset(), 1f / n);
        haveForward = true;
        return loss;
    }

    @Override
    public boolean takesClassLabels() { return true; }

    @Override
    public String describe() { return "SoftmaxCrossEntropy"; }
}
