package org.vectorgrad.backend.blas;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
 * <p>Threads: OpenBLAS's thread count is process-global ({@code openblas_set_num_threads}). Every BLAS call in the
 * process runs under one process-wide read-write lock. A GEMM with one thread takes the shared read lock, under
 * which OpenBLAS's count is always 1: such calls run at the same time, each on its caller's thread (the convolution's
 * dispatcher tasks call the 1-thread GEMM of their backend, one per core). A GEMM with more threads takes the
 * exclusive write lock and first sets OpenBLAS's count to its own. So OpenBLAS never runs more threads than the
 * caller asked for, and two backends with different thread counts used from two threads at once give the same bits
 * as when used one after the other (docs/blas.md, "Threads").
 *
 * <p>Thread safety: safe for concurrent use; multi-threaded BLAS calls are serialized process-wide, single-threaded
 * ones run concurrently.
 */
public final class BlasGemm extends Gemm {
    /**
     * Every OpenBLAS call in the process holds this lock: calls with one thread share its read lock (they run at
     * the same time, each on its caller's thread), calls with more take the write lock. {@link #openBlasThreads}
     * changes only under the write lock, and is 1 whenever a read lock is held.
     */
    private static final ReentrantReadWriteLock BLAS_LOCK = new ReentrantReadWriteLock();
    private static volatile int openBlasThreads = -1;

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
        BLAS_LOCK.writeLock().lock();
        try {
            syncThreads(threads);
        } finally {
            BLAS_LOCK.writeLock().unlock();
        }
    }

    /** Threads OpenBLAS runs this GEMM's calls with. */
    public int threads() { return threads; }

    /** Call only holding {@link #BLAS_LOCK}'s write lock: sets OpenBLAS's process-global thread count if it differs. */
    private static void syncThreads(int n) {
        if (openBlasThreads != n) {
            cblas_h.openblas_set_num_threads(n);
            openBlasThreads = n;
        }
    }

    /**
     * Takes the lock this GEMM's calls run under: the shared read lock for one thread (with OpenBLAS's count made
     * 1 first if a multi-threaded call left it higher), else the write lock with OpenBLAS's count set to ours.
     */
    private Lock acquire() {
        if (threads == 1) {
            Lock read = BLAS_LOCK.readLock();
            read.lock();
            if (openBlasThreads == 1) return read;
            read.unlock();
            BLAS_LOCK.writeLock().lock();
            try {
                syncThreads(1);
                read.lock(); // downgrade: no writer can change the count while we hold it
            } finally {
                BLAS_LOCK.writeLock().unlock();
            }
            return read;
        }
        Lock write = BLAS_LOCK.writeLock();
        write.lock();
        syncThreads(threads);
        return write;
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
        Lock lock = acquire();
        try {
            if (gemvForVectors && (m == 1 || n == 1)) {
                gemv(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                return;
            }
            CriticalCblas.cblas_sgemm(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(), transB ? CblasTrans() : CblasNoTrans(),
                    m, n, k, alpha, seg(a, aOff), lda, seg(b, bOff), ldb, beta, seg(c, cOff), ldc);
        } finally {
            lock.unlock();
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
