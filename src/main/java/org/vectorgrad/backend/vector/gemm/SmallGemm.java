package org.vectorgrad.backend.vector.gemm;

/**
 * The GEMM without packed panels, for products whose op(B) is small enough to stay in the caches while every row
 * panel of C rereads it: op(A) rows are broadcast where they lie and op(B) rows are loaded where they lie, through
 * the {@link UnpackedKernel} tiles (6 rows x up to 4 vectors at 512 bits, 6 x 2 with 16 vector registers, 8 x 1
 * when N is at most a vector). A
 * transposed operand is first copied into row order (register transposes, {@link Transposer}): op(A) when A is
 * transposed, op(B) when B is (its rows padded to whole vectors). The last column panel loads its last vector whole
 * and masks only its stores; the last rows whose loads would pass the end of {@code b} are read from a zero-padded
 * copy (a masked load in the k loop cost 1.2x on 64x196x32, docs/decisions.md §2u). At 512 bits, 1–4 columns
 * past whole vectors are instead computed as columns, vectorized along M over op(A) transposed
 * ({@link #tailColumns}, {@link UnpackedKernel#columnTile}, §2ap): a cut vector would spend a whole vector of FMAs
 * on each row for them; op(A) transposed for them comes first then, and the whole panels read it too
 * ({@link UnpackedKernel#panelT}, §2ar). The tiles take whole row panels only (§2ah): the last 1–4 rows of a panel
 * of whole vectors go through a 1- to 4-row tile where the width has them ({@link #shortRows}, §2aq, §2az);
 * otherwise, with beta 0, a short last panel is the last whole one, overlapping the panel before it (its overlap
 * written twice with the same bits), or, for a single row of a one-vector or cut panel, a whole panel that reads and
 * writes that one row (lda and ldc 0); otherwise a whole one
 * computed on copies of its rows in a scratch. No element is computed by scalar code. {@link BlockedGemm} also sends it
 * some products as their transpose ({@link BlockedGemm#transposedFirst}, §2as), whose C it then transposes
 * ({@link #transposeInto}).
 *
 * <p>Same bits as {@link BlockedGemm}: it is only used when {@code k} fits one KC block, where the blocked path also
 * computes each element as one FMA chain over p ascending from zero and then stores {@code alpha·acc} (beta 0, C not
 * read) or {@code fma(acc, alpha, beta·C)}. Every element here does exactly that: the tiles take no alpha or beta
 * (decisions §2ai) and store acc, or acc + C; with beta 0, C is scaled by alpha after them; otherwise alpha must be 1
 * ({@link BlockedGemm} sends other products to the packed path) and C is scaled by beta before them, since
 * {@code fma(acc, 1, beta·C)} is {@code acc + beta·C} rounded once ({@code SmallGemmTest} checks the two
 * paths bitwise). Stateless; thread-safe as long as callers do not share the copy buffers.
 */
final class SmallGemm {
    /** Floats of op(A) per row block (16 KiB: within half of the smallest L1d of the CPUs we target, 32 KiB). */
    static final int A_BLOCK = 4096;

    private final UnpackedKernel kernel;
    private final Transposer transposer;
    /** Rows that both the one-vector tile and the wider ones divide ({@link #rowUnit}). */
    private final int bothTilesRows;

    /** @param bits vector width (128, 256 or 512); the transposes use that width's register transposer, if any */
    SmallGemm(int bits) {
        this.kernel = UnpackedKernel.create(bits);
        this.transposer = Transposer.create(bits);
        this.bothTilesRows = leastCommonMultiple(kernel.rows, kernel.rowsOneVector);
    }

    /** Lanes per vector of the tiles. */
    int lanes() {
        return kernel.lanes;
    }

    /**
     * The widest C of one column panel of the tiles ({@code maxVectors} vectors): the most rows of a product that
     * {@link BlockedGemm#transposedFirst} computes as its transpose.
     */
    int transposedMaxRows() {
        return kernel.maxVectors * kernel.lanes;
    }

