package org.vectorgrad.backend.vector.gemm;

import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.vector.elementwise.FiniteKernels;

/**
 * The GEMM for an op(A) with many exact zeros: a ReLU network's gradients and activations, where half of the
 * entries are zero at initialization and 75-85 % after a few hundred SGD steps (the reference MLP's products behind
 * its ReLUs: the layers' weight gradients {@code dyᵀ·x}, the second layer's forward and input gradient). Each row of
 * op(A) becomes a list of its nonzeros (column, value), and each row of C sums only the rows of op(B) its list names
 * ({@link SparseRowsKernel}): the FMAs the dense kernels would spend on zeros are not done (docs/decisions.md §2br).
 * op(A) and a transposed op(B) are first copied into row order; where this JVM's object alignment makes the arrays'
 * placement knowable ({@link ArrayAlignment}: the launcher's {@code -XX:ObjectAlignmentInBytes=64}), op(B)'s rows are
 * copied onto the kernels' vector boundaries (32 or 64 bytes) unless they already lie there, so that no vector load
 * of op(B) splits a cache line.
 *
 * <p><b>Same bits as the dense paths.</b> Those compute every element as one FMA chain over p ascending from zero
 * within each of the packed path's K blocks, then store {@code alpha·acc} (beta 0, first block) or
 * {@code fma(acc, alpha, beta·C)} (beta 1 after the first block). Here each chain runs over the same p ascending and
 * skips terms whose op(A) entry is ±0. A skipped term {@code fma(±0, b, acc)} would have returned acc itself
 * whenever b is finite and acc is not -0, and acc never is -0 (it starts at +0, and a sum rounds to -0 only when both
 * addends are -0). So this path runs only when all of op(B) is finite ({@link FiniteKernels#allFinite}): an
 * infinite or NaN b would have made a skipped term NaN; the dense paths take those products, and NaN propagates as
 * before. Chains are cut into sub-blocks of p only to keep op(B)'s rows in L1; a float written to T and read back is
 * the same float, so a chain continues exactly. With alpha 1, beta 0 and one K block, C's rows stand in for T: the
 * store would have written {@code 1·acc}, which is acc. {@code SparseRowsTest} checks the bits against the dense paths.
 *
 * <p><b>When</b> ({@link #applies}): kernels for the GEMM's width on this CPU ({@link #kernelBits}: 256-bit ones in
 * a 256-bit GEMM, 512-bit ones in a 512-bit GEMM on a CPU that runs 512-bit operations as two 256-bit halves), N whole
 * vectors, at least {@link #MIN_WORK} multiply-adds, operands within {@link #MAX_A}, and at least
 * {@link #MIN_ZERO_FRACTION} of op(A) zero in a sample of its stored rows; then op(B) finite. The sample only picks
 * the path: the bits are the same either way.
 *
 * <p><b>Threads.</b> One thread per product, the caller's: {@link BlockedGemm} gives it only the products it would
 * not split over threads. Split by rows over two threads (a range of C's rows each, the lists made by the caller),
 * the reference MLP's sparse products ran no faster than the dense kernels split over the same two threads
 * (decisions §2br). Buffers live in per-thread workspaces, grown on demand and reused: steady same-shaped calls
 * allocate nothing. Safe for concurrent use.
 */
final class SparseRows {
    /** The least fraction of zeros in the sample of op(A) for this path (measured: docs/decisions.md §2br). */
    static final double MIN_ZERO_FRACTION = 0.65;
    /** The fewest multiply-adds ({@code m·n·k}) for this path: below it the lists cost more than they save. */
    static final long MIN_WORK = 1L << 20;
    /**
     * The most elements of op(A) (m·k), and of a transposed op(B) (k·n), for this path: the lists take 8 bytes per
     * element of op(A) and the copies 4, and they stay in the thread's workspace (48 MiB at this bound); the
     * reference networks' sparse products have at most 0.4 M.
     */
    static final long MAX_A = 1L << 22;
    /** Stored rows of A in the sample ({@link #zeroFraction}), evenly spaced. */
    static final int SAMPLE_ROWS = 16;
    /**
     * Elements of each sampled row, evenly spaced: the sample costs ~1-2 µs whatever the shape, where a whole row
     * of a wide A (a weight gradient over thousands of units) would cost more than a small product saves.
     */
    static final int SAMPLE_COLUMNS = 256;
    /**
     * Floats of op(B) per sub-block of p (32 KiB): its rows for one column block stay in L1 while every row of C
     * reads them.
     */
    static final int SUB_BLOCK_FLOATS = 8192;

