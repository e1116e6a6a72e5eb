package org.vectorgrad.backend.vector.gemm;

import java.util.*;
import org.vectorgrad.backend.*;

/**
 * Where a single-thread NN GEMM's time goes (docs/decisions.md §2e): the same work run as
 *   0 the micro-kernels alone over pre-packed panels (no C), 1 plus the C stores (BlockedGemm's jr-outside-ir
 *   order), 2 the whole vector GEMM (adds packing and dispatch), 3 the kernels + stores into a small C region
 *   (48 rows, cache-resident: separates the cost of C's footprint from that of the store code), 4 the kernels +
 *   stores with ir outside jr, 5 packing + kernels + stores written out here, ir outside (the whole GEMM without its plumbing),
 *   6 OpenBLAS's whole GEMM through the project's blas backend (the peer, in the same alternation), 7 the kernels
 *   alone with every call on the first A and B micro-panels (in L1: the kernel's own ceiling, no memory stalls),
 *   8 one pass over the whole K: op(A) packed whole, op(B) in column blocks of -Dnc8 (256) columns, ir outside jr,
 *   each tile's kernel over all of K and one store (beta 0): no C reloads (pre-packed, no packing timed).
 * Modes alternate call by call (-DsliceNs=1) or in slices, and the median of the per-round ratios to the first
 * listed mode is printed: on a VM whose speed drifts by tens of percent, only such ratios are steady.
 *   args: rounds m n k modes   e.g.  -DsliceNs=1 ... Decomp 200 1024 1024 1024 0,1,2,3,4
 *   There is no separate warm-up: a small product (64x196x32 takes ~5 µs) needs ~100,000 rounds call by call, or C2
 *   has not compiled the GEMM yet and the whole-GEMM modes read ~10 GFLOP/s.
 *   -Dw256=true with -XX:UseAVX=2 for the 256-bit kernel (the AVX2 proxy), -Dmr=6 for its 6 x 16 tile; -Dpad=16 pads
 *   C's leading dimension.
 */