    /**
     * The rule (docs/decisions.md §2a): k within one KC block (same bits as the packed path) and op(B) at most
     * {@code maxB} floats: each row panel of 6 rows rereads all of op(B), which must come from L1/L2 for the unpacked
     * tiles to keep pace with the packed ones.
     */
    static boolean applies(int n, int k, int kc, long maxB) {
        return k <= kc && (long) k * n <= maxB;
    }

    /**
     * Floats of the per-thread {@code scratch} that {@link #gemm} needs: a vector per row of a row block for the cut
     * last vector ({@link UnpackedKernel#panel}'s {@code edge}), then, when m may leave a short last row panel, that
     * panel's rows of op(A) and of C (see {@link #gemm}).
     */
    int scratchSize(int m, int n, int k) {
        int cols = tailColumns(m, n, k), unit = rowUnit(n - cols);
        return edgeFloats(m, unit, blockRows(unit, k)) + restFloats(m, n - cols, k, unit) + tailFloats(m, k, cols);
    }

    /** The short-last-panel part of the scratch ({@link #restPanel}): none when whole row units cover m. */
    private int restFloats(int m, int n, int k, int unit) {
        return m % unit == 0 ? 0 : Math.max(kernel.rows, kernel.rowsOneVector) * (k + paddedColumns(n));
    }

    /** The fewest columns of a product narrower than a vector that {@link #tailColumns} computes as columns (at most half a vector). */
    static final int NARROW_COLUMNS_MIN = 3;
    /** The most rows of a product narrower than a vector that {@link #tailColumns} computes as columns. */
    static final int NARROW_COLUMNS_MAX_ROWS = 512;
    /** The most floats of op(A) (M·K) of a product narrower than a vector that {@link #tailColumns} computes as columns. */
    static final int NARROW_COLUMNS_MAX_A = 64 * 1024;
    /** As {@link #NARROW_COLUMNS_MAX_A} for 5 to 8 columns (two column tiles, each reading all of op(A) transposed). */
    static final int NARROW_COLUMNS_MAX_A_TWO_TILES = 8 * 1024;

    /**
     * The last columns of C that {@link #gemm} computes as columns ({@link UnpackedKernel#columnTile}) instead of as a
     * cut last vector of every row, where the width has a column tile (512 bits). Either N a few columns past whole
     * vectors (at most a quarter of a vector) and M at least two vectors, or N itself 3 to 8 columns
     * ({@link #NARROW_COLUMNS_MIN}, at most half a vector) with M whole column tiles (64 rows at 512 bits: the tile
     * computes a padded M), at most {@link #NARROW_COLUMNS_MAX_ROWS}, and op(A) within {@link #NARROW_COLUMNS_MAX_A}
     * floats ({@link #NARROW_COLUMNS_MAX_A_TWO_TILES} past 4 columns, two column tiles), all of C then computed as
     * columns. Measured at 512 bits (decisions §2ap): 64x193x32 and 64x196x32 ran ~1.09x and ~1.07x faster,
     * 100x196x32 ~1.05x, 32x196x32 ~1.03x; with 8 columns (64x200x32) level, with 12 (64x204x32) 0.94x. A dense layer
     * into a few outputs (decisions §2bh), where the row tiles fill 3 to 8 of each vector's 16 lanes: 128x3x16 NT
     * 1.4-1.9x, 128x3x64 NT 1.3-1.7x, 64x4x64 NN 1.6-2.0x, 256x3x256 NT 1.19x, 512x3x128 NT 1.34x; 5-8 columns
     * 1.10-1.36x within their bound (128x8x16 NN 1.36, 64x5x64 NN 1.32, 512x8x16 NT 1.10); not kept where M is not
     * whole column tiles (48, 100, 130 rows: 0.87-1.18x), with op(A) past the bound (512x4x256 0.79-1.00x; 5-8
     * columns at 16 K floats 0.95-1.12x, at K = 256 0.73-0.98x), 1024 rows or more (0.81-0.90x), or 1 or 2 columns (K under 16,
     * where {@link BlockedGemm#fewColumns} does not take them: 0.70-0.75x). A pure function of the shape and the vector
     * width; 0 when the row tiles take every column.
     */
    int tailColumns(int m, int n, int k) {
        int lanes = kernel.lanes, cols = n % lanes;
        if (kernel.columnVectors == 0 || cols == 0) return 0;
        if (n > lanes) return m >= 2 * lanes && 4 * cols <= lanes ? cols : 0;
        int tile = kernel.columnVectors * lanes;
        long maxA = 4 * cols <= lanes ? NARROW_COLUMNS_MAX_A : 2 * cols <= lanes ? NARROW_COLUMNS_MAX_A_TWO_TILES : 0;
        return cols >= NARROW_COLUMNS_MIN && m % tile == 0 && m <= NARROW_COLUMNS_MAX_ROWS && (long) m * k <= maxA ? cols : 0;
    }

