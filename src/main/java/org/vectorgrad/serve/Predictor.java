package org.vectorgrad.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.nn.Buffer;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * A thread-safe way to run a trained model: any number of threads may call {@link #predict} at once.
 *
 * <p>Layers are not thread-safe (they keep activation buffers in fields), so a predictor never runs the model it
 * was made from. At creation it takes an immutable <em>snapshot</em> of the model's weights, its buffers (batch
 * norm's running statistics, which inference uses) and its architecture
 * ({@link ModelSpec}); each concurrent caller borrows a private <em>replica</em> (rebuilt from the spec, weights
 * copied from the snapshot, with its own working buffers, {@link Layer#freezeForInference frozen for inference}) from
 * a pool, runs it, and returns it. The pool grows to
 * the largest number of simultaneous callers seen and replicas are reused: steady-state calls allocate no
 * activation buffers, only small bookkeeping objects (measured after warm-up with
 * {@link #predict(Tensor, float[], int)}: about 0.45 KB per request for the reference MLP, 1-3 KB for the CNN;
 * not yet zero) plus, with {@link #predict(Tensor)}, the returned tensor. Memory: one copy of the weights per
 * replica, plus the snapshot.
 *
 * <p>Training the source model while predictors exist is safe: a predictor never reads the model after
 * {@link #of}, and keeps serving the weights of that moment (make a new predictor to serve newer weights).
 * Results are bitwise those of the model's own {@code forward(x, false)} on the same backend: the same request
 * gives the same bits whichever thread runs it and whatever runs beside it.
 *
 * <p>The backend is shared by all replicas (backends accept concurrent calls: a kernel called while another
 * thread uses the backend's worker pool runs on the calling thread) and must stay open while the predictor is
 * used; the predictor does not close it. After {@code close()} a call may still run on the calling thread or fail
 * with {@link IllegalStateException} ({@code dispatcher is closed}, for batches big enough to split across threads):
 * results after close are not supported.
 *
 * <p>Inputs are not checked here: the model's layers check them, so a batch of the wrong rank or feature count
 * fails with the {@link IllegalArgumentException} of the first layer that refuses it (naming that layer, the shape it
 * got and the one it expects, e.g. {@code Dense(64 -> 256): input has shape [2, 56], expected [batch, 64]}); the
 * replica goes back to the pool and the predictor keeps serving. An empty batch gives an empty output where every
 * layer accepts one ({@code Flatten}, {@code Dense}, activations, batch norm); {@code Conv2d} refuses it. NaN and
 * infinite inputs are not checked either: they reach the outputs as the model's own forward would carry them.
 *
 * <p>Memory: a replica keeps the working buffers sized for the last batch it ran, and a reference to that input,
 * until its next request (replicas are never dropped), so one very large request holds its activations until that
 * replica serves again. The {@code blas} backend also keeps references to arrays it was handed (a cache of native
 * segments, per backend), but only of arrays up to 2^24 floats (64 MiB), so a very large request's buffers are not
 * kept there. Split very large batches.
 */
public final class Predictor {
    private final Object spec;
    private final List<float[]> snapshot;
    private final List<Object> bufferSnapshot;
    private final Backend backend;
    private final String description;
    private final ConcurrentLinkedDeque<Layer> idle = new ConcurrentLinkedDeque<>();

    private Predictor(Object spec, List<float[]> snapshot, List<Object> bufferSnapshot, Backend backend, String description) {
        this.spec = spec;
        this.snapshot = snapshot;
        this.bufferSnapshot = bufferSnapshot;
        this.backend = backend;
        this.description = description;
    }

    /**
     * A predictor serving a snapshot of {@code model}'s current weights on {@code backend}. Must not run
     * concurrently with a training step of {@code model} (the copy would be torn); afterwards the model is free.
     *
     * @throws IllegalArgumentException when the model holds a layer type {@link ModelSpec} cannot rebuild
     */
    public static Predictor of(Layer model, Backend backend) {
        if (backend == null) throw new IllegalArgumentException("Predictor needs a backend");
        Object spec = org.vectorgrad.io.Json.parse(ModelSpec.toJson(model)); // the JSON form, as a file would give it
        List<float[]> weights = new ArrayList<>();
        for (Parameter p : ModelSpec.stateDict(model).values()) weights.add(p.value().toArray());
        List<Object> buffers = new ArrayList<>();
        for (Buffer b : ModelSpec.buffers(model).values()) buffers.add(b.snapshot());
        return new Predictor(spec, List.copyOf(weights), List.copyOf(buffers), backend, model.describe());
    }

    /**
     * The model's output for {@code input} (a batch: first dimension is the batch), as a new tensor.
     *
     * @throws IllegalArgumentException when a layer of the model refuses the input's shape (see the class comment)
     */
    public Tensor predict(Tensor input) {
        Layer r = borrow();
        try {
            return r.forward(input, false).copy();
        } finally {
            idle.push(r);
        }
    }

    /**
     * Writes the model's output for {@code input}, row-major, into {@code out} from {@code offset}; allocates
     * nothing in steady state. Returns the number of values written.
     *
     * @throws IllegalArgumentException when {@code offset} is outside {@code out}, when {@code out} has no room for
     *         them from {@code offset}, or when a layer refuses the input's shape (nothing is written then)
     */
    public int predict(Tensor input, float[] out, int offset) {
        Layer r = borrow();
        try {
            Tensor y = r.forward(input, false);
            int n = y.size();
            if (offset < 0 || offset > out.length) {
                throw new IllegalArgumentException(description + ": offset " + offset + " is outside the array of length " + out.length);
            }
            if (out.length - offset < n) {
                throw new IllegalArgumentException(description + ": output of shape " + y.shapeString() + " needs " + n
                        + " floats but the array has " + (out.length - offset) + " from offset " + offset);
            }
            if (y.isContiguous()) System.arraycopy(y.data(), y.offset(), out, offset, n);
            else for (int i = 0; i < n; i++) out[offset + i] = y.getFlat(i);
            return n;
        } finally {
            idle.push(r);
        }
    }

    /** Replicas made so far (at most the peak number of simultaneous callers). */
    public int replicas() { return replicaCount; }

    private volatile int replicaCount;

    private Layer borrow() {
        Layer r = idle.poll();
        return r != null ? r : newReplica();
    }

    private Layer newReplica() {
        Layer r = ModelSpec.build(spec);
        int i = 0;
        for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(r).entrySet()) {
            Tensor v = e.getValue().value();
            float[] w = snapshot.get(i++);
            System.arraycopy(w, 0, v.data(), v.offset(), w.length);
        }
        i = 0;
        for (Buffer b : ModelSpec.buffers(r).values()) b.restore(bufferSnapshot.get(i++));
        r.bind(backend);
        r.freezeForInference(); // a replica only serves: Dense may keep Wᵀ (a one-sample request then streams it)
        synchronized (this) {
            replicaCount++;
        }
        return r;
    }

    @Override
    public String toString() { return "Predictor(" + description + " on " + backend.name() + ")"; }
}
