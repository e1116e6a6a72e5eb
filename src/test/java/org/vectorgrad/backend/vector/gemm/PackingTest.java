package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packers against the definition (micro-panels of kc steps × MR or NR values, zero-padded), for both layouts of
 * each operand, every vector width's MR/NR, odd sizes and operands that end exactly at the end of their array (the
 * 16-lane move of a transposed A must not read past it), into buffers holding NaN so that padding left unwritten fails.
 */
class PackingTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void packedPanelsHoldOpAAndOpBWithZeroPadding() {
        SplittableRandom r = new SplittableRandom(4);
        int[][] widths = {{512, 12}, {512, 8}, {256, 12}, {256, 6}, {256, 5}, {256, 4}, {128, 4}};
        for (int[] wm : widths) {
            int bits = wm[0], mr = wm[1], nr = GemmBlocking.nrFor(bits, mr);
            Transposer tr = Transposer.create(bits);
            for (int[] s : new int[][] {{12, 32, 5}, {13, 33, 7}, {24, 64, 1}, {1, 1, 1}, {25, 17, 40}, {11, 40, 19}, {20, 40, 27}, {mr, nr, 3}}) {
                int rows = s[0], cols = s[1], kc = s[2];
                for (boolean trans : new boolean[] {false, true}) {
                    // A: op(A) is rows x kc; stored rows x kc (lda = kc) or kc x rows (lda = rows), no slack after it
                    float[] a = random(r, rows * kc);
                    int lda = trans ? rows : kc;
                    float[] pa = new float[(rows + mr - 1) / mr * mr * kc + Transposer.SLACK];
                    java.util.Arrays.fill(pa, Float.NaN); // the padding must be written, not left as it was
                    Packing.packA(trans, a, 0, lda, 0, rows, 0, kc, mr, pa, 0, tr);
                    for (int ir = 0; ir < rows; ir += mr) {
                        for (int p = 0; p < kc; p++) {
                            for (int i = 0; i < mr; i++) {
                                float want = ir + i < rows ? (trans ? a[p * lda + ir + i] : a[(ir + i) * lda + p]) : 0f;
                                assertEquals(want, pa[ir * kc + p * mr + i], bits + "-bit A trans=" + trans + " " + rows + "x" + kc + " [" + (ir + i) + "," + p + "]");
                            }
                        }
                    }
                    // B: op(B) is kc x cols; stored kc x cols (ldb = cols) or cols x kc (ldb = kc)
                    float[] b = random(r, kc * cols);
                    int ldb = trans ? kc : cols, panels = (cols + nr - 1) / nr;
                    float[] pb = new float[panels * kc * nr];
                    java.util.Arrays.fill(pb, Float.NaN);
                    Packing.packB(trans, b, 0, ldb, 0, kc, 0, cols, nr, 0, panels, pb, tr);
                    for (int q = 0; q < panels; q++) {
                        for (int p = 0; p < kc; p++) {
                            for (int j = 0; j < nr; j++) {
                                int col = q * nr + j;
                                float want = col < cols ? (trans ? b[col * ldb + p] : b[p * ldb + col]) : 0f;
                                assertEquals(want, pb[q * kc * nr + p * nr + j], bits + "-bit B trans=" + trans + " " + kc + "x" + cols + " [" + p + "," + col + "]");
                            }
                        }
                    }
                }
            }
        }
    }
}
