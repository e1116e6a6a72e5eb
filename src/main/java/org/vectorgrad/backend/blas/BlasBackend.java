package org.vectorgrad.backend.blas;

import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasNoTrans;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasRowMajor;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasTrans;

import java.lang.foreign.MemorySegment;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ForwardingBackend;
import org.vectorgrad.nativebindings.openblas.CriticalCblas;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * GEMM through OpenBLAS ({@code cblas_sgemm}, {@code cblas_sgemv} for one-row/one-column products), axpy and scale
 * through {@code cblas_saxpy}/{@code cblas_sscal} when the factory says so (they only beat the scalar loops, not
 * the vector kernels: docs/blas.md); every other kernel through a delegate (vector when available, else scalar).
 * Convolution runs the vector backend's kernels (im2col, direct first layer) with their GEMMs sent to OpenBLAS
 * through this backend (with the scalar delegate, the scalar convolution).
 *
 * <p>Operands go to native code without copying: a heap segment over the {@code float[]}, sliced at the offset,
 * through handles linked with {@code Linker.Option.critical(true)}. The garbage collector waits while such a call
 * runs (a 1024³ GEMM holds it for ~20 ms), the price of zero copy. Every dimension, leading dimension and extent
 * is checked in Java first ({@link BlasArgs}), so bad arguments throw instead of crashing the JVM.
 *
 * <p>{@code dot} is delegated: the contract accumulates in double, {@code cblas_sdot} in float.
 *
 * <p>Threads: OpenBLAS's thread count is process-global ({@code openblas_set_num_threads}). Every BLAS call of
 * every {@code BlasBackend} in the process runs under one process-wide lock, which first makes OpenBLAS's count
 * equal to {@link #threads()} when the last value set differs. So OpenBLAS never runs more threads than the
 * caller asked for (the dispatcher is idle during a dense layer's BLAS call; inside a convolution another task of
 * the dispatcher may run im2col meanwhile, or wait for the lock to run its own GEMM), and two
 * backends with different thread counts used from two threads at once give the same bits as when used one after
 * the other: their BLAS calls take turns, each with its own thread count (docs/blas.md, "Threads").
 *
 * <p>Thread safety: safe for concurrent use; BLAS calls are serialized process-wide, the delegated kernels are as
 * thread-safe as the delegate.
 */
public final class BlasBackend extends ForwardingBackend {
    /** Held for every OpenBLAS call in the process; guards {@link #openBlasThreads}. */
    private static final Object BLAS_LOCK = new Object();
    private static int openBlasThreads = -1;

    private final int threads;
    private final boolean gemvForVectors;
    private final boolean level1;

    /**
     * @param threads         threads for OpenBLAS and the delegate
     * @param delegate        runs every non-BLAS kernel; closed with this backend
     * @param gemvForVectors  route GEMMs with m == 1 or n == 1 to {@code cblas_sgemv}
     * @param level1          run axpy and scale on OpenBLAS (else on the delegate)
     */
    BlasBackend(int threads, Backend delegate, boolean gemvForVectors, boolean level1) {
        super(delegate);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.gemvForVectors = gemvForVectors;
        this.level1 = level1;
        synchronized (BLAS_LOCK) {
            syncThreads();
        }
    }

    @Override public String name() { return "blas"; }
    @Override public int threads() { return threads; }


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
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        BlasArgs.dims("blas gemm", m, n, k);
        if (m == 0 || n == 0) return;     // empty C: nothing is read or written, as in the scalar oracle
        if (k == 0) {                     // C = beta·C: nothing for OpenBLAS to multiply
            BlasArgs.gemmOutput(transA, transB, m, n, k, c, cOff, ldc);   // only C is touched
            delegate().gemm(transA, transB, m, n, 0, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        if (!level1) {
            delegate().axpy(n, alpha, x, xOff, y, yOff);
            return;
        }
        BlasArgs.vector("blas axpy", "x", x, xOff, n);
        BlasArgs.vector("blas axpy", "y", y, yOff, n);
        if (n == 0) return;
        synchronized (BLAS_LOCK) {
            syncThreads();
            CriticalCblas.cblas_saxpy(n, alpha, seg(x, xOff), 1, seg(y, yOff), 1);
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        if (!level1) {
            delegate().scale(n, alpha, x, xOff);
            return;
        }
        BlasArgs.vector("blas scale", "x", x, xOff, n);
        if (n == 0) return;
        synchronized (BLAS_LOCK) {
            syncThreads();
            CriticalCblas.cblas_sscal(n, alpha, seg(x, xOff), 1);
        }
    }
}
