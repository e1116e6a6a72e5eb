package org.vectorgrad.backend.vector.elementwise;

import static org.vectorgrad.backend.vector.elementwise.Lanes.D;
import static org.vectorgrad.backend.vector.elementwise.Lanes.F;
import static org.vectorgrad.backend.vector.elementwise.Lanes.N;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Sums. Each one runs on one thread in a fixed order (lanes reduced by {@link Lanes#sum}), so its result depends only on its inputs (never on the
 * thread count). {@link #sum} and {@link #dot} widen every float to double before adding, as the contract asks;
 * column sums keep the oracle's row order per column and so match it bitwise.
 */
public final class ReductionKernels {
    private ReductionKernels() {}

    /** Σ x[i]·y[i] for i in [0, n), products and sum in double. */
    public static double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        DoubleVector acc0 = DoubleVector.zero(D), acc1 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += N) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + i), b = FloatVector.fromArray(F, y, yOff + i);
            acc0 = ((DoubleVector) a.convertShape(VectorOperators.F2D, D, 0)).fma((DoubleVector) b.convertShape(VectorOperators.F2D, D, 0), acc0);
            acc1 = ((DoubleVector) a.convertShape(VectorOperators.F2D, D, 1)).fma((DoubleVector) b.convertShape(VectorOperators.F2D, D, 1), acc1);
        }
        double s = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

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

    /** {@code db[c] += Σ_{n,p} dy[n, c, p]} for channels [chFrom, chTo), lane-parallel partial sums in float. */
    public static void channelSums(int batch, int channels, int spatial, float[] dy, int dyOff, float[] db, int dbOff,
                                   int chFrom, int chTo) {
        int bound = F.loopBound(spatial);
        for (int c = chFrom; c < chTo; c++) {
            FloatVector acc = FloatVector.zero(F);
            float tail = 0f;
            for (int nb = 0; nb < batch; nb++) {
                int base = dyOff + (nb * channels + c) * spatial;
                int p = 0;
                for (; p < bound; p += N) acc = acc.add(FloatVector.fromArray(F, dy, base + p));
                for (; p < spatial; p++) tail += dy[base + p];
            }
            db[dbOff + c] += Lanes.sum(acc) + tail;
        }
    }
}
