package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * The unpacked small-product path ({@link SmallGemm}) against the packed blocked path, bitwise: with k within
 * one KC block both compute each element as one FMA chain over p ascending from zero and store it with the same
 * formula, so any difference is a bug (odd sizes, vector tails, every transpose case, offsets and padded leading
 * dimensions, beta 0 with NaN in C, and every vector width's blocking), with C's neighbours checked untouched.
 */
class SmallGemmTest {
    // up to 196 columns: several column panels (balanced, the last one masked) at every width, several row panels
    private static final int[] SIZES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15, 16, 17, 31, 33, 47, 64, 65, 100, 196};
    private static final float[] SCALARS = {0f, 1f, -0.5f, 2f, 0.7f, -1.3f}; // not only powers of two: alpha·acc must round

    @Test
    void valuesBesideOpBInItsArrayNeverReachC() {
        // The masked tiles load their last vector unmasked while it lies inside b: lanes past n then read the padding
        // of a row (ldb > n) or the next row. Fill everything beside op(B) with NaN and infinities: C must equal the
        // packed path's bits and stay finite, and C's own padding must stay untouched.
        SplittableRandom rng = new SplittableRandom(21);
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int[] s : new int[][] {{128, 10, 256}, {7, 4, 33}, {13, 20, 64}, {64, 196, 32}, {64, 193, 32}, {6, 1, 5}, {9, 17, 100}}) {
                    int m = s[0], n = s[1], k = s[2];
                    for (int extra : new int[] {0, 3, 16}) {
                        int ldb = n + extra;
                        float[] a = random(rng, m * k), b = new float[k * ldb + extra];
                        float[] poison = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                        for (int i = 0; i < b.length; i++) b[i] = poison[i % 3];
                        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) b[p * ldb + j] = (float) rng.nextGaussian();
                        float[] want = new float[m * n], got = new float[m * n];
                        packed.gemm(false, false, m, n, k, 0.7f, a, 0, k, b, 0, ldb, 0f, want, 0, n);
                        small.gemm(false, false, m, n, k, 0.7f, a, 0, k, b, 0, ldb, 0f, got, 0, n);
                        for (int i = 0; i < got.length; i++) {
                            assertTrue(Float.isFinite(got[i]), bits + "-bit " + m + "x" + n + "x" + k + " ldb " + ldb + ": C[" + i + "] = " + got[i]);
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), bits + "-bit " + m + "x" + n + "x" + k + " ldb " + ldb + " C[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void smallPathEqualsBlockedPathBitwise() {
        SplittableRandom rng = new SplittableRandom(12);
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                for (int t = 0; t < 60; t++) {
                    int m = pick(rng), n = pick(rng), k = t % 10 == 0 ? blk.kc() : t % 10 == 1 ? 1 : pick(rng);
                    boolean ta = rng.nextBoolean(), tb = rng.nextBoolean();
                    float alpha = t == 2 ? 1f : SCALARS[rng.nextInt(SCALARS.length)], beta = t == 2 ? 0f : SCALARS[rng.nextInt(SCALARS.length)];
                    if (alpha == 0f) alpha = -0.5f; // alpha 0 never reaches either path
                    compare(small, packed, ta, tb, m, n, k, alpha, beta, rng.nextInt(3), rng);
                    cases++;
                }
            }
        }
        assertEquals(180, cases);
    }

    @Test
    void everyTileVariantGivesThePackedPathsBits() {
        // Each width's tiles, one at a time: n = v whole vectors (one panel of v) and v vectors with the last one
        // short, under every store the tiles tell apart (alpha 1 without the multiply, alpha 1 and beta 1 as one add,
        // and the general forms), with m = rows + 1 so a short last row panel follows a full one. The random shapes
        // above reach some variants only by chance.
        SplittableRandom rng = new SplittableRandom(15);
        float[][] scalars = {{1f, 0f}, {1f, 1f}, {0.7f, 0f}, {0.7f, -1.3f}, {1f, -1.3f}, {-0.5f, 1f}};
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                UnpackedKernel kernel = UnpackedKernel.create(bits);
                for (int v = 1; v <= kernel.maxVectors; v++) {
                    int rows = v == 1 ? kernel.rowsOneVector : kernel.rows; // the one-vector tile has its own row count
                    for (int n : new int[] {v * kernel.lanes, v * kernel.lanes - 3}) {
                        for (float[] ab : scalars) {
                            assertTrue(small.unpacked(rows + 1, n, 5), bits + "-bit n=" + n + " must take the small path");
                            compare(small, packed, false, false, rows + 1, n, 5, ab[0], ab[1], 0, rng);
                            compare(small, packed, false, true, 2 * rows + 3, n, 37, ab[0], ab[1], 0, rng); // op(B) transposed: padded last block
                        }
                    }
                }
            }
        }
    }

    @Test
    void shortLastRowPanelsOfMixedColumnPanelsGiveThePackedPathsBits() {
        // The tiles take whole row panels only; the rows left over are computed on copies in the scratch
        // (SmallGemm.restPanel, decisions §2ah). With at most two vectors a panel (128 and 256 bits) three vectors are
        // a one-vector panel (8-row tile) and a two-vector one (6-row tile), so rows come in units of 24: every
        // remainder of both tiles, whole and cut last vectors, C at the end of its array (no slack after it) and
        // inside a larger one, beta 0 (C not read: NaN there must not matter) and beta reading C, and one row.
        SplittableRandom rng = new SplittableRandom(16);
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                int lanes = blk.bits() / 32;
                for (int n : new int[] {3 * lanes, 3 * lanes - 2, 13 * lanes - 12}) {
                    for (int m = 1; m <= 26; m++) {
                        float[] ab = m % 3 == 0 ? new float[] {1f, 0f} : m % 3 == 1 ? new float[] {0.7f, -1.3f} : new float[] {1f, 1f};
                        assertTrue(small.unpacked(m, n, 7), bits + "-bit " + m + "x" + n + "x7 must take the small path");
                        compare(small, packed, false, false, m, n, 7, ab[0], ab[1], m % 2 == 0 ? 0 : 5, rng);
                    }
                    // a single row with C not read (one sample's product) has a path of its own: lda 0 and ldc 0
                    compare(small, packed, false, false, 1, n, 7, 0.7f, 0f, 0, rng);
                    compare(small, packed, false, true, 1, n, 7, 1f, 0f, 3, rng);
                }
            }
        }
    }

    @Test
    void lastColumnsComputedAsColumnsGiveThePackedPathsBits() {
        // N a few columns past whole vectors: SmallGemm computes those columns with the column tile (op(A)
        // transposed, vectorized along M; decisions §2ap; 512 bits only), and with op(A) as it lies its whole panels
        // of 2+ vectors read that op(A) transposed through their own tiles (full and short heights, §2ar). Every
        // count of such columns the rule allows, M a whole column tile and not (2, 3 and 4 rows past whole panels),
        // every transpose case, the store forms, padded leading dimensions; and the rule must have sent each case
        // there, so the test cannot pass on the row tiles alone.
        SplittableRandom rng = new SplittableRandom(18);
        float[][] scalars = {{1f, 0f}, {0.7f, 0f}, {1f, 1f}, {1f, -1.3f}};
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {512}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                SmallGemm rule = new SmallGemm(bits);
                int lanes = bits / 32;
                for (int cols = 1; 4 * cols <= lanes; cols++) {
                    for (int n : new int[] {lanes + cols, 2 * lanes + cols, 3 * lanes + cols, 12 * lanes + cols}) {
                        // 64 and 128 rows: whole column tiles, so with beta 0 and 4 columns the copy into C
                        // goes a vector of rows at a time (copyColumnsInto, §2bl)
                        for (int m : new int[] {2 * lanes, 2 * lanes + 1, 4 * lanes + 5, 100, 130, 64, 128}) {
                            for (int k : new int[] {1, 7, 32}) {
                                assertEquals(cols, rule.tailColumns(m, n, k), bits + "-bit " + m + "x" + n);
                                int t = rng.nextInt(4);
                                float[] ab = scalars[rng.nextInt(scalars.length)];
                                compare(small, packed, (t & 1) != 0, (t & 2) != 0, m, n, k, ab[0], ab[1], rng.nextInt(2) * 3, rng);
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(4 * 4 * 7 * 3, cases);
    }

    @Test
    void narrowProductsComputedAsColumnsGiveThePackedPathsBits() {
        // N itself 3 to 8 columns (a dense layer into a few outputs), M whole 64-row column tiles within the rule's
        // bounds: every column of C through one or two column tiles, no row tile at all (decisions §2bh; 512 bits
        // only). Every such N, one to eight row tiles, K from 1 past a transpose block up to the op(A) bound, every
        // transpose case, the store forms (C read: the column path adds to C), padded leading dimensions; the rule
        // must have sent each case there, so the test cannot pass on the row tiles.
        SplittableRandom rng = new SplittableRandom(20);
        float[][] scalars = {{1f, 0f}, {0.7f, 0f}, {1f, 1f}, {1f, -1.3f}};
        int cases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(512);
            BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
            BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
            SmallGemm rule = new SmallGemm(512);
            for (int n = SmallGemm.NARROW_COLUMNS_MIN; n <= 8; n++) {
                for (int m : new int[] {64, 128, 192, 320, 512}) {
                    for (int k : new int[] {1, 7, 16, 33, 128}) {
                        if (n > 4 && m * k > SmallGemm.NARROW_COLUMNS_MAX_A_TWO_TILES) k = SmallGemm.NARROW_COLUMNS_MAX_A_TWO_TILES / m;
                        assertEquals(n, rule.tailColumns(m, n, k), "512-bit " + m + "x" + n + "x" + k);
                        for (int t = 0; t < 4; t++) {
                            float[] ab = scalars[rng.nextInt(scalars.length)];
                            compare(small, packed, (t & 1) != 0, (t & 2) != 0, m, n, k, ab[0], ab[1], rng.nextInt(2) * 3, rng);
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(6 * 5 * 5 * 4, cases);
    }

    @Test
    void lastRowsThroughShortTilesGiveThePackedPathsBits() {
        // M not a multiple of the tile's 6 rows: the last 1-4 rows of each column panel of 2+ whole vectors go
        // through a 1-, 2-, 3- or 4-row tile (decisions §2aq, §2az; 512 and 256 bits), exactly the rows left. Every remainder, 2 to 4 vectors a panel,
        // N past whole vectors (the column tile at 512 bits, a cut last vector at 256, which keeps the whole tile),
        // the store forms, every transpose case, padded leading dimensions.
        SplittableRandom rng = new SplittableRandom(19);
        float[][] scalars = {{1f, 0f}, {0.7f, 0f}, {1f, 1f}, {1f, -1.3f}};
        int shortCases = 0;
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {512, 256}) {
                GemmBlocking blk = GemmBlocking.forBits(bits);
                BlockedGemm small = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE);
                BlockedGemm packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
                SmallGemm rule = new SmallGemm(bits);
                int lanes = bits / 32;
                for (int n : new int[] {2 * lanes, 3 * lanes, 4 * lanes, 12 * lanes, 12 * lanes + 4, 4 * lanes - 3}) {
                    for (int m : new int[] {2, 4, 7, 8, 9, 10, 11, 32, 64, 100, 129}) {
                        for (float[] ab : scalars) {
                            int t = rng.nextInt(4);
                            // the rule for a whole panel of 2 vectors (every such n has one): the cases it sends to a short tile
                            if (m % 6 != 0 && rule.shortRows(m % 6, 2, false, ab[1] != 0f, m) > 0) shortCases++;
                            compare(small, packed, (t & 1) != 0, (t & 2) != 0, m, n, 32, ab[0], ab[1], rng.nextInt(2) * 3, rng);
                        }
                    }
                }
            }
        }
        // per width and n: every m but 11 (5 rows left, no short tile that high), beta 0 (2 scalars) and C read (2)
        assertEquals(2 * 6 * (2 * 10 + 2 * 10), shortCases);
    }

    @Test
    void shortTileRuleIsAPureFunctionOfTheRowsLeftAndTheStoreForm() {
        SmallGemm w512 = new SmallGemm(512), w256 = new SmallGemm(256);
        assertEquals(4, w512.shortRows(4, 4, false, false, 64)); // M = 64: 60 + 4, not a 6-row panel over 58..63
        assertEquals(2, w512.shortRows(2, 4, false, false, 32)); // M = 32: 30 + 2
        assertEquals(1, w512.shortRows(1, 3, false, false, 7));  // one row: the 1-row tile (decisions §2az)
        assertEquals(3, w512.shortRows(3, 2, false, false, 9));  // the 3-row tile (decisions §2az)
        assertEquals(0, w512.shortRows(5, 4, false, false, 11)); // no short tile that high: the 6-row tile overlaps
        assertEquals(4, w512.shortRows(4, 4, false, true, 64));  // C read: exactly the rows left
        assertEquals(3, w512.shortRows(3, 4, false, true, 9));   // C read: exactly the rows left
        assertEquals(1, w512.shortRows(1, 2, false, false, 1));  // one row in all: the 1-row tile, not 6 rows of it
        assertEquals(1, w512.shortRows(1, 4, false, true, 13));  // C read: exactly the one row left
        assertEquals(0, w512.shortRows(4, 1, false, false, 64)); // one vector: the 8-row tile
        assertEquals(0, w512.shortRows(4, 4, true, false, 64));  // a cut last vector: the whole tile
        assertEquals(4, w256.shortRows(4, 2, false, false, 64));
        assertEquals(0, new SmallGemm(128).shortRows(4, 2, false, false, 64)); // none at 128 bits (not measured)
    }

    @Test
    void columnTailRuleIsAPureFunctionOfTheShapeAndWidth() {
        SmallGemm w512 = new SmallGemm(512), w256 = new SmallGemm(256), w128 = new SmallGemm(128);
        assertEquals(4, w512.tailColumns(64, 196, 32));
        assertEquals(1, w512.tailColumns(64, 193, 32));
        assertEquals(4, w512.tailColumns(32, 20, 32));
        assertEquals(0, w512.tailColumns(64, 200, 32)); // 8 columns: level with the cut vector, left to it
        assertEquals(0, w512.tailColumns(64, 192, 32)); // whole vectors
        assertEquals(4, w512.tailColumns(64, 4, 32));   // no whole vector: every column as a column (decisions §2bh)
        assertEquals(3, w512.tailColumns(512, 3, 128));
        assertEquals(0, w512.tailColumns(48, 3, 32));   // M not whole column tiles (64 rows)
        assertEquals(0, w512.tailColumns(100, 4, 32));
        assertEquals(0, w512.tailColumns(1024, 3, 16)); // past the rows bound
        assertEquals(0, w512.tailColumns(512, 4, 256)); // op(A) past the bound
        assertEquals(0, w512.tailColumns(64, 2, 32));   // one or two columns: left to the row tiles (or FewRowsTransposed)
        assertEquals(5, w512.tailColumns(64, 5, 32));   // 5-8 columns: two column tiles, op(A) within a smaller bound
        assertEquals(8, w512.tailColumns(128, 8, 64));
        assertEquals(0, w512.tailColumns(128, 8, 128)); // 16 K floats of op(A): 0.95-1.04x, left to the row tiles
        assertEquals(0, w512.tailColumns(128, 5, 256)); // past that bound
        assertEquals(0, w512.tailColumns(64, 9, 16));   // more than half a vector
        assertEquals(0, w256.tailColumns(64, 4, 32));
        assertEquals(0, w512.tailColumns(31, 196, 32)); // too few rows for the transpose to pay
        assertEquals(0, w256.tailColumns(64, 194, 32)); // no column tile at 256 bits (it did not pay under the proxy)
        assertEquals(0, w128.tailColumns(64, 193, 32));
    }

    @Test
    void ruleSendsOnlyProductsWithASmallOpBWithinOneKcBlockToTheSmallPath() {
        // The rule itself: BlockedGemm.SMALL_MAX_B bounds op(B)'s k·n floats, and k must fit one KC block. A product
        // outside either bound must still be right (it takes the packed path), checked against the scalar formula.
        SplittableRandom rng = new SplittableRandom(13);
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(256).with(4, 16, 8, 32);
            BlockedGemm g = new BlockedGemm(blk, d, Long.MAX_VALUE);
            assertTrue(SmallGemm.applies(196, 32, 384, BlockedGemm.SMALL_MAX_B), "the Winograd GEMM 64x196x32");
            assertTrue(SmallGemm.applies(64, 196, 384, BlockedGemm.SMALL_MAX_B), "the conv GEMM 288x64x196");
            assertTrue(!SmallGemm.applies(16, 385, 384, Long.MAX_VALUE), "k beyond one KC block");
            assertTrue(!SmallGemm.applies(512, 256, 384, BlockedGemm.SMALL_MAX_B), "op(B) of 128x512x256 is 512 KiB");
            assertTrue(!SmallGemm.applies(1, 1, 384, 0), "0 turns the path off");
            // the widths' rules as BlockedGemm applies them: op(B) within the bound (and K within one KC block); at 256
            // bits an op(B) narrower than one 16-column panel only up to 31 rows. The same with either 256-bit tile.
            long l1 = GemmBlocking.DEFAULT_L1, l2 = GemmBlocking.DEFAULT_L2, l3 = GemmBlocking.DEFAULT_L3;
            BlockedGemm w256 = new BlockedGemm(GemmBlocking.forCaches(256, l1, l2, l3, true), d, Long.MAX_VALUE);
            BlockedGemm w256s = new BlockedGemm(GemmBlocking.forCaches(256, l1, l2, l3, false), d, Long.MAX_VALUE);
            BlockedGemm w512 = new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE);
            BlockedGemm w128 = new BlockedGemm(GemmBlocking.forBits(128), d, Long.MAX_VALUE);
            assertEquals(6, w256.blocking().mr());
            assertTrue(w256s.blocking().mr() == 6 && w256s.blocking().kStrips() && !w256.blocking().kStrips());
            for (BlockedGemm w : new BlockedGemm[] {w256, w256s}) {
                String tile = "6 x 16 tile" + (w.blocking().kStrips() ? " (strips): " : ": ");
                assertTrue(w.unpacked(32, 32, 32) && w.unpacked(4, 4, 4) && w.unpacked(64, 196, 32) && w.unpacked(288, 64, 196)
                        && w.unpacked(2048, 128, 128), tile + "op(B) within the bound");
                assertTrue(w.unpacked(31, 10, 256) && w.unpacked(1, 10, 256), tile + "few rows of a narrow op(B)");
                assertTrue(!w.unpacked(32, 10, 256) && !w.unpacked(128, 10, 256), tile + "a 16-column panel pays from 32 rows");
                assertTrue(!w.unpacked(128, 16, 1100), tile + "k beyond one KC block");
                assertTrue(!w.unpacked(64, 512, 64), tile + "op(B) beyond the bound");
            }
            assertTrue(w128.unpacked(true, 1, 1024, 16), "128 bits: no few-row bound");
            for (BlockedGemm w : new BlockedGemm[] {w256, w256s, w512}) {
                String width = w.blocking().bits() + " bits: ";
                assertTrue(!w.unpacked(true, 1, 1024, 16) && !w.unpacked(true, 2, 256, 64), width + "one or two rows, op(B) transposed and wide");
                assertTrue(w.unpacked(1, 1024, 16) && w.unpacked(2, 256, 64), width + "the same with op(B) as it lies");
                assertTrue(w.unpacked(true, 3, 256, 64) && w.unpacked(true, 1, 10, 256), width + "three rows, or a narrow op(B)");
            }
            assertTrue(new BlockedGemm(GemmBlocking.forBits(512), d, Long.MAX_VALUE, Long.MAX_VALUE).unpacked(true, 1, 1024, 16),
                    "an explicit bound leaves few-row transposed products on the unpacked path (tests compare the paths)");
            assertTrue(w512.unpacked(64, 196, 32) && w512.unpacked(288, 64, 196) && w512.unpacked(128, 128, 128));
            assertTrue(w512.unpacked(128, 10, 256) && w512.unpacked(2, 256, 64), "512 bits: op(B)'s size alone");
            assertTrue(!w512.unpacked(128, 512, 256));
            assertTrue(w128.unpacked(64, 196, 32) && w128.unpacked(128, 10, 256));
            assertTrue(!new BlockedGemm(GemmBlocking.forBits(256), d, Long.MAX_VALUE, 0).unpacked(4, 4, 4), "0 turns it off");
            // k = 17 > KC = 16: packed path with two KC blocks even though op(B) is tiny
            float[] a = random(rng, 3 * 17), b = random(rng, 17 * 5), c = new float[15];
            g.gemm(false, false, 3, 5, 17, 1f, a, 0, 17, b, 0, 5, 0f, c, 0, 5);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 5; j++) {
                    float acc1 = 0f, acc2 = 0f;
                    for (int p = 0; p < 8; p++) acc1 = Math.fma(a[i * 17 + p], b[p * 5 + j], acc1);
                    for (int p = 8; p < 17; p++) acc2 = Math.fma(a[i * 17 + p], b[p * 5 + j], acc2);
                    // two KC blocks of 8 and 9 steps: C = 1·acc1, then C = fma(acc2, 1, 1·C)
                    assertEquals(Math.fma(acc2, 1f, acc1 * 1f), c[i * 5 + j], "C[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void smallPathMatchesTheScalarFormulaOnTrainingShapes() {
        // The shapes the rule sends here in the reference CNN, against the per-element FMA chain written out
        // (independent of both paths), every transpose case.
        SplittableRandom rng = new SplittableRandom(14);
        try (Dispatcher d = new Dispatcher(1)) {
            for (int bits : new int[] {128, 256, 512}) {
                BlockedGemm g = new BlockedGemm(GemmBlocking.forBits(bits), d, Long.MAX_VALUE, Long.MAX_VALUE);
                for (int[] s : new int[][] {{64, 196, 32}, {288, 64, 196}, {13, 17, 5}}) {
                    for (int t = 0; t < 4; t++) {
                        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                        int m = s[0], n = s[1], k = s[2], lda = ta ? m : k, ldb = tb ? k : n;
                        float[] a = random(rng, m * k), b = random(rng, k * n), c = random(rng, m * n), want = c.clone();
                        g.gemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -1.3f, c, 0, n);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                float acc = 0f;
                                for (int p = 0; p < k; p++) acc = Math.fma(ta ? a[p * lda + i] : a[i * lda + p], tb ? b[j * ldb + p] : b[p * ldb + j], acc);
                                want[i * n + j] = Math.fma(acc, 0.7f, want[i * n + j] * -1.3f);
                            }
                        }
                        for (int i = 0; i < c.length; i++) {
                            if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(want[i])) {
                                fail(bits + "-bit " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + ": element " + i + " " + c[i] + ", formula " + want[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void tilesTakeNoScalarsSoAlphaOtherThanOneWithCReadIsRefused() {
        // The tiles store acc or acc + C (decisions §2ai): SmallGemm scales C by alpha after them (beta 0) or by beta
        // before them (alpha 1). Both at once cannot be had bit-exactly that way, so SmallGemm refuses it and
        // BlockedGemm sends it to the packed path; its result must still be the packed path's.
        SmallGemm small = new SmallGemm(256);
        float[] a = new float[6 * 5], b = new float[5 * 16], c = new float[6 * 16], buf = new float[1 << 12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small.gemm(false, false, 6, 16, 5, 0.7f, a, 0, 5, b, 0, 16, 1f, c, 0, 16, buf, buf, buf));
        assertTrue(e.getMessage().contains("alpha 1 or beta 0"), e.getMessage());
        SplittableRandom rng = new SplittableRandom(17);
        try (Dispatcher d = new Dispatcher(1)) {
            GemmBlocking blk = GemmBlocking.forBits(256);
            BlockedGemm forced = new BlockedGemm(blk, d, Long.MAX_VALUE, Long.MAX_VALUE), packed = new BlockedGemm(blk, d, Long.MAX_VALUE, 0);
            compare(forced, packed, false, false, 13, 37, 9, 0.7f, -1.3f, 2, rng);
            compare(forced, packed, false, true, 13, 37, 9, -0.5f, 1f, 0, rng);
        }
    }

    private static void compare(BlockedGemm small, BlockedGemm packed, boolean ta, boolean tb, int m, int n, int k, float alpha,
                                float beta, int extra, SplittableRandom rng) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + extra, ldb = bCols + extra, ldc = n + extra, aOff = extra * 3, bOff = extra * 5, cOff = extra + 1;
        float[] a = random(rng, aOff + aRows * lda), b = random(rng, bOff + bRows * ldb);
        float[] c = new float[cOff + m * ldc];
        for (int i = 0; i < c.length; i++) c[i] = beta == 0f ? Float.NaN : (float) (rng.nextDouble() * 2 - 1);
        float[] want = c.clone(), got = c.clone();
        packed.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
        small.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        for (int i = 0; i < c.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                fail(String.format("%s m=%d n=%d k=%d ta=%b tb=%b alpha=%s beta=%s extra=%d: element %d small %s, packed %s",
                        small.blocking(), m, n, k, ta, tb, alpha, beta, extra, i, got[i], want[i]));
            }
        }
    }

    private static int pick(SplittableRandom rng) { return SIZES[rng.nextInt(SIZES.length)]; }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