    /**
     * Rows of the short tile ({@link UnpackedKernel#shortPanel}) that takes the last {@code rest} rows of a column
     * panel of {@code vectors} vectors (its last one {@code cut} or whole), or 0 when the whole tile takes them
     * (overlapping the panel before, as one row, or on copies): the least short height at least {@code rest},
     * for whole vectors of 2 or more; that height exactly when C is read ({@code add}), since rows computed twice
     * would add twice; and no more than the {@code rowsAbove} rows up to the panel's end. At 512 bits M = 64 then
     * computes 64 rows instead of 66 (64x196x32 ~1.03x faster) and M = 32 32 instead of 36 (decisions §2aq). A pure
     * function of the shape, the width and whether C is read.
     */
    int shortRows(int rest, int vectors, boolean cut, boolean add, int rowsAbove) {
        if (vectors < 2 || cut) return 0;
        int h = kernel.shortHeight(rest);
        return h == 0 || (add ? h != rest : h > rowsAbove) ? 0 : h;
    }

    /** Rows of op(A) transposed for {@link UnpackedKernel#columnTile}: m rounded up to whole column tiles. */
    private int tailRows(int m) {
        int tile = kernel.columnVectors * kernel.lanes;
        return (m + tile - 1) / tile * tile;
    }

    /**
     * The column tail's part of the scratch: op(A) transposed with its rows padded to {@link #tailRows} (k rows),
     * the tiles' output (a row of tailRows floats per column, whole tiles of columns) and a transpose block for
     * op(A)'s last rows.
     */
    private int tailFloats(int m, int k, int cols) {
        if (cols == 0) return 0;
        int tiles = (cols + UnpackedKernel.TILE_COLUMNS - 1) / UnpackedKernel.TILE_COLUMNS;
        return tailRows(m) * (k + tiles * UnpackedKernel.TILE_COLUMNS) + kernel.lanes * k;
    }

    /** The edge part of the scratch: a vector per row of a row block, whole row units. */
    private int edgeFloats(int m, int unit, int blockRows) {
        int rows = Math.min(m, blockRows);
        return (rows + unit - 1) / unit * unit * kernel.lanes;
    }

    /** Rows of the tile for a column panel of {@code vectors} vectors. */
    private int tileRows(int vectors) {
        return vectors == 1 ? kernel.rowsOneVector : kernel.rows;
    }

    /**
     * Rows that every column panel's tile divides: the tiles' rows, the one-vector tile's when N is at most a vector,
     * and both's least common multiple when the balanced panels mix one-vector panels with wider ones (three vectors
     * with at most two a panel are 1 + 2).
     */
    private int rowUnit(int n) {
        int vectors = (n + kernel.lanes - 1) / kernel.lanes, panels = (vectors + kernel.maxVectors - 1) / kernel.maxVectors;
        boolean one = vectors < 2 * panels, wider = vectors > panels; // the balanced panels have floor or ceil of vectors / panels
        return !one ? kernel.rows : !wider ? kernel.rowsOneVector : bothTilesRows;
    }

    /** The least common multiple of the two tiles' rows. */
    private static int leastCommonMultiple(int x, int y) {
        int a = x, b = y;
        while (b != 0) { int t = a % b; a = b; b = t; }
        return x / a * y;
    }

