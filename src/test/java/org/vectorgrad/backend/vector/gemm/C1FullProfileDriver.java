package org.vectorgrad.backend.vector.gemm;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.vector.KernelDigests;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.loss.SoftmaxCrossEntropy;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.optim.SGD;
import org.vectorgrad.tensor.Tensor;
import org.vectorgrad.train.Models;
import org.vectorgrad.train.Trainer;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Calls every unpacked tile of every width, the packed and unpacked GEMM paths on shapes that reach each kernel
 * variant (partial rows and columns, row panels, fused stores, alpha and beta forms, transposes) and every kernel
 * of {@link KernelDigests}, and a training step of the reference CNN, once each: run by {@link C1FullProfileTest} under {@code -Xcomp} so that each is compiled
 * at the tier that JVM allows. Tiny sizes: what matters is which methods get compiled, not the work.
 */
public final class C1FullProfileDriver {
    private C1FullProfileDriver() {}

    public static void main(String[] args) throws Exception {
        for (int bits : new int[] {512, 256, 128}) {
            UnpackedKernel k = UnpackedKernel.create(bits);
            Field f = UnpackedKernel.class.getDeclaredField("tiles");
            f.setAccessible(true);
            UnpackedKernel.Tile[] tiles = (UnpackedKernel.Tile[]) f.get(k);
            for (int t = 0; t < tiles.length; t++) {
                int vectors = t / 4 + 1, lanes = k.lanes, last = (t / 2) % 2 == 1 ? lanes - 3 : lanes, kc = 4, ld = vectors * lanes;
                int rows = vectors == 1 ? k.rowsOneVector : k.rows; // whole panels only (UnpackedKernel.panel)
                float[] a = new float[rows * kc], b = new float[kc * ld], c = new float[rows * ld], edge = new float[rows * lanes];
                tiles[t].run(last, kc, a, 0, kc, rows, b, 0, ld, null, 0, c, 0, ld, edge); // one store form each (§2ai)
            }
            for (int h = 1; h < k.rows; h++) { // the short tiles (the last rows of a panel, §2aq), both store forms
                if (k.shortHeight(h) != h) continue;
                for (int vectors = 2; vectors <= k.maxVectors; vectors++) {
                    int kc = 4, ld = vectors * k.lanes;
                    for (boolean add : new boolean[] {false, true}) {
                        k.shortPanel(h, vectors, kc, new float[h * kc], 0, kc, new float[kc * ld], 0, ld, add, new float[h * ld], 0, ld);
                    }
                }
            }
            for (int h = 1; h <= k.rows && k.hasTransposedTiles(); h++) { // over op(A) transposed (§2ar): every height
                if (h != k.rows && k.shortHeight(h) != h) continue;
                for (int vectors = 2; vectors <= k.maxVectors; vectors++) {
                    int kc = 4, ld = vectors * k.lanes;
                    for (boolean add : new boolean[] {false, true}) {
                        k.panelT(h, vectors, kc, new float[h * kc], 0, h, h, new float[kc * ld], 0, ld, add, new float[h * ld], 0, ld);
                    }
                }
            }
            if (k.columnVectors > 0) { // the column tile (N a few columns past whole vectors, §2ap)
                int rows = k.columnVectors * k.lanes, kc = 4;
                k.columnTile(kc, new float[kc * rows], 0, rows, new float[kc * 3], 0, 3, 3, new float[4 * rows], 0, rows);
                k.copyColumnsInto(new float[4 * rows], 0, rows, rows, new float[rows * 4], 0, 4); // its copy into C (§2bl)
            }
        }
        int[][] shapes = {{13, 37, 5}, {14, 33, 70}, {40, 35, 6}}; // the last: 3 columns past whole 512-bit vectors
        try (Dispatcher d = new Dispatcher(1)) {
            // every micro-kernel (bits, MR), packed, and each width's default blocking with its small-product path
            // ({bits, MR, 1}: the strip-mined twin)
            int[][] kernels = {{512, 12}, {512, 8}, {256, 12}, {256, 6}, {256, 6, 1}, {256, 5}, {256, 4}, {128, 6}, {128, 4}};
            List<BlockedGemm> gemms = new ArrayList<>();
            for (int[] km : kernels) {
                GemmBlocking blk = GemmBlocking.forBits(km[0]).with(km[1], 64, 4 * km[1], 256).withKStrips(km.length > 2);
                gemms.add(new BlockedGemm(blk, d, Long.MAX_VALUE, 0));
            }
            for (int bits : new int[] {512, 256, 128}) gemms.add(new BlockedGemm(GemmBlocking.forBits(bits), d, Long.MAX_VALUE, Long.MAX_VALUE));
            {
                for (BlockedGemm g : gemms) {
                    for (int[] s : shapes) {
                        int m = s[0], n = s[1], kk = s[2];
                        for (int tr = 0; tr < 4; tr++) {
                            boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                            float[] a = new float[m * kk], b = new float[kk * n], c = new float[m * n];
                            for (float[] ab : new float[][] {{1f, 0f}, {1f, 1f}, {0.5f, 0.25f}}) {
                                g.gemm(ta, tb, m, n, kk, ab[0], a, 0, ta ? m : kk, b, 0, tb ? kk : n, ab[1], c, 0, n);
                            }
                        }
                    }
                }
            }
        }
        try (Dispatcher d = new Dispatcher(1)) { // a narrow weight gradient through its transpose (§2bf): every tile of each width
            for (int bits : new int[] {512, 256}) {
                BlockedGemm g = new BlockedGemm(GemmBlocking.forBits(bits), d, Long.MAX_VALUE);
                int m = 102, n = 9, kk = 6; // 64 + 32 + 6 rows at 512 bits (four, two, one vector), 9 = a tile and a half tile
                g.gemm(true, false, m, n, kk, 1f, new float[kk * m], 0, m, new float[kk * n], 0, n, 0f, new float[m * n], 0, n);
            }
        }
        KernelDigests.main(new String[] {"1", "1"});
        // a training step of the reference CNN (its layers' kernels: fused conv-ReLU-pool, pooling, ...)
        try (Backend be = VectorBackend.create(1)) {
            Sequential s = Models.create("cnn", 1);
            Trainer t = new Trainer(s, new SoftmaxCrossEntropy(), new SGD(s.parameters(), 0.01f, 0.9f), be);
            t.step(Tensor.uniform(2, -1f, 2f, 1, 1, 28, 28), new int[] {3});
        }
    }
}
