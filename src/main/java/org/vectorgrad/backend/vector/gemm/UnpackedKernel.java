package org.vectorgrad.backend.vector.gemm;

/**
 * The register tiles of {@link SmallGemm}: {@link #rows} rows of C times 1 to {@link #maxVectors} vectors of columns,
 * with op(A) and op(B) read where they lie (no packed copies). Each element is one FMA chain over p ascending from
 * zero ({@code acc = fma(a[i,p], b[p,j], acc)}), stored as {@code alpha·acc} (beta 0: C is not read) or
 * {@code fma(acc, alpha, beta·C)}: the arithmetic of the packed micro-kernels over one KC block, so both paths give
 * the same bits. Generated per vector width by {@code tools/gen_kernels.py}. Stateless; thread-safe.
 *
 * <p>Each tile shape is its own class, called through {@link #tiles}'s array: a call site that meets several
 * shapes stays a virtual call, so C2 compiles every tile on its own. With all of them behind one switch (and both
 * store forms in one method), 64x64x64 stayed hundreds of times slower through a whole measurement; why was not
 * diagnosed (docs/decisions.md §2a).
 */
abstract class UnpackedKernel {
    /** Rows of C per panel. */
    final int rows;
    /** Most vectors of columns per panel. */
    final int maxVectors;
    /** Floats per vector. */
    final int lanes;

    private final Tile[] tiles;

    UnpackedKernel(int rows, int maxVectors, int lanes) {
        this.rows = rows;
        this.maxVectors = maxVectors;
        this.lanes = lanes;
        this.tiles = tiles();
    }

    /** One tile shape: {@link #panel}'s arguments. */
    abstract static class Tile {
        abstract void run(int lastLanes, int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb, float[] bTail,
                          int tail, float alpha, float beta, float[] c, int cOff, int ldc);
    }

    /**
     * The tiles of 1..maxVectors vectors, each whole and with its last vector masked, each storing with and without
     * beta: index 4·(vectors − 1) + 2·masked + (beta != 0). One store form per class keeps each method small enough
     * for C2 to inline every Vector API call in it (with both, the 24-accumulator tile was left with boxed vectors).
     */
    abstract Tile[] tiles();

    /**
     * C[i, j] for {@code allRows} rows (in panels of {@link #rows}, the last one short where they do not divide) and
     * {@code vectors} vectors of columns, the last one holding
     * {@code lastLanes} (1..lanes) columns: {@code op(A)[i, p] = a[aOff + i·lda + p]},
     * {@code op(B)[p, j] = b[bOff + p·ldb + j]}, {@code C[i, j] = c[cOff + i·ldc + j]}, p in [0, kc). The last
     * vector of a masked panel is loaded whole (its lanes past {@code lastLanes} only reach accumulator lanes that
     * are never stored): {@code b} must hold {@code vectors·lanes} floats from the start of each of the first
     * {@code kc − tail} rows, and the last {@code tail} rows come from {@code bTail} instead, {@code vectors·lanes}
     * floats a row from index 0. Only the stores are masked, and they may end past C's array end.
     */
    final void panel(int vectors, int lastLanes, int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb,
                     float[] bTail, int tail, float alpha, float beta, float[] c, int cOff, int ldc) {
        tiles[4 * (vectors - 1) + (lastLanes == lanes ? 0 : 2) + (beta == 0f ? 0 : 1)]
                .run(lastLanes, kc, a, aOff, lda, allRows, b, bOff, ldb, bTail, tail, alpha, beta, c, cOff, ldc);
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
