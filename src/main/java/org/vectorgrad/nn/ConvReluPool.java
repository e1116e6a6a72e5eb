package org.vectorgrad.nn;

import org.vectorgrad.backend.Activation;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/**
 * How a {@link Sequential} runs a {@code Conv2d → ReLU → MaxPool2d} run of its layers: a few images at a time, so
 * that the convolution's output and the ReLU's (the largest tensors of an image CNN: 12.8 MB per batch of 128 after
 * the first layer of the reference CNN) stay in cache instead of making four trips to memory. That is the rule at
 * one thread; at several, a chunk's barriers weigh more and chunks are larger ({@link #targetBytes}). The layers keep
 * their own kernels, parameters and names; only the order of the work changes:
 * <pre>
 *   forward, per chunk of images:  conv → chunk buffer, ReLU in place, max pool → output and arg-max
 *   backward:  g = ReLU'(pooled output, dL/d(output))   (on the pooled tensor, a quarter of the size)
 *              per chunk: dL/d(conv output) = max-pool backward of g → chunk buffer, then the convolution's
 *              weight, bias and input gradients of those images
 * </pre>
 * The results are the layers' bits: the convolution is called on chunks aligned to its
 * {@link org.vectorgrad.backend.Convolution#imageBlock image blocks} (whose contract is that its forward, backward
 * and batch reductions give the whole batch's bits on such chunks); the ReLU and the pool are element- and
 * plane-wise; and the ReLU's derivative at a pool's winner reads the same value (the pooled output is the ReLU
 * output it copied), while every position that wins no window gets 0 either way. {@code ConvReluPoolTest} checks
 * outputs and gradients bitwise against the layers one by one on every backend.
 *
 * <p>Not thread-safe, like the layers it drives.
 */
final class ConvReluPool implements LayerChain {
    /**
     * Convolution output a chunk aims at when one thread runs the chain: inside one core's L2 (512 KiB on Zen 3,
     * 2 MiB on the Xeon).
     */
    static final int TARGET_BYTES_PER_THREAD = 256 << 10;
    /**
     * Convolution output a chunk aims at per thread when several threads run the chain: every chunk costs the
     * threads a barrier per kernel (the convolution's dispatches, ReLU's, the pool's, the weight gradient's
     * reduction), and with two threads those barriers cost more than the cache misses that small chunks save. The
     * reference CNN's conv blocks (batch 128, two threads, AMD Zen 5 VM) took 0.93-0.94x the time of 256 KiB chunks
     * under {@code auto} and 0.955-0.975x under {@code blas} with 4-64 MiB, whole batches from 8 MiB on (the 256-bit
     * proxy 0.93-1.03x: larger chunks pay when the two vCPUs slow each other down); at one thread the whole batch
     * took 1.03-1.09x (docs/decisions.md §2bm). The chunk buffer is then the block's whole output for batches up to
     * 8 MiB of it per thread, as the layers run one by one would have.
     */
    static final int TARGET_BYTES_PER_THREAD_PARALLEL = 8 << 20;
    /** Tests and harnesses: a chunk target in bytes per thread for every thread count instead of the two above (0: those). */
    static volatile int targetOverride = 0;

    private final int start;
    private final Conv2d conv;
    private final ActivationLayer relu;
    private final MaxPool2d pool;
    private ConvGeometry convGeometry, convChunk, convLast;
    private PoolGeometry poolGeometry, poolChunk, poolLast;
    private int chunk, chunks, convPerImage, poolPerImage;
    private float[] buffer = new float[0];
    private int[][] argmax = new int[0][];
    private Tensor output, reluGradient;
    private boolean haveForward;
    private org.vectorgrad.backend.Backend planned;

    private ConvReluPool(int start, Conv2d conv, ActivationLayer relu, MaxPool2d pool) {
        this.start = start;
        this.conv = conv;
        this.relu = relu;
        this.pool = pool;
    }

    /** The chain starting at layer {@code i} of {@code layers}, or null when layers i, i+1, i+2 are not one. */
    static ConvReluPool at(java.util.List<Layer> layers, int i) {
        if (i + 2 >= layers.size()) return null;
        if (layers.get(i) instanceof Conv2d c && layers.get(i + 1) instanceof ActivationLayer a
                && a.activation() == Activation.RELU && layers.get(i + 2) instanceof MaxPool2d p) {
            return new ConvReluPool(i, c, a, p);
        }
        return null;
    }

    /** Index of the Conv2d in the Sequential; the chain covers layers start..start+2. */
    @Override
    public int start() { return start; }

    /** Index of the MaxPool2d, the chain's last layer. */
    @Override
    public int end() { return start + 2; }

