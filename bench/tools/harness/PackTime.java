package org.vectorgrad.backend.vector.gemm;
import java.util.*;
/**
 * Microseconds and ns per element of packing op(B) and op(A) for one shape (512-bit panels; -Dbits=256 -Dmr=5 for the
 * 5 x 16 ones, under -XX:UseAVX=2; -Dmr sets MR). args: m n k [TT]. "packA" is the register-transposing pack; "rowsA"
 * is what the packed path does with an untransposed op(A) where row panels pay (BlockedGemm.rowPanelsPay): per KC
 * block of the library's table, one copy per row of the full MR-row panels and the transposing pack of the short last
 * panel only.
 */
public class PackTime {
    public static void main(String[] x) {
        int m = Integer.parseInt(x[0]), n = Integer.parseInt(x[1]), k = Integer.parseInt(x[2]);
        boolean ta = x.length > 3 && x[3].charAt(0) == 'T', tb = x.length > 3 && x[3].charAt(1) == 'T';
        int bits = Integer.getInteger("bits", 512), mr = Integer.getInteger("mr", 12), nr = GemmBlocking.nrFor(bits, mr), panels = (n + nr - 1) / nr;
        Transposer tr = Transposer.create(bits);
        float[] a = new float[m * k], b = new float[k * n], pa = new float[(m + mr) * k + 64], pb = new float[panels * nr * k + 64];
        GemmBlocking table = GemmBlocking.forBits(bits);
        float[] pr = new float[(m + mr) * MicroKernel.ROW_PANEL_STRIDE + 64];
        Random r = new Random(1); for (int i = 0; i < a.length; i++) a[i] = r.nextFloat(); for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        for (int round = 0, rounds = Integer.getInteger("rounds", 8); round < rounds; round++) {
            long t0 = System.nanoTime(); int it = 0;
            do { Packing.packB(tb, b, 0, tb ? k : n, 0, k, 0, n, nr, 0, panels, pb, tr); it++; } while (System.nanoTime() - t0 < 100_000_000L);
            double tB = (System.nanoTime() - t0) / 1e3 / it;
            t0 = System.nanoTime(); it = 0;
            do { Packing.packA(ta, a, 0, ta ? m : k, 0, m, 0, k, mr, pa, 0, tr); it++; } while (System.nanoTime() - t0 < 100_000_000L);
            double tA = (System.nanoTime() - t0) / 1e3 / it;
            String rows = "";
            if (!ta) { // row panels are for an untransposed op(A) only
                t0 = System.nanoTime(); it = 0;
                do { rowPanels(a, m, k, mr, table, pr, tr); it++; } while (System.nanoTime() - t0 < 100_000_000L);
                double tR = (System.nanoTime() - t0) / 1e3 / it;
                rows = String.format("  rowsA %.1f us (%.3f ns/elem)", tR, tR * 1e3 / (m * k));
            }
            System.out.printf("packB %.1f us (%.3f ns/elem)  packA %.1f us (%.3f ns/elem)%s%n", tB, tB * 1e3 / (k * n), tA, tA * 1e3 / (m * k), rows);
        }
    }

    /** BlockedGemm's packABlock for an untransposed op(A) of one row block, over the packed path's K blocks. */
    static void rowPanels(float[] a, int m, int k, int mr, GemmBlocking table, float[] pr, Transposer tr) {
        int blocks;
        try (org.vectorgrad.parallel.Dispatcher d = new org.vectorgrad.parallel.Dispatcher(1)) {
            blocks = new BlockedGemm(table, d, Long.MAX_VALUE).kBlocks(k); // the packed path's own K split
        }
        int full = m / mr * mr, depth = MicroKernel.ROW_PANEL_STRIDE;
        for (int kb = 0; kb < blocks; kb++) {
            int p0 = BlockedGemm.kBlockStart(k, kb, blocks), p1 = BlockedGemm.kBlockStart(k, kb + 1, blocks);
            for (int i = 0; i < full; i++) System.arraycopy(a, i * k + p0, pr, i * depth, p1 - p0);
            if (full < m) Packing.packA(false, a, 0, k, full, m - full, p0, p1 - p0, mr, pr, full * depth, tr);
        }
    }
}
