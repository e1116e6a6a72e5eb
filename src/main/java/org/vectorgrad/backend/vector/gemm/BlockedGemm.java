package org.vectorgrad.backend.vector.gemm;

import java.util.concurrent.atomic.AtomicLong;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Row-major {@code C = alpha·op(A)·op(B) + beta·C} in BLIS's structure: loops over NC column blocks and KC depth
 * blocks pack op(B) into micro-panels; the (MC row block x group of NR micro-panels) tiles of C are the parallel
 * chunks, each packing its op(A) block and running the {@link MicroKernel} over it.
 *
 * <p>Determinism: block boundaries depend only on (m, n, k) and the {@link GemmBlocking}, never on the thread
 * count, and K is never split across threads; every C element sees the same sequence of operations whichever
 * thread computes it, so results are bitwise identical for any thread count.
 *
 * <p>Buffers: packed panels live in per-thread workspaces, allocated on first use and grown when a larger
 * problem arrives; a steady stream of same-sized calls allocates nothing.
 */
public final class BlockedGemm extends Gemm {
    /** Distinguishes packing stages so a worker knows whether its packed A block is current. */
    private static final AtomicLong STAGE = new AtomicLong();
    /**
     * Products whose op(B) has at most this many floats (k·n, and k within one KC block) run unpacked on the calling
     * thread: {@link SmallGemm}. Measured crossover, docs/decisions.md §2a.
     */
    public static final long SMALL_MAX_B = 1L << 14;
    /**
     * At 256 bits an op(B) narrower than one 16-column panel runs unpacked only for products of at most this many
     * rows: from 32 rows on, the packed path's 16-column panel (mostly padding) still beat the unpacked tiles, from
     * 0.66-0.78 of their time at 128 rows to 0.77 (NN) and 1.0-1.07 (NT) at 32; at 24 rows and fewer the unpacked
     * path led or tied (docs/decisions.md §2ai). Wider products within {@link #SMALL_MAX_B} run unpacked at every
     * width since the unpacked tiles stopped carrying alpha through their k loops (§2ai): at 256 bits they took
     * 0.62-0.94 of the packed path's time from 8x128x64 to 2048x128x128, with or without counted-loop safepoints;
     * only products of one to four rows with op(B) transposed (2x256x64 NT, 4x128x32 NT) took 1.06-1.15 of it, as
     * at 512 bits (their op(B) copy outweighs the kernel).
     */
    public static final int NARROW_MAX_ROWS_256 = 31;
    /**
     * Products of at most this many rows with op(B) transposed and at least NR columns run packed: their op(B) is
     * copied whole into row order for the unpacked tiles (a 64 KB buffer for 1x1024x16), which costs more than two
     * rows of FMAs, while the packed path transposes it panel by panel into L1. Packed ÷ unpacked, ns per call:
     * 1x1024x16 NT 0.57-0.58, 2x256x64 NT 0.79-0.89 at both widths; from 4 rows the unpacked path leads at 512 bits
     * (4x128x32 NT 1.19) and trails a little at 256 (0.86-0.91), docs/decisions.md §2ai. Not at 128 bits (not
     * measured there: no register transposer on either path).
     */
    public static final int FEW_ROWS_TRANSPOSED_MAX = 2;
    /**
     * Products of at most this many rows with op(B) as it lies (NN, TN), at least NR columns and K within one KC block
     * run unpacked past {@link #SMALL_MAX_B} at 512 and 128 bits ({@link #fewRowsUnpacked}): the packed path copies all
     * of op(B) into panels that so few rows use once or twice, and its micro-panel is mostly padding below MR rows.
     * Unpacked ÷ packed speed on AMD Zen 5 (docs/decisions.md §2aw): 1.03-2.7x from 1 to 64 rows at 512 bits,
     * 1.1-2.7x at 128 bits, while op(B) is read once ({@link SmallGemm#rowBlocks} 1) or is at most
     * {@link #FEW_ROWS_UNPACKED_MAX_B} floats; past both, each row block streams op(B) again from L3 and the packed
     * path leads (32x4096x512 NN 0.73), as it does from 96 rows on (0.97-1.05).
     */
    public static final int FEW_ROWS_UNPACKED_MAX = 64;
    /**
     * Products computed through their transpose ({@link #transposedFirst}, {@link #narrowTransposed},
     * {@link #fewColumns}) go by blocks of this many of C's rows or columns along their long side, so that the
     * per-thread copy of Cᵀ stays within 4096 x 64 floats however large the product (each element of C is its own
     * FMA chain, so the blocks change no bits). A multiple of every width's lanes.
     */
    static final int TRANSPOSED_CHUNK = 4096;
    /**
     * {@link #FEW_ROWS_UNPACKED_MAX} at 256 bits: under the AVX2 proxy the unpacked tiles (6 rows x 2 vectors) led up
     * to 12 rows (1.09-1.78x: 4x256x128 TN, 12x512x256 NN, 2x2048x128 TN) and trailed from 16 rows on wide op(B)
     * (16x2048x64 NN 0.98, 32x2048x64 0.77, 32x1024x96 0.83), though not on narrower ones (32x512x128 1.10).
     */
    public static final int FEW_ROWS_UNPACKED_MAX_256 = 12;
    /**
     * Rows from which {@link #narrowTransposed} computes a product with a narrow op(B) and A transposed (a dense
     * layer's weight gradient, N its inputs) through its transpose at 512 bits: one vector, what
     * {@link NarrowTransposed} needs. Through ÷ as it was before that kernel (the unpacked path on Cᵀ from 40 rows, the
     * narrow tiles below), AMD Zen 5 (docs/decisions.md §2bf): 16x4x128 TN 2.10x, 24x8x128 2.32x, 32x10x128 1.78x,
     * 64x10x128 1.73x, 64x30x128 1.40x, 128x10x128 1.32x, 512x10x128 1.04x.
     */
    public static final int NARROW_TRANSPOSED_MIN_ROWS = 16;
    /** {@link #NARROW_TRANSPOSED_MIN_ROWS} at 256 bits: one vector (docs/decisions.md §2bf). */
    public static final int NARROW_TRANSPOSED_MIN_ROWS_256 = 8;
    /**
     * At 512 bits a product of fewer than {@link #NARROW_TRANSPOSED_TWO_VECTORS} rows with more than this many columns
     * keeps the narrow tiles of C itself: there the one-vector tiles of the transpose (8 broadcasts per 8 FMAs)
     * trailed tiles whose lanes along N are mostly full (16x28x128 TN 1.00, 16x31x128 0.96, 24x28x128 0.90; 16x24x128
     * 1.28, 32x31x128 1.39; AMD Zen 5, docs/decisions.md §2bf). At 256 bits the transpose led throughout (8x15x128
     * 2.2x, 12x14x128 1.7x, 16x15x128 2.2x).
     */
    public static final int NARROW_TRANSPOSED_WIDE_N_512 = 24;
    /** Rows of two 512-bit vectors: see {@link #NARROW_TRANSPOSED_WIDE_N_512}. */
    public static final int NARROW_TRANSPOSED_TWO_VECTORS = 32;
    /**
     * Vectors of columns from which a one-row product with op(B) as it lies goes through {@link OneRow}
     * ({@link #oneRow}) at 256 and 128 bits: there it beat the unpacked tiles from 4 vectors on, 1.03-4.6x under the
     * AVX2 proxy (1x32x8192 NN 1.03, 1x128x256 1.54, 1x512x784 2.56, 1x2048x100 4.32) and 1.9-6.6x at 128 bits, on AMD
     * Zen 5 (docs/decisions.md §2bd).
     */
    public static final int ONE_ROW_MIN_VECTORS = 4;
    /**
     * {@link #ONE_ROW_MIN_VECTORS} at 512 bits, where the 1-row tiles hold up to 16 vectors of a row in registers: from
     * 32 vectors (512 columns) on {@link OneRow} led (1x512x784 NN 1.36, 1x512x64 1.15, 1x4096x1024 1.56), at 8-16
     * vectors it trailed (1x128x2048 0.92, 1x256x512 0.87) and at 2-4 lost a third (1x64x4096 0.62).
     */
    public static final int ONE_ROW_MIN_VECTORS_512 = 32;
    /** op(B) floats within which {@link #fewRowsUnpacked} takes several row blocks (512 KB: Zen 5's L2 holds it). */
    public static final long FEW_ROWS_UNPACKED_MAX_B = 1L << 17;