    /**
     * First vector of column panel q of {@code panels} balanced ones: the wider panels first (13 vectors in panels of
     * at most 4 are 4 + 3 + 3 + 3), so that a cut last vector falls in a narrower tile when the widths differ. The
     * 6 x 4 tile with a cut last vector has no register to spare, and in JVMs whose C2 compiled it while other
     * products ran it kept an accumulator on the stack: 64x196x32 as 3 + 3 + 3 + 4 ran at 158 GFLOP/s there against
     * 175-178 elsewhere; as 4 + 3 + 3 + 3 it runs at 169-174 in either JVM (decisions §2ah).
     */
    private static int panelStart(int vectors, int panels, int q) {
        return (int) (((long) vectors * q + panels - 1) / panels);
    }

    /** n rounded up to whole vectors. */
    private int paddedColumns(int n) {
        return (n + kernel.lanes - 1) / kernel.lanes * kernel.lanes;
    }

    /** Rows of op(A) per row block: at most {@link #A_BLOCK} floats, whole row units ({@link #rowUnit}), at least one. */
    private static int blockRows(int unit, int k) {
        return Math.max(unit, A_BLOCK / k / unit * unit);
    }

    /**
     * Row blocks of op(A) that {@link #gemm} takes for this shape ({@link #blockRows}): each one streams all of op(B)
     * through its column panels, so op(B) is read from memory once per block.
     */
    int rowBlocks(int m, int n, int k) {
        int rows = blockRows(rowUnit(n - tailColumns(m, n, k)), k);
        return (m + rows - 1) / rows;
    }

    /** Floats of the copy buffer for op(A) that {@link #gemm} needs (0 unless A is transposed). */
    static int bufferSizeA(boolean transA, int m, int k) {
        return transA ? m * k : 0;
    }

