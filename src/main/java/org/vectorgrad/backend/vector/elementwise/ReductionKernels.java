package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.FloatVector;

/**
 * Sums. Each one runs on one thread in a fixed order (lanes reduced by {@link Lanes#sum}), so its result depends only on its inputs (never on the
thread count). Column sums keep the oracle's row order per column and so match it bitwise.
 */
public final class ReductionKernels {
    private ReductionKernels() {}

    /** {@code db[j] += Σ_r dy[r, j]} for columns [colFrom, colTo), rows summed in order (as the oracle). */
    public static void columnSums(int rows, int cols, float[] dy, int dyOff, float[] db, int dbOff, int colFrom, int colTo) {
        int j = colFrom;
        for (int bound = colFrom + F.loopBound(colTo - colFrom); j < bound; j += N) {
            FloatVector acc = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) acc = acc.add(FloatVector.fromArray(F, dy, dyOff + r * cols + j));
            acc.add(FloatVector.fromArray(F, db, dbOff + j)).intoArray(db, dbOff + j);
        }
        for (; j < colTo; j++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += dy[dyOff + r * cols + j];
            db[dbOff + j] += s;
        }
    }

    /**
     * {@code db[c] += Σ_{n,p} dy[n, c, p]} for channels [chFrom, chTo), lane-parallel partial sums in float, added
     * to db once per {@code group} images (images [0, group), then [group, 2·group) ...): a call on a batch cut at
     * multiples of {@code group} gives the bits of one call on the whole batch.
     */
    public static void channelSums(int batch, int group, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff,
                                   int chFrom, int chTo) {
        int bound = F.loopBound(spatial);
        for (int c = chFrom; c < chTo; c++) {
            for (int n0 = 0; n0 < batch; n0 += group) {
                FloatVector acc = FloatVector.zero(F);
                float tail = 0f;
                for (int nb = n0, n1 = Math.min(batch, n0 + group); nb < n1; nb++) {
                    int base = dyOff + (nb * channels + c) * spatial;
                    int p = 0;
                    for (; p < bound; p += N) acc = acc.add(FloatVector.fromArray(F, dy, base + p));
                    for (; p < spatial; p++) tail += dy[base + p];
                }
                db[dbOff + c] += Lanes.sum(acc) + tail;
            }
        }
    }
}