    private final GemmBlocking blocking;
    private final MicroKernel kernel;
    /** Full tiles through {@link MicroKernel#runStore} (the 12-row kernels of the 256- and 512-bit tables: docs/decisions.md §2i). */
    private final boolean fusedStore;
    /** An untransposed op(A) is copied as row panels ({@link MicroKernel#readsRowPanels}), not transposed into packed ones. */
    private final boolean rowPanels;
    private final Transposer transposer;
    private final Dispatcher dispatcher;
    private final long parallelMinWork;
    private final long smallMaxB, smallMaxWork;
    /** Products that {@link #transposedFirst} picks run through their transpose. */
    private final boolean transposedProducts;
    private final int narrowMaxRows, fewRowsTransposedMax;
    private final SmallGemm small;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    /** Products with a mostly zero op(A) ({@link SparseRows}), or null. */
    private final SparseRows sparse;
    /**
     * Where packed B panels start in their buffers: on vector boundaries where the JVM's object alignment makes them
     * knowable ({@link ArrayAlignment}; the launcher's objects on 32 bytes put element 4 there at 256 bits), else 0.
     * The micro-kernels load a vector of a panel per step, which splits a cache line when off a boundary: 1.00-1.02x
     * on the MLP's dense products under the 256-bit proxy (decisions §2bu). Not in any element's arithmetic.
     */
    private final int bStart;

    /** System property that turns the sparse-rows path off ({@code false}); on by default. */
    public static final String SPARSE_ROWS_PROPERTY = "vectorgrad.gemm.sparseRows";
    /** Whether the library's GEMMs take the sparse-rows path ({@value #SPARSE_ROWS_PROPERTY}, read once). */
    static final boolean SPARSE_ROWS = !"false".equalsIgnoreCase(System.getProperty(SPARSE_ROWS_PROPERTY, "true").trim());

    /**
     * @param blocking        the MR/NR/KC/MC/NC table (its vector width picks the micro-kernel)
     * @param dispatcher      threads to split the MC/NR tile grid over
     * @param parallelMinWork products with {@code m·n·k} below this stay on the calling thread
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork) {
        this(blocking, dispatcher, parallelMinWork, SMALL_MAX_B, Long.MAX_VALUE, true,
                blocking.bits() == 256 ? NARROW_MAX_ROWS_256 : Integer.MAX_VALUE, blocking.bits() == 128 ? 0 : FEW_ROWS_TRANSPOSED_MAX,
                transposedProducts(blocking), SPARSE_ROWS);
    }

    /**
     * The library's GEMM ({@link #BlockedGemm(GemmBlocking, Dispatcher, long)}) with the sparse-rows path
     * ({@link SparseRows}) on or off whatever {@value #SPARSE_ROWS_PROPERTY} says: tests compare the two bitwise,
     * harnesses time them in one JVM.
     */
    public static BlockedGemm withSparseRows(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, boolean sparseRows) {
        return withDefaults(blocking, dispatcher, parallelMinWork, sparseRows, ArrayAlignment.current(), CpuFeatures.current());
    }

    /** As {@link #withSparseRows} with the path on, and the arrays' alignment as given (tests). */
    static BlockedGemm withAlignment(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, ArrayAlignment alignment) {
        return withDefaults(blocking, dispatcher, parallelMinWork, true, alignment, CpuFeatures.current());
    }

    /**
     * As {@link #withSparseRows} with the path on, as the library builds it on {@code cpu} ({@link SparseRows#kernelBits}):
     * tests check every CPU's choice on whatever machine runs them.
     */
    static BlockedGemm forCpu(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, CpuFeatures cpu) {
        return withDefaults(blocking, dispatcher, parallelMinWork, true, ArrayAlignment.current(), cpu);
    }

