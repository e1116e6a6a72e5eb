package org.vectorgrad.backend.blas;

/**
 * How a GEMM on several threads is cut into one-thread OpenBLAS calls: C as a grid of {@code rowParts x colParts}
 * blocks, each block one {@code cblas_sgemm} over the whole K (K is never split, so no block's sum depends on
 * another). A pure function of the shape and the thread count, so the same inputs and thread count give the same
 * calls and the same bits.
 *
 * <p>Why the library cuts instead of OpenBLAS: OpenBLAS's worker threads spin for up to 2^28 cycles after each
 * call, and on cores that vectorgrad's own dispatcher needs for the next kernel they slowed a two-thread training
 * step by a quarter (docs/blas.md, "Threads"). With every call on one OpenBLAS thread, the dispatcher owns the cores.
 *
 * @param rowParts blocks along M
 * @param colParts blocks along N
 */
record BlasSplit(int rowParts, int colParts) {
    /** Products below this many multiply-adds per block are not worth a block of their own (a dispatch costs µs). */
    static final long MIN_WORK_PER_PART = 1L << 21;
    /** Block boundaries fall on multiples of this, so every block but the last keeps OpenBLAS's full tiles. */
    static final int ALIGN = 16;

    static final BlasSplit WHOLE = new BlasSplit(1, 1);

    BlasSplit {
        if (rowParts < 1 || colParts < 1) throw new IllegalArgumentException("parts must be >= 1: " + rowParts + " x " + colParts);
    }

    /** Blocks in all. */
    int parts() { return rowParts * colParts; }

    /**
     * The grid for an {@code m x n x k} product on {@code threads} threads: as many blocks as threads (fewer when
     * the product is small or a dimension too narrow to cut), shaped to pack the least: a block packs its rows of
     * op(A) and its columns of op(B), so the grid minimizes {@code colParts·m + rowParts·n} (K is common); ties go
     * to more row blocks (1024³ on 2 threads: row halves reached 246 GFLOP/s, column halves 205).
     */
    static BlasSplit of(int m, int n, int k, int threads) {
        int grid = grid(m, n, k, threads);
        return grid == 0x10001 ? WHOLE : new BlasSplit(grid >>> 16, grid & 0xFFFF);
    }

    /**
     * {@link #of} without an object: {@code rowParts << 16 | colParts} (so a call on the hot path allocates nothing;
     * threads beyond 65535 are used as 65535).
     */
    static int grid(int m, int n, int k, int threads) {
        long work = (long) m * n * k;
        int parts = (int) Math.min(Math.min(threads, 0xFFFF), Math.max(1, work / MIN_WORK_PER_PART));
        int bestR = 1, bestC = 1;
        long bestCost = Long.MAX_VALUE;
        for (int p = parts; p >= 1 && bestCost == Long.MAX_VALUE; p--) {
            for (int r = 1; r <= p; r++) {
                if (p % r != 0) continue;
                int c = p / r;
                if (ceilDiv(m, ALIGN) < r || ceilDiv(n, ALIGN) < c) continue;
                long cost = (long) c * m + (long) r * n;
                if (cost <= bestCost) {
                    bestCost = cost;
                    bestR = r;
                    bestC = c;
                }
            }
        }
        return bestR << 16 | bestC;
    }

    /** First row of row block {@code i} of {@code m} rows (i in [0, rowParts]); ALIGN-aligned except at m. */
    int rowStart(int i, int m) { return boundary(i, rowParts, m); }

    /** First column of column block {@code j} of {@code n} columns (j in [0, colParts]). */
    int colStart(int j, int n) { return boundary(j, colParts, n); }

    /** First index of block i of {@code parts} over {@code size} (i in [0, parts]): ALIGN-aligned except at size. */
    static int boundary(int i, int parts, int size) {
        if (i >= parts) return size;
        int units = ceilDiv(size, ALIGN);
        return Math.min(size, (int) ((long) units * i / parts) * ALIGN);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