    /** Forgets the last forward (the layers were run one by one since). */
    @Override
    public void invalidate() { haveForward = false; }

    /** True when the last forward of the Sequential went through this chain. */
    @Override
    public boolean haveForward() { return haveForward; }

    @Override
    public Tensor forward(Tensor x) {
        ConvGeometry g = conv.prepareForward(x);
        plan(g);
        int n = g.batch();
        output = AbstractLayer.reuse(output, n, g.outChannels(), poolGeometry.outH(), poolGeometry.outW());
        float[] y = output.data();
        for (int c = 0; c < chunks; c++) {
            int n0 = c * chunk;
            boolean last = c == chunks - 1;
            ConvGeometry gc = last ? convLast : convChunk;
            PoolGeometry pc = last ? poolLast : poolChunk;
            int count = gc.batch();
            conv.forwardImages(gc, n0, buffer, 0);
            relu.backend().pointwise().activationForward(relu.activation(), relu.alpha(), count * convPerImage, buffer, 0, buffer, 0);
            pool.backend().pooling().maxForward(pc, buffer, 0, y, output.offset() + n0 * poolPerImage, argmax[c]);
        }
        haveForward = true;
        return output;
    }

    @Override
    public Tensor backward(Tensor gy, boolean needInputGradient) {
        if (!haveForward) throw new IllegalStateException(pool.describe() + ": backward called before forward");
        if (!gy.sameShape(output)) {
            throw new IllegalArgumentException(pool.describe() + ": gradient of the output has shape " + gy.shapeString()
                    + ", expected " + output.shapeString());
        }
        Tensor dy = gy.contiguous();
        reluGradient = AbstractLayer.reuseLike(reluGradient, output);
        relu.backend().pointwise().activationBackward(relu.activation(), relu.alpha(), output.size(), output.data(), output.offset(),
                dy.data(), dy.offset(), reluGradient.data(), reluGradient.offset());
        Tensor dx = conv.prepareBackward(needInputGradient);
        for (int c = 0; c < chunks; c++) {
            int n0 = c * chunk;
            boolean last = c == chunks - 1;
            // dL/d(conv output) of the chunk's images, in the chunk buffer: it never goes to memory
            pool.backend().pooling().maxBackward(last ? poolLast : poolChunk, reluGradient.data(), reluGradient.offset() + n0 * poolPerImage,
                    argmax[c], buffer, 0);
            conv.backwardImages(last ? convLast : convChunk, n0, buffer, 0, needInputGradient);
        }
        return dx;
    }

    /**
     * Images per chunk: about {@code targetBytesPerThread} of convolution output per thread, rounded up to whole
     * image blocks times the threads (so every thread gets the same number of blocks), at most the batch.
     */
    static int chunkImages(int batch, int block, int threads, long bytesPerImage, long targetBytesPerThread) {
        long unit = (long) block * threads;
        long wanted = Math.max(1, targetBytesPerThread * threads / bytesPerImage);
        return (int) Math.min(batch, (wanted + unit - 1) / unit * unit);
    }

    /** Convolution output a chunk aims at per thread for this many threads, or {@code override} when it is set (tests). */
    static long targetBytes(int threads, int override) {
        if (override > 0) return override;
        return threads == 1 ? TARGET_BYTES_PER_THREAD : TARGET_BYTES_PER_THREAD_PARALLEL;
    }

    /** The chunking for this geometry (recomputed only when it changes): whole image blocks, a multiple of the threads. */
    private void plan(ConvGeometry g) {
        if (g == convGeometry && conv.backend() == planned) return;
        int n = g.batch();
        PoolGeometry p = pool.geometryFor(n, g.outChannels(), g.outH(), g.outW());
        convPerImage = g.outChannels() * g.outH() * g.outW();
        poolPerImage = g.outChannels() * p.outH() * p.outW();
        int threads = Math.max(1, conv.backend().threads());
        int block = Math.max(1, conv.backend().convolution().imageBlock(g));
        chunk = chunkImages(n, block, threads, 4L * convPerImage, targetBytes(threads, targetOverride));
        chunks = (n + chunk - 1) / chunk;
        int lastCount = n - (chunks - 1) * chunk;
        convChunk = g.withBatch(chunk);
        convLast = g.withBatch(lastCount);
        poolChunk = p.withBatch(chunk);
        poolLast = p.withBatch(lastCount);
        if (buffer.length < chunk * convPerImage) buffer = new float[chunk * convPerImage];
        argmax = new int[chunks][];
        for (int c = 0; c < chunks; c++) argmax[c] = new int[(c == chunks - 1 ? lastCount : chunk) * poolPerImage];
        convGeometry = g;
        poolGeometry = p;
        planned = conv.backend();
    }
}
