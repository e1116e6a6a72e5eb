package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Im2col#addTransposedInto} (the weight gradient's transposing reduction) against its definition. */
class TransposedAddTest {

    @Test
    void addsTheTransposeOnEveryShapeAndRowRange() {
        SplittableRandom rng = new SplittableRandom(11);
        int[] sizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 65, 288};
        int[] idx = new int[Im2col.lanes()];
        for (int rows : sizes) {
            for (int cols : sizes) {
                int s = rng.nextInt(5), d = rng.nextInt(5);
                float[] src = new float[s + rows * cols], dst = new float[d + rows * cols + 3];
                for (int i = 0; i < src.length; i++) src[i] = (float) rng.nextDouble(-1, 1);
                for (int i = 0; i < dst.length; i++) dst[i] = (float) rng.nextDouble(-1, 1);
                int o0 = rng.nextInt(rows), o1 = o0 + 1 + rng.nextInt(rows - o0);
                float[] expected = dst.clone();
                for (int o = o0; o < o1; o++) {
                    for (int t = 0; t < cols; t++) expected[d + o * cols + t] += src[s + t * rows + o];
                }
                Im2col.strideOffsets(rows, idx);
                Im2col.addTransposedInto(src, s, rows, cols, dst, d, o0, o1, idx);
                assertArrayEquals(expected, dst, "rows=" + rows + " cols=" + cols + " o=[" + o0 + "," + o1 + ")");
            }
        }
    }

    @Test
    void nanAndInfinityPassThrough() {
        int rows = 3, cols = 20;
        float[] src = new float[rows * cols], dst = new float[rows * cols];
        src[5 * rows + 1] = Float.NaN;
        src[17 * rows + 2] = Float.POSITIVE_INFINITY;
        int[] idx = new int[Im2col.lanes()];
        Im2col.strideOffsets(rows, idx);
        Im2col.addTransposedInto(src, 0, rows, cols, dst, 0, 0, rows, idx);
        assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY}, new float[] {dst[cols + 5], dst[2 * cols + 17]});
    }
}
