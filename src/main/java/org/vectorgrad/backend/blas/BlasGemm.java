package org.vectorgrad.backend.blas;

import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasNoTrans;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasRowMajor;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasTrans;

import java.lang.foreign.MemorySegment;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.nativebindings.openblas.CriticalCblas;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * The GEMM family through OpenBLAS ({@code cblas_sgemm}, {@code cblas_sgemv} for one-row/one-column products). The
 * {@code blas} backend is the best Java backend (vector, else scalar) with this GEMM for dense layers and for the
 * vector convolution's im2col GEMMs ({@link BlasBackendFactory}). A product with k == 0 ({@code C = beta·C}) runs
 * on the Java GEMM given at construction: there is nothing for OpenBLAS to multiply.
 *
 * <p>Operands go to native code without copying: a heap segment over the {@code float[]}, sliced at the offset,
 * through handles linked with {@code Linker.Option.critical(true)}. The garbage collector waits while such a call
 * runs (a 1024³ GEMM holds it for ~20 ms), the price of zero copy. Every dimension, leading dimension and extent
 * is checked in Java first ({@link BlasArgs}), so bad arguments throw instead of crashing the JVM.
 *
 * <p>Threads: OpenBLAS's thread count is process-global ({@code openblas_set_num_threads}). Every BLAS call of
 * every {@code BlasBackend} in the process runs under one process-wide lock, which first makes OpenBLAS's count
 * equal to this GEMM's thread count when the last value set differs. So OpenBLAS never runs more threads than the
 * caller asked for (the dispatcher is idle during a dense layer's BLAS call; inside a convolution another task of
 * the dispatcher may run im2col meanwhile, or wait for the lock to run its own GEMM), and two
 * backends with different thread counts used from two threads at once give the same bits as when used one after
 * the other: their BLAS calls take turns, each with its own thread count (docs/blas.md, "Threads").
 *
 * <p>Thread safety: safe for concurrent use; BLAS calls are serialized process-wide.
 */
public final class BlasGemm extends Gemm {
    /** Held for every OpenBLAS call in the process; guards {@link #openBlasThreads}. */
    private static final Object BLAS_LOCK = new Object();
    private static int openBlasThreads = -1;

    private final int threads;
    private final boolean gemvForVectors;
    private final Gemm emptyK;

    /**
     * @param threads         threads for OpenBLAS
     * @param gemvForVectors  route GEMMs with m == 1 or n == 1 to {@code cblas_sgemv}
     * @param emptyK          the Java GEMM that computes {@code C = beta·C} when k == 0
     */
    BlasGemm(int threads, boolean gemvForVectors, Gemm emptyK) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.gemvForVectors = gemvForVectors;
        this.emptyK = java.util.Objects.requireNonNull(emptyK, "emptyK");
        synchronized (BLAS_LOCK) {
            syncThreads();
        }
    }

    /** Threads OpenBLAS runs this GEMM's calls with. */
    public int threads() { return threads; }

    /** Call only holding {@link #BLAS_LOCK}: sets OpenBLAS's process-global thread count to ours if it differs. */
    private void syncThreads() {
        if (openBlasThreads != threads) {
            cblas_h.openblas_set_num_threads(threads);
            openBlasThreads = threads;
        }
    }

    private final SegmentCache segments = new SegmentCache();

    /** A heap segment over {@code a} from {@code off}; cached, so steady-state calls allocate nothing. */
    private MemorySegment seg(float[] a, int off) {
        synchronized (segments) {
            return segments.get(a, off);
        }
    }

    // ---- BLAS ------------------------------------------------------------------------------------

    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        BlasArgs.dims("blas gemm", m, n, k);
        if (m == 0 || n == 0) return;     // empty C: nothing is read or written, as in the scalar oracle
        if (k == 0) {                     // C = beta·C: nothing for OpenBLAS to multiply
            BlasArgs.gemmOutput(transA, transB, m, n, k, c, cOff, ldc);   // only C is touched
            emptyK.gemm(transA, transB, m, n, 0, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        BlasArgs.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        synchronized (BLAS_LOCK) {
            syncThreads();
            if (gemvForVectors && (m == 1 || n == 1)) {
                gemv(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                return;
            }
            CriticalCblas.cblas_sgemm(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(), transB ? CblasTrans() : CblasNoTrans(),
                    m, n, k, alpha, seg(a, aOff), lda, seg(b, bOff), ldb, beta, seg(c, cOff), ldc);
        }
    }

    /** A GEMM with one output row or column is a matrix-vector product; arguments already checked, lock held. */
    private void gemv(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                             int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (n == 1) {
            // C[:,0] = alpha·op(A)·op(B)[:,0] + beta·C[:,0]; x is B's column (stride ldb) or row (stride 1)
            CriticalCblas.cblas_sgemv(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(),
                    transA ? k : m, transA ? m : k, alpha, seg(a, aOff), lda,
                    seg(b, bOff), transB ? 1 : ldb, beta, seg(c, cOff), ldc);
        } else {
            // C[0,:]ᵀ = alpha·op(B)ᵀ·op(A)[0,:]ᵀ + beta·C[0,:]ᵀ; x is A's row (stride 1) or column (stride lda)
            CriticalCblas.cblas_sgemv(CblasRowMajor(), transB ? CblasNoTrans() : CblasTrans(),
                    transB ? n : k, transB ? k : n, alpha, seg(b, bOff), ldb,
                    seg(a, aOff), transA ? lda : 1, beta, seg(c, cOff), 1);
        }
    }

}
