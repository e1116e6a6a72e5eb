package org.vectorgrad.cli;

import java.util.Arrays;
import org.vectorgrad.data.Dataset;
import org.vectorgrad.io.SpecFile;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.tensor.Tensor;

/**
 * Checks, before training, that a model built from a spec fits the dataset: the spec's declared {@code input} and
 * {@code classes} (when it declares them) and a dry forward pass, in evaluation mode, of the dataset's first
 * sample, whose output must be one score per class. Every failure is an {@link IllegalArgumentException} naming the
 * spec file and saying what was expected and what was found.
 */
final class SpecCheck {
    private SpecCheck() {}

    /**
     * Throws unless {@code model} takes the dataset's samples and gives one score per class, and has parameters.
     *
     * @param model the model built from {@code spec}, already bound to a backend
     */
    static void fits(SpecFile spec, Layer model, Dataset data) {
        int[] sample = data.sampleShape();
        String where = spec.source() + ": ";
        if (spec.input() != null && !Arrays.equals(spec.input(), sample)) {
            throw new IllegalArgumentException(where + "$.input: the spec expects samples of shape " + Arrays.toString(spec.input())
                    + ", the dataset " + data.name() + " has samples of shape " + Arrays.toString(sample));
        }
        if (spec.classes() != 0 && spec.classes() != data.numClasses()) {
            throw new IllegalArgumentException(where + "$.classes: the spec expects " + spec.classes() + " classes, the dataset "
                    + data.name() + " has " + data.numClasses());
        }
        if (data.size() == 0) return;
        int[] shape = new int[sample.length + 1];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        float[] x = new float[data.sampleSize()];
        data.copySample(0, x, 0);
        Tensor out;
        try {
            out = model.forward(Tensor.wrap(x, shape), false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + "the model does not fit the dataset's samples of shape " + Arrays.toString(sample)
                    + " (a dry forward pass of one sample, input " + Arrays.toString(shape) + ", failed): " + e.getMessage(), e);
        }
        if (out.shape().length != 2 || out.dim(0) != 1 || out.dim(1) != data.numClasses()) {
            throw new IllegalArgumentException(where + "the model's output for one sample of shape " + Arrays.toString(sample) + " has shape "
                    + out.shapeString() + "; expected [1, " + data.numClasses() + "]: one score per class of the dataset");
        }
        if (model.parameters().isEmpty()) throw new IllegalArgumentException(where + "the model has no parameters to train");
    }
}
