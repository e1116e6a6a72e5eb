package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Convolution kernels of the vector backend (NCHW, weights (O, I/g, KH, KW)): im2col per image and group feeding
 * the blocked GEMM of {@code gemm}, so each image's output block comes out of the GEMM already in NCHW order:
 * <pre>
 *   forward          y[n, g]  = W_g (Og×K) · cols(x[n, g]) (K×P)          (+ bias, pre-filled, beta = 1)
 *   backward data    cols     = W_gᵀ (K×Og) · dy[n, g] (Og×P);  dx[n, g] = col2im(cols)
 *   backward weights dW_g    += dy[n, g] (Og×P) · cols(x[n, g])ᵀ (P×K)
 * </pre>
 * with {@code K = I/g·KH·KW} and {@code P = OH·OW}. A 1×1 kernel with stride 1 and no padding skips im2col (the
 * image itself is the column matrix); a single-channel input with one group (the first layer of a CNN) runs a
 * direct vector kernel ({@link DirectSingleChannel}), faster there than a GEMM with K = KH·KW.
 *
 * <p>Parallelism and determinism: forward and backward-data split the batch (every image is computed by one
 * thread, whatever the thread count, so the bits never depend on it). Backward-weights is a reduction over the
 * batch: the batch is cut into a fixed number of chunks ({@link #WEIGHT_CHUNKS}, independent of the thread count),
 * each chunk sums its images in order into its own partial buffer, and the partials are added to {@code dw} in
 * chunk order. The GEMM is called from inside dispatched tasks, where a dispatcher runs nested work inline.
 *
 * <p>Scratch slots used: 0 for the weight-gradient partials, {@code 1 + t} for the column buffer of task t.
 */
public final class VectorConvolution {
    /** Fixed batch chunking of backward-weights (divisible by 1, 2, 3, 4 and 6 threads). */
    static final int WEIGHT_CHUNKS = 12;
    private static final int SLOT_PARTIALS = 0;
    private static final int SLOT_COLS = 1;

    private final Backend gemm;
    private final Dispatcher dispatcher;

    /** {@code gemm} is the backend whose GEMM the im2col path calls; {@code dispatcher} splits batch/channels. */
    public VectorConvolution(Backend gemm, Dispatcher dispatcher) {
        this.gemm = gemm;
        this.dispatcher = dispatcher;
    }

    /** Convolution forward: {@code y = conv(x, w) + bias} (bias may be null); y is overwritten. */
    public void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Scratch scratch) {
        checkLengths("conv2d forward", g, x, "x", g.inputSize(), w, y, "y", g.outputSize());
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException("conv2d forward: bias has " + bias.length + " elements, expected " + g.outChannels());
        }
        int tasks = Math.min(dispatcher.threads(), g.batch());
        if (DirectSingleChannel.applies(g)) {
            int padSize = DirectSingleChannel.bufferSize(g);
            for (int t = 0; t < tasks; t++) scratch.floats(SLOT_COLS + t, padSize);
            dispatcher.forEach(tasks, t -> {
                float[] pad = scratch.floats(SLOT_COLS + t, padSize);
                for (int n = first(g.batch(), t, tasks), end = first(g.batch(), t + 1, tasks); n < end; n++) {
                    DirectSingleChannel.forward(g, x, n, w, bias, y, pad);
                }
            });
            return;
        }
        boolean noCols = isPointwise(g);
        int colsSize = colsSize(g);
        if (!noCols) for (int t = 0; t < tasks; t++) scratch.floats(SLOT_COLS + t, colsSize);
        dispatcher.forEach(tasks, t -> {
            float[] cols = noCols ? null : scratch.floats(SLOT_COLS + t, colsSize);
            for (int n = first(g.batch(), t, tasks), end = first(g.batch(), t + 1, tasks); n < end; n++) {
                forwardImage(g, x, w, bias, y, cols, n);
            }
        });
    }

    private void forwardImage(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, float[] cols, int n) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = cg * g.kernelH() * g.kernelW();
        int p = g.outH() * g.outW(), xImage = n * g.inChannels() * g.inH() * g.inW();
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] b;
            int bOff;
            if (cols == null) {
                b = x;
                bOff = xImage + grp * cg * p;
            } else {
                Im2col.im2col(g, x, xImage, grp * cg, cols, 0);
                b = cols;
                bOff = 0;
            }
            int yOff = (n * g.outChannels() + grp * og) * p;
            float beta = 0f;
            if (bias != null) {
                ChannelOps.fillRows(bias, grp * og, og, p, y, yOff);
                beta = 1f;
            }
            gemm.gemm(false, false, og, p, k, 1f, w, grp * og * k, k, b, bOff, p, beta, y, yOff, p);
        }
    }

    /** Gradient w.r.t. the input: {@code dx} is overwritten with convᵀ(dy, w). */
    public void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, Scratch scratch) {
        checkLengths("conv2d backward-data", g, dx, "dx", g.inputSize(), w, dy, "dy", g.outputSize());
        int tasks = Math.min(dispatcher.threads(), g.batch());
        boolean noCols = isPointwise(g);
        int colsSize = colsSize(g);
        if (!noCols) for (int t = 0; t < tasks; t++) scratch.floats(SLOT_COLS + t, colsSize);
        dispatcher.forEach(tasks, t -> {
            float[] cols = noCols ? null : scratch.floats(SLOT_COLS + t, colsSize);
            for (int n = first(g.batch(), t, tasks), end = first(g.batch(), t + 1, tasks); n < end; n++) {
                backwardDataImage(g, dy, w, dx, cols, n);
            }
        });
    }

    private void backwardDataImage(ConvGeometry g, float[] dy, float[] w, float[] dx, float[] cols, int n) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = cg * g.kernelH() * g.kernelW();
        int p = g.outH() * g.outW(), hw = g.inH() * g.inW(), xImage = n * g.inChannels() * hw;
        if (cols != null) Arrays.fill(dx, xImage, xImage + g.inChannels() * hw, 0f);
        for (int grp = 0; grp < g.groups(); grp++) {
            int dyOff = (n * g.outChannels() + grp * og) * p;
            if (cols == null) {
                // pointwise: the column matrix is dx itself (P == H·W)
                gemm.gemm(true, false, k, p, og, 1f, w, grp * og * k, k, dy, dyOff, p, 0f, dx, xImage + grp * cg * hw, p);
            } else {
                gemm.gemm(true, false, k, p, og, 1f, w, grp * og * k, k, dy, dyOff, p, 0f, cols, 0, p);
                Im2col.col2im(g, cols, 0, dx, xImage, grp * cg);
            }
        }
    }

    /** Gradients w.r.t. weights and bias, accumulated into {@code dw} and {@code db} (db may be null). */
    public void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] db, Scratch scratch) {
        checkLengths("conv2d backward-weights", g, x, "x", g.inputSize(), dw, dy, "dy", g.outputSize());
        if (db != null && db.length < g.outChannels()) {
            throw new IllegalArgumentException("conv2d backward-weights: db has " + db.length + " elements, expected " + g.outChannels());
        }
        int chunks = Math.min(WEIGHT_CHUNKS, g.batch());
        int tasks = Math.min(dispatcher.threads(), chunks);
        int wsize = g.weightSize();
        boolean noCols = isPointwise(g);
        int colsSize = colsSize(g);
        float[] partials = scratch.floats(SLOT_PARTIALS, chunks * wsize);
        if (!noCols) for (int t = 0; t < tasks; t++) scratch.floats(SLOT_COLS + t, colsSize);
        dispatcher.forEach(tasks, t -> {
            float[] cols = noCols ? null : scratch.floats(SLOT_COLS + t, colsSize);
            for (int c = first(chunks, t, tasks), cEnd = first(chunks, t + 1, tasks); c < cEnd; c++) {
                int n0 = first(g.batch(), c, chunks), n1 = first(g.batch(), c + 1, chunks);
                for (int n = n0; n < n1; n++) {
                    backwardWeightsImage(g, x, dy, partials, c * wsize, cols, n, n == n0);
                }
            }
        });
        // dw += partial[0] + partial[1] + ... in chunk order, element ranges split across threads
        int reduceTasks = Math.min(dispatcher.threads(), Math.max(1, wsize / 4096));
        dispatcher.forEach(reduceTasks, t -> {
            int i0 = first(wsize, t, reduceTasks), i1 = first(wsize, t + 1, reduceTasks);
            for (int c = 0; c < chunks; c++) ChannelOps.addInto(partials, c * wsize + i0, dw, i0, i1 - i0);
        });
        if (db != null) {
            int oc = g.outChannels(), sp = g.outH() * g.outW();
            int biasTasks = Math.min(dispatcher.threads(), oc);
            dispatcher.forEach(biasTasks, t -> {
                for (int c = first(oc, t, biasTasks), end = first(oc, t + 1, biasTasks); c < end; c++) {
                    db[c] += ChannelOps.channelSum(dy, g.batch(), oc, sp, c);
                }
            });
        }
    }

    private void backwardWeightsImage(ConvGeometry g, float[] x, float[] dy, float[] part, int partOff,
                                      float[] cols, int n, boolean firstImage) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = cg * g.kernelH() * g.kernelW();
        int p = g.outH() * g.outW(), xImage = n * g.inChannels() * g.inH() * g.inW();
        float beta = firstImage ? 0f : 1f;
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] b;
            int bOff;
            if (cols == null) {
                b = x;
                bOff = xImage + grp * cg * p;
            } else {
                Im2col.im2col(g, x, xImage, grp * cg, cols, 0);
                b = cols;
                bOff = 0;
            }
            int dyOff = (n * g.outChannels() + grp * og) * p;
            gemm.gemm(false, true, og, k, p, 1f, dy, dyOff, p, b, bOff, p, beta, part, partOff + grp * og * k, k);
        }
    }

    /** A 1×1 kernel, stride 1, no padding: the input image is already the column matrix. */
    static boolean isPointwise(ConvGeometry g) {
        return g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0;
    }

    private static int colsSize(ConvGeometry g) {
        return g.inChannelsPerGroup() * g.kernelH() * g.kernelW() * g.outH() * g.outW();
    }

    /** Start of part {@code i} of {@code n} items cut into {@code parts} nearly equal contiguous parts. */
    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

    private static void checkLengths(String kernel, ConvGeometry g, float[] in, String inName, int inSize,
                                     float[] w, float[] out, String outName, int outSize) {
        if (in.length < inSize || out.length < outSize || w.length < g.weightSize()) {
            throw new IllegalArgumentException(kernel + ": arrays too small for " + g + ": " + inName + " has " + in.length
                    + " (needs " + inSize + "), weights " + w.length + " (needs " + g.weightSize() + "), " + outName + " has "
                    + out.length + " (needs " + outSize + ")");
        }
    }
}