    /**
     * Floats of the copy buffer for op(B) that {@link #gemm} needs: op(B) in row order with rows padded to whole
     * vectors when B is transposed; otherwise room for zero-padded copies of the last column panel's last rows (used
     * when N is not whole vectors and those rows' whole-vector loads would pass the end of {@code b}).
     */
    int bufferSizeB(boolean transB, int n, int k) {
        int lanes = kernel.lanes, vectors = (n + lanes - 1) / lanes;
        // transposed: op(B)'s rows padded to whole vectors, then (when n is not whole vectors) the last source rows
        // padded with zero rows to a whole transpose block (see transpose)
        if (transB) return vectors * lanes * k + (n % lanes == 0 ? 0 : lanes * k);
        return n % lanes == 0 ? 0 : Math.min(vectors, kernel.maxVectors) * lanes * k;
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] bufA, float[] bufB, float[] scratch) {
        if (alpha != 1f && beta != 0f) {
            throw new IllegalArgumentException("the unpacked GEMM takes alpha 1 or beta 0, got alpha " + alpha + " and beta " + beta);
        }
        boolean add = beta != 0f;
        if (add) BlockedGemm.scaleC(m, n, beta, c, cOff, ldc); // beta·C rounded once, as in fma(acc, 1, beta·C)
        float[] aa = a, bb = b;
        int ao = aOff, la = lda, bo = bOff, lb = ldb;
        if (transA) {
            // op(A)[i, p] = a[aOff + p·lda + i] -> bufA[i·k + p]
            transpose(a, aOff, lda, k, m, bufA, 0, k, null, 0);
            aa = bufA; ao = 0; la = k;
        }
        int lanes = kernel.lanes, padded = paddedColumns(n);
        // the row tiles take the first nRows columns; the last tailCols, if any, are computed as columns after them
        int tailCols = tailColumns(m, n, k), nRows = n - tailCols;
        int vectors = (nRows + lanes - 1) / lanes, panels = (vectors + kernel.maxVectors - 1) / kernel.maxVectors;
        int lastLanes = nRows - (vectors - 1) * lanes;
        // The tiles load the last vector of a panel whole (only its stores are masked), so every row of op(B) must
        // have whole vectors to read: see UnpackedKernel.panel.
        if (transB) {
            // op(B)[p, j] = b[bOff + j·ldb + p] -> bufB[p·padded + j], the columns past n zero
            boolean zeroed = transpose(b, bOff, ldb, n, k, bufB, 0, padded, bufB, padded * k);
            if (padded > n && !zeroed) for (int p = 0; p < k; p++) java.util.Arrays.fill(bufB, p * padded + n, p * padded + padded, 0f);
            bb = bufB; bo = 0; lb = padded;
        }
        // the last panel's last rows whose whole-vector loads would pass the end of b (usually just op(B)'s last
        // row): a zero-padded copy of those rows of the panel in bufB (never with B transposed: its copy above has
        // whole-vector rows, so no row passes its end)
        int tail = 0;
        if (lastLanes < lanes && vectors > 0) { // no vectors: every column goes to the column tile, no row tile reads op(B)
            int lastV0 = panelStart(vectors, panels, panels - 1), lastWidth = (vectors - lastV0) * lanes;
            long inside = Math.floorDiv((long) bb.length - bo - padded, (long) lb) + 1; // rows whose loads stay in bb
            tail = (int) (k - Math.max(0, Math.min(k, inside)));
            int cols = n - lastV0 * lanes;
            for (int t = 0; t < tail; t++) {
                int src = bo + (k - tail + t) * lb + lastV0 * lanes, dst = t * lastWidth;
                System.arraycopy(bb, src, bufB, dst, cols);
                java.util.Arrays.fill(bufB, dst + cols, dst + lastWidth, 0f);
            }
        }
        // Row blocks of op(A) within A_BLOCK floats, each swept by every column panel: a call covers all the row
        // panels of its block (the call costs less than the panels it covers), the block stays in L1 across the
        // column panels and op(B)'s panel stays in L1 across the block's row panels. The tiles take whole row panels
        // only (UnpackedKernel.panel): a short last one overlaps the panel before it or is a single row (beta 0), or
        // goes to restPanel.
        int unit = rowUnit(nRows), blockRows = blockRows(unit, k), restOff = edgeFloats(m, unit, blockRows);
        // With a column tail, op(A) transposed for the column tile comes first, and with op(A) as it lies the whole
        // panels of 2+ vectors read it too, through the tiles over op(A) transposed (decisions §2ar)
        int atOff = restOff + restFloats(m, nRows, k, unit), ldat = tailCols > 0 ? tailRows(m) : 0;
        if (tailCols > 0) transposeForColumns(transA, a, aOff, lda, m, k, tailCols, scratch, atOff);
        boolean viaT = tailCols > 0 && !transA && kernel.hasTransposedTiles();
        for (int i0 = 0; i0 < m; i0 += blockRows) {
            int rows = Math.min(blockRows, m - i0);
            for (int q = 0; q < panels; q++) {
                // balanced panels (panelStart): 13 vectors are 4 + 3 + 3 + 3, not 4 + 4 + 4 + 1 (a one-vector panel has
                // too few FMA chains to hide the FMA latency); the last one masks its last vector when n is not whole vectors
                int v0 = panelStart(vectors, panels, q), v1 = panelStart(vectors, panels, q + 1);
                boolean last = q == panels - 1;
                int t = tileRows(v1 - v0), whole = rows - rows % t;
                boolean cut = last && lastLanes < lanes, transposed = viaT && v1 - v0 >= 2 && !cut;
                if (whole > 0 && transposed) {
                    kernel.panelT(t, v1 - v0, k, scratch, atOff + i0, ldat, whole, bb, bo + v0 * lanes, lb, add, c,
                            cOff + i0 * ldc + v0 * lanes, ldc);
                } else if (whole > 0) {
                    kernel.panel(v1 - v0, last ? lastLanes : lanes, k, aa, ao + i0 * la, la, whole, bb, bo + v0 * lanes, lb,
                            bufB, last ? tail : 0, add, c, cOff + i0 * ldc + v0 * lanes, ldc, scratch);
                }
                // The last rows, one panel of lastHeight rows ending at the block's end: a short tile (decisions
                // §2aq), exactly those rows or with beta 0 a few of the panel before again; else, C not read, the
                // last whole panel overlapping the one before. Rows written again get the same bits (the same FMA
                // chains) and need no copies.
                int h = whole < rows ? shortRows(rows - whole, v1 - v0, cut, add, i0 + rows) : 0;
                int lastHeight = h > 0 ? h : whole < rows && beta == 0f && i0 + rows >= t ? t : 0;
                if (lastHeight > 0) {
                    int r0 = i0 + rows - lastHeight;
                    if (transposed) {
                        kernel.panelT(lastHeight, v1 - v0, k, scratch, atOff + r0, ldat, lastHeight, bb, bo + v0 * lanes, lb,
                                add, c, cOff + r0 * ldc + v0 * lanes, ldc);
                    } else if (lastHeight == t) {
                        kernel.panel(v1 - v0, last ? lastLanes : lanes, k, aa, ao + r0 * la, la, t, bb, bo + v0 * lanes, lb,
                                bufB, last ? tail : 0, add, c, cOff + r0 * ldc + v0 * lanes, ldc, scratch);
                    } else {
                        kernel.shortPanel(lastHeight, v1 - v0, k, aa, ao + r0 * la, la, bb, bo + v0 * lanes, lb, add, c,
                                cOff + r0 * ldc + v0 * lanes, ldc);
                    }
                } else if (whole < rows && beta == 0f && rows - whole == 1) {
                    // one row and C not read (a single sample's product): every row of a whole panel reads that
                    // row of op(A) (lda 0) and stores to that row of C (ldc 0), the same values, so no copies
                    int r0 = i0 + whole;
                    kernel.panel(v1 - v0, last ? lastLanes : lanes, k, aa, ao + r0 * la, 0, t, bb, bo + v0 * lanes, lb,
                            bufB, last ? tail : 0, add, c, cOff + r0 * ldc + v0 * lanes, 0, scratch);
                } else if (whole < rows) {
                    restPanel(v0, v1, last ? lastLanes : lanes, nRows, k, aa, ao + (i0 + whole) * la, la, rows - whole, bb, bo, lb,
                            bufB, last ? tail : 0, add, c, cOff + (i0 + whole) * ldc, ldc, scratch, restOff);
                }
            }
        }
        if (tailCols > 0) lastColumns(m, k, tailCols, nRows, bb, bo, lb, add, c, cOff, ldc, scratch, atOff);
        // The tiles store acc itself (a float live across their k loops cost a stack round trip every k step,
        // decisions §2ai): alpha·acc here, rounded once, as the packed path stores it
        if (!add) BlockedGemm.scaleC(m, n, alpha, c, cOff, ldc);
    }

    /**
     * op(A) transposed into the scratch at {@code atOff} for the column tile and the tiles over op(A) transposed:
     * {@code scratch[atOff + p·tailRows(m) + i] = op(A)[i, p]}, the rows past m zero (their results are dropped).
     */
    private void transposeForColumns(boolean transA, float[] a, int aOff, int lda, int m, int k, int cols, float[] scratch, int atOff) {
        int rowsPad = tailRows(m), tc = UnpackedKernel.TILE_COLUMNS;
        if (transA) {
            // op(A)[i, p] = a[aOff + p·lda + i]: already a row per p
            for (int p = 0; p < k; p++) System.arraycopy(a, aOff + p * lda, scratch, atOff + p * rowsPad, m);
        } else {
            int block = atOff + rowsPad * (k + (cols + tc - 1) / tc * tc); // after op(A)ᵀ and the tiles' output (tailFloats)
            transpose(a, aOff, lda, m, k, scratch, atOff, rowsPad, scratch, block);
        }
        if (rowsPad > m) for (int p = 0; p < k; p++) java.util.Arrays.fill(scratch, atOff + p * rowsPad + m, atOff + (p + 1) * rowsPad, 0f);
    }

    /**
     * C's last {@code cols} columns (from {@code from}) as columns, from op(A) transposed at {@code at}
     * ({@link #transposeForColumns}): the column tiles' output after it, then copied into C as the row tiles store
     * (acc, or acc + C when {@code add}): with beta 0, M whole vectors and 4 columns, a vector of rows at a time
     * ({@link UnpackedKernel#copyColumnsInto}, decisions §2bl), else {@link #copyColumns}. {@code b} is op(B) in row
     * order (copied when B is transposed).
     */
    private void lastColumns(int m, int k, int cols, int from, float[] b, int bOff, int ldb, boolean add, float[] c,
                             int cOff, int ldc, float[] scratch, int at) {
        int rowsPad = tailRows(m), tile = kernel.columnVectors * kernel.lanes, tc = UnpackedKernel.TILE_COLUMNS;
        int out = at + rowsPad * k;
        for (int i0 = 0; i0 < rowsPad; i0 += tile) {
            for (int j0 = 0; j0 < cols; j0 += tc) {
                kernel.columnTile(k, scratch, at + i0, rowsPad, b, bOff + from + j0, ldb, Math.min(tc, cols - j0),
                        scratch, out + j0 * rowsPad + i0, rowsPad);
            }
        }
        for (int j0 = 0; j0 < cols; j0 += tc) { // four columns a copy (5-8 columns of a narrow product: two)
            if (!add && cols - j0 >= tc && m % kernel.lanes == 0) { // acc into C, a vector of rows at a time (§2bl)
                kernel.copyColumnsInto(scratch, out + j0 * rowsPad, rowsPad, m, c, cOff + from + j0, ldc);
                continue;
            }
            copyColumns(m, Math.min(tc, cols - j0), add, scratch, out + j0 * rowsPad, rowsPad, c, cOff + from + j0, ldc);
        }
    }

    /**
     * C[i, j] = out[j·ldo + i] (or + C[i, j] when {@code add}) for i < m, j < cols (1..4), C's columns from
     * {@code cOff}: four columns a row, those past {@code cols} clamped to the last one, so one loop without an
     * inner loop over j serves every column count (a stored element is stored again with the same value; with
     * {@code add} each row's four values are computed from C before any is stored). A row at a time with a loop
     * over j took ~250 ns for 64x4, a quarter of the column path (decisions §2aq).
     */
    private static void copyColumns(int m, int cols, boolean add, float[] out, int oOff, int ldo, float[] c, int cOff, int ldc) {
        int j1 = Math.min(1, cols - 1), j2 = Math.min(2, cols - 1), j3 = Math.min(3, cols - 1);
        int s0 = oOff, s1 = oOff + j1 * ldo, s2 = oOff + j2 * ldo, s3 = oOff + j3 * ldo;
        if (add) {
            for (int i = 0, row = cOff; i < m; i++, row += ldc) {
                float y0 = out[s0 + i] + c[row], y1 = out[s1 + i] + c[row + j1];
                float y2 = out[s2 + i] + c[row + j2], y3 = out[s3 + i] + c[row + j3];
                c[row] = y0; c[row + j1] = y1; c[row + j2] = y2; c[row + j3] = y3;
            }
        } else {
            for (int i = 0, row = cOff; i < m; i++, row += ldc) {
                float y0 = out[s0 + i], y1 = out[s1 + i], y2 = out[s2 + i], y3 = out[s3 + i];
                c[row] = y0; c[row + j1] = y1; c[row + j2] = y2; c[row + j3] = y3;
            }
        }
    }

    /**
     * Columns [v0·lanes, v1·lanes) (up to n) of the last {@code rest} rows, fewer than the tile's, as one whole panel
     * from copies in the scratch at {@code restOff}: op(A)'s rows (zero rows below them, whose results are dropped),
     * and C's rows when the tiles add to them, the results copied back. Each element is the same FMA chain and store
     * formula as in a whole panel, so the same bits. A copy of at most a tile's rows: op(A)'s are k floats each.
     */
    private void restPanel(int v0, int v1, int lastLanes, int n, int k, float[] a, int aOff, int lda, int rest, float[] b, int bOff,
                           int ldb, float[] bTail, int tail, boolean add, float[] c, int cOff, int ldc, float[] scratch,
                           int restOff) {
        int lanes = kernel.lanes, t = tileRows(v1 - v0), padded = paddedColumns(n);
        int aRest = restOff, cRest = restOff + t * k, from = v0 * lanes, cols = Math.min(n, v1 * lanes) - from;
        for (int r = 0; r < rest; r++) System.arraycopy(a, aOff + r * lda, scratch, aRest + r * k, k);
        java.util.Arrays.fill(scratch, aRest + rest * k, aRest + t * k, 0f);
        if (add) {
            for (int r = 0; r < rest; r++) System.arraycopy(c, cOff + r * ldc + from, scratch, cRest + r * padded + from, cols);
        }
        kernel.panel(v1 - v0, lastLanes, k, scratch, aRest, k, t, b, bOff + from, ldb, bTail, tail, add,
                scratch, cRest + from, padded, scratch);
        for (int r = 0; r < rest; r++) System.arraycopy(scratch, cRest + r * padded + from, c, cOff + r * ldc + from, cols);
    }

    /**
     * {@code dst[dstOff + q·ldd + r] = src[off + r·ld + q]} for r < rows, q < cols, writing nothing else in dst: a
     * product computed as its transpose stores C so ({@link BlockedGemm#transposedFirst}).
     */
    void transposeInto(float[] src, int off, int ld, int rows, int cols, float[] dst, int dstOff, int ldd) {
        transpose(src, off, ld, rows, cols, dst, dstOff, ldd, null, 0);
    }

    /**
     * {@code dst[dstOff + q·ldd + r] = src[off + r·ld + q]} for r < rows, q < cols: lanes x lanes register transposes, scalar
     * edges. With a {@code scratch} (lanes·cols floats from {@code scratchOff}) and room in each destination row for a
     * whole last block ({@code ldd} at least rows rounded up to lanes; destination columns rows..that get zeros), the
     * last rows, fewer than a block, are copied there with zero rows below them and transposed as a block too: a
     * scalar transpose costs ~2 cycles per element, and an output layer's 10 x 256 weight is all last rows.
     *
     * @return whether destination columns [rows, r0 + lanes) of every destination row were written as zeros (the
     *         padded last block: the caller need not zero them)
     */
    private boolean transpose(float[] src, int off, int ld, int rows, int cols, float[] dst, int dstOff, int ldd, float[] scratch, int scratchOff) {
        int t = transposer == null ? Integer.MAX_VALUE : transposer.lanes;
        int r0 = 0;
        if (transposer != null) {
            int blocks = cols / t, groups = rows / t;
            if (blocks > 0 && groups > 0) transposer.gridRun(src, off, ld, dst, dstOff, ldd, groups, blocks);
            for (; r0 + t <= rows; r0 += t) {
                for (int q = blocks * t; q < cols; q++) {
                    for (int r = r0; r < r0 + t; r++) dst[dstOff + q * ldd + r] = src[off + r * ld + q];
                }
            }
            if (r0 < rows && blocks > 0 && scratch != null && r0 + t <= ldd) {
                int left = rows - r0;
                for (int r = 0; r < left; r++) System.arraycopy(src, off + (r0 + r) * ld, scratch, scratchOff + r * cols, cols);
                java.util.Arrays.fill(scratch, scratchOff + left * cols, scratchOff + t * cols, 0f);
                // one group through gridRun, the loop the whole groups above and op(B)'s packers run, not fullRun:
                // called only here in a CNN step, fullRun stayed in tier-3 code (every vector boxed) for the whole
                // run, and an output layer's 10 x 128 transpose took 60-90 µs instead of ~1 (decisions §2an)
                transposer.gridRun(scratch, scratchOff, cols, dst, dstOff + r0, ldd, 1, blocks);
                for (int q = blocks * t; q < cols; q++) {
                    for (int r = r0; r < rows; r++) dst[dstOff + q * ldd + r] = src[off + r * ld + q];
                    java.util.Arrays.fill(dst, dstOff + q * ldd + rows, dstOff + q * ldd + r0 + t, 0f);
                }
                return true;
            }
        }
        for (int r = r0; r < rows; r++) {
            for (int q = 0; q < cols; q++) dst[dstOff + q * ldd + r] = src[off + r * ld + q];
        }
        return false;
    }
}
