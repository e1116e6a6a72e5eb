package org.vectorgrad.backend.vector.gemm;

/**
 * The register tiles of {@link SmallGemm}: {@link #rows} rows of C times 2 to {@link #maxVectors} vectors of columns
 * and {@link #rowsOneVector} rows times one vector,
 * with op(A) and op(B) read where they lie (no packed copies). Each element is one FMA chain over p ascending from
 * zero ({@code acc = fma(a[i,p], b[p,j], acc)}), stored as {@code acc} (C is not read) or {@code acc + C}: the tiles
 * take no alpha or beta, which C2 carried through a stack slot in their k loops (docs/decisions.md §2ai), and
 * {@link SmallGemm} scales C around them so that every element gets the packed micro-kernels' arithmetic over one KC
 * block ({@code alpha·acc}, or {@code fma(acc, 1, beta·C)}), the same bits. Generated per vector width by
 * {@code tools/gen_kernels.py}. Stateless; thread-safe.
 *
 * <p>Each tile shape is its own class, called through {@link #tiles}'s array: a call site that meets several
 * shapes stays a virtual call, so C2 compiles every tile on its own. Every tile method must also compile at C1's
 * full-profile tier (checked by {@code C1FullProfileTest}): HotSpot compiles a hot method at tier 2 instead while
 * C2's queue is long, moves on from tier 2 only through tier 3, and when tier 3 fails (C1 "out of virtual
 * registers") the method keeps its tier-2 code, which boxes every vector, for good. That is why the tiles mask no
 * load or store and why each tile has one store form (docs/decisions.md §2aa; earlier, with all
 * shapes behind one switch, 64x64x64 stayed hundreds of times slower for the same reason, §2a).
 */
abstract class UnpackedKernel {
    /** Rows of C per panel of 2 or more vectors of columns. */
    final int rows;
    /**
     * Rows of C per panel of one vector of columns ({@code rows + 2}, 8): with N at most one vector (a classifier's
     * output layer) the 6 x 1 tile had six FMA chains, fewer than the FMA latency times the FMA units keeps in
     * flight (4 x 2 on current x86), so it ran latency-bound; 8 x 1 has eight (docs/decisions.md §2af).
     */
    final int rowsOneVector;
    /** Most vectors of columns per panel. */
    final int maxVectors;
    /** Floats per vector. */
    final int lanes;
    /**
     * Vectors of rows in {@link #columnTile}: 4 at 512 bits (16 accumulators of 32 registers); 0 where the width
     * has no column tile (256 bits: a 2 x 4 tile measured no faster than the cut last vector, decisions §2ap).
     */
    final int columnVectors;

    /**
     * Heights of the short tiles ({@link #shortPanel}), ascending, each less than {@link #rows}: {1, 2, 3, 4} at 512
     * and 256 bits (1 and 3 rows since decisions §2az); none at 128.
     */
    private final int[] shortHeights;

    private final Tile[] tiles, shortTiles, transposedTiles;

    UnpackedKernel(int rows, int maxVectors, int lanes, int rowsOneVector, int columnVectors, int[] shortHeights) {
        this.rows = rows;
        this.rowsOneVector = rowsOneVector;
        this.maxVectors = maxVectors;
        this.lanes = lanes;
        this.columnVectors = columnVectors;
        this.shortHeights = shortHeights.clone();
        this.tiles = tiles();
        this.shortTiles = shortTiles();
        this.transposedTiles = transposedTiles();
    }

    /** Whether the width has tiles over op(A) transposed ({@link #panelT}): where it has a column tile (512 bits). */
    final boolean hasTransposedTiles() {
        return transposedTiles.length > 0;
    }