    /** The library's bounds and paths for the blocking's width, with the sparse path, the alignment and the CPU as given. */
    private static BlockedGemm withDefaults(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, boolean sparseRows,
                                            ArrayAlignment alignment, CpuFeatures cpu) {
        return new BlockedGemm(blocking, dispatcher, parallelMinWork, SMALL_MAX_B, Long.MAX_VALUE, true,
                blocking.bits() == 256 ? NARROW_MAX_ROWS_256 : Integer.MAX_VALUE, blocking.bits() == 128 ? 0 : FEW_ROWS_TRANSPOSED_MAX,
                transposedProducts(blocking), sparseRows, alignment, cpu);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long)}, with products whose op(B) has at most
     * {@code smallMaxB} floats (k within one KC block, not split over threads: {@code SmallGemm.applies}) on the
     * unpacked path: 0 turns it off, {@code Long.MAX_VALUE} lifts the bound (tests compare the two paths bitwise).
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, Long.MAX_VALUE);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long)}, where products of at least NR columns also need
     * {@code m·n·k} at most {@code smallMaxWork} for the unpacked path (harnesses time the two paths with it).
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, smallMaxWork, true);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long, long)}; {@code rowPanels} false packs every op(A)
     * into transposed panels even where the kernel takes an untransposed A's rows as they are
     * ({@link MicroKernel#readsRowPanels}): tests compare the two bitwise, harnesses time them.
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork, boolean rowPanels) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, smallMaxWork, rowPanels, Integer.MAX_VALUE, 0);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long, long, boolean)}, where an op(B) narrower than NR
     * runs unpacked only with at most {@code narrowMaxRows} rows ({@link #NARROW_MAX_ROWS_256}; {@code
     * Integer.MAX_VALUE} lifts the bound), and one of at most {@code fewRowsTransposedMax} rows with op(B) transposed
     * and at least NR columns runs packed ({@link #FEW_ROWS_TRANSPOSED_MAX}; 0 turns that off).
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork, boolean rowPanels,
                       int narrowMaxRows, int fewRowsTransposedMax) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, smallMaxWork, rowPanels, narrowMaxRows, fewRowsTransposedMax, false);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long, long, boolean, int, int)}, where
     * {@code transposedProducts} lets products that {@link #transposedFirst} picks run through their transpose
     * ({@link #transposedProducts(GemmBlocking)} in the library; the shorter constructors turn that path off).
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork, boolean rowPanels,
                       int narrowMaxRows, int fewRowsTransposedMax, boolean transposedProducts) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, smallMaxWork, rowPanels, narrowMaxRows, fewRowsTransposedMax, transposedProducts,
                SPARSE_ROWS);
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long, long, boolean, int, int, boolean)}, where
     * {@code sparseRows} false keeps products with a mostly zero op(A) on the dense paths ({@link SparseRows}; tests
     * compare the two bitwise, harnesses time them). The other constructors take {@link #SPARSE_ROWS}.
     */
    public BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork, boolean rowPanels,
                       int narrowMaxRows, int fewRowsTransposedMax, boolean transposedProducts, boolean sparseRows) {
        this(blocking, dispatcher, parallelMinWork, smallMaxB, smallMaxWork, rowPanels, narrowMaxRows, fewRowsTransposedMax, transposedProducts,
                sparseRows, ArrayAlignment.current(), CpuFeatures.current());
    }

    /**
     * As {@link #BlockedGemm(GemmBlocking, Dispatcher, long, long, long, boolean, int, int, boolean, boolean)}, with
     * the arrays' alignment as given instead of this JVM's (tests: the buffers' layout under every alignment a JVM can
     * have). It places packed B panels and the sparse path's op(B) rows on vector boundaries where it knows them
     * (decisions §2bu); where it does not, at their buffers' start. The bits never depend on it. The sparse path's
     * kernels are those {@link SparseRows#kernelBits} picks for the blocking's width on {@code cpu}.
     */
    BlockedGemm(GemmBlocking blocking, Dispatcher dispatcher, long parallelMinWork, long smallMaxB, long smallMaxWork, boolean rowPanels,
                int narrowMaxRows, int fewRowsTransposedMax, boolean transposedProducts, boolean sparseRows, ArrayAlignment alignment,
                CpuFeatures cpu) {
        int sparseBits = SparseRows.kernelBits(blocking.bits(), cpu);
        this.sparse = sparseRows && sparseBits > 0 ? new SparseRows(sparseBits, 0, SparseRows.SUB_BLOCK_FLOATS, alignment) : null;
        this.bStart = Math.max(0, alignment.firstAligned(blocking.bits() / 8));
        this.smallMaxB = smallMaxB;
        this.transposedProducts = transposedProducts;
        this.smallMaxWork = smallMaxWork;
        this.narrowMaxRows = narrowMaxRows;
        this.fewRowsTransposedMax = fewRowsTransposedMax;
        this.small = new SmallGemm(blocking.bits());
        this.blocking = blocking;
        this.kernel = MicroKernel.create(blocking);
        this.fusedStore = kernel.fusedStore();
        this.rowPanels = rowPanels && kernel.readsRowPanels() && blocking.kcOnePass() <= MicroKernel.ROW_PANEL_STRIDE;
        this.transposer = Transposer.create(blocking.bits());
        this.dispatcher = dispatcher;
        this.parallelMinWork = parallelMinWork;
    }

    public GemmBlocking blocking() { return blocking; }

    /**
     * What the sparse-rows path ({@link SparseRows}) does in this JVM for a GEMM of {@code bits}-wide vectors, in a
     * few words (the {@code info} command prints it).
     */
    public static String sparseRowsStatus(int bits) {
        return sparseRowsStatus(bits, CpuFeatures.current());
    }

    /** {@link #sparseRowsStatus(int)} on {@code cpu} (tests: every CPU's line on whatever machine runs them). */
    static String sparseRowsStatus(int bits, CpuFeatures cpu) {
        if (!SPARSE_ROWS) return "off (-D" + SPARSE_ROWS_PROPERTY + "=false)";
        int kernelBits = SparseRows.kernelBits(bits, cpu);
        if (kernelBits == 0) {
            return "off: no kernels at " + bits + " bits" + (bits == 512 ? " on a CPU with full-width 512-bit units" : "")
                    + " (docs/decisions.md §2br, §2bx)";
        }
        int lanes = kernelBits / Float.SIZE;
        boolean placed = ArrayAlignment.current().firstAligned(lanes * Float.BYTES) >= 0;
        return "on: a GEMM whose left operand is at least " + Math.round(SparseRows.MIN_ZERO_FRACTION * 100)
                + " % zeros does only its nonzeros' multiply-adds (on several threads, one block of rows each), same bits"
                + (bits == 512 ? " (at 512 bits only where the CPU runs 512-bit operations as two 256-bit halves, as this one does: "
                        + "docs/decisions.md §2bx)" : "") + "; "
                + (placed ? "its right operand's rows on " + lanes * Float.BYTES + "-byte boundaries (" + ArrayAlignment.current() + ")"
                        : "its right operand's rows where they lie (-XX:ObjectAlignmentInBytes=" + lanes * Float.BYTES
                                + " would put them on vector boundaries, docs/decisions.md §2bu)");
    }

    /** Whether a GEMM of {@code bits}-wide vectors has the sparse-rows path in this JVM ({@link #sparseRowsStatus}). */
    public static boolean sparseRowsOn(int bits) {
        return SPARSE_ROWS && SparseRows.kernelBits(bits, CpuFeatures.current()) > 0;
    }

    /** The sparse-rows path this GEMM takes where it applies, or null (tests). */
    SparseRows sparseRows() { return sparse; }

    /** Every path computes each element as one FMA chain over p ascending within the same K blocks, whatever the layout. */
    @Override
    public boolean layoutInvariant() { return true; }

    /** The blocking table's vector width: the micro-kernels' (and unpacked tiles') vectors. */
    @Override
    public int vectorBits() { return blocking.bits(); }

    /**
     * True when {@link #runGemm} would take this product on the sparse-rows path ({@link SparseRows#applies}): on
     * the calling thread, or past the parallel bound in row blocks, one per thread ({@link SparseRowsCall}).
     */
    @Override
    public boolean skipsZerosOf(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda) {
        if (sparse == null || m == 0 || n == 0 || k == 0) return false;
        return parallel(m, n, k) ? sparseSplit(transA, transB, m, n, k, a, aOff, lda) : sparse.applies(transA, transB, m, n, k, a, aOff, lda);
    }

    /**
     * Whether a product past the parallel bound runs as row blocks on the sparse-rows path, one per thread: op(A)
     * zero enough as a whole and each block's shape within the path's bounds. Each block decides again on its own
     * rows; a block that declines runs dense on its thread, with the same bits.
     */
    private boolean sparseSplit(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda) {
        int rows = m / dispatcher.threads();
        return rows > 0 && sparse.shapeFits(transB, rows, n, k) && sparse.applies(transA, transB, m, n, k, a, aOff, lda);
    }

    private boolean parallel(int m, int n, int k) {
        return dispatcher.threads() > 1 && (long) m * n * k >= parallelMinWork;
    }

    /** See {@link Gemm#gemm}; arguments checked there. */
    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        boolean parallel = parallel(m, n, k);
        if (parallel && sparse != null && sparseSplit(transA, transB, m, n, k, a, aOff, lda)) {
            // past the parallel bound: op(A)'s rows cut into one block per thread, each its own lists (§2bt)
            workspaces.get().sparseRowsCall.run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        serial(parallel, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@link #runGemm}'s paths for a product with m, n, k > 0 and alpha != 0; {@code parallel} false runs it whole on
     * the calling thread.
     */
    private void serial(boolean parallel, boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                        int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        // an op(A) mostly zero (a ReLU network's gradients and activations): only its nonzeros' FMAs, the same bits
        if (!parallel && sparse != null && sparse.tryGemm(transA, transB, m, n, k, kBlocks(k), alpha, a, aOff, lda, b, bOff, ldb, beta,
                c, cOff, ldc)) {
            return;
        }
        if (!parallel && fewColumns(transA, transB, m, n, k)) {
            fewColumnsProduct(transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (!parallel && beta == 0f && narrowTransposed(transA, transB, m, n, k)) {
            narrowTransposedProduct(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        if (oneRow(transB, m, n)) {
            // one row of C: op(B) streamed whole rows at a time into a row of accumulators (docs/decisions.md §2bd);
            // past the parallel bound each thread streams its own range of columns (each element's chain unchanged)
            workspaces.get().oneRowCall.run(parallel ? oneRowParts(n) : 1, n, k, alpha, a, aOff, transA ? lda : 1, b, bOff, ldb,
                    beta, c, cOff);
            return;
        }
        if (!parallel && (alpha == 1f || beta == 0f) && unpacked(transB, m, n, k)) {
            // op(B) small enough to stay in cache: packing would cost more than it saves (docs/decisions.md §2a).
            // Same bits (SmallGemm). Its tiles take no alpha or beta (§2ai): alpha other than 1 with a C that is read
            // is left to the packed path (the library's own calls all have alpha 1).
            Workspace w = workspaces.get().forSmall(SmallGemm.bufferSizeA(transA, m, k), small.bufferSizeB(transB, n, k),
                    small.scratchSize(m, n, k));
            small.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w.smallA, w.smallB, w.smallScratch);
            return;
        }
        if (!parallel && alpha == 1f && unpackedDeep(transB, m, n, k)) {
            // A narrow op(B) with K past one KC block: the unpacked path block by block, the packed path's K blocks
            // (kBlocks), C = acc (or acc + beta·C) after the first and C += acc after each other, as the packed
            // path's fma(acc, 1, C) stores: the same bits (docs/decisions.md §2au)
            int blocks = kBlocks(k), depth = ceilDiv(k, blocks);
            // blocks are k / blocks rows deep, rounded down or up, and the scratch's layout depends on the depth
            Workspace w = workspaces.get().forSmall(SmallGemm.bufferSizeA(transA, m, depth), small.bufferSizeB(transB, n, depth),
                    Math.max(small.scratchSize(m, n, depth), small.scratchSize(m, n, k / blocks)));
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = kBlockStart(k, kb, blocks), kcb = kBlockStart(k, kb + 1, blocks) - p0;
                small.gemm(transA, transB, m, n, kcb, 1f, a, aOff + (transA ? p0 * lda : p0), lda,
                        b, bOff + (transB ? p0 : p0 * ldb), ldb, kb == 0 ? beta : 1f, c, cOff, ldc, w.smallA, w.smallB, w.smallScratch);
            }
            return;
        }
        if (!parallel && fewRowsTransposed(transA, transB, m, n, k)) {
            // one or two rows of A times a wide Bᵀ: B's 16 x 16 blocks transposed in registers, none packed (§2av)
            Workspace w = workspaces.get();
            int need = FewRowsTransposed.scratchSize(n, k);
            if (w.fewRows.length < need) w.fewRows = new float[need];
            FewRowsTransposed.gemm(m, n, k, kBlocks(k), alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w.fewRows);
            return;
        }
        if (!parallel && beta == 0f && transposedFirst(transA, transB, m, n, k)) {
            transposedFirstProduct(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        workspaces.get().call.run(parallel, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@link #fewColumns}'s product, C = A·op(B) with one or two columns, through Cᵀ = op(B)ᵀ·Aᵀ. */
    private void fewColumnsProduct(boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        // one or two columns of C (a regression head's forward): Cᵀ = op(B)ᵀ·Aᵀ is one or two rows times a wide
        // Aᵀ, which FewRowsTransposed takes with A's 16 x 16 blocks transposed in registers, where the narrow
        // tiles would fill one lane or two of each vector (docs/decisions.md §2ay). Same bits: each element is the
        // same FMA chain over the packed path's K blocks (a·b = b·a exactly), stored with its formulas.
        Workspace w = workspaces.get();
        int need = FewRowsTransposed.scratchSize(m, k);
        if (w.fewRows.length < need) w.fewRows = new float[need];
        float[] rows = b;
        int rowsOff = bOff, ldRows = ldb;
        if (!transB && !(n == 1 && ldb == 1)) { // op(B)ᵀ's rows are B's columns: each copied into a row
            w.forSmall(n * k, 0, 0);
            small.transposeInto(b, bOff, ldb, k, n, w.smallA, 0, k);
            rows = w.smallA; rowsOff = 0; ldRows = k;
        } else if (!transB) {
            ldRows = k; // one row: B's k x 1 column, contiguous
        }
        if (n == 1 && ldc == 1) { // Cᵀ is C itself
            FewRowsTransposed.gemm(1, m, k, kBlocks(k), alpha, rows, rowsOff, ldRows, a, aOff, lda, beta, c, cOff, m, w.fewRows);
            return;
        }
        // through Cᵀ by blocks of TRANSPOSED_CHUNK of C's rows, so that its copy stays small whatever M is
        int chunk = Math.min(m, TRANSPOSED_CHUNK);
        if (w.transposedC.length < n * chunk) w.transposedC = new float[n * chunk];
        float[] ct = w.transposedC;
        for (int i0 = 0; i0 < m; i0 += chunk) {
            int mi = Math.min(chunk, m - i0);
            if (beta != 0f) small.transposeInto(c, cOff + i0 * ldc, ldc, mi, n, ct, 0, mi);
            FewRowsTransposed.gemm(n, mi, k, kBlocks(k), alpha, rows, rowsOff, ldRows, a, aOff + i0 * lda, lda, beta, ct, 0, mi, w.fewRows);
            small.transposeInto(ct, 0, mi, n, mi, c, cOff + i0 * ldc, ldc);
        }
    }

    /** {@link #narrowTransposed}'s product, C = Aᵀ·B with beta 0, through Cᵀ = Bᵀ·A. */
    private void narrowTransposedProduct(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                         float[] c, int cOff, int ldc) {
        // Cᵀ = Bᵀ·A with vectors along M, B broadcast and A loaded where they lie, then transposed into C (docs/decisions.md
        // §2bf): op(B) here gives n < NR lanes along N. Same bits: each element is the same FMA chain (a·b = b·a
        // exactly), alpha·acc stored, C not read. Cᵀ by blocks of TRANSPOSED_CHUNK of its columns (C's rows), so that
        // its copy stays small whatever M is; a last block narrower than a vector starts earlier (its first rows again,
        // the same bits), the kernel needing a vector of rows.
        int cols = Math.min(m, TRANSPOSED_CHUNK), bits = blocking.bits();
        Workspace w = workspaces.get();
        if (w.transposedC.length < n * cols) w.transposedC = new float[n * cols];
        for (int i0 = 0; i0 < m; i0 += cols) {
            int from = Math.max(0, Math.min(i0, m - NarrowTransposed.minRows(bits))), mi = Math.min(cols, m - from);
            NarrowTransposed.gemm(bits, mi, n, k, a, aOff + from, lda, b, bOff, ldb, w.transposedC, 0, mi);
            small.transposeInto(w.transposedC, 0, mi, n, mi, c, cOff + from * ldc, ldc);
        }
        if (alpha != 1f) scaleC(m, n, alpha, c, cOff, ldc); // alpha·acc rounded once, as the packed path stores it
    }

    /** {@link #transposedFirst}'s product, C = A·Bᵀ with beta 0, through Cᵀ = B·Aᵀ. */
    private void transposedFirstProduct(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                        float[] c, int cOff, int ldc) {
        // Cᵀ = op(B)ᵀ·op(A)ᵀ on the unpacked path, then transposed into C (docs/decisions.md §2as): B's rows are
        // broadcast where they lie instead of being packed, and only op(A), the smaller operand, is copied. Same
        // bits: each element is the same FMA chain (a·b = b·a exactly) followed by alpha·acc, and C is not read.
        // Cᵀ by blocks of TRANSPOSED_CHUNK of its rows (C's columns), so that its copy stays small whatever N is
        int rows = Math.min(n, TRANSPOSED_CHUNK), last = n - (n - 1) / rows * rows; // the scratch's size depends on the block's height
        Workspace w = workspaces.get().forSmall(0, small.bufferSizeB(true, m, k),
                Math.max(small.scratchSize(rows, m, k), small.scratchSize(last, m, k)));
        if (w.transposedC.length < rows * m) w.transposedC = new float[rows * m];
        for (int j0 = 0; j0 < n; j0 += rows) {
            int nj = Math.min(rows, n - j0);
            small.gemm(false, true, nj, m, k, alpha, b, bOff + j0 * ldb, ldb, a, aOff, lda, 0f, w.transposedC, 0, m,
                    w.smallA, w.smallB, w.smallScratch);
            small.transposeInto(w.transposedC, 0, m, nj, m, c, cOff + j0, ldc);
        }
    }

    /**
     * Whether a single-threaded product of one or two columns with A as it lies runs as its transpose through
     * {@link FewRowsTransposed} (one or two rows times Aᵀ): where that path is (512 bits, {@code smallMaxB} above 0),
     * at least NR rows (its columns there) and K of at least 16. Measured on AMD Zen 5 (docs/decisions.md §2ay). A pure
     * function of the shape and the table.
     */
    boolean fewColumns(boolean transA, boolean transB, int m, int n, int k) {
        return n <= 2 && !transA && fewRowsTransposed(false, true, n, m, k);
    }

    /**
     * Whether a single-threaded product with beta 0, A transposed and B not (C = Aᵀ·B, a dense layer's weight
     * gradient) and op(B) narrower than one NR panel runs as its transpose Cᵀ = Bᵀ·A through {@link NarrowTransposed},
     * A and B read where they lie: at least {@link #NARROW_TRANSPOSED_MIN_ROWS} rows
     * ({@link #NARROW_TRANSPOSED_MIN_ROWS_256} at 256 bits; not at 128, as {@link #transposedFirst}) and K within one
     * of the packed path's K blocks (one FMA chain per element on every path, so the same bits); at 512 bits not
     * fewer than {@link #NARROW_TRANSPOSED_TWO_VECTORS} rows with more than {@link #NARROW_TRANSPOSED_WIDE_N_512}
     * columns; {@code smallMaxB} 0 (every product packed) turns it off. A pure function of the shape and the table.
     */
    boolean narrowTransposed(boolean transA, boolean transB, int m, int n, int k) {
        int bits = blocking.bits(), minRows = bits == 256 ? NARROW_TRANSPOSED_MIN_ROWS_256 : NARROW_TRANSPOSED_MIN_ROWS;
        boolean wideFewRows = bits == 512 && m < NARROW_TRANSPOSED_TWO_VECTORS && n > NARROW_TRANSPOSED_WIDE_N_512;
        return transposedProducts && smallMaxB > 0 && NarrowTransposed.available(bits) && transA && !transB
                && n < blocking.nr() && m >= minRows && !wideFewRows && kBlocks(k) == 1;
    }

    /**
     * The small-product rule for a single-threaded call: {@link SmallGemm} instead of packed panels. Few rows with
     * op(B) as it lies ({@link #fewRowsUnpacked}), or op(B) within the bound (and K one KC block); then an op(B)
     * narrower than one NR panel needs at most {@code narrowMaxRows} rows, any other a work of at most {@code smallMaxWork} and, with op(B) transposed, more
     * than {@code fewRowsTransposedMax} rows. A pure function of the shape and the blocking table.
     */
    boolean unpacked(boolean transB, int m, int n, int k) {
        if (fewRowsUnpacked(transB, m, n, k)) return true;
        if (!SmallGemm.applies(n, k, blocking.kc(), smallMaxB)) return false;
        if (n < blocking.nr()) return m <= narrowMaxRows;
        return (long) m * n * k <= smallMaxWork && !(transB && m <= fewRowsTransposedMax);
    }

    /**
     * The few-rows extension of the small-product rule: op(B) not transposed, at most {@link #FEW_ROWS_UNPACKED_MAX}
     * rows ({@link #FEW_ROWS_UNPACKED_MAX_256} at 256 bits), at least NR columns, K within one KC block (the packed
     * path's bits; a deeper K goes block by block, {@link #unpackedDeep}), m·n·k within {@code smallMaxWork}, and op(B) read once by the unpacked path or at most {@link #FEW_ROWS_UNPACKED_MAX_B}
     * floats; {@code smallMaxB} 0 (every product packed) turns it off. A pure function of the shape and the table.
     */
    boolean fewRowsUnpacked(boolean transB, int m, int n, int k) {
        return k <= blocking.kc() && fewRowsBlock(transB, m, n, k);
    }

    /**
     * {@link #fewRowsUnpacked}'s conditions on one K block of {@code depth} rows of op(B), whatever the product's K:
     * {@link #unpackedDeep} runs few rows block by block with them.
     */
    private boolean fewRowsBlock(boolean transB, int m, int n, int depth) {
        int maxRows = blocking.bits() == 256 ? FEW_ROWS_UNPACKED_MAX_256 : FEW_ROWS_UNPACKED_MAX;
        return smallMaxB > 0 && !transB && m <= maxRows && n >= blocking.nr()
                && (long) m * n * depth <= smallMaxWork
                && ((long) depth * n <= FEW_ROWS_UNPACKED_MAX_B || small.rowBlocks(m, n, depth) == 1);
    }

    /**
     * Whether a product of one row with op(B) as it lies (NN, TN) and at least
     * {@link #ONE_ROW_MIN_VECTORS} vectors of columns ({@link #ONE_ROW_MIN_VECTORS_512} at 512 bits) runs through
     * {@link OneRow}, op(B) streamed whole rows at a time, past the parallel bound a range of columns per thread
     * ({@link #oneRowParts}; docs/decisions.md §2bd); {@code smallMaxB} 0 (every product packed) turns it off. A pure
     * function of the shape and the table.
     */
    /**
     * Column ranges of a one-row product past the parallel bound ({@link #oneRow}): one per thread, each at least two
     * whole vectors wide, so that every range but the last is whole vectors and the last holds at least one.
     */
    int oneRowParts(int n) {
        return Math.max(1, Math.min(dispatcher.threads(), n / (2 * small.lanes())));
    }

    boolean oneRow(boolean transB, int m, int n) {
        int vectors = blocking.bits() == 512 ? ONE_ROW_MIN_VECTORS_512 : ONE_ROW_MIN_VECTORS;
        return smallMaxB > 0 && m == 1 && !transB && n >= vectors * small.lanes();
    }

    /**
     * Whether a single-threaded product with beta 0 runs as its transpose, Cᵀ = op(B)ᵀ·op(A)ᵀ, on the unpacked path
     * ({@link SmallGemm}) and is then transposed into C: B transposed and A not (C = A·Bᵀ, a dense layer's forward),
     * op(B) too large for the plain unpacked path, K within one pass ({@link GemmBlocking#kcOnePass}: one FMA chain
     * per element on both paths, so the same bits), and M whole vectors, at most {@link SmallGemm#transposedMaxRows}: Cᵀ
     * is then one column panel of the unpacked tiles, so B's rows are broadcast once each where they lie, where the
     * packed path would transpose all of B into panels for a few rows of A. Measured on AMD Zen 5 at 512 bits and
     * under the AVX2 proxy (docs/decisions.md §2as). A pure function of the shape and the table.
     */
    boolean transposedFirst(boolean transA, boolean transB, int m, int n, int k) {
        return transposedProducts && transB && !transA && m % small.lanes() == 0 && m > 0 && m <= small.transposedMaxRows()
                && k <= blocking.kcOnePass() && !unpacked(true, m, n, k);
    }

    /**
     * Whether the library's GEMM of this table computes some products through their transpose
     * ({@link #transposedFirst}): at 512 and 256 bits, where it was measured to pay; not at 128 (no register
     * transposer, not measured; docs/decisions.md §2as).
     */
    public static boolean transposedProducts(GemmBlocking blocking) {
        return blocking.bits() != 128;
    }

    /**
     * Whether a single-threaded product of one or two rows with B transposed, A not, and at least NR columns runs
     * through {@link FewRowsTransposed} (512 bits, where its register transpose is; K of at least 16), unless the
     * plain unpacked path takes it; {@code smallMaxB} 0 (every product packed) turns it off. Measured on AMD Zen 5
     * (docs/decisions.md §2av). A pure function of the shape and the table.
     */
    boolean fewRowsTransposed(boolean transA, boolean transB, int m, int n, int k) {
        return blocking.bits() == 512 && smallMaxB > 0 && transB && !transA && m <= 2 && n >= blocking.nr() && k >= FewRowsTransposed.LANES
                && !unpacked(true, m, n, k);
    }

    /**
     * K blocks of the packed path: one up to {@link GemmBlocking#kcOnePass}, else KC-deep ones, balanced
     * ({@link #kBlockStart}); a function of k and the table alone, so the bits depend neither on the threads nor on M.
     */
    int kBlocks(int k) {
        return k <= blocking.kcOnePass() ? 1 : ceilDiv(k, blocking.kc());
    }

    /** The first k of block {@code kb} of {@code blocks} balanced K blocks (block {@code blocks} starts at k). */
    static int kBlockStart(int k, int kb, int blocks) {
        return (int) ((long) k * kb / blocks);
    }

    /**
     * Whether a single-threaded product with alpha 1 and K past one KC block runs on the unpacked path block by block
     * (one block up to {@link GemmBlocking#kcOnePass}): either op(B) narrower than one NR panel (the packed path's
     * panel would be mostly padding, and its tile mostly empty rows for a few rows of A), within the unpacked path's
     * op(B) bound per K block ({@code smallMaxB}: 0 turns this path off too), and the rows that a narrow op(B) allows
     * ({@code narrowMaxRows}), measured on AMD Zen 5 at every width (docs/decisions.md §2au); or few rows with op(B)
     * as it lies, on {@link #fewRowsUnpacked}'s conditions for each block (a one-sample product with a deep K, such as
     * a dense layer's 1x512x784 input gradient: the packed path would copy all of op(B) for one row; §2bc).
     * A pure function of the shape and the table.
     */
    boolean unpackedDeep(boolean transB, int m, int n, int k) {
        if (k <= blocking.kc()) return false;
        int depth = ceilDiv(k, kBlocks(k));
        if (n >= blocking.nr()) return fewRowsBlock(transB, m, n, depth);
        return m <= narrowMaxRows && (long) depth * n <= smallMaxB;
    }

    /** {@link #unpacked(boolean, int, int, int)} for op(B) as it lies (not transposed). */
    boolean unpacked(int m, int n, int k) {
        return unpacked(false, m, n, k);
    }

    /**
     * Whether an untransposed op(A) goes into row panels ({@link MicroKernel#readsRowPanels}: a copy per row instead
     * of a register transpose per micro-panel) for this shape. The copy saves ~0.2 ns per element of A, which the
     * kernel spends again on ~2 n FLOPs per element at a slightly slower loop (two bounds checks per k step), so it
     * pays when K is deep next to N: measured 1.03-1.07x where K ≥ 2N (128x128x3136, 288x64x196, 64x64x512 under the
     * AVX2 proxy; 1.01-1.03x at 512 bits) and 0.98-0.99x on NN shapes with K < N at 256 bits. At K = N alone they
     * measured 1.00-1.01x, but a whole MLP training step at 512 bits ran 0.82-0.94x with its 128x512x784 NT forward
     * on them, so the rule stays at 2N (docs/decisions.md §2u).
     */
    static boolean rowPanelsPay(int n, int k) {
        return k >= 2L * n;
    }

    /**
     * Whether a parallel product with several row blocks runs as ranges of row micro-panels, each thread packing
     * op(B) for itself, instead of the staged path's shared op(B) block with two barriers per KC stage: when there is
     * one column block and at least two row blocks per thread. At 1024³ on two threads the shared path scaled
     * 1.75-1.81x over one thread and the ranges 1.84-1.90x, as the one-thread OpenBLAS calls cut over the dispatcher
     * do (1.85-1.99; docs/decisions.md §2ae); packing op(B) twice costs ~1 % there. With one KC stage the ranges are
     * guided chunks ({@link #guidedChunks}, {@code guidedChunk}, §2bj), with several one range per thread
     * ({@code rowRangeChunk}).
     */
    static boolean rowRanges(int mBlocks, int nBlocks, int threads) {
        return nBlocks == 1 && mBlocks >= 2 * threads;
    }

    /**
     * Guided self-scheduling of {@code panels} micro-panels over {@code threads} threads: each chunk takes
     * ceil(remaining / (2·threads)) micro-panels, so chunks shrink from about a quarter of the work (two threads) to
     * single micro-panels at the end, and the threads finish within one micro-panel of each other whichever of them
     * the host slows. Writes the bounds into {@code bounds[0..chunks]} (bounds[0] = 0, bounds[chunks] = panels,
     * increasing) and returns the chunk count; a pure function of its arguments.
     */
    static int guidedChunks(int panels, int threads, int[] bounds) {
        int chunks = 0, at = 0;
        bounds[0] = 0;
        while (at < panels) {
            at += Math.max(1, ceilDiv(panels - at, 2 * threads));
            bounds[++chunks] = at;
        }
        return chunks;
    }

    /** C = beta·C without reading C when beta is 0 (it may hold NaN); also SmallGemm's scaling around its tiles. */
    static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, row, row + n, 0f);
            else for (int j = 0; j < n; j++) c[row + j] *= beta;
        }
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** One thread's buffers; {@link #call} is only used when this thread is the one calling gemm. */
    private final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        /** This thread's B panels in the one-row-block path ({@link Call#rowBlockChunk}). */
        float[] ownB = new float[0];
        /** The call stage whose whole op(B) {@link #ownB} holds ({@link Call#guidedChunk}); -1 when none. */
        long ownBStage = -1;
        /** op(A) and op(B) in row order for the unpacked path ({@link SmallGemm}) when transposed. */
        float[] smallA = new float[0], smallB = new float[0];
        /** The unpacked path's scratch: the cut last vector of each row and a short last row panel ({@link SmallGemm#scratchSize}). */
        float[] smallScratch = new float[0];
        /** {@link FewRowsTransposed}'s scratch. */
        float[] fewRows = new float[0];
        /** {@link OneRow}'s row of accumulators. */
        float[] oneRow = new float[0];
        final OneRowCall oneRowCall = new OneRowCall();
        final SparseRowsCall sparseRowsCall = new SparseRowsCall();
        /** C transposed, for products computed through their transpose ({@link #transposedFirst}). */
        float[] transposedC = new float[0];
        final float[] tile = new float[blocking.mr() * blocking.nr()];
        long aStage = -1;
        int aBlock = -1;
        final Call call = new Call(this);

        float[] packedA(int size) {
            if (packedA.length < size) packedA = new float[size];
            return packedA;
        }

        /** This workspace with the unpacked path's buffers grown to at least these sizes (floats). */
        Workspace forSmall(int sizeA, int sizeB, int sizeScratch) {
            if (smallA.length < sizeA) smallA = new float[sizeA];
            if (smallB.length < sizeB) smallB = new float[sizeB];
            if (smallScratch.length < sizeScratch) smallScratch = new float[sizeScratch];
            return this;
        }
    }

    /** The state of one gemm call, reused by the next call on the same thread: the chunk tasks read it. */
    /**
     * A one-row product ({@link OneRow}) over {@code parts} column ranges, balanced by whole vectors, each on the
     * dispatcher's threads with that thread's row of accumulators; one reusable task per calling thread, so a call
     * allocates nothing once the accumulators have grown.
     */
    private final class OneRowCall implements ChunkTask {
        private int parts, n, k, aOff, inc, bOff, ldb, cOff, blocks;
        private float alpha, beta;
        private float[] a, b, c;

        void run(int parts, int n, int k, float alpha, float[] a, int aOff, int inc, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff) {
            this.parts = parts; this.n = n; this.k = k; this.alpha = alpha; this.a = a; this.aOff = aOff; this.inc = inc;
            this.b = b; this.bOff = bOff; this.ldb = ldb; this.beta = beta; this.c = c; this.cOff = cOff;
            this.blocks = kBlocks(k);
            if (parts == 1) run(0);
            else dispatcher.forEach(parts, this);
            this.a = this.b = this.c = null; // no reference kept to the caller's arrays
        }

        @Override
        public void run(int part) {
            int lanes = small.lanes(), vectors = ceilDiv(n, lanes);
            int j0 = lanes * (int) ((long) vectors * part / parts);
            int j1 = part == parts - 1 ? n : lanes * (int) ((long) vectors * (part + 1) / parts);
            Workspace w = workspaces.get();
            if (w.oneRow.length < j1 - j0) w.oneRow = new float[j1 - j0];
            OneRow.gemm(blocking.bits(), j1 - j0, k, blocks, alpha, a, aOff, inc, b, bOff + j0, ldb, beta, c, cOff + j0, w.oneRow);
        }
    }

    /**
     * A product past the parallel bound whose op(A) is mostly zero ({@link #sparseSplit}): op(A)'s rows (and C's) in
     * one block per thread, balanced, each run by {@link #serial} on one thread, so on the sparse-rows path with its
     * own transposes and lists, or dense when its rows decline (each element's chain is the same either way). With
     * the lists made by the caller and only the rows split, the MLP's step at two threads ran level with the dense
     * split (decisions §2br); here every stage runs on its block's thread (§2bt). One reusable task per calling
     * thread.
     */
    private final class SparseRowsCall implements ChunkTask {
        private boolean transA, transB;
        private int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, parts;
        private float alpha, beta;
        private float[] a, b, c;

        void run(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k; this.alpha = alpha;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.parts = dispatcher.threads();
            try {
                dispatcher.forEach(parts, this);
            } finally {
                this.a = this.b = this.c = null; // no reference kept to the caller's arrays
            }
        }

        @Override
        public void run(int part) {
            int i0 = (int) ((long) m * part / parts), i1 = (int) ((long) m * (part + 1) / parts);
            if (i1 == i0) return;
            serial(false, transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda, b, bOff, ldb, beta,
                    c, cOff + i0 * ldc, ldc);
        }
    }

    private final class Call {
        private final Workspace owner;
        private final ChunkTask packTask = this::packChunk;
        private final ChunkTask computeTask = this::computeChunk;
        private final ChunkTask rowBlockTask = this::rowBlockChunk;
        private final ChunkTask rowRangeTask = this::rowRangeChunk;
        private final ChunkTask guidedTask = this::guidedChunk;
        /** Micro-panel bounds of the guided chunks ({@link #guidedChunks}), reused from call to call. */
        private int[] rangeBounds = new int[0];
        private int kBlocks;
        // the operands
        private boolean transA, transB;
        /**
         * Full MR-row micro-panels of op(A) are row panels (rowPanels and A not transposed): MR row segments copied
         * {@link MicroKernel#ROW_PANEL_STRIDE} apart; a last, shorter one is packed as usual.
         */
        private boolean rowPanelsA;
        private int m, k;
        private float alpha;
        private float[] a, b, c;
        private int aOff, lda, bOff, ldb, cOff, ldc;
        // the current (NC, KC) stage
        private int j0, cols, panels, p0, kc, mcEff, mBlocks, groups, packChunks;
        private float beta, beta0;
        private long stage;

        Call(Workspace owner) { this.owner = owner; }

        void run(boolean parallel, boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.transA = transA; this.transB = transB; this.rowPanelsA = rowPanels && !transA && rowPanelsPay(n, k); this.m = m; this.k = k; this.alpha = alpha;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.beta0 = beta;
            int mr = blocking.mr(), nr = blocking.nr(), threads = dispatcher.threads();
            // Balanced blocks: 784 = 4 x 196 rather than 3 x 256 + 16, a thin last block wastes a packing pass.
            mBlocks = ceilDiv(m, blocking.mc());
            // Several row blocks on several threads: at least two per thread, and a multiple of the threads, so that
            // each thread computes whole row blocks of every KC stage (computeChunk). 3 blocks on 2 threads left one
            // thread idle for a third of the call; with one block per thread each thread's A block (516 x 341 at
            // 1024³) shared its L2 with the stage's 1.4 MiB B block, and two smaller ones ran 1.03-1.11x faster
            // (docs/decisions.md §2l).
            if (parallel && mBlocks >= threads) mBlocks = Math.max(2 * threads, ceilDiv(mBlocks, threads) * threads);
            mcEff = ceilDiv(ceilDiv(m, mBlocks), mr) * mr;
            mBlocks = ceilDiv(m, mcEff);
            // NC bounds the B block that the staged path's ir sweeps reread; the one-row-block path packs each B
            // micro-panel just before use and has no B block, so it takes every column at once (more column blocks
            // would only pack op(A) again for each).
            int nBlocks = mBlocks == 1 ? 1 : ceilDiv(n, blocking.nc());
            int ncEff = ceilDiv(ceilDiv(n, nBlocks), nr) * nr;
            nBlocks = ceilDiv(n, ncEff);
            // K up to kcOnePass in one pass (GemmBlocking.KC_ONE_PASS), deeper K in KC blocks: a function of k and
            // the table alone, so the bits depend neither on the threads nor on M.
            kBlocks = kBlocks(k);
            for (int jb = 0; jb < nBlocks; jb++) {
                j0 = jb * ncEff;
                cols = Math.min(ncEff, n - j0);
                panels = ceilDiv(cols, nr);
                // About 4 chunks per thread (when panels allow): chunks are claimed dynamically, and smaller ones
                // let the caller absorb a worker's share when the OS has not scheduled it.
                groups = parallel ? Math.max(1, Math.min(panels, ceilDiv(4 * threads, mBlocks))) : 1;
                packChunks = parallel ? Math.min(panels, 4 * threads) : 1;
                if (parallel && mBlocks == 1) {
                    // One row block (the MLP's batch-128 shapes): no B panel is shared between chunks, so each
                    // thread packs its own panels and runs every KC block itself: one dispatch for the whole
                    // column block instead of two per KC block (dispatches were ~20 % of a 1 ms call).
                    groups = Math.min(panels, threads);
                    dispatcher.forEach(groups, rowBlockTask);
                    continue;
                }
                if (!parallel && mBlocks == 1) {
                    rowBlockChunk(0); // groups = 1: every panel, one at a time (see rowBlockChunk)
                    continue;
                }
                if (parallel && rowRanges(mBlocks, nBlocks, threads)) {
                    if (kBlocks == 1) {
                        // one KC stage: chunks of decreasing size, claimed as threads come free, over one op(B) packed
                        // per thread (guidedChunk)
                        int microPanels = ceilDiv(m, mr);
                        if (rangeBounds.length < microPanels + 1) rangeBounds = new int[microPanels + 1];
                        int chunks = guidedChunks(microPanels, threads, rangeBounds);
                        stage = STAGE.incrementAndGet();
                        dispatcher.forEach(chunks, guidedTask);
                    } else {
                        dispatcher.forEach(threads, rowRangeTask);
                    }
                    continue;
                }
                for (int kb = 0; kb < kBlocks; kb++) {
                    p0 = kBlockStart(k, kb, kBlocks);
                    kc = kBlockStart(k, kb + 1, kBlocks) - p0;
                    this.beta = kb == 0 ? beta : 1f;
                    stage = STAGE.incrementAndGet();
                    if (owner.packedB.length < bStart + panels * kc * nr) owner.packedB = new float[bStart + panels * kc * nr];
                    if (parallel) {
                        dispatcher.forEach(packChunks, packTask);
                        dispatcher.forEach(mBlocks * groups, computeTask);
                    } else {
                        packChunk(0);
                        for (int ch = 0; ch < mBlocks; ch++) computeChunk(ch);
                    }
                }
            }
            this.a = null; this.b = null; this.c = null; // do not keep the caller's arrays alive
        }

        /**
         * Micro-panels [t·P/T, (t+1)·P/T) of op(A)'s P row micro-panels against the single column block, every KC block
         * in order, on whichever thread claims range t ({@link #rowRanges}): it packs the whole op(B) block of each KC
         * stage into its own buffer and runs its rows one op(A) micro-panel at a time, so the threads share no buffer
         * and meet once per call instead of twice per KC stage. Which rows share a micro-panel or a thread changes no
         * element's arithmetic. Same packed values, same kernels, same K blocks and betas as
         * the staged path: the same bits.
         */
        private void rowRangeChunk(int t) {
            // rows by micro-panels, not by row blocks: at 1024³ four blocks of 264 rows gave the threads 528 and 496
            int mr = blocking.mr(), nr = blocking.nr(), threads = dispatcher.threads(), microPanels = ceilDiv(m, mr);
            int r0 = (int) ((long) microPanels * t / threads) * mr, r1 = Math.min(m, (int) ((long) microPanels * (t + 1) / threads) * mr);
            Workspace w = workspaces.get();
            w.ownBStage = -1; // ownB is about to hold one KC stage of this call, then the next
            for (int kb = 0; kb < kBlocks; kb++) {
                int pk0 = kBlockStart(k, kb, kBlocks), kcb = kBlockStart(k, kb + 1, kBlocks) - pk0;
                float betaK = kb == 0 ? beta0 : 1f;
                if (w.ownB.length < bStart + panels * kcb * nr + Transposer.SLACK) w.ownB = new float[bStart + panels * kcb * nr + Transposer.SLACK];
                Packing.packB(transB, b, bOff, ldb, pk0, kcb, j0, cols, nr, 0, panels, w.ownB, bStart, transposer);
                float[] pa = w.packedA(mr * panelDepth(kcb) + Transposer.SLACK);
                for (int i = r0; i < r1; i += mr) {
                    int nrows = Math.min(mr, r1 - i);
                    packABlock(i, nrows, pk0, kcb, pa);
                    computePanels(0, panels, i, nrows, kcb, betaK, pa, w.ownB, bStart, w.tile);
                }
                w.aStage = -1; // this buffer no longer holds a staged block
            }
        }

        /**
         * Guided chunk {@code c} of a product with one KC stage on the row-range path: micro-panels
         * [rangeBounds[c], rangeBounds[c + 1]) of op(A) against the whole column block. The first chunk a thread
         * claims in a call packs op(B) into that thread's buffer; its later chunks reuse it. Chunks go to whichever
         * thread comes free, the last ones a single micro-panel each, so a thread that the host slows for part of a
         * call leaves its remaining rows to the other instead of holding the call (fixed halves waited for the slower
         * thread). A tile's arithmetic depends on neither the chunk nor the thread: the same bits as
         * {@link #rowRangeChunk}.
         */
        private void guidedChunk(int c) {
            int mr = blocking.mr(), nr = blocking.nr();
            Workspace w = workspaces.get();
            if (w.ownBStage != stage) {
                if (w.ownB.length < bStart + panels * k * nr + Transposer.SLACK) w.ownB = new float[bStart + panels * k * nr + Transposer.SLACK];
                Packing.packB(transB, b, bOff, ldb, 0, k, j0, cols, nr, 0, panels, w.ownB, bStart, transposer);
                w.ownBStage = stage;
            }
            float[] pa = w.packedA(mr * panelDepth(k) + Transposer.SLACK);
            for (int i = rangeBounds[c] * mr, r1 = Math.min(m, rangeBounds[c + 1] * mr); i < r1; i += mr) {
                int nrows = Math.min(mr, r1 - i);
                packABlock(i, nrows, 0, k, pa);
                computePanels(0, panels, i, nrows, k, beta0, pa, w.ownB, bStart, w.tile);
            }
            w.aStage = -1; // this buffer no longer holds a staged block
        }

        private void packChunk(int chunk) {
            int from = (int) ((long) panels * chunk / packChunks), to = (int) ((long) panels * (chunk + 1) / packChunks);
            Packing.packB(transB, b, bOff, ldb, p0, kc, j0, cols, blocking.nr(), from, to, owner.packedB, bStart, transposer);
        }

        /**
         * Panel group {@code g} of the single row block, over every KC block in order (same bits as the staged path):
         * op(A) is packed whole, then each B micro-panel is packed into one small buffer just before the kernels run
         * over it. With one row block no packed B panel is read by two chunks, so it need not outlive its use: the
         * packed copy stays in L1 (KC·NR floats) instead of going through a buffer the size of op(B).
         */
        private void rowBlockChunk(int g) {
            int q0 = (int) ((long) panels * g / groups), q1 = (int) ((long) panels * (g + 1) / groups);
            rowBlock(0, m, q0, q1);
        }

        /** Rows [i0, i0 + rows) x panels [q0, q1), every KC block in order: see {@link #rowBlockChunk}. */
        private void rowBlock(int i0, int rows, int q0, int q1) {
            if (q0 == q1) return;
            int mr = blocking.mr(), nr = blocking.nr();
            Workspace w = workspaces.get();
            for (int kb = 0; kb < kBlocks; kb++) {
                int pk0 = kBlockStart(k, kb, kBlocks), kcb = kBlockStart(k, kb + 1, kBlocks) - pk0;
                float betaK = kb == 0 ? beta0 : 1f;
                if (w.ownB.length < bStart + kcb * nr + Transposer.SLACK) w.ownB = new float[bStart + kcb * nr + Transposer.SLACK];
                w.ownBStage = -1; // ownB now holds one micro-panel at a time
                float[] pa = w.packedA(ceilDiv(rows, mr) * mr * panelDepth(kcb) + Transposer.SLACK);
                packABlock(i0, rows, pk0, kcb, pa);
                w.aStage = -1; // this buffer no longer holds a staged block
                for (int q = q0; q < q1; q++) {
                    Packing.packB(transB, b, bOff, ldb, pk0, kcb, j0, cols, nr, q, q + 1, w.ownB, bStart - q * kcb * nr, transposer);
                    computePanels(q, q + 1, i0, rows, kcb, betaK, pa, w.ownB, bStart - q * kcb * nr, w.tile);
                }
            }
        }

        private void computeChunk(int chunk) {
            int ib, g, threads = dispatcher.threads();
            if (threads > 1 && mBlocks % threads == 0) {
                // Chunks are claimed in index order, so a thread that keeps pace takes every threads-th one: give
                // those the same row block, so each thread packs its own A blocks once instead of every thread
                // packing every block (two threads on 1024³ packed each A block twice). Any order gives the same
                // bits: a chunk's tiles are computed whole, from the same packed data, whichever thread runs it.
                int slot = chunk % threads, round = chunk / threads;
                ib = slot + threads * (round / groups);
                g = round % groups;
            } else {
                ib = chunk / groups;
                g = chunk % groups;
            }
            int q0 = (int) ((long) panels * g / groups), q1 = (int) ((long) panels * (g + 1) / groups);
            if (q0 == q1) return;
            int mr = blocking.mr(), nr = blocking.nr();
            int i0 = ib * mcEff, rows = Math.min(mcEff, m - i0);
            Workspace w = workspaces.get();
            if (q0 == 0 && q1 == panels) {
                // The chunk is the whole row block (always on one thread): pack op(A) one micro-panel at a time, just
                // before its ir sweep, into an L1-sized buffer, so that L2 holds the stage's B block and not also a
                // row block of A (1.03-1.04x at 1024³, docs/decisions.md §2l). Chunks of part of a row block (two
                // threads) share one packed A block instead, or each would pack every micro-panel again.
                float[] pa = w.packedA(mr * panelDepth(kc) + Transposer.SLACK);
                for (int ir = 0; ir < rows; ir += mr) {
                    int nrows = Math.min(mr, rows - ir);
                    packABlock(i0 + ir, nrows, p0, kc, pa);
                    computePanels(q0, q1, i0 + ir, nrows, kc, beta, pa, owner.packedB, bStart, w.tile);
                }
                w.aStage = -1; // this buffer no longer holds a staged block
                return;
            }
            float[] pa = w.packedA(ceilDiv(rows, mr) * mr * panelDepth(kc) + Transposer.SLACK);
            if (w.aStage != stage || w.aBlock != ib) {
                packABlock(i0, rows, p0, kc, pa);
                w.aStage = stage;
                w.aBlock = ib;
            }
            computePanels(q0, q1, i0, rows, kc, beta, pa, owner.packedB, bStart, w.tile);
        }

        /** Floats per row of op(A) in a packed A buffer: {@link MicroKernel#ROW_PANEL_STRIDE} for row panels, else kc. */
        private int panelDepth(int kc) { return rowPanelsA ? MicroKernel.ROW_PANEL_STRIDE : kc; }

        /**
         * Packs rows [i0, i0 + rows) x depth [pk0, pk0 + kc) of op(A), micro-panel {@code ir / mr} at
         * {@code pa[ir·panelDepth(kc)]}: with {@link #rowPanelsA} the full micro-panels as row panels (one copy per
         * row) and a last, shorter one packed; otherwise all packed.
         */
        private void packABlock(int i0, int rows, int pk0, int kc, float[] pa) {
            int mr = blocking.mr(), depth = panelDepth(kc), full = rowPanelsA ? rows / mr * mr : 0;
            for (int r = 0; r < full; r++) System.arraycopy(a, aOff + (i0 + r) * lda + pk0, pa, r * depth, kc);
            if (full < rows) Packing.packA(transA, a, aOff, lda, i0 + full, rows - full, pk0, kc, mr, pa, full * depth, transposer);
        }

        /**
         * Micro-tiles of B panels [q0, q1) x A rows [i0, i0+rows), panel q read at {@code pb[pbShift + q·kc·nr]}.
         * {@code ir} outside {@code jr}: consecutive tiles write the next NR floats of the same MR rows of C, which
         * the hardware prefetchers follow, where {@code jr} outside visited a C line of every row of the block per
         * panel (hundreds of 4 KiB pages at once, none prefetched: ~12 % of a 256-bit 1024³ product, docs/decisions.md
         * §2l). The one-row-block paths call this one panel at a time, so for them the order is moot.
         */
        private void computePanels(int q0, int q1, int i0, int rows, int kc, float beta, float[] pa, float[] pb, int pbShift, float[] tile) {
            int mr = blocking.mr(), nr = blocking.nr();
            for (int ir = 0; ir < rows; ir += mr) {
                int nrows = Math.min(mr, rows - ir), cRow = cOff + (i0 + ir) * ldc + j0;
                if (rowPanelsA && nrows == mr) {
                    computeRowPanel(q0, q1, pa, ir * MicroKernel.ROW_PANEL_STRIDE, kc, beta, pb, pbShift, cRow, tile);
                    continue;
                }
                int paOff = ir * panelDepth(kc);
                for (int q = q0; q < q1; q++) {
                    int jr = q * nr, ncols = Math.min(nr, cols - jr), pbOff = pbShift + q * kc * nr, ci = cRow + jr;
                    if (fusedStore && nrows == mr && ncols == nr) {
                        if (beta == 0f) kernel.runStore(kc, pa, paOff, pb, pbOff, alpha, c, ci, ldc, tile);
                        else kernel.runStore(kc, pa, paOff, pb, pbOff, alpha, beta, c, ci, ldc, tile);
                        continue;
                    }
                    if (nrows < mr) kernel.runRows(nrows, kc, pa, paOff, pb, pbOff, tile); // skip the padding rows' FMAs
                    else if (ncols < nr) kernel.runCols(ncols, kc, pa, paOff, pb, pbOff, tile); // or padding columns'
                    else kernel.run(kc, pa, paOff, pb, pbOff, tile);
                    if (ncols < nr) kernel.storeEdge(tile, alpha, beta, c, ci, ldc, nrows, ncols);
                    else if (nrows < mr) {
                        // whole rows of a short last row panel: vector stores (storeEdge's scalar loop was ~8 % of
                        // a 64x196x32 product, whose every column panel ends with 4 such rows)
                        if (beta == 0f) kernel.storeRows(tile, alpha, c, ci, ldc, nrows);
                        else kernel.storeRows(tile, alpha, beta, c, ci, ldc, nrows);
                    }
                    else if (beta == 0f) kernel.storeFull(tile, alpha, c, ci, ldc);
                    else kernel.storeFull(tile, alpha, beta, c, ci, ldc);
                }
            }
        }

        /**
         * {@link #computePanels} for one full micro-panel given as a row panel at {@code pa[paOff]}
         * ({@link MicroKernel#runRowPanel}): the same kernels' FMAs and store formulas, so the same bits as packing it.
         */
        private void computeRowPanel(int q0, int q1, float[] pa, int paOff, int kc, float beta, float[] pb, int pbShift, int cRow, float[] tile) {
            int mr = blocking.mr(), nr = blocking.nr();
            for (int q = q0; q < q1; q++) {
                int jr = q * nr, ncols = Math.min(nr, cols - jr), pbOff = pbShift + q * kc * nr, ci = cRow + jr;
                if (ncols == nr) {
                    if (beta == 0f) kernel.runStoreRowPanel(kc, pa, paOff, pb, pbOff, alpha, c, ci, ldc, tile);
                    else kernel.runStoreRowPanel(kc, pa, paOff, pb, pbOff, alpha, beta, c, ci, ldc, tile);
                } else {
                    kernel.runRowPanel(kc, pa, paOff, pb, pbOff, tile);
                    kernel.storeEdge(tile, alpha, beta, c, ci, ldc, mr, ncols);
                }
            }
        }
    }
}
