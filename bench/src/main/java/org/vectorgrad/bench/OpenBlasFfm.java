package org.vectorgrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A direct {@code cblas_sgemm} downcall on heap arrays ({@code Linker.Option.critical(true)}), for a side-by-side
 * with OpenBLAS inside the benchmark module only, independent of the project's blas backend. OpenBLAS picks its
 * kernels when loaded: on the AVX-512 Xeon export {@code OPENBLAS_CORETYPE=SkylakeX} before starting JMH.
 */
final class OpenBlasFfm {
    static final String LIBRARY = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0";
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final MethodHandle coreName;

    OpenBlasFfm() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        ValueLayout I = ValueLayout.JAVA_INT, F = ValueLayout.JAVA_FLOAT, P = ValueLayout.ADDRESS;
        sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, P, I, P, I, F, P, I), Linker.Option.critical(true));
        setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(), FunctionDescriptor.ofVoid(I));
        coreName = linker.downcallHandle(lib.find("openblas_get_corename").orElseThrow(), FunctionDescriptor.of(P));
    }

    void threads(int n) {
        try { setThreads.invokeExact(n); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    String coreName() {
        try {
            MemorySegment s = (MemorySegment) coreName.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
               float beta, float[] c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, alpha,
                    MemorySegment.ofArray(a), lda, MemorySegment.ofArray(b), ldb, beta, MemorySegment.ofArray(c), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