    /**
     * {@link #panel} (whole vectors, {@code height} = {@link #rows}, {@code allRows} a multiple of it) or
     * {@link #shortPanel} ({@code height} a {@link #shortHeight}, {@code allRows} = height) over op(A) transposed:
     * {@code op(A)[i, p] = at[aOff + p·ldat + i]}. Where {@link SmallGemm} has op(A) transposed for the column tile
     * anyway: the row offsets are constants and one index walks op(A), so C2 keeps the 6-row tile's stores out of
     * the stack (decisions §2ar). The same FMA chains and stores, so the same bits.
     */
    final void panelT(int height, int vectors, int kc, float[] at, int aOff, int ldat, int allRows, float[] b, int bOff, int ldb,
                      boolean addToC, float[] c, int cOff, int ldc) {
        int h = height == rows ? 0 : java.util.Arrays.binarySearch(shortHeights, height) + 1;
        if (h < 0 || vectors < 2 || vectors > maxVectors || transposedTiles.length == 0) {
            throw new IllegalArgumentException("no tile of " + height + " rows x " + vectors + " vectors over op(A) transposed");
        }
        transposedTiles[2 * (h * (maxVectors - 1) + vectors - 2) + (addToC ? 1 : 0)]
                .run(lanes, kc, at, aOff, ldat, allRows, b, bOff, ldb, null, 0, c, cOff, ldc, null);
    }

    /** The tiles over op(A) transposed: the full height, then each short height; 2..maxVectors vectors each; both store forms. */
    Tile[] transposedTiles() {
        return new Tile[0];
    }

    /**
     * The least short-tile height at least {@code rest} rows (1 to {@link #rows} − 1), or 0 when the width has none
     * that high. The short tiles take whole vectors of columns, 2 to {@link #maxVectors}.
     */
    final int shortHeight(int rest) {
        for (int h : shortHeights) if (h >= rest) return h;
        return 0;
    }

    /**
     * One panel of {@code height} rows (a {@link #shortHeight}) and {@code vectors} whole vectors of columns (2 to
     * {@link #maxVectors}), otherwise as {@link #panel}: the last rows of a product whose M the tile's rows do not
     * divide. The whole tile there computed up to {@code rows − 1} rows twice (M = 64 at 6 rows: 66 rows;
     * decisions §2aq); each element is the same FMA chain and store, so the same bits.
     */
    final void shortPanel(int height, int vectors, int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          boolean addToC, float[] c, int cOff, int ldc) {
        int h = java.util.Arrays.binarySearch(shortHeights, height);
        if (h < 0 || vectors < 2 || vectors > maxVectors) {
            throw new IllegalArgumentException("no short tile of " + height + " rows x " + vectors + " vectors");
        }
        shortTiles[2 * (h * (maxVectors - 1) + vectors - 2) + (addToC ? 1 : 0)]
                .run(lanes, kc, a, aOff, lda, height, b, bOff, ldb, null, 0, c, cOff, ldc, null);
    }

    /** The short tiles: height by height, 2..maxVectors vectors each, each storing acc and adding it to C. */
    Tile[] shortTiles() {
        return new Tile[0];
    }

    /** Columns of C per {@link #columnTile} call. */
    static final int TILE_COLUMNS = 4;

    /**
     * The last few columns of C computed as columns, vectorized along M: {@code out[oOff + j·ldo + i] = Σ_p
     * at[aOff + p·ldat + i] · b[bOff + p·ldb + j]} for i in [0, {@link #columnVectors}·lanes) and j in [0, 4), each
     * element one FMA chain over p ascending from zero ({@code acc = fma(op(A)[i, p], op(B)[p, j], acc)}, the
     * product's operands in that order), so the bits of the row tiles and of the packed path. {@code at} holds op(A)
     * transposed (a row of {@code ldat} floats per p); columns j ≥ {@code cols} (1..4) repeat column
     * {@code cols − 1}, so that no load passes op(B)'s last column. For N a few columns past whole vectors
     * (64x196x32 at 512 bits: 4 of 16 lanes), where a cut last vector spends a whole vector of FMAs on every row
     * for those columns (docs/decisions.md §2ap). Only where {@link #columnVectors} is not 0.
     */
    void columnTile(int kc, float[] at, int aOff, int ldat, float[] b, int bOff, int ldb, int cols, float[] out, int oOff, int ldo) {
        throw new IllegalStateException(lanes * 32 + "-bit unpacked kernels have no column tile");
    }