    /**
     * The width of the sparse kernels for a GEMM of {@code gemmBits}-wide vectors on {@code cpu}, or 0 for none: 256
     * in a 256-bit GEMM; 512 in a 512-bit GEMM where the CPU runs 512-bit operations as two 256-bit halves
     * ({@link CpuFeatures#runsAvx512AsHalves}, AMD Zen 4). Measured on Zen 4 (decisions §2bx): the reference MLP's
     * training step 1.25x faster with these kernels at one thread (one JVM, same losses) with objects on 64 bytes
     * (the launcher's), which puts op(B)'s copied rows on 64-byte boundaries, 1.13x with objects on 32. None on CPUs
     * with full-width 512-bit units (a 512-bit kernel there ran no faster than the dense tiles, §2br) or at 128 bits.
     * 256-bit kernels in a 512-bit GEMM (the seventieth and seventy-first passes, §2bv, §2bw) were not kept: their
     * 256-bit vectors in the shared Vector API methods' type profiles left some of the 512-bit tiles' C2 code in the
     * Java fallbacks. The bits are the dense paths' either way. A pure function of its arguments.
     */
    static int kernelBits(int gemmBits, CpuFeatures cpu) {
        return gemmBits == 256 || gemmBits == 512 && cpu.runsAvx512AsHalves() ? gemmBits : 0;
    }

    private final SparseRowsKernel kernel;
    private final ArrayAlignment alignment;
    private final SmallGemm transposer;
    private final int maxVectors, subBlockFloats;
    private final ThreadLocal<Work> work = ThreadLocal.withInitial(Work::new);

    /**
     * The path with the kernels of {@code bits} ({@link #kernelBits}), with at most {@code maxVectors} vectors per column block (0: the kernel's most; the
     * GEMM's), {@code subBlockFloats} floats of op(B) per sub-block ({@link #SUB_BLOCK_FLOATS}) and the arrays'
     * alignment ({@link ArrayAlignment#current()}, or another in tests).
     */
    SparseRows(int bits, int maxVectors, int subBlockFloats, ArrayAlignment alignment) {
        this.alignment = alignment;
        this.kernel = SparseRowsKernel.create(bits);
        this.transposer = new SmallGemm(bits);
        int most = kernel == null ? 0 : kernel.maxVectors;
        this.maxVectors = maxVectors > 0 ? Math.min(maxVectors, most) : most;
        this.subBlockFloats = subBlockFloats;
    }

    /**
     * Whether the shape may take this path before op(A) is looked at: a kernel, whole vectors of columns, enough work,
     * op(A) within {@link #MAX_A}, and a transposed op(B) within it too (it is copied into row order).
     */
    boolean shapeFits(boolean transB, int m, int n, int k) {
        return kernel != null && n % kernel.lanes == 0 && (long) m * n * k >= MIN_WORK && (long) m * k <= MAX_A
                && (!transB || (long) k * n <= MAX_A);
    }

    /**
     * The fraction of zeros (±0) among {@link #SAMPLE_COLUMNS} evenly spaced elements (all, when fewer) of
     * {@link #SAMPLE_ROWS} evenly spaced stored rows of A ({@code rows} x {@code cols} as stored, {@code ld} apart):
     * element {@code floor(q·cols/per)} of each, q below per. A pure function of A.
     *
     * <p>The columns are stepped to, not divided for: a 64-bit division per element made the sample cost ~6 µs of a
     * 77 µs 288x64x196 NT call on AMD Zen 4 under the 256-bit proxy (7.6 % of its profile), the same elements.
     */
    static double zeroFraction(float[] a, int off, int ld, int rows, int cols) {
        int sample = Math.min(rows, SAMPLE_ROWS), per = Math.min(cols, SAMPLE_COLUMNS), zeros = 0;
        if (sample == 0 || per == 0) return 0;
        // floor(q·cols/per) = q·step + floor(q·extra/per): the second term carries one whenever rem passes per
        int step = cols / per, extra = cols % per;
        for (int s = 0; s < sample; s++) {
            int at = off + (int) ((long) s * rows / sample) * ld;
            for (int q = 0, col = 0, rem = 0; q < per; q++) {
                zeros += a[at + col] == 0f ? 1 : 0;
                col += step;
                rem += extra;
                if (rem >= per) {
                    rem -= per;
                    col++;
                }
            }
        }
        return zeros / ((double) sample * per);
    }

