package org.vectorgrad.backend.vector.gemm;

/**
 * The vector micro-kernels' plain-Java twin: exactly the same operations per element (one {@code Math.fma} per k
 * step, k ascending, from zero; the same store formulas), so its results are bitwise identical to every vector
 * kernel's. It is the oracle of {@code MicroKernelTest}; the GEMM does not use it (as a stand-in while the vector
 * kernel was not yet compiled it measured 0.4–1 GFLOP/s and stretched the slow phase, see docs/decisions.md).
 */
final class ScalarKernel extends MicroKernel {

    ScalarKernel(int mr, int nr) { super(mr, nr); }

    @Override
    void run(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        java.util.Arrays.fill(tile, 0, mr * nr, 0f);
        for (int p = 0, pa = aOff, pb = bOff; p < kc; p++, pa += mr, pb += nr) {
            for (int r = 0; r < mr; r++) {
                float av = a[pa + r];
                int t = r * nr;
                for (int j = 0; j < nr; j++) tile[t + j] = Math.fma(av, b[pb + j], tile[t + j]);
            }
        }
    }

    @Override
    void storeFull(float[] tile, float alpha, float[] c, int cOff, int ldc) {
        storeEdge(tile, alpha, 0f, c, cOff, ldc, mr, nr);
    }

    @Override
    void storeFull(float[] tile, float alpha, float beta, float[] c, int cOff, int ldc) {
        storeEdge(tile, alpha, beta, c, cOff, ldc, mr, nr);
    }

    @Override
    void storeRows(float[] tile, float alpha, float[] c, int cOff, int ldc, int rows) {
        storeEdge(tile, alpha, 0f, c, cOff, ldc, rows, nr);
    }

    @Override
    void storeRows(float[] tile, float alpha, float beta, float[] c, int cOff, int ldc, int rows) {
        storeEdge(tile, alpha, beta, c, cOff, ldc, rows, nr);
    }
}
