package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.Convolution;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.vector.elementwise.Lanes;
import org.vectorgrad.backend.vector.elementwise.ReductionKernels;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Convolution kernels of the vector backend (NCHW, weights (O, I/g, KH, KW)), also run by the {@code blas} and
 * {@code auto} backends on their GEMM ({@link #on}). The general path is im2col feeding the {@link Gemm} the backend chose, per group, with {@code K = I/g·KH·KW} and {@code P = OH·OW}:
 * <pre>
 *   forward          Y_g (Og × B·P)   = W_g (Og×K) · cols (K × B·P)            then rows scattered to y[n, g·Og + o]
 *   backward data    cols (K × B·P)   = W_gᵀ (K×Og) · dY_g (Og × B·P)          then col2im into dx[n]
 *   backward weights dW_gᵀ (K×Og)    += cols(x[n, g]) (K×P) · dy[n, g]ᵀ (P×Og)  image by image
 * </pre>
 * where B images sit side by side in the column matrix ({@link #imagesPerGemm}): a GEMM with a few hundred
 * columns (P is only 196 for a 14×14 map) runs markedly faster than one per image. The weight gradient is computed
 * transposed (K x Og: 288x64x196 ran 1.14x faster than 64x288x196 on OpenBLAS and 1.07x on the vector GEMM) and
 * added to dw through a transposing reduction. Special paths:
 * <ul>
 *   <li>a 1×1 kernel with stride 1 and no padding skips im2col (the image is its own column matrix), one image
 *       per GEMM;</li>
 *   <li>a single input channel with one group and stride 1 along the width (the first layer of an image CNN)
 *       runs the direct vector kernels of {@link DirectSingleChannel} (forward, weight gradient, and the
 *       column matrix of the input gradient before col2im), where the GEMM would have a reduction, a width or
 *       a height of only KH·KW.</li>
 *   <li>a 3×3 "same" convolution at stride 1 with at least 16 channels each way runs its forward through
 *       {@link Winograd23} (F(2×2, 3×3): 2.25× fewer multiplications), and its backward-data too where the vectors
 *       are at most {@value #WINOGRAD_BACKWARD_DATA_MAX_BITS} bits wide or the CPU runs 512-bit operations as two
 *       256-bit halves ({@link #winogradBackwardDataPays}), block
 *       by block where the block's input (x, or dy) and the weights are finite and in its range; and its weight
 *       gradient where backward-data takes Winograd ({@link #winogradBackwardWeightsPays}), group of images by group
 *       where the group's x and dy are finite and in its range: the transforms of x and of dy, 16 GEMMs
 *       {@code S[p] = V[p]·M[p]ᵀ} summed over the group's tiles, then {@code Gᵀ S G} into the group's partial.</li>
 * </ul>
 *
 * <p>Parallelism and determinism: forward and backward-data cut the batch into fixed blocks of B images
 * (B depends on the geometry only) and hand contiguous runs of blocks to the threads; every image is computed
 * by exactly one GEMM whose shape never depends on the thread count. Backward-weights is a reduction over the
 * batch: each group of {@link #WEIGHT_GROUP} consecutive images is summed in order into its own partial buffer
 * (a few groups in parallel per round), and the partials are added to {@code dw} in group order; the bias gradient
 * is flushed into {@code db} per group the same way. So the bits depend on neither the thread count nor where a
 * caller cuts the batch, as long as it cuts at multiples of {@link #imageBlock} (what the fused
 * Conv2d → ReLU → MaxPool2d does). The GEMM is called from inside dispatched tasks, where the dispatcher runs
 * nested work inline.
 *
 * <p>Thread safety: an instance may be shared (a backend's calls from several threads): each calling thread keeps
 * its own call state, and every buffer comes from the caller's {@link Scratch}, which has one owner at a time (a
 * layer's; the Winograd filters cached there belong to that layer).
 *
 * <p>Scratch slots: 0 for the weight-gradient partials (transposed, K x Og per channel group, except on the direct
 * single-channel path), 1 and 2 for the Winograd forward's transformed filters and the weights they came from, 3 and
 * 4 for the Winograd backward-data's (rotated filters), {@code 5 + 3t} for the column matrix (Winograd: transformed
 * input) of task t, {@code 6 + 3t} for its GEMM output / gathered gradient, {@code 7 + 3t} for its padded plane.
 */
public final class VectorConvolution extends Convolution {
    /**
     * Backward-weights sums the images of each group of this many (images [0, 4), [4, 8) ...) into a partial, then
     * adds the groups' partials to dw in order: the grouping depends on the image index only, so a call on a batch
     * cut at multiples of {@link #imageBlock} gives the bits of one call on the whole batch, at any thread count.
     */
    static final int WEIGHT_GROUP = 4;
    /**
     * Images per product of the Winograd weight gradient within a group of {@link #WEIGHT_GROUP}: the next ones' sums
     * are added to the first's (beta 1). Two keep a task's transformed input and output gradient (~650 KB for the
     * reference CNN's conv2) within a 1 MiB L2; measured on AMD Zen 4 at 512 bits, conv2's weight gradient on
     * {@code auto}, one thread, Winograd ÷ im2col: 1 image 1.36, 2 images 0.75, 4 images 0.80, and at two threads 2
     * images 1.07 against 4 images' 1.09-2.5 (docs/decisions.md §9d). A pure constant: the bits depend on it, not on
     * the machine.
     */
    static final int WINOGRAD_WEIGHT_IMAGES = 2;
    /** Groups computed in parallel per round (times the threads), each into its own partial buffer. */
    static final int GROUPS_PER_THREAD = 2;
    /** Columns aimed at when several images share one GEMM (measured: 4 × 196 columns ran 1.2-1.5× one image's). */
    static final int TARGET_COLUMNS = 768;
    /** Most images put side by side, which bounds the column buffer. */
    static final int MAX_IMAGES_PER_GEMM = 8;
    private static final int SLOT_PARTIALS = 0;
    /** The Winograd forward's transformed filters, and the weights they came from (the cache key). */
    private static final int SLOT_FILTERS = 1, SLOT_FILTER_KEY = 2;
    /** The same for backward-data's rotated filters: a layer's forward and backward keep both caches warm. */
    private static final int SLOT_ROTATED_FILTERS = 3, SLOT_ROTATED_FILTER_KEY = 4;

    /**
     * System property that turns the Winograd path off ({@code -Dvectorgrad.conv.winograd=false}), forward and
     * backward-data (where {@link #winogradBackwardDataPays}): every convolution then runs im2col, and gives its
     * bits (the Winograd results are within a few float roundings of them, not equal; docs/decisions.md §9a, §9b).
     * Read when a backend is created.
     */
    public static final String WINOGRAD_PROPERTY = "vectorgrad.conv.winograd";

    /**
     * The widest vectors at which backward-data takes the Winograd path by default on a CPU with full-width 512-bit
     * units. Measured on AMD Zen 5 (docs/decisions.md §9b): under the 256-bit proxy the CNN step ran 1.05-1.07x as
     * fast with it; at 512 bits the step stayed level at one thread, its rotated filters' product (32x196x64 for the
     * reference CNN) running at 0.90 of OpenBLAS's speed, and the Intel Xeon's 512-bit step was 1.06-1.13x slower
     * with it (§9a). On AMD Zen 4, which runs 512-bit FMAs as two 256-bit halves, it pays at 512 bits too (§9c).
     */
    static final int WINOGRAD_BACKWARD_DATA_MAX_BITS = 256;

    private final Gemm gemm;
    private final Dispatcher dispatcher;
    private final boolean winogradAllowed, winogradBackwardData, winogradWeights;
    /**
     * The state of the current call on each calling thread: the dispatched chunks read it, so a call allocates no
     * lambda (a steady-state training step allocates nothing here). Written before {@code forEach} publishes the
     * work, read after; the arrays are dropped when the call returns.
     */
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

    /**
     * {@code gemm} is the GEMM the im2col path calls, the one the backend chose: the vector backend's
     * {@code BlockedGemm}, OpenBLAS under {@code blas}, the per-shape rule under {@code auto};
     * {@code dispatcher} splits batch/channels.
     */
    public VectorConvolution(Gemm gemm, Dispatcher dispatcher) {
        this(gemm, dispatcher, winogradFromSystemProperties());
    }

    /**
     * As {@link #VectorConvolution(Gemm, Dispatcher)}, with the Winograd path allowed or not (false: im2col for
     * every geometry; true: the forward, and backward-data where {@link #winogradBackwardDataPays} at this JVM's
     * vector width).
     */
    public VectorConvolution(Gemm gemm, Dispatcher dispatcher, boolean winograd) {
        this(gemm, dispatcher, winograd, winograd && winogradBackwardDataPays(Lanes.F.vectorBitSize(), CpuFeatures.current()),
                winograd && winogradBackwardWeightsPays(Lanes.F.vectorBitSize(), CpuFeatures.current()));
    }

    /**
     * With the Winograd forward and the Winograd backward-data each allowed or not, whatever the vector width (tests,
     * harnesses, and measurements on other CPUs).
     */
    public VectorConvolution(Gemm gemm, Dispatcher dispatcher, boolean winogradForward, boolean winogradBackwardData) {
        this(gemm, dispatcher, winogradForward, winogradBackwardData, false);
    }

    /**
     * With the Winograd forward, backward-data and backward-weights each allowed or not, whatever the vector width
     * (tests, harnesses, and measurements on other CPUs).
     */
    public VectorConvolution(Gemm gemm, Dispatcher dispatcher, boolean winogradForward, boolean winogradBackwardData,
                             boolean winogradWeights) {
        this.gemm = gemm;
        this.dispatcher = dispatcher;
        this.winogradAllowed = winogradForward;
        this.winogradBackwardData = winogradBackwardData;
        this.winogradWeights = winogradWeights;
    }

    /**
     * Whether backward-data takes the Winograd path by default with vectors of {@code vectorBits} on {@code cpu}: at
     * most {@value #WINOGRAD_BACKWARD_DATA_MAX_BITS} bits, or any width on a CPU that runs 512-bit operations as two
     * 256-bit halves ({@link CpuFeatures#runsAvx512AsHalves}: AMD Zen 4, where conv2's backward-data by Winograd took
     * 0.75-0.81 of im2col's time at 512 bits, docs/decisions.md §9c). A pure function of its arguments.
     */
    public static boolean winogradBackwardDataPays(int vectorBits, CpuFeatures cpu) {
        return vectorBits <= WINOGRAD_BACKWARD_DATA_MAX_BITS || cpu.runsAvx512AsHalves();
    }

    /**
     * Whether backward-weights takes the Winograd path by default with vectors of {@code vectorBits} on {@code cpu}:
     * where backward-data does ({@link #winogradBackwardDataPays}). Measured on AMD Zen 4 (docs/decisions.md §9d): the
     * CNN step 1.05x as fast at 512 bits and 1.07-1.08x under the 256-bit proxy at one thread, level within the VM's
     * spread at two; not measured on CPUs with full-width 512-bit units, which keep im2col. A pure function of its
     * arguments.
     */
    public static boolean winogradBackwardWeightsPays(int vectorBits, CpuFeatures cpu) {
        return winogradBackwardDataPays(vectorBits, cpu);
    }

    /**
     * What the Winograd paths do by default for vectors of {@code vectorBits} on {@code cpu} and this JVM's
     * {@value #WINOGRAD_PROPERTY}, in one line for {@code vectorgrad info}.
     */
    public static String winogradStatus(int vectorBits, CpuFeatures cpu) {
        boolean on;
        try {
            on = winogradFromSystemProperties();
        } catch (IllegalArgumentException e) {
            return "invalid: " + e.getMessage();
        }
        if (!on) return "off (-D" + WINOGRAD_PROPERTY + "=false): every convolution on im2col";
        String forward = "forward of 3x3 'same' convolutions with at least 16 channels each way";
        if (!winogradBackwardDataPays(vectorBits, cpu)) {
            return forward + "; their input and weight gradients on im2col (" + vectorBits
                    + "-bit vectors on a CPU with full-width 512-bit units, docs/decisions.md §9b)";
        }
        return forward + ", and their input and weight gradients (" + (vectorBits <= WINOGRAD_BACKWARD_DATA_MAX_BITS
                ? "vectors of at most " + WINOGRAD_BACKWARD_DATA_MAX_BITS + " bits"
                : "this CPU runs 512-bit operations as two 256-bit halves") + ", docs/decisions.md §9b-§9d)";
    }

    /** {@link #WINOGRAD_PROPERTY}: true unless set to "false"; any other value than true/false is an error naming it. */
    static boolean winogradFromSystemProperties() {
        String v = System.getProperty(WINOGRAD_PROPERTY);
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("true")) return true;
        if (v.trim().equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("-D" + WINOGRAD_PROPERTY + " must be true or false, got '" + v + "'");
    }

    private static int colsSlot(int task) { return 5 + 3 * task; }
    private static int auxSlot(int task) { return 6 + 3 * task; }
    private static int padSlot(int task) { return 7 + 3 * task; }

    /** Images sharing one GEMM for this geometry: enough for about {@link #TARGET_COLUMNS} columns. */
    static int imagesPerGemm(ConvGeometry g) {
        if (isPointwise(g)) return 1;
        int p = g.outH() * g.outW();
        int per = Math.max(1, Math.min(Math.min(MAX_IMAGES_PER_GEMM, g.batch()), (TARGET_COLUMNS + p - 1) / p));
        // the column and output buffers hold max(K, Og)·per·p floats: keep that within an int (one image always fits,
        // ConvGeometry checked K·p and Og·p)
        long perImage = (long) Math.max(kOf(g), g.outChannelsPerGroup()) * p;
        return (int) Math.max(1, Math.min(per, ConvGeometry.MAX_ELEMENTS / perImage));
    }

    // ---- forward --------------------------------------------------------------------------------------------

    /**
     * The images of one im2col GEMM ({@link #imagesPerGemm}; 1 on the direct single-channel path), rounded up to a
     * multiple of the backward-weights group ({@link #WEIGHT_GROUP}).
     */
    @Override
    public int imageBlock(ConvGeometry g) {
        int perGemm = DirectSingleChannel.applies(g) ? 1 : imagesPerGemm(g);
        return perGemm * WEIGHT_GROUP / gcd(perGemm, WEIGHT_GROUP);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The same kernels, on the same threads, with their GEMMs sent to {@code other}. */
    @Override
    public VectorConvolution on(Gemm other) {
        return new VectorConvolution(other, dispatcher, winogradAllowed, winogradBackwardData, winogradWeights);
    }

    @Override
    protected void runForward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] y, int yOff, Scratch scratch) {
        Call c = calls.get();
        c.g = g; c.x = x; c.xOff = xOff; c.w = w; c.wOff = wOff; c.bias = bias; c.biasOff = biasOff; c.y = y; c.yOff = yOff;
        c.scratch = scratch;
        try {
            if (DirectSingleChannel.applies(g)) {
                planDirect(c, g, scratch);
                dispatcher.forEach(c.tasks, c.forwardDirect);
                return;
            }
            planBlocks(c, g, scratch, true);
            prepareWinograd(c, g, w, wOff, scratch, false);
            dispatcher.forEach(c.tasks, c.forwardBlocks);
        } finally {
            c.clear();
        }
    }

    /**
     * The split of forward and backward-data into blocks of images sharing one GEMM, and each task's scratch
     * (column matrix, GEMM output or gathered gradient, padded plane; large enough for the Winograd path where it
     * applies: transformed input of the planes read, GEMM output of the planes written), reserved before the
     * dispatch.
     */
    private void planBlocks(Call c, ConvGeometry g, Scratch scratch, boolean forward) {
        c.per = imagesPerGemm(g);
        c.blocks = (g.batch() + c.per - 1) / c.per;
        c.tasks = Math.min(dispatcher.threads(), c.blocks);
        c.pointwise = isPointwise(g);
        int p = g.outH() * g.outW();
        c.colsSize = Im2col.LEAD + kOf(g) * c.per * p + Im2col.SLACK;
        c.auxSize = g.outChannelsPerGroup() * c.per * p;
        c.padSize = Im2col.padSize(g);
        c.winogradFits = (forward ? winogradAllowed : winogradBackwardData) && Winograd23.applies(g) && Winograd23.fits(g, c.per);
        if (c.winogradFits) {
            int tiles = c.per * Winograd23.tilesPerImage(g.inH(), g.inW());
            int read = forward ? g.inChannels() : g.outChannels(), written = forward ? g.outChannels() : g.inChannels();
            c.colsSize = Math.max(c.colsSize, Winograd23.bufferSize(read, tiles));
            c.auxSize = Math.max(c.auxSize, Winograd23.bufferSize(written, tiles));
            c.padSize = Math.max(c.padSize, Winograd23.padSize(g.inH(), g.inW()));
        }
        if (!c.pointwise) {
            for (int t = 0; t < c.tasks; t++) {
                scratch.floats(colsSlot(t), c.colsSize);
                scratch.floats(auxSlot(t), c.auxSize);
                scratch.floats(padSlot(t), c.padSize);
            }
        }
    }

    /**
     * Decides whether this call's blocks may take the Winograd path ({@link Winograd23#applies}, buffers that
     * {@link Winograd23#fits}, weights in its range) and, if so, provides the transformed filters in the caller's
     * scratch ({@code rotated}: backward-data's, {@link Winograd23#transformWeightsRotated}). They are kept there with
     * a copy of the weights they came from: the next call with bit-for-bit the same weights (the other chunks of a
     * batch in {@code ConvReluPool}, every inference call) reuses them, after one comparison, instead of transforming
     * again. A buffer the scratch had to grow starts zeroed, so its header never matches.
     */
    private void prepareWinograd(Call c, ConvGeometry g, float[] w, int wOff, Scratch scratch, boolean rotated) {
        c.winograd = false;
        if (!c.winogradFits) return;
        int n = g.weightSize(), outCh = g.outChannels(), inCh = g.inChannels();
        float[] u = scratch.floats(rotated ? SLOT_ROTATED_FILTERS : SLOT_FILTERS, Winograd23.filterBufferSize(outCh, inCh));
        float[] key = scratch.floats(rotated ? SLOT_ROTATED_FILTER_KEY : SLOT_FILTER_KEY, KEY_HEADER + n);
        boolean cached = key[0] == outCh && key[1] == inCh && key[2] == 1f
                && Arrays.equals(key, KEY_HEADER, KEY_HEADER + n, w, wOff, wOff + n);
        if (!cached) {
            key[2] = 0f;
            if (!Winograd23.inRange(w, wOff, n)) return;
            if (rotated) Winograd23.transformWeightsRotated(w, wOff, outCh, inCh, u);
            else Winograd23.transformWeights(w, wOff, outCh, inCh, u);
            System.arraycopy(w, wOff, key, KEY_HEADER, n);
            key[0] = outCh;
            key[1] = inCh;
            key[2] = 1f;
        }
        c.winograd = true;
        c.u = u;
    }

    /** Floats before the weights in the filter-cache key: output channels, input channels, valid flag. */
    private static final int KEY_HEADER = 3;

    /**
     * One block of images through {@link Winograd23}: from {@code in} ({@code inCh} planes per image) to {@code out}
     * ({@code outCh} planes, overwritten, plus the bias if any), the transformed filters {@code u} being
     * {@code outCh × inCh} per point.
     */
    private void winogradBlock(ConvGeometry g, float[] in, int inOff, int inCh, float[] u, float[] bias, int biasOff,
                               float[] out, int outOff, int outCh, float[] v, float[] m, float[] pad, int count) {
        int h = g.inH(), w = g.inW(), tiles = count * Winograd23.tilesPerImage(h, w), ld = Winograd23.leadingDimension(tiles);
        Winograd23.transformInput(in, inOff, count, inCh, h, w, v, ld, pad);
        Winograd23.multiply(gemm, outCh, inCh, tiles, u, v, ld, m, ld);
        Winograd23.transformOutput(m, ld, count, outCh, h, w, bias, biasOff, out, outOff, pad);   // pad: free again
    }

    private void forwardBlock(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff, float[] y, int yOff,
                              float[] cols, float[] out, float[] pad, int n0, int count, float[] winograd) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = kOf(g), p = g.outH() * g.outW();
        int ld = count * p, xImage = g.inChannels() * g.inH() * g.inW();
        if (winograd != null && Winograd23.inRange(x, xOff + n0 * xImage, count * xImage)) {
            winogradBlock(g, x, xOff + n0 * xImage, g.inChannels(), winograd, bias, biasOff,
                    y, yOff + n0 * g.outChannels() * p, g.outChannels(), cols, out, pad, count);
            return;
        }
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int j = 0; j < count; j++) Im2col.im2col(g, x, xOff + (n0 + j) * xImage, grp * cg, cols, j * p, ld, pad);
            float beta = 0f;
            if (bias != null) {
                ChannelOps.fillRows(bias, biasOff + grp * og, og, ld, out, 0);
                beta = 1f;
            }
            gemm.gemm(false, false, og, ld, k, 1f, w, wOff + grp * og * k, k, cols, 0, ld, beta, out, 0, ld);
            for (int j = 0; j < count; j++) {
                int yImage = yOff + ((n0 + j) * g.outChannels() + grp * og) * p;
                for (int o = 0; o < og; o++) System.arraycopy(out, o * ld + j * p, y, yImage + o * p, p);
            }
        }
    }

    private void forwardPointwise(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                                  float[] y, int yOff, int n) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), p = g.outH() * g.outW();
        int xImage = xOff + n * g.inChannels() * p;
        for (int grp = 0; grp < g.groups(); grp++) {
            int yAt = yOff + (n * g.outChannels() + grp * og) * p;
            float beta = 0f;
            if (bias != null) {
                ChannelOps.fillRows(bias, biasOff + grp * og, og, p, y, yAt);
                beta = 1f;
            }
            gemm.gemm(false, false, og, p, cg, 1f, w, wOff + grp * og * cg, cg, x, xImage + grp * cg * p, p, beta, y, yAt, p);
        }
    }

    /** One task per image up to the thread count, each with its own column and padded-input buffers. */
    private void planDirect(Call c, ConvGeometry g, Scratch scratch) {
        c.tasks = Math.min(dispatcher.threads(), g.batch());
        c.colsSize = kOf(g) * g.outH() * g.outW() + Im2col.SLACK;
        c.padSize = Im2col.padSize(g);
        for (int t = 0; t < c.tasks; t++) {
            scratch.floats(colsSlot(t), c.colsSize);
            scratch.floats(padSlot(t), c.padSize);
        }
    }

    // ---- backward data --------------------------------------------------------------------------------------

    @Override
    protected void runBackwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, Scratch scratch) {
        Call c = calls.get();
        c.g = g; c.dy = dy; c.dyOff = dyOff; c.w = w; c.wOff = wOff; c.dx = dx; c.dxOff = dxOff; c.scratch = scratch;
        try {
            if (DirectSingleChannel.applies(g)) {
                planDirect(c, g, scratch);
                dispatcher.forEach(c.tasks, c.backwardDataDirect);
                return;
            }
            planBlocks(c, g, scratch, false);
            prepareWinograd(c, g, w, wOff, scratch, true);
            dispatcher.forEach(c.tasks, c.backwardDataBlocks);
        } finally {
            c.clear();
        }
    }

    /**
     * One block of images' input gradient: through {@link Winograd23} with the rotated filters {@code winograd} (null:
     * not this call) where the block's dy is in its range, else gather, GEMM and col2im.
     */
    private void backwardDataBlock(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff,
                                   float[] cols, float[] gathered, float[] pad, int n0, int count, float[] winograd) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = kOf(g), p = g.outH() * g.outW();
        int ld = count * p, xImage = g.inChannels() * g.inH() * g.inW(), dyPlanes = g.outChannels() * p;
        if (winograd != null && Winograd23.inRange(dy, dyOff + n0 * dyPlanes, count * dyPlanes)) {
            // dx = dy convolved with the rotated filters: dy's planes in, dx's out, no bias
            winogradBlock(g, dy, dyOff + n0 * dyPlanes, g.outChannels(), winograd, null, 0,
                    dx, dxOff + n0 * xImage, g.inChannels(), cols, gathered, pad, count);
            return;
        }
        // no zeroing: col2im overwrites every channel of its group
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] b;
            int bOff, ldb;
            if (count == 1) {
                b = dy; // one image: its gradient block is already Og × P with leading dimension P
                bOff = dyOff + (n0 * g.outChannels() + grp * og) * p;
                ldb = p;
            } else {
                for (int j = 0; j < count; j++) {
                    int dyImage = dyOff + ((n0 + j) * g.outChannels() + grp * og) * p;
                    for (int o = 0; o < og; o++) System.arraycopy(dy, dyImage + o * p, gathered, o * ld + j * p, p);
                }
                b = gathered;
                bOff = 0;
                ldb = ld;
            }
            // the column matrix from Im2col.LEAD on: col2imRows' shifted loads may start before it (lanes masked off)
            gemm.gemm(true, false, k, ld, og, 1f, w, wOff + grp * og * k, k, b, bOff, ldb, 0f, cols, Im2col.LEAD, ld);
            boolean rows = Im2col.rowsApply(g);
            for (int j = 0; j < count; j++) {
                int at = Im2col.LEAD + j * p, image = dxOff + (n0 + j) * xImage;
                if (rows) Im2col.col2imRows(g, cols, at, ld, dx, image, grp * cg, pad);
                else Im2col.col2im(g, cols, at, ld, dx, image, grp * cg, pad);
            }
        }
    }

    private void backwardDataPointwise(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, int n) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), p = g.outH() * g.outW();
        int xImage = dxOff + n * g.inChannels() * p;
        for (int grp = 0; grp < g.groups(); grp++) {
            // the column matrix is dx itself (P == H·W), written with beta = 0
            gemm.gemm(true, false, cg, p, og, 1f, w, wOff + grp * og * cg, cg, dy, dyOff + (n * g.outChannels() + grp * og) * p, p,
                    0f, dx, xImage + grp * cg * p, p);
        }
    }

    // ---- backward weights -----------------------------------------------------------------------------------

    /**
     * Groups computed at once, each into its own partial buffer: a few per thread, fewer for huge weights so that
     * the partials fit an int-indexed array.
     */
    static int weightSlots(ConvGeometry g, int threads) {
        int groups = (g.batch() + WEIGHT_GROUP - 1) / WEIGHT_GROUP;
        long wanted = Math.min(groups, (long) GROUPS_PER_THREAD * threads);
        return (int) Math.max(1, Math.min(wanted, ConvGeometry.MAX_ELEMENTS / g.weightSize()));
    }

    @Override
    protected void runBackwardWeights(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                      float[] db, int dbOff, Scratch scratch) {
        Call c = calls.get();
        c.g = g; c.x = x; c.xOff = xOff; c.dy = dy; c.dyOff = dyOff; c.dw = dw; c.dwOff = dwOff; c.db = db; c.dbOff = dbOff;
        c.scratch = scratch;
        try {
            c.wsize = g.weightSize();
            int groups = (g.batch() + WEIGHT_GROUP - 1) / WEIGHT_GROUP;
            c.slots = weightSlots(g, dispatcher.threads());
            c.direct = DirectSingleChannel.applies(g);
            c.noCols = !c.direct && isPointwise(g);
            c.colsSize = kOf(g) * g.outH() * g.outW() + Im2col.SLACK;
            c.padSize = Im2col.padSize(g);
            c.partials = scratch.floats(SLOT_PARTIALS, c.slots * c.wsize);
            int maxTasks = Math.min(dispatcher.threads(), c.slots);
            // Winograd per group of images: the input's transform in the column buffer, the output gradient's and
            // the 16 points' sums in the auxiliary one
            c.winogradFits = winogradWeights && Winograd23.applies(g) && Winograd23.fits(g, WINOGRAD_WEIGHT_IMAGES);
            c.auxSize = 0;
            if (c.winogradFits) {
                int tiles = WINOGRAD_WEIGHT_IMAGES * Winograd23.tilesPerImage(g.inH(), g.inW());
                c.colsSize = Math.max(c.colsSize, Winograd23.bufferSize(g.inChannels(), tiles));
                c.auxSize = Winograd23.bufferSize(g.outChannels(), tiles) + Winograd23.weightGradientSize(g.inChannels(), g.outChannels());
                c.padSize = Math.max(c.padSize, Winograd23.padSize(g.inH(), g.inW()));
            }
            if (!c.noCols) {
                for (int t = 0; t < maxTasks; t++) {
                    scratch.floats(colsSlot(t), c.colsSize);
                    scratch.floats(padSlot(t), c.padSize);
                    if (c.winogradFits) scratch.floats(auxSlot(t), c.auxSize);
                }
            }
            c.reduceTasks = Math.min(dispatcher.threads(), Math.max(1, c.wsize / 4096));
            c.transposed = !c.direct;
            Im2col.strideOffsets(g.outChannelsPerGroup(), c.gatherOffsets);
            // rounds of `slots` groups: computed in parallel, then added to dw in group order
            for (int r0 = 0; r0 < groups; r0 += c.slots) {
                c.round0 = r0;
                c.roundGroups = Math.min(c.slots, groups - r0);
                c.tasks = Math.min(dispatcher.threads(), c.roundGroups);
                dispatcher.forEach(c.tasks, c.backwardWeightsGroups);
                dispatcher.forEach(c.reduceTasks, c.reducePartials);
            }
            if (db != null) {
                c.biasTasks = Math.min(dispatcher.threads(), g.outChannels());
                dispatcher.forEach(c.biasTasks, c.biasSums);
            }
        } finally {
            c.clear();
        }
    }

    private void backwardWeightsImage(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] part, int partOff,
                                      float[] cols, float[] pad, int n, boolean firstImage) {
        int cg = g.inChannelsPerGroup(), og = g.outChannelsPerGroup(), k = kOf(g);
        int p = g.outH() * g.outW(), xImage = xOff + n * g.inChannels() * g.inH() * g.inW();
        float beta = firstImage ? 0f : 1f;
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] b;
            int bOff;
            if (cols == null) {
                b = x;
                bOff = xImage + grp * cg * p;
            } else {
                Im2col.im2col(g, x, xImage, grp * cg, cols, 0, p, pad);
                b = cols;
                bOff = 0;
            }
            int dyAt = dyOff + (n * g.outChannels() + grp * og) * p;
            // transposed, K x Og: dWᵀ = cols · dyᵀ (each element the same dot product over p as dy · colsᵀ)
            gemm.gemm(false, true, k, og, p, 1f, b, bOff, p, dy, dyAt, p, beta, part, partOff + grp * og * k, og);
        }
    }

    /**
     * The weight gradient of images [n0, n0 + count) through {@link Winograd23} into the group's partial (transposed,
     * overwritten), when the images' x and dy are in its range ({@link Winograd23#inRange}); false (nothing
     * written) otherwise, and the caller takes the im2col path, so non-finite values come out as the direct sum gives
     * them. {@code v} holds the input's transform, {@code aux} the output gradient's and then the 16 points' sums.
     */
    private boolean winogradWeightsGroup(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] part, int partOff,
                                         float[] v, float[] aux, float[] pad, int n0, int count) {
        int h = g.inH(), w = g.inW(), inCh = g.inChannels(), outCh = g.outChannels();
        int xImage = inCh * h * w, dyImage = outCh * g.outH() * g.outW();
        if (!Winograd23.inRange(x, xOff + n0 * xImage, count * xImage) || !Winograd23.inRange(dy, dyOff + n0 * dyImage, count * dyImage)) {
            return false;
        }
        int most = Math.min(WINOGRAD_WEIGHT_IMAGES, count);
        int sums = Winograd23.bufferSize(outCh, most * Winograd23.tilesPerImage(h, w));
        for (int j = 0; j < count; j += most) {
            int images = Math.min(most, count - j), tiles = images * Winograd23.tilesPerImage(h, w), ld = Winograd23.leadingDimension(tiles);
            Winograd23.transformInput(x, xOff + (n0 + j) * xImage, images, inCh, h, w, v, ld, pad);
            Winograd23.transformOutputGradient(dy, dyOff + (n0 + j) * dyImage, images, outCh, h, w, aux, ld);
            Winograd23.multiplyWeightGradient(gemm, inCh, outCh, tiles, v, aux, ld, j == 0 ? 0f : 1f, aux, sums);
        }
        Winograd23.transformWeightGradient(aux, sums, inCh, outCh, part, partOff);
        return true;
    }

    // ---- per-call state --------------------------------------------------------------------------------------

    /** One convolution call's operands and split, and the chunk tasks that read them (one set per calling thread). */
    private final class Call {
        final ChunkTask forwardDirect = this::forwardDirect;
        final ChunkTask forwardBlocks = this::forwardBlocks;
        final ChunkTask backwardDataDirect = this::backwardDataDirect;
        final ChunkTask backwardDataBlocks = this::backwardDataBlocks;
        final ChunkTask backwardWeightsGroups = this::backwardWeightsGroups;
        final ChunkTask reducePartials = this::reducePartials;
        final ChunkTask biasSums = this::biasSums;
        ConvGeometry g;
        float[] x, w, bias, y, dy, dx, dw, db, partials;
        /** Whether this call's blocks may take the Winograd path, and its transformed filters (null otherwise). */
        boolean winograd, winogradFits;
        float[] u;
        int xOff, wOff, biasOff, yOff, dyOff, dxOff, dwOff, dbOff;
        Scratch scratch;
        boolean pointwise, direct, noCols, transposed;
        /** Gather offsets of the transposing reduction ({@link Im2col#addTransposedInto}), set per call. */
        final int[] gatherOffsets = new int[Im2col.lanes()];
        int tasks, per, blocks, colsSize, auxSize, padSize, wsize, slots, round0, roundGroups, reduceTasks, biasTasks;

        /** Drops the caller's arrays so that an idle thread's call state keeps nothing alive. */
        void clear() {
            g = null; x = null; w = null; bias = null; y = null; dy = null; dx = null; dw = null; db = null; partials = null;
            u = null; winograd = false; winogradFits = false;
            scratch = null;
        }

        private void forwardDirect(int t) {
            float[] cols = scratch.floats(colsSlot(t), colsSize), pad = scratch.floats(padSlot(t), padSize);
            int p = g.outH() * g.outW();
            for (int n = first(g.batch(), t, tasks), end = first(g.batch(), t + 1, tasks); n < end; n++) {
                Im2col.im2col(g, x, xOff + n * g.inH() * g.inW(), 0, cols, 0, p, pad);
                DirectSingleChannel.forward(g, cols, n, w, wOff, bias, biasOff, y, yOff);
            }
        }

        private void forwardBlocks(int t) {
            float[] cols = pointwise ? null : scratch.floats(colsSlot(t), colsSize);
            float[] out = pointwise ? null : scratch.floats(auxSlot(t), auxSize);
            float[] pad = pointwise ? null : scratch.floats(padSlot(t), padSize);
            for (int b = first(blocks, t, tasks), end = first(blocks, t + 1, tasks); b < end; b++) {
                int n0 = b * per, count = Math.min(per, g.batch() - n0);
                if (pointwise) forwardPointwise(g, x, xOff, w, wOff, bias, biasOff, y, yOff, n0);
                else forwardBlock(g, x, xOff, w, wOff, bias, biasOff, y, yOff, cols, out, pad, n0, count, winograd ? u : null);
            }
        }

        private void backwardDataDirect(int t) {
            float[] cols = scratch.floats(colsSlot(t), colsSize), pad = scratch.floats(padSlot(t), padSize);
            int xImage = g.inH() * g.inW(), p = g.outH() * g.outW();
            for (int n = first(g.batch(), t, tasks), end = first(g.batch(), t + 1, tasks); n < end; n++) {
                DirectSingleChannel.gradientColumns(g, w, wOff, dy, dyOff, n, cols);
                Im2col.col2im(g, cols, 0, p, dx, dxOff + n * xImage, 0, pad);
            }
        }

        private void backwardDataBlocks(int t) {
            float[] cols = pointwise ? null : scratch.floats(colsSlot(t), colsSize);
            float[] gathered = pointwise ? null : scratch.floats(auxSlot(t), auxSize);
            float[] pad = pointwise ? null : scratch.floats(padSlot(t), padSize);
            for (int b = first(blocks, t, tasks), end = first(blocks, t + 1, tasks); b < end; b++) {
                int n0 = b * per, count = Math.min(per, g.batch() - n0);
                if (pointwise) backwardDataPointwise(g, dy, dyOff, w, wOff, dx, dxOff, n0);
                else backwardDataBlock(g, dy, dyOff, w, wOff, dx, dxOff, cols, gathered, pad, n0, count, winograd ? u : null);
            }
        }

        /** Task t's groups of the current round: group round0 + i is summed into partial slot i. */
        private void backwardWeightsGroups(int t) {
            float[] cols = noCols ? null : scratch.floats(colsSlot(t), colsSize);
            float[] pad = noCols ? null : scratch.floats(padSlot(t), padSize);
            float[] aux = winogradFits ? scratch.floats(auxSlot(t), auxSize) : null;
            for (int i = first(roundGroups, t, tasks), iEnd = first(roundGroups, t + 1, tasks); i < iEnd; i++) {
                int n0 = (round0 + i) * WEIGHT_GROUP, n1 = Math.min(g.batch(), n0 + WEIGHT_GROUP);
                if (winogradFits && winogradWeightsGroup(g, x, xOff, dy, dyOff, partials, i * wsize, cols, aux, pad, n0, n1 - n0)) continue;
                for (int n = n0; n < n1; n++) {
                    if (direct) {
                        Im2col.im2col(g, x, xOff + n * g.inH() * g.inW(), 0, cols, 0, g.outH() * g.outW(), pad);
                        DirectSingleChannel.backwardWeights(g, cols, dy, dyOff, n, partials, i * wsize, n == n0);
                    } else {
                        backwardWeightsImage(g, x, xOff, dy, dyOff, partials, i * wsize, cols, pad, n, n == n0);
                    }
                }
            }
        }

        /**
         * dw += partial[0] + partial[1] + ... of the round, in group order, each element once per partial (so the
         * split across tasks does not matter); transposed partials are added through their transpose, rows of dw
         * split across tasks.
         */
        private void reducePartials(int t) {
            if (!transposed) {
                int i0 = first(wsize, t, reduceTasks), i1 = first(wsize, t + 1, reduceTasks);
                for (int c = 0; c < roundGroups; c++) ChannelOps.addInto(partials, c * wsize + i0, dw, dwOff + i0, i1 - i0);
                return;
            }
            int og = g.outChannelsPerGroup(), k = wsize / g.outChannels(), rows = g.outChannels();
            int r0 = first(rows, t, reduceTasks), r1 = first(rows, t + 1, reduceTasks);
            for (int c = 0; c < roundGroups; c++) {
                for (int grp = r0 / og; grp * og < r1; grp++) {
                    int block = grp * og * k, o0 = Math.max(r0, grp * og) - grp * og, o1 = Math.min(r1, (grp + 1) * og) - grp * og;
                    Im2col.addTransposedInto(partials, c * wsize + block, og, k, dw, dwOff + block, o0, o1, gatherOffsets);
                }
            }
        }

        private void biasSums(int t) {
            int oc = g.outChannels(), sp = g.outH() * g.outW();
            ReductionKernels.channelSums(g.batch(), WEIGHT_GROUP, oc, sp, dy, dyOff, db, dbOff, first(oc, t, biasTasks), first(oc, t + 1, biasTasks));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** A 1×1 kernel, stride 1, no padding: the input image is already the column matrix. */
    static boolean isPointwise(ConvGeometry g) {
        return g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0;
    }

    /** Rows of the column matrix: input channels per group times kernel taps. */
    private static int kOf(ConvGeometry g) {
        return g.inChannelsPerGroup() * g.kernelH() * g.kernelW();
    }

    /** Start of part {@code i} of {@code n} items cut into {@code parts} nearly equal contiguous parts. */
    private static int first(int n, int i, int parts) {
        return (int) ((long) n * i / parts);
    }

}