    /**
     * {@link #columnTile}'s output of 4 columns copied into C's rows as acc: {@code c[cOff + i·ldc + j] =
     * out[oOff + j·ldo + i]} for i in [0, rows), j in [0, 4), rows a multiple of {@link #lanes}; nothing else of C
     * is written. For beta 0 and 4 whole columns per tile (64x196x32 at 512 bits), in place of {@code SmallGemm}'s
     * scalar copy, ~75 ns of that product's ~4.1 µs (docs/decisions.md §2bl). Only where {@link #columnVectors} is
     * not 0.
     */
    void copyColumnsInto(float[] out, int oOff, int ldo, int rows, float[] c, int cOff, int ldc) {
        throw new IllegalStateException(lanes * 32 + "-bit unpacked kernels have no column tile");
    }

    /** One tile shape: {@link #panel}'s arguments. */
    abstract static class Tile {
        abstract void run(int lastLanes, int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb, float[] bTail,
                          int tail, float[] c, int cOff, int ldc, float[] edge);
    }

    /**
     * The tiles of 1..maxVectors vectors, each whole and with its last vector masked, each storing acc and adding it
     * to C: index 4·(vectors − 1) + 2·cut + add, where a cut tile's last vector has fewer than all lanes. Separate
     * classes per store form keep each method within C1's reach at tier 3 (see the class comment).
     */
    abstract Tile[] tiles();

    /**
     * C[i, j] for {@code allRows} rows (whole panels of {@link #rows}, or {@link #rowsOneVector} for one vector: the
     * tiles store every row of a panel unguarded, decisions §2ah) and
     * {@code vectors} vectors of columns, the last one holding
     * {@code lastLanes} (1..lanes) columns: {@code op(A)[i, p] = a[aOff + i·lda + p]},
     * {@code op(B)[p, j] = b[bOff + p·ldb + j]}, {@code C[i, j] = c[cOff + i·ldc + j]}, p in [0, kc). The last
     * vector of a cut panel is loaded whole (its lanes past {@code lastLanes} only reach accumulator lanes that
     * are never stored): {@code b} must hold {@code vectors·lanes} floats from the start of each of the first
     * {@code kc − tail} rows, and the last {@code tail} rows come from {@code bTail} instead, {@code vectors·lanes}
     * floats a row from index 0. The tiles mask no load or store: the last vector of each row of a cut panel goes
     * whole into {@code edge} (at least {@code allRows·lanes} floats, the caller's per-thread scratch), and one
     * small method then stores its {@code lastLanes} columns of every row with masked stores, by the same formula
     * (decisions §2aa: masked operations put the tiles beyond C1's reach at one tier and not another, which left
     * them uncompiled by C2). Stores {@code C = acc}, or {@code C = acc + C} when {@code addToC}.
     */
    final void panel(int vectors, int lastLanes, int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb,
                     float[] bTail, int tail, boolean addToC, float[] c, int cOff, int ldc, float[] edge) {
        tiles[4 * (vectors - 1) + (lastLanes == lanes ? 0 : 2) + (addToC ? 1 : 0)]
                .run(lastLanes, kc, a, aOff, lda, allRows, b, bOff, ldb, bTail, tail, c, cOff, ldc, edge);
    }


    /** The kernels of a vector width (128, 256 or 512). */
    static UnpackedKernel create(int bits) {
        return switch (bits) {
            case 512 -> new Unpacked512();
            case 256 -> new Unpacked256();
            case 128 -> new Unpacked128();
            default -> throw new IllegalArgumentException("vector bits must be 128, 256 or 512, got " + bits);
        };
    }
}
