package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The grid that cuts a multi-thread OpenBLAS GEMM into one-thread calls: a pure function that tiles C exactly. */
class BlasSplitTest {

    @Test
    void blocksTileCExactlyWithAlignedInnerBoundaries() {
        SplittableRandom r = new SplittableRandom(3);
        for (int iter = 0; iter < 2000; iter++) {
            int m = 1 + r.nextInt(3000), n = 1 + r.nextInt(3000), k = 1 + r.nextInt(2000), threads = 1 + r.nextInt(16);
            BlasSplit s = BlasSplit.of(m, n, k, threads);
            String ctx = m + "x" + n + "x" + k + " on " + threads + ": " + s;
            assertTrue(s.parts() <= threads, ctx);
            assertEquals(0, s.rowStart(0, m), ctx);
            assertEquals(m, s.rowStart(s.rowParts(), m), ctx);
            assertEquals(0, s.colStart(0, n), ctx);
            assertEquals(n, s.colStart(s.colParts(), n), ctx);
            for (int i = 1; i < s.rowParts(); i++) {
                int b = s.rowStart(i, m);
                assertTrue(b > s.rowStart(i - 1, m) && b < m && b % BlasSplit.ALIGN == 0, ctx + " row boundary " + i + " = " + b);
            }
            for (int j = 1; j < s.colParts(); j++) {
                int b = s.colStart(j, n);
                assertTrue(b > s.colStart(j - 1, n) && b < n && b % BlasSplit.ALIGN == 0, ctx + " column boundary " + j + " = " + b);
            }
            assertEquals(s, BlasSplit.of(m, n, k, threads), "same inputs, same grid");
        }
    }

    @Test
    void smallProductsStayWholeAndLargeOnesUseEveryThread() {
        assertEquals(BlasSplit.WHOLE, BlasSplit.of(64, 64, 64, 2));             // 2^18 multiply-adds: one call
        assertEquals(BlasSplit.WHOLE, BlasSplit.of(1000, 1000, 1000, 1));
        assertEquals(BlasSplit.WHOLE, BlasSplit.of(10, 10, 1 << 20, 4));        // too narrow to cut in M or N
        assertEquals(2, BlasSplit.of(1024, 1024, 1024, 2).parts());
        assertEquals(16, BlasSplit.of(1024, 1024, 1024, 16).parts());
        assertEquals(3, BlasSplit.of(1024, 1024, 1024, 3).parts());
    }

    @Test
    void theGridCutsTheDimensionWhoseOperandIsLarger() {
        // batch 128 x 512 outputs: op(B) (784 x 512) is the larger operand, so each thread packs half of it
        assertEquals(new BlasSplit(1, 2), BlasSplit.of(128, 512, 784, 2));
        assertEquals(new BlasSplit(2, 1), BlasSplit.of(512, 128, 784, 2));
        assertEquals(new BlasSplit(4, 4), BlasSplit.of(1024, 1024, 1024, 16));
        assertEquals(new BlasSplit(2, 4), BlasSplit.of(512, 1024, 256, 8));
    }
}
