package org.vectorgrad.backend.vector.gemm;

/**
 * Register transposes used by {@link Packing} for the two strided cases (op(A) not transposed, op(B) transposed):
 * {@code dst[dstOff + q·stride + r] = src[srcOff + r·ld + q]} for q in [0, lanes) and r over the source rows.
 * A scalar transpose costs ~2 cycles per element, a quarter of the call for M = 128 (docs/decisions.md).
 */
abstract class Transposer {
    /** Lanes per vector: the block is lanes x lanes. */
    final int lanes;
    /** Source rows of {@link #mrRows} (the MR of the same width). */
    final int mr;

    /** Room a buffer needs after its last {@link #mrRows} destination row. */
    static final int SLACK = 16;

    Transposer(int lanes, int mr) {
        this.lanes = lanes;
        this.mr = mr;
    }

    /** {@code lanes} source rows; writes {@code lanes} floats per destination row. */
    abstract void full(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride);

    /**
     * {@code mr} source rows. Writes {@code lanes} floats per destination row in ascending order, so the last
     * {@code lanes - mr} of each land (as zeros) in the next row before it is written: callers write the rows
     * that follow afterwards and leave {@link #SLACK} floats of room after the last one.
     */
    abstract void mrRows(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride);

    /**
     * {@link #full} for {@code blocks} consecutive blocks along the source rows: block i reads from
     * {@code srcOff + i·lanes} and writes the destination rows from {@code dstOff + i·lanes·stride}. One call per run
     * of blocks: the generated 256-bit transposer pays its per-call setup (shuffle and mask constants, index checks)
     * once; this default calls {@link #full} per block.
     */
    void fullRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {
        for (int i = 0; i < blocks; i++) full(src, srcOff + i * lanes, ld, dst, dstOff + i * lanes * stride, stride);
    }

    /** {@link #mrRows} for {@code blocks} consecutive blocks, as {@link #fullRun} (blocks in ascending order). */
    void mrRowsRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {
        for (int i = 0; i < blocks; i++) mrRows(src, srcOff + i * lanes, ld, dst, dstOff + i * lanes * stride, stride);
    }

    /** True when {@link #rowsRun} has a register transpose for {@code rows} source rows ({@link #mr}, or another tile's MR). */
    boolean hasRows(int rows) {
        return rows == mr;
    }

    /**
     * {@link #mrRowsRun} for {@code rows} source rows, one of {@link #hasRows}: each destination row gets {@code lanes}
     * floats, the last {@code lanes - rows} of them zeros that the next row's store overwrites.
     */
    void rowsRun(int rows, float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {
        if (rows != mr) throw new IllegalArgumentException("no " + rows + "-row transpose at " + lanes + " lanes");
        mrRowsRun(src, srcOff, ld, dst, dstOff, stride, blocks);
    }

    /**
     * A transposed op(B) panel {@code stride} floats wide ({@code stride / lanes} source row groups): for each of
     * {@code blocks} consecutive blocks along the source rows, group h's {@code lanes} rows from
     * {@code srcOff + h·lanes·ld + i·lanes} go to columns {@code h·lanes..} of destination rows
     * {@code dstOff + i·lanes·stride + q·stride}, each destination row written whole before the next block.
     */
    void panelRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {
        for (int i = 0; i < blocks; i++) {
            for (int h = 0; h < stride; h += lanes) full(src, srcOff + i * lanes + h * ld, ld, dst, dstOff + i * lanes * stride + h, stride);
        }
    }

    /**
     * {@code groups} groups of {@code lanes} source rows (group h from {@code srcOff + h·lanes·ld}) times {@code blocks}
     * blocks along them, to columns {@code h·lanes..} of destination rows {@code dstOff + i·lanes·stride + q·stride}:
     * {@link #panelRun} for a destination row wider than the groups written. This default runs one
     * {@link #fullRun} per group; the 512-bit transposer goes block by block, each destination row across all
     * groups before the next block.
     */
    void gridRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int groups, int blocks) {
        for (int h = 0; h < groups; h++) fullRun(src, srcOff + h * lanes * ld, ld, dst, dstOff + h * lanes, stride, blocks);
    }

    /** The transposer for a vector width, or null (128-bit: packing stays scalar). */
    static Transposer create(int bits) {
        return switch (bits) {
            case 512 -> new Transpose512();
            case 256 -> new Transpose256();
            default -> null;
        };
    }
}