public class Decomp {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]), m = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]), k = Integer.parseInt(args[3]);
        int[] modes = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        boolean w256 = Boolean.getBoolean("w256");
        long slice = Long.getLong("sliceNs", 40_000_000L);
        Backend be = Backends.create("vector", 1);
        Backend blas = Arrays.stream(modes).anyMatch(x -> x == 6) ? Backends.create("blas", 1) : null;
        GemmBlocking blk = GemmBlocking.forBits(w256 ? 256 : 512);
        // the table's kernel without safepoint polls (256 bits: 5 x 16); -Dmr=6 for the 6 x 16 one
        MicroKernel kern = MicroKernel.create(blk.bits(), Integer.getInteger("mr", blk.mr()));
        int mr = kern.mr, nr = kern.nr, kcMax = blk.kc(), mc = blk.mc();
        int kBlocks = (k + kcMax - 1) / kcMax;
        int mBlocks = (m + mc - 1) / mc;
        int mcEff = ((m + mBlocks - 1) / mBlocks + mr - 1) / mr * mr;
        mBlocks = (m + mcEff - 1) / mcEff;
        int panels = (n + nr - 1) / nr, ldc = n + Integer.getInteger("pad", 0);
        Random r = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        float[][] pa = new float[kBlocks * mBlocks][], pb = new float[kBlocks][];
        int[] kcs = new int[kBlocks];
        Transposer tr = Transposer.create(w256 ? 256 : 512);
        for (int kb = 0; kb < kBlocks; kb++) {
            int p0 = (int) ((long) k * kb / kBlocks), kc = (int) ((long) k * (kb + 1) / kBlocks) - p0;
            kcs[kb] = kc;
            pb[kb] = new float[panels * kc * nr + Transposer.SLACK];
            Packing.packB(false, b, 0, n, p0, kc, 0, n, nr, 0, panels, pb[kb], tr);
            for (int ib = 0; ib < mBlocks; ib++) {
                int i0 = ib * mcEff, rows = Math.min(mcEff, m - i0);
                pa[kb * mBlocks + ib] = new float[(rows + mr - 1) / mr * mr * kc + Transposer.SLACK];
                Packing.packA(false, a, 0, k, i0, rows, p0, kc, mr, pa[kb * mBlocks + ib], 0, tr);
            }
        }
        int nc8 = Integer.getInteger("nc8", 256), jBlocks8 = (n + nc8 - 1) / nc8;
        float[] paAll = null; float[][] pbAll = null;
        if (Arrays.stream(modes).anyMatch(x -> x == 8)) {
            paAll = new float[(m + mr - 1) / mr * mr * k + Transposer.SLACK];
            Packing.packA(false, a, 0, k, 0, m, 0, k, mr, paAll, 0, tr);
            pbAll = new float[jBlocks8][];
            for (int jb = 0; jb < jBlocks8; jb++) {
                int j0 = jb * nc8, cols = Math.min(nc8, n - j0), pn = (cols + nr - 1) / nr;
                pbAll[jb] = new float[pn * k * nr + Transposer.SLACK];
                Packing.packB(false, b, 0, n, 0, k, j0, cols, nr, 0, pn, pbAll[jb], tr);
            }
        }
        float[] tile = new float[mr * nr];
        String[] names = {"kernels only", "kernels + C stores", "whole gemm", "stores to a small C", "ir outer + stores", "pack + kernels + stores", "OpenBLAS whole gemm", "kernels on L1 panels", "one K pass, NC blocks"};
        double[][] res = new double[names.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int s : modes) {
                long t0 = System.nanoTime();
                int it = 0;
                do {
                    if (s == 5) for (int kb = 0; kb < kBlocks; kb++) {
                        int p0 = (int) ((long) k * kb / kBlocks), kc = kcs[kb];
                        float beta = kb == 0 ? 0f : 1f;
                        Packing.packB(false, b, 0, n, p0, kc, 0, n, nr, 0, panels, pb[kb], tr);
                        for (int ib = 0; ib < mBlocks; ib++) {
                            int i0 = ib * mcEff, rows = Math.min(mcEff, m - i0);
                            float[] A = pa[kb * mBlocks + ib];
                            Packing.packA(false, a, 0, k, i0, rows, p0, kc, mr, A, 0, tr);
                            for (int ir = 0; ir < rows; ir += mr) for (int q = 0; q < panels; q++) tile(kern, 1, A, pb[kb], kc, ir, q, i0, rows, n, ldc, beta, c, tile);
                        }
                    }
                    else if (s == 6) blas.gemm().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, ldc);
                    else if (s == 8) for (int jb = 0; jb < jBlocks8; jb++) {
                        int j0 = jb * nc8, cols = Math.min(nc8, n - j0), pn = (cols + nr - 1) / nr;
                        for (int ir = 0; ir < m; ir += mr) for (int q = 0; q < pn; q++) {
                            int nrows = Math.min(mr, m - ir), ncols = Math.min(nr, cols - q * nr), ci = ir * ldc + j0 + q * nr;
                            if (nrows == mr) kern.run(k, paAll, ir * k, pbAll[jb], q * k * nr, tile);
                            else kern.runRows(nrows, k, paAll, ir * k, pbAll[jb], q * k * nr, tile);
                            if (nrows < mr || ncols < nr) kern.storeEdge(tile, 1f, 0f, c, ci, ldc, nrows, ncols);
                            else kern.storeFull(tile, 1f, c, ci, ldc);
                        }
                    }
                    else if (s == 2) be.gemm().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, ldc);
                    else for (int kb = 0; kb < kBlocks; kb++) for (int ib = 0; ib < mBlocks; ib++) {
                        int i0 = ib * mcEff, rows = Math.min(mcEff, m - i0), kc = kcs[kb];
                        float beta = kb == 0 ? 0f : 1f;
                        float[] A = pa[kb * mBlocks + ib], B = pb[kb];
                        if (s == 7) {
                            for (int q = 0; q < panels; q++) for (int ir = 0; ir < rows; ir += mr) kern.run(kc, A, 0, B, 0, tile);
                        } else if (s == 4) {
                            for (int ir = 0; ir < rows; ir += mr) for (int q = 0; q < panels; q++) tile(kern, s, A, B, kc, ir, q, i0, rows, n, ldc, beta, c, tile);
                        } else {
                            for (int q = 0; q < panels; q++) for (int ir = 0; ir < rows; ir += mr) tile(kern, s, A, B, kc, ir, q, i0, rows, n, ldc, beta, c, tile);
                        }
                    }
                    it++;
                } while (System.nanoTime() - t0 < slice);
                res[s][round] = 2.0 * m * n * k * it / (System.nanoTime() - t0);
            }
        }
        for (int s : modes) {
            int skip = Math.min(rounds / 5, 20);
            double[] q = new double[rounds - skip];
            for (int i = skip; i < rounds; i++) q[i - skip] = res[s][i] / res[modes[0]][i];
            double[] v = Arrays.copyOfRange(res[s], skip, rounds);
            Arrays.sort(v);
            Arrays.sort(q);
            System.out.printf("%-22s best %6.1f median %6.1f GF/s, median ratio to %s: %.3f%n", names[s], v[v.length - 1], v[v.length / 2], names[modes[0]], q[q.length / 2]);
        }
    }

    private static void tile(MicroKernel kern, int s, float[] A, float[] B, int kc, int ir, int q, int i0, int rows, int n, int ldc,
                             float beta, float[] c, float[] tile) {
        int mr = kern.mr, nr = kern.nr, nrows = Math.min(mr, rows - ir), ncols = Math.min(nr, n - q * nr);
        if (nrows == mr) kern.run(kc, A, ir * kc, B, q * kc * nr, tile);
        else kern.runRows(nrows, kc, A, ir * kc, B, q * kc * nr, tile);
        if (s == 0) return;
        int row = s == 3 ? (i0 + ir) % 48 : i0 + ir, ci = row * ldc + q * nr;
        if (nrows < mr || ncols < nr) kern.storeEdge(tile, 1f, beta, c, ci, ldc, nrows, ncols);
        else if (beta == 0f) kern.storeFull(tile, 1f, c, ci, ldc);
        else kern.storeFull(tile, 1f, beta, c, ci, ldc);
    }
}
