package org.vectorgrad.backend.blas;

import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasNoTrans;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasRowMajor;
import static org.vectorgrad.nativebindings.openblas.cblas_h.CblasTrans;

import java.lang.foreign.MemorySegment;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.nativebindings.openblas.CriticalCblas;
import org.vectorgrad.nativebindings.openblas.cblas_h;
import org.vectorgrad.parallel.ChunkTask;
import org.vectorgrad.parallel.Dispatcher;

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
 * <p>Threads: every OpenBLAS call runs on one OpenBLAS thread, the caller's. OpenBLAS's thread count is
 * process-global ({@code openblas_set_num_threads}); the first {@code BlasGemm} sets it to 1 and nothing changes it
 * afterwards. A GEMM for several threads is cut into blocks of C ({@link BlasSplit}, a function of the shape and the
 * thread count), each a one-thread call over the whole K, run as the chunks of vectorgrad's {@link Dispatcher}: the
 * dispatcher owns the cores, and OpenBLAS's own workers, which spin for a while after each call, never start
 * (docs/blas.md, "Threads"). One-thread calls from several Java threads run at the same time (the convolution's
 * dispatcher tasks do this), and a backend's bits do not depend on what other backends in the process do.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class BlasGemm extends Gemm {
    /** Whether OpenBLAS's process-global thread count has been set to 1 (guarded by the class lock). */
    private static boolean oneThreadSet;

    private final Dispatcher dispatcher;
    private final boolean gemvForVectors;
    private final Gemm emptyK;
    /** Per calling thread: the arguments of a call being cut into blocks, read by the dispatcher's chunks. */
    private final ThreadLocal<Blocks> blocks = ThreadLocal.withInitial(Blocks::new);

    /**
     * @param dispatcher      the threads a call may use (one block of C per thread); a one-thread dispatcher makes
     *                        every call run whole on its caller's thread
     * @param gemvForVectors  route GEMMs with m == 1 or n == 1 to {@code cblas_sgemv}
     * @param emptyK          the Java GEMM that computes {@code C = beta·C} when k == 0
     */
    BlasGemm(Dispatcher dispatcher, boolean gemvForVectors, Gemm emptyK) {
        this.dispatcher = java.util.Objects.requireNonNull(dispatcher, "dispatcher");
        this.gemvForVectors = gemvForVectors;
        this.emptyK = java.util.Objects.requireNonNull(emptyK, "emptyK");
        useOneOpenBlasThread();
    }

    /** Threads a call may use (each runs one-thread OpenBLAS calls). */
    public int threads() { return dispatcher.threads(); }

    /** Sets OpenBLAS's process-global thread count to 1, once per process. */
    private static synchronized void useOneOpenBlasThread() {
        if (!oneThreadSet) {
            cblas_h.openblas_set_num_threads(1);
            oneThreadSet = true;
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
        if (gemvForVectors && (m == 1 || n == 1)) {
            gemv(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int grid = dispatcher.threads() == 1 ? 0x10001 : BlasSplit.grid(m, n, k, dispatcher.threads());
        int rowParts = grid >>> 16, colParts = grid & 0xFFFF;
        if (rowParts * colParts == 1) {
            sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Blocks call = blocks.get();
        call.set(rowParts, colParts, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        try {
            dispatcher.forEach(rowParts * colParts, call);
        } finally {
            call.clear();
        }
    }

    /** One {@code cblas_sgemm} on the calling thread; arguments already checked. */
    private void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        CriticalCblas.cblas_sgemm(CblasRowMajor(), transA ? CblasTrans() : CblasNoTrans(), transB ? CblasTrans() : CblasNoTrans(),
                m, n, k, alpha, seg(a, aOff), lda, seg(b, bOff), ldb, beta, seg(c, cOff), ldc);
    }

    /**
     * A call cut into blocks of C: chunk {@code q} is block (q / colParts, q % colParts), one sgemm over rows
     * [i0, i1) of op(A) and columns [j0, j1) of op(B). Reused by the next call on the same thread (no allocation).
     */
    private final class Blocks implements ChunkTask {
        /** The grid as two ints, not the record: a steady-state call allocates nothing. */
        private int rowParts, colParts;
        private boolean transA, transB;
        private int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        private float alpha, beta;
        private float[] a, b, c;

        void set(int rowParts, int colParts, boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.rowParts = rowParts; this.colParts = colParts; this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
            this.alpha = alpha; this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
        }

        /** Drops the caller's arrays, so a finished call does not keep them alive. */
        void clear() { a = b = c = null; }

        @Override
        public void run(int q) {
            int bi = q / colParts, bj = q % colParts;
            int i0 = BlasSplit.boundary(bi, rowParts, m), i1 = BlasSplit.boundary(bi + 1, rowParts, m);
            int j0 = BlasSplit.boundary(bj, colParts, n), j1 = BlasSplit.boundary(bj + 1, colParts, n);
            if (i0 == i1 || j0 == j1) return;
            // row i of op(A) starts at i·lda (A as stored) or at column i (A stored transposed); likewise op(B)'s columns
            int aStart = aOff + (transA ? i0 : i0 * lda), bStart = bOff + (transB ? j0 * ldb : j0);
            sgemm(transA, transB, i1 - i0, j1 - j0, k, alpha, a, aStart, lda, b, bStart, ldb, beta, c, cOff + i0 * ldc + j0, ldc);
        }
    }

    /** A GEMM with one output row or column is a matrix-vector product; arguments already checked. */
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