    /** Whether {@link #tryGemm} takes this product: {@link #shapeFits} and the sample of op(A) zero enough. */
    boolean applies(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda) {
        return shapeFits(transB, m, n, k) && zeroFraction(a, aOff, lda, transA ? k : m, transA ? m : k) >= MIN_ZERO_FRACTION;
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} by this path when it {@link #applies} and op(B) is finite, with the
     * packed path's {@code blocks} K blocks, on the calling thread; false (nothing written) otherwise. Arguments
     * checked by the caller.
     */
    boolean tryGemm(boolean transA, boolean transB, int m, int n, int k, int blocks, float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (!applies(transA, transB, m, n, k, a, aOff, lda)) return false;
        Work w = work.get();
        float[] d = b;
        int dOff = bOff, ldd = ldb;
        int start = rowsBStart(alignment, kernel.lanes, transB, k, n, bOff, ldb);
        if (transB) { // op(B)[p, j] = b[bOff + j·ldb + p] -> w.rowsB[start + p·n + j]: the kernel reads op(B)'s rows
            w.rowsB = grow(w.rowsB, start + k * n);
            transposer.transposeInto(b, bOff, ldb, n, k, w.rowsB, start, n);
        } else if (start >= 0) { // op(B)'s rows moved onto vector boundaries
            w.rowsB = grow(w.rowsB, start + k * n);
            for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * ldb, w.rowsB, start + p * n, n);
        }
        if (start >= 0) {
            d = w.rowsB;
            dOff = start;
            ldd = n;
        }
        if (!allFinite(d, dOff, ldd, k, n)) return false;
        float[] av = a;
        int ao = aOff, la = lda;
        if (transA) { // op(A)[i, p] = a[aOff + p·lda + i] -> w.transposedA[i·k + p]
            w.transposedA = grow(w.transposedA, m * k);
            transposer.transposeInto(a, aOff, lda, k, m, w.transposedA, 0, k);
            av = w.transposedA;
            ao = 0;
            la = k;
        }
        if (w.rowStart.length < m + 1) w.rowStart = new int[m + 1];
        if (w.idx.length < (long) m * k + kernel.lanes) {
            w.idx = new int[m * k + kernel.lanes]; // within MAX_A
            w.val = new float[w.idx.length];
        }
        kernel.lists(av, ao, la, m, k, ldd, w.rowStart, w.idx, w.val); // (k-1)·ldd lies within d: an int
        int width = Math.min(maxVectors, n / kernel.lanes) * kernel.lanes;
        w.subBlocks(k, blocks, Math.max(8, subBlockFloats / width));
        w.pointers(m, ldd);
        w.t = grow(w.t, m * width); // m·width <= m·n: C's rows
        rows(w, m, n, alpha, beta, d, dOff, c, cOff, ldc);
        return true;
    }

    /**
     * Where in the workspace op(B)'s rows go ({@code n} floats apart), or -1 where the kernel reads them where they
     * lie. A transposed op(B) is always copied: onto vector boundaries where {@code alignment} knows them, else at 0.
     * An untransposed one is copied only when its rows are known to lie off vector boundaries (its element bOff, or
     * its row stride, off them), since then every other vector load of the kernel splits a cache line: 1.15-1.5x
     * slower (decisions §2bu). {@code n % lanes == 0} (the path's shapes) keeps every copied row on a boundary.
     */
    static int rowsBStart(ArrayAlignment alignment, int lanes, boolean transB, int k, int n, int bOff, int ldb) {
        int vectorBytes = lanes * Float.BYTES, start = alignment.firstAligned(vectorBytes);
        if (transB) return Math.max(start, 0);
        boolean onBoundaries = alignment.aligned(bOff, vectorBytes) && ldb % lanes == 0;
        return start < 0 || onBoundaries || (long) k * n > MAX_A ? -1 : start;
    }

    /** Whether the rows x cols block at {@code off} (rows {@code ld} apart) holds no NaN and no ±Inf. */
    private static boolean allFinite(float[] x, int off, int ld, int rows, int cols) {
        if (ld == cols) return FiniteKernels.allFinite(rows * cols, x, off);
        for (int r = 0; r < rows; r++) if (!FiniteKernels.allFinite(cols, x, off + r * ld)) return false;
        return true;
    }

    private static float[] grow(float[] x, int floats) {
        return x.length < floats ? new float[floats] : x;
    }

