package org.vectorgrad.backend;

/**
 * The kernels the engine needs, as seven narrow families reached through accessors: {@link #gemm()},
 * {@link #pointwise()}, {@link #losses()}, {@link #updates()}, {@link #convolution()}, {@link #pooling()},
 * {@link #normalization()}. Each family is an abstract class whose public methods check their arguments once
 * ({@link KernelArgs}, or the family itself) and call the
 * implementation's protected kernel. Backends are compositions of family implementations ({@link FamilyBackend}):
 * {@code scalar} (plain loops, the oracle every fast path is tested against), {@code vector} (Vector API, blocked and
 * multithreaded), {@code blas} (the vector families with OpenBLAS's GEMM, convolution included) and {@code auto}
 * (the GEMM chosen per shape). Selection by name lives in {@link Backends}.
 *
 * <p>Conventions, for every method:
 * <ul>
 *   <li>Operands are heap {@code float[]} arrays with an offset (the storage of a contiguous {@code Tensor});
 *       matrices are row-major with a leading dimension (distance between rows, in elements).</li>
 *   <li>Inputs and outputs may not overlap unless the method says "in place".</li>
 *   <li>"Accumulate" means the result is added to the output; otherwise the output is overwritten and its
 *       previous contents are never read (it may hold NaN).</li>
 *   <li>For a given backend and thread count every method is deterministic: same inputs, same bits, on every
 *       call of the process's life (interpreted, C1- or C2-compiled alike). Determinism is by construction, not
 *       by observation: no kernel may use an operation whose result the JDK or a library leaves unspecified.
 *       In the vector backend that rules out {@code reduceLanes(ADD/MUL)} (unspecified order; C2 reassociates
 *       it) and the Vector API's transcendental {@code lanewise} ops (EXP, TANH, LOG1P, ...: a Java fallback
 *       interpreted, an intrinsic once compiled). Lanes are summed by the one fixed pairwise tree of
 *       {@code vector.elementwise.Lanes.sum}; exp/tanh/sigmoid/log1p are {@code vector.elementwise.FixedMath}
 *       (add/mul/fma only, with bit-identical scalar twins for the tails); scalar code uses {@link StrictMath}
 *       for transcendentals. Sums split across threads use chunks fixed by the shapes, never by the thread
 *       count. The {@code blas} backend holds OpenBLAS to one thread for the whole process (its thread count is
 *       process-global and its results depend on it) and cuts a product for several threads into blocks of C
 *       fixed by the shape and the thread count, each one OpenBLAS call over the whole K
 *       ({@code blas.BlasGemm}).</li>
 * </ul>
 * Kernels hold no policy (no backend choice, no thread sizing): those are fixed when the backend is created.
 *
 * <p>Thread safety: a backend and its families accept concurrent calls from several threads (on operands that do
 * not overlap): GEMM workspaces are per calling thread, and a call that finds the backend's worker pool busy runs on
 * its caller. {@link #close()} must not race with calls in flight.
 */
public interface Backend extends AutoCloseable {

    /** Short name: {@code scalar}, {@code vector}, {@code blas} or {@code auto}. */
    String name();

    /** Threads this backend may use for one call (1 = the calling thread only). */
    int threads();

    /** Matrix multiply. */
    Gemm gemm();

    /** Bias, activations, axpy, bias gradient, finiteness check. */
    Pointwise pointwise();

    /** Softmax cross-entropy, BCE with logits, MSE, and the softmax / arg-max of outputs. */
    Losses losses();

    /** SGD and Adam parameter updates. */
    Updates updates();

    /** 2-D convolution forward and backward, on this backend's choice of GEMM. */
    Convolution convolution();

    /** Max and average pooling forward and backward. */
    Pooling pooling();

    /** Batch normalization and layer normalization forward and backward. */
    Normalization normalization();

    /** Releases threads or native resources; the default does nothing. */
    @Override
    default void close() {}
}
