package org.vectorgrad.backend.vector.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.ConvGeometry;

/**
 * {@link Im2col#im2col} against its definition, bit for bit: random geometries (strides, dilations, asymmetric
 * padding, groups, rows shorter and longer than a vector; "same"-width ones take the shifted-plane path), several
 * images side by side, the last image ending at its array's end (the row copies' masked tails), and non-finite
 * inputs, which must arrive unchanged.
 */
class Im2colTest {

    @Test
    void columnsMatchTheDefinition() {
        SplittableRandom rng = new SplittableRandom(17);
        int checked = 0, shifted = 0;
        for (int trial = 0; trial < 400; trial++) {
            int h = 1 + rng.nextInt(20), w = 1 + rng.nextInt(3 * Im2col.lanes() + 2), cin = 1 + rng.nextInt(4);
            int groups = rng.nextInt(4) == 0 ? 2 : 1, kh = 1 + rng.nextInt(3), kw = 1 + rng.nextInt(4);
            int sh = 1 + rng.nextInt(2), sw = rng.nextInt(4) == 0 ? 2 : 1, dh = 1 + rng.nextInt(2), dw = rng.nextInt(4) == 0 ? 2 : 1;
            int pt = rng.nextInt(3), pb = rng.nextInt(3), pl = rng.nextInt(3), pr = rng.nextInt(3);
            if (trial % 2 == 0) { // "same" width, stride and dilation 1: the shifted-plane path
                sh = sw = dh = dw = 1;
                pl = rng.nextInt(kw);
                pr = kw - 1 - pl;
            }
            ConvGeometry g;
            try {
                g = new ConvGeometry(1, cin * groups, h, w, groups, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            int k = g.inChannelsPerGroup() * kh * kw, p = g.outH() * g.outW(), images = 1 + rng.nextInt(3), ld = images * p;
            int image = g.inChannels() * h * w;
            float[] x = new float[images * image]; // the last image ends the array
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
            x[rng.nextInt(x.length)] = Float.NaN;
            x[rng.nextInt(x.length)] = Float.NEGATIVE_INFINITY;
            float[] pad = new float[Im2col.padSize(g)];
            for (int grp = 0; grp < groups; grp++) {
                float[] cols = new float[k * ld + Im2col.SLACK];
                Arrays.fill(cols, 3.5f);
                for (int j = 0; j < images; j++) Im2col.im2col(g, x, j * image, grp * g.inChannelsPerGroup(), cols, j * p, ld, pad);
                for (int j = 0; j < images; j++) {
                    for (int r = 0; r < k; r++) {
                        int ci = grp * g.inChannelsPerGroup() + r / (kh * kw), a = r / kw % kh, b = r % kw;
                        for (int oy = 0; oy < g.outH(); oy++) {
                            for (int ox = 0; ox < g.outW(); ox++) {
                                int iy = oy * sh - g.padTop() + a * dh, ix = ox * sw - g.padLeft() + b * dw;
                                float want = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[j * image + (ci * h + iy) * w + ix];
                                float got = cols[r * ld + j * p + oy * g.outW() + ox];
                                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got),
                                        g + " image " + j + " row " + r + " (" + oy + "," + ox + ")");
                            }
                        }
                    }
                }
                for (int i = k * ld; i < cols.length; i++) assertEquals(3.5f, cols[i], "slack written at " + i + " of " + g);
            }
            checked++;
            if (Im2col.shiftedPlanesApply(g)) shifted++;
        }
        assertTrue(checked > 200, "too few geometries: " + checked);
        assertTrue(shifted > 30, "too few geometries on the shifted-plane path: " + shifted);
    }
}
