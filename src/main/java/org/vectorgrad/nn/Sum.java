package org.vectorgrad.nn;

import java.util.ArrayList;
import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.tensor.Tensor;

/**
 * Fan-out and merge: the same input feeds every branch and the outputs are added, {@code y = Σ_i f_i(x)}.
 * Because x has several consumers, the gradients that come back from the branches are <em>summed</em>
 * (essay 003: dL/dx is the sum over all paths from x to L). A residual block is
 * {@code new Sum(new Identity(), block)}.
 *
 * <p>Thread safety: not thread-safe, like every {@link Layer} (it keeps buffers for backward): confine it, with the
 * model it belongs to, to one thread at a time.
 */
public final class Sum extends AbstractLayer {
    private final List<Layer> branches;
    private Tensor output;
    private Tensor gradInput;
    private int[] inputShape;

    /** The sum of {@code branches}' outputs, each fed the same input (at least one branch; outputs of one shape). */
    public Sum(Layer... branches) {
        if (branches.length < 1) throw new IllegalArgumentException("Sum needs at least one branch");
        this.branches = List.of(branches);
    }

    /** The branches, in order. */
    public List<Layer> branches() { return branches; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Backend be = backend();
        inputShape = x.shape();
        Tensor first = dense(branches.get(0).forward(x, training));
        output = reuse(output, first.shape());
        output.copyFrom(first);
        for (int i = 1; i < branches.size(); i++) {
            Tensor y = dense(branches.get(i).forward(x, training));
            if (!y.sameShape(output)) {
                throw new IllegalArgumentException(describe() + ": branch " + i + " (" + branches.get(i).describe() + ") gives shape "
                        + y.shapeString() + " but branch 0 gives " + output.shapeString());
            }
            be.pointwise().axpy(y.size(), 1f, y.data(), y.offset(), output.data(), output.offset());
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor gy) {
        requireForward(output);
        requireSameShape("gradient of the output", gy, output);
        Backend be = backend();
        gradInput = reuse(gradInput, inputShape);
        // Each branch returns its own contribution to dL/dx; the fan-out point adds them.
        Tensor d0 = dense(branches.get(0).backward(gy));
        gradInput.copyFrom(d0);
        for (int i = 1; i < branches.size(); i++) {
            Tensor di = dense(branches.get(i).backward(gy));
            be.pointwise().axpy(di.size(), 1f, di.data(), di.offset(), gradInput.data(), gradInput.offset());
        }
        return gradInput;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer b : branches) all.addAll(b.parameters());
        return List.copyOf(all);
    }

    @Override
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>();
        for (Layer b : branches) all.addAll(b.buffers());
        return List.copyOf(all);
    }

    @Override
    public void bind(Backend backend) {
        super.bind(backend);
        for (Layer b : branches) b.bind(backend);
    }

    @Override
    public void freezeForInference() {
        for (Layer b : branches) b.freezeForInference();
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sum(");
        for (int i = 0; i < branches.size(); i++) sb.append(i > 0 ? ", " : "").append(branches.get(i).describe());
        return sb.append(')').toString();
    }
}
