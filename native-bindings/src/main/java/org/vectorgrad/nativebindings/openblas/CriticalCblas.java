package org.vectorgrad.nativebindings.openblas;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The four {@code cblas_*} functions vectorgrad hands Java arrays to, called through downcall handles linked with
 * {@link Linker.Option#critical(boolean) Linker.Option.critical(true)}: a heap segment
 * ({@code MemorySegment.ofArray(float[])}, sliced at an offset) then reaches OpenBLAS without a copy. The handles
 * jextract generates in {@link cblas_h} are plain and refuse heap segments ("Heap segment not allowed"). Not
 * generated: this class is what vectorgrad adds to jextract's output, which stays untouched (see
 * {@code native-bindings/README.md}).
 *
 * <p>Each handle is built from jextract's own descriptor ({@link cblas_h#cblas_sgemm$descriptor()}, ...) and the
 * symbol's address in the library bound to the process ({@link OpenBlasLibrary#bound()}, which binds
 * {@link OpenBlasLibrary#DEFAULT_NAME} if nothing is bound yet), all four on the first call of any of them. If no
 * usable library can be bound, that first call throws an {@link ExceptionInInitializerError} whose cause is an
 * {@link IllegalStateException} with the loader's reason, and this class stays unusable: check availability first
 * (the backend does, through {@code OpenBlasLoader}). The {@code openblas_*} functions take no arrays and are called
 * through {@link cblas_h} as generated.
 *
 * <p>The parameters are those of the C functions (row/column order and transposes as {@link cblas_h#CblasRowMajor()}
 * etc.); nothing is checked here: a bad dimension, leading dimension or a short array is a crash in native code, so
 * callers check every argument first. While a critical call runs the calling thread cannot reach a safepoint (a GC
 * waits for it). Thread safety: the handles are immutable; calls from several threads are as safe as OpenBLAS itself
 * (its pthread build is).
 */
public final class CriticalCblas {
    private CriticalCblas() {}

    /** The handles, created on first use: the bound library first, then jextract's descriptors. */
    private static final class Handles {
        static final MethodHandle SGEMM, SGEMV, SAXPY, SSCAL;

        static {
            // Bind first: cblas_h's descriptor accessors initialize its holder classes, which look their symbol up in
            // the libraries this class loader has loaded, i.e. in the one bind() loaded.
            OpenBlasLibrary lib = OpenBlasLibrary.bound();
            SGEMM = critical(lib, "cblas_sgemm", cblas_h.cblas_sgemm$descriptor());
            SGEMV = critical(lib, "cblas_sgemv", cblas_h.cblas_sgemv$descriptor());
            SAXPY = critical(lib, "cblas_saxpy", cblas_h.cblas_saxpy$descriptor());
            SSCAL = critical(lib, "cblas_sscal", cblas_h.cblas_sscal$descriptor());
        }

        private static MethodHandle critical(OpenBlasLibrary lib, String symbol, FunctionDescriptor descriptor) {
            return Linker.nativeLinker().downcallHandle(lib.findOrThrow(symbol), descriptor, Linker.Option.critical(true));
        }
    }

    /** {@code cblas_sgemm}, parameters as in {@link cblas_h#cblas_sgemm}; heap segments allowed. */
    public static void cblas_sgemm(int Order, int TransA, int TransB, int M, int N, int K, float alpha, MemorySegment A,
                                   int lda, MemorySegment B, int ldb, float beta, MemorySegment C, int ldc) {
        try {
            Handles.SGEMM.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    /** {@code cblas_sgemv}, parameters as in {@link cblas_h#cblas_sgemv}; heap segments allowed. */
    public static void cblas_sgemv(int order, int trans, int m, int n, float alpha, MemorySegment a, int lda,
                                   MemorySegment x, int incx, float beta, MemorySegment y, int incy) {
        try {
            Handles.SGEMV.invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    /** {@code cblas_saxpy}, parameters as in {@link cblas_h#cblas_saxpy}; heap segments allowed. */
    public static void cblas_saxpy(int n, float alpha, MemorySegment x, int incx, MemorySegment y, int incy) {
        try {
            Handles.SAXPY.invokeExact(n, alpha, x, incx, y, incy);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    /** {@code cblas_sscal}, parameters as in {@link cblas_h#cblas_sscal}; heap segments allowed. */
    public static void cblas_sscal(int N, float alpha, MemorySegment X, int incX) {
        try {
            Handles.SSCAL.invokeExact(N, alpha, X, incX);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}