    /**
     * C's m rows from the lists in {@code w}: per column block, per sub-block of p, every row over its nonzeros
     * there; at each K block's end the rows' accumulators stored into C with the packed path's formula for that block.
     */
    private void rows(Work w, int m, int n, float alpha, float beta, float[] d, int dOff, float[] c, int cOff, int ldc) {
        int lanes = kernel.lanes, vectors = n / lanes, blocksOfColumns = (vectors + maxVectors - 1) / maxVectors;
        int[] ptr = w.ptr, idx = w.idx, subOfBlock = w.subOfBlock;
        float[] val = w.val, t = w.t;
        int stride = w.subs + 1;
        // Alpha 1, beta 0 and one K block (a layer's forward, input gradient and freshly zeroed weight gradient):
        // the store would write C = 1·acc, which is acc itself, so C's rows hold the chains and T and the store pass
        // are skipped, the same bits (decisions §2br)
        boolean inC = alpha == 1f && beta == 0f && w.kBlocks == 1;
        for (int q = 0; q < blocksOfColumns; q++) {
            // balanced column blocks: 98 vectors in blocks of at most 13 are 12 + 12 + 12 + 13 + ... + 13
            int v0 = (int) ((long) vectors * q / blocksOfColumns), v1 = (int) ((long) vectors * (q + 1) / blocksOfColumns);
            int cols = (v1 - v0) * lanes, col0 = v0 * lanes;
            for (int kb = 0; kb < w.kBlocks; kb++) {
                for (int s = subOfBlock[kb]; s < subOfBlock[kb + 1]; s++) {
                    boolean first = s == subOfBlock[kb];
                    for (int r = 0; r < m; r++) {
                        int e0 = ptr[r * stride + s], e1 = ptr[r * stride + s + 1];
                        if (e0 == e1 && !first) continue; // nothing to add: T (or C) holds the chain
                        if (inC) kernel.accumulate(v1 - v0, first, e0, e1, idx, val, d, dOff + col0, c, cOff + r * ldc + col0);
                        else kernel.accumulate(v1 - v0, first, e0, e1, idx, val, d, dOff + col0, t, r * cols);
                    }
                }
                if (inC) continue;
                boolean scaleOnly = kb == 0 && beta == 0f;
                float b = kb == 0 ? beta : 1f;
                for (int r = 0; r < m; r++) kernel.store(cols, scaleOnly, alpha, b, t, r * cols, c, cOff + r * ldc + col0);
            }
        }
    }

    /**
     * Per-thread buffers: the lists of a product, its op(A) in row order, op(B) in row order (transposed, or moved onto
     * vector boundaries), the accumulators of its rows.
     */
    private static final class Work {
        int[] rowStart = new int[0], idx = new int[0], ptr = new int[0], sub = new int[0], subOfBlock = new int[0];
        float[] val = new float[0], transposedA = new float[0], rowsB = new float[0], t = new float[0];
        int kBlocks, subs;

        /**
         * Sub-blocks of p: the packed path's {@code blocks} K blocks, each cut into pieces of at most {@code depth}
         * rows; {@code sub[s]} is the first p of sub-block s, {@code subOfBlock[kb]} the first
         * sub-block of K block kb.
         */
        void subBlocks(int k, int blocks, int depth) {
            kBlocks = blocks;
            if (subOfBlock.length < blocks + 1) subOfBlock = new int[blocks + 1];
            int s = 0;
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = BlockedGemm.kBlockStart(k, kb, blocks), p1 = BlockedGemm.kBlockStart(k, kb + 1, blocks);
                subOfBlock[kb] = s;
                s += Math.max(1, (p1 - p0 + depth - 1) / depth);
            }
            subOfBlock[blocks] = s;
            subs = s;
            if (sub.length < s + 1) sub = new int[s + 1];
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = BlockedGemm.kBlockStart(k, kb, blocks), p1 = BlockedGemm.kBlockStart(k, kb + 1, blocks);
                for (int j = subOfBlock[kb], p = p0; j < subOfBlock[kb + 1]; j++, p += depth) sub[j] = p;
            }
            sub[s] = k;
        }

        /**
         * {@code ptr[i·(subs+1) + s]}: row i's first pair at or past sub-block s (after the lists, whose offsets are
         * p·ldd, and {@link #subBlocks}).
         */
        void pointers(int m, int ldd) {
            int stride = subs + 1;
            if (ptr.length < m * stride) ptr = new int[Math.multiplyExact(m, stride)];
            for (int i = 0; i < m; i++) {
                int e = rowStart[i], end = rowStart[i + 1], base = i * stride;
                for (int s = 0; s < subs; s++) {
                    ptr[base + s] = e;
                    for (long limit = (long) sub[s + 1] * ldd; e < end && idx[e] < limit; ) e++;
                }
                ptr[base + subs] = end;
            }
        }

    }
}
