package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.ConvGeometry;

/** {@link Im2col#col2imRows} (register rows) against {@link Im2col#col2im} (padded plane), bit for bit. */
class Col2imRowsTest {

    @Test
    void registerRowsGiveThePaddedPlanesBits() {
        SplittableRandom rng = new SplittableRandom(21);
        int checked = 0, twoVectorRows = 0;
        for (int trial = 0; trial < 600; trial++) {
            int h = 1 + rng.nextInt(16), w = 1 + rng.nextInt(2 * Im2col.lanes() + 2), cin = 1 + rng.nextInt(5); // one or two vectors per row
            int groups = rng.nextInt(3) == 0 ? 2 : 1, kh = 1 + rng.nextInt(3);
            int pt = rng.nextInt(kh), pb = rng.nextInt(kh), pl = rng.nextInt(3), pr = rng.nextInt(3);
            ConvGeometry g;
            try {
                g = new ConvGeometry(1, cin * groups, h, w, 2 * groups, kh, 3, 1, 1, pt, pb, pl, pr, 1, 1, groups);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            if (!Im2col.rowsApply(g)) continue;
            int k = g.inChannelsPerGroup() * kh * 3, p = g.outH() * g.outW(), images = 1 + rng.nextInt(3), ld = images * p;
            float[] cols = new float[Im2col.LEAD + k * ld + Im2col.SLACK];
            for (int i = 0; i < cols.length; i++) cols[i] = (float) rng.nextDouble(-1, 1);
            // non-finite values around the matrix and in it: a masked-off lane must not carry them in
            for (int i = 0; i < Im2col.LEAD; i++) cols[i] = Float.NaN;
            for (int i = cols.length - Im2col.SLACK; i < cols.length; i++) cols[i] = Float.POSITIVE_INFINITY;
            cols[Im2col.LEAD + rng.nextInt(k * ld)] = Float.NEGATIVE_INFINITY;
            int image = g.inChannels() * h * w;
            float[] expected = new float[images * image + 5], actual = new float[images * image + 5];
            Arrays.fill(expected, 7f);
            Arrays.fill(actual, 7f);
            float[] pad = new float[Im2col.padSize(g)], tmp = new float[Im2col.padSize(g)];
            for (int j = 0; j < images; j++) {
                for (int grp = 0; grp < groups; grp++) {
                    int c0 = grp * g.inChannelsPerGroup(), at = Im2col.LEAD + j * p;
                    Im2col.col2im(g, cols, at, ld, expected, j * image, c0, pad);
                    Im2col.col2imRows(g, cols, at, ld, actual, j * image, c0, tmp);
                }
            }
            String where = g + " images=" + images;
            for (int i = 0; i < expected.length; i++) {
                float e = expected[i], a = actual[i];
                // the padded plane adds a masked-off zero to some sums that the register rows do not (or the other
                // way round): only the sign of a zero may differ
                if (e == 0f && a == 0f) continue;
                assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), "element " + i + " of " + where);
            }
            checked++;
            if (w > Im2col.lanes()) twoVectorRows++;
        }
        assertTrue(checked > 50, "too few geometries took the register-row path: " + checked);
        assertTrue(twoVectorRows > 20, "too few geometries with rows of two vectors: " + twoVectorRows);
    }

    @Test
    void appliesToTheReferenceCnnAndNotToWideOrStridedMaps() {
        // 14-wide rows fit one vector from 512 bits on (16 lanes), two with 8 lanes (AVX2); 28-wide rows two at 512 bits
        assertTrue(Im2col.rowsApply(ConvGeometry.simple(8, 32, 14, 14, 64, 3, 1, 1)));
        assertEquals(Im2col.lanes() >= 14, Im2col.rowsApply(ConvGeometry.simple(8, 32, 28, 28, 64, 3, 1, 1)));
        assertTrue(Im2col.rowsApply(ConvGeometry.simple(8, 32, 7, 7, 64, 3, 1, 1)));
        assertFalse(Im2col.rowsApply(ConvGeometry.simple(8, 32, 14, 14, 64, 3, 2, 1)));
        assertFalse(Im2col.rowsApply(ConvGeometry.simple(8, 32, 14, 14, 64, 5, 1, 2)));
        assertFalse(Im2col.rowsApply(ConvGeometry.simple(8, 32, 64, 64, 64, 3, 1, 1)));
    }
}
