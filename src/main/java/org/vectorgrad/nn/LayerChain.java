package org.vectorgrad.nn;

import org.vectorgrad.tensor.Tensor;

/**
 * A run of consecutive layers of a {@link Sequential}, layers {@link #start()} to {@link #end()}, that the Sequential
 * runs as one unit when no observer watches ({@link ConvReluPool}, {@link DenseActivation}): the same bits as the
 * layers one by one, with less traffic through memory. Not thread-safe, like the layers it drives.
 */
interface LayerChain {
    /** Index of the chain's first layer in the Sequential. */
    int start();

    /** Index of the chain's last layer. */
    int end();

    /** The chain's forward: the output of layer {@link #end()} for the input of layer {@link #start()}. */
    Tensor forward(Tensor x);

    /** dL/d(input of layer start) from dL/d(output of layer end); null when {@code needInputGradient} is false. */
    Tensor backward(Tensor gy, boolean needInputGradient);

    /** True when the last forward of the Sequential went through this chain. */
    boolean haveForward();

    /** Forgets the last forward (the layers were run one by one since). */
    void invalidate();
}
