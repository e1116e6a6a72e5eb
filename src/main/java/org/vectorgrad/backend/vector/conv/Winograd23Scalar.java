package org.vectorgrad.backend.vector.conv;

/**
 * The scalar twin of {@link Winograd23}'s transforms: one tile at a time, plain loads and stores, the same
 * operations in the same order, so the vector transforms must give exactly its bits ({@code Winograd23Test}).
 * Buffers are laid out as in {@link Winograd23}, except that the padded plane here is one zero-bordered copy of the
 * image plane ({@code (2·ceil(H/2) + 2) × (2·ceil(W/2) + 2)} floats). Stateless.
 */
final class Winograd23Scalar {
    private Winograd23Scalar() {}

    /**
     * {@link Winograd23#transformWeights}'s transform of one filter: its 9 taps from {@code taps[at]}, {@code stride}
     * apart (row by row), to 16 points {@code plane} apart from {@code u[cell]}; the same float operations in the
     * same order as the vector lanes.
     */
    static void transformFilter(float[] taps, int at, int stride, float[] u, int cell, int plane) {
        float a0 = taps[at], a1 = taps[at + stride], a2 = taps[at + 2 * stride];
        float b0 = taps[at + 3 * stride], b1 = taps[at + 4 * stride], b2 = taps[at + 5 * stride];
        float c0 = taps[at + 6 * stride], c1 = taps[at + 7 * stride], c2 = taps[at + 8 * stride];
        filterRow(a0, a1, a2, u, cell, plane);
        filterRow((a0 + b0 + c0) * 0.5f, (a1 + b1 + c1) * 0.5f, (a2 + b2 + c2) * 0.5f, u, cell + 4 * plane, plane);
        filterRow((a0 - b0 + c0) * 0.5f, (a1 - b1 + c1) * 0.5f, (a2 - b2 + c2) * 0.5f, u, cell + 8 * plane, plane);
        filterRow(c0, c1, c2, u, cell + 12 * plane, plane);
    }

    private static void filterRow(float t0, float t1, float t2, float[] u, int at, int plane) {
        u[at] = t0;
        u[at + plane] = (t0 + t1 + t2) * 0.5f;
        u[at + 2 * plane] = (t0 - t1 + t2) * 0.5f;
        u[at + 3 * plane] = t2;
    }

    /**
     * The transformed filters, one at a time (see {@link Winograd23#transformWeights}): 16 matrices of
     * {@code outCh × inCh} from {@code u[0]}.
     */
    static void transformWeights(float[] w, int wOff, int outCh, int inCh, float[] u) {
        int cells = outCh * inCh;
        for (int cell = 0; cell < cells; cell++) transformFilter(w, wOff + cell * 9, 1, u, cell, cells);
    }

    /** Floats of the padded plane {@link #transformInput} needs. */
    static int padSize(int h, int w) {
        return (2 * ((h + 1) / 2) + 2) * (2 * ((w + 1) / 2) + 2);
    }

    /**
     * {@code V[p][c][t] = (Bᵀ d B)[p]} for every tile t of {@code images} images of {@code channels} planes of
     * {@code h × w} from {@code x[xOff]} (image stride {@code channels·h·w}); tiles are numbered image by image, row by
     * row, and V's 16 matrices are {@code channels × ld} from {@code v[0]}. {@code pad} holds {@link #padSize} floats.
     */
    static void transformInput(float[] x, int xOff, int images, int channels, int h, int w, float[] v, int ld, float[] pad) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, pw = 2 * tw + 2, ph = 2 * th + 2, plane = channels * ld;
        java.util.Arrays.fill(pad, 0, ph * pw, 0f);
        for (int j = 0; j < images; j++) {
            for (int c = 0; c < channels; c++) {
                int src = xOff + (j * channels + c) * h * w;
                // the plane into the padded buffer at (1, 1); borders (and the odd-size extra row/column) stay 0
                for (int y = 0; y < h; y++) System.arraycopy(x, src + y * w, pad, (y + 1) * pw + 1, w);
                int t = j * th * tw, row = c * ld;
                for (int ty = 0; ty < th; ty++) {
                    for (int tx = 0; tx < tw; tx++, t++) {
                        int b = 2 * ty * pw + 2 * tx;
                        float d00 = pad[b], d01 = pad[b + 1], d02 = pad[b + 2], d03 = pad[b + 3];
                        b += pw;
                        float d10 = pad[b], d11 = pad[b + 1], d12 = pad[b + 2], d13 = pad[b + 3];
                        b += pw;
                        float d20 = pad[b], d21 = pad[b + 1], d22 = pad[b + 2], d23 = pad[b + 3];
                        b += pw;
                        float d30 = pad[b], d31 = pad[b + 1], d32 = pad[b + 2], d33 = pad[b + 3];
                        // columns: s = Bᵀ d, Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]]
                        float s00 = d00 - d20, s01 = d01 - d21, s02 = d02 - d22, s03 = d03 - d23;
                        float s10 = d10 + d20, s11 = d11 + d21, s12 = d12 + d22, s13 = d13 + d23;
                        float s20 = d20 - d10, s21 = d21 - d11, s22 = d22 - d12, s23 = d23 - d13;
                        float s30 = d10 - d30, s31 = d11 - d31, s32 = d12 - d32, s33 = d13 - d33;
                        int o = row + t;
                        o = rowTransform(s00, s01, s02, s03, v, o, plane);
                        o = rowTransform(s10, s11, s12, s13, v, o, plane);
                        o = rowTransform(s20, s21, s22, s23, v, o, plane);
                        rowTransform(s30, s31, s32, s33, v, o, plane);
                    }
                }
            }
        }
    }

    /** (s B) for one row of s: 4 points, stored {@code plane} apart; returns the index of the next row's first point. */
    private static int rowTransform(float s0, float s1, float s2, float s3, float[] v, int o, int plane) {
        v[o] = s0 - s2;
        v[o + plane] = s1 + s2;
        v[o + 2 * plane] = s2 - s1;
        v[o + 3 * plane] = s1 - s3;
        return o + 4 * plane;
    }

    /**
     * {@code y = Aᵀ m A (+ bias)} for every tile: the {@code outCh} output planes ({@code h × w}) of {@code images}
     * images from {@code y[yOff]} (image stride {@code outCh·h·w}), overwritten; m's 16 matrices are
     * {@code outCh × ld} from {@code m[0]}. {@code bias} may be null.
     */
    static void transformOutput(float[] m, int ld, int images, int outCh, int h, int w, float[] bias, int biasOff,
                                float[] y, int yOff) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld;
        for (int j = 0; j < images; j++) {
            for (int o = 0; o < outCh; o++) {
                float b = bias == null ? 0f : bias[biasOff + o];
                int dst = yOff + (j * outCh + o) * h * w;
                int t = j * th * tw, at = o * ld;
                for (int ty = 0; ty < th; ty++) {
                    for (int tx = 0; tx < tw; tx++, t++) {
                        int i = at + t;
                        float m00 = m[i], m01 = m[i + plane], m02 = m[i + 2 * plane], m03 = m[i + 3 * plane];
                        i += 4 * plane;
                        float m10 = m[i], m11 = m[i + plane], m12 = m[i + 2 * plane], m13 = m[i + 3 * plane];
                        i += 4 * plane;
                        float m20 = m[i], m21 = m[i + plane], m22 = m[i + 2 * plane], m23 = m[i + 3 * plane];
                        i += 4 * plane;
                        float m30 = m[i], m31 = m[i + plane], m32 = m[i + 2 * plane], m33 = m[i + 3 * plane];
                        // r = Aᵀ m, Aᵀ = [[1,1,1,0],[0,1,−1,−1]]; then y = r A
                        float r00 = m00 + m10 + m20, r01 = m01 + m11 + m21, r02 = m02 + m12 + m22, r03 = m03 + m13 + m23;
                        float r10 = m10 - m20 - m30, r11 = m11 - m21 - m31, r12 = m12 - m22 - m32, r13 = m13 - m23 - m33;
                        int oy = 2 * ty, ox = 2 * tx, q = dst + oy * w + ox;
                        y[q] = (r00 + r01 + r02) + b;
                        boolean right = ox + 1 < w, below = oy + 1 < h;
                        if (right) y[q + 1] = (r01 - r02 - r03) + b;
                        if (below) {
                            y[q + w] = (r10 + r11 + r12) + b;
                            if (right) y[q + w + 1] = (r11 - r12 - r13) + b;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link Winograd23#transformOutputGradient}, one tile at a time: {@code M[p][o][t] = (A q Aᵀ)[p]} for the 2×2
     * block q of dy at each tile (zero past an odd edge); M's 16 matrices {@code outCh × ld} from {@code m[0]}.
     */
    static void transformOutputGradient(float[] dy, int dyOff, int images, int outCh, int h, int w, float[] m, int ld) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld;
        for (int j = 0; j < images; j++) {
            for (int o = 0; o < outCh; o++) {
                int src = dyOff + (j * outCh + o) * h * w, t = o * ld + j * th * tw;
                for (int ty = 0; ty < th; ty++) {
                    for (int tx = 0; tx < tw; tx++, t++) gradientTile(dy, src, h, w, ty, tx, m, t, plane);
                }
            }
        }
    }

    /**
     * The 16 points of tile (ty, tx) of the dy plane at {@code dy[src]} ({@code h × w}; past an odd edge, zero) into
     * {@code m[at]}, {@code plane} apart.
     */
    static void gradientTile(float[] dy, int src, int h, int w, int ty, int tx, float[] m, int at, int plane) {
        int y = 2 * ty, x = 2 * tx;
        boolean right = x + 1 < w, below = y + 1 < h;
        float a0 = dy[src + y * w + x], b0 = right ? dy[src + y * w + x + 1] : 0f;
        float a1 = below ? dy[src + (y + 1) * w + x] : 0f, b1 = below && right ? dy[src + (y + 1) * w + x + 1] : 0f;
        at = gradientRow(a0, b0, m, at, plane);
        at = gradientRow(a0 + a1, b0 + b1, m, at, plane);
        at = gradientRow(a0 - a1, b0 - b1, m, at, plane);
        gradientRow(-a1, -b1, m, at, plane);
    }

    /** One row (u, v) of {@code A q}, times Aᵀ: u, u + v, u − v, −v, {@code plane} apart; returns the next row's index. */
    private static int gradientRow(float u, float v, float[] m, int at, int plane) {
        m[at] = u;
        m[at + plane] = u + v;
        m[at + 2 * plane] = u - v;
        m[at + 3 * plane] = -v;
        return at + 4 * plane;
    }

    /**
     * {@link Winograd23#transformWeightGradient} of one filter: {@code Gᵀ S G} from the 16 points at {@code s[cell]},
     * {@code plane} apart, to its 9 taps from {@code part[dst]}, {@code stride} apart; the same float operations in
     * the same order as the vector lanes.
     */
    static void weightGradientCell(float[] s, int cell, int plane, float[] part, int dst, int stride) {
        float p00 = s[0 * plane + cell], p10 = s[4 * plane + cell], p20 = s[8 * plane + cell], p30 = s[12 * plane + cell];
        float h0 = (p10 + p20) * 0.5f;
        float t00 = p00 + h0, t10 = (p10 - p20) * 0.5f, t20 = h0 + p30;
        float p01 = s[1 * plane + cell], p11 = s[5 * plane + cell], p21 = s[9 * plane + cell], p31 = s[13 * plane + cell];
        float h1 = (p11 + p21) * 0.5f;
        float t01 = p01 + h1, t11 = (p11 - p21) * 0.5f, t21 = h1 + p31;
        float p02 = s[2 * plane + cell], p12 = s[6 * plane + cell], p22 = s[10 * plane + cell], p32 = s[14 * plane + cell];
        float h2 = (p12 + p22) * 0.5f;
        float t02 = p02 + h2, t12 = (p12 - p22) * 0.5f, t22 = h2 + p32;
        float p03 = s[3 * plane + cell], p13 = s[7 * plane + cell], p23 = s[11 * plane + cell], p33 = s[15 * plane + cell];
        float h3 = (p13 + p23) * 0.5f;
        float t03 = p03 + h3, t13 = (p13 - p23) * 0.5f, t23 = h3 + p33;
        float g0 = (t01 + t02) * 0.5f;
        part[dst + 0 * stride] = t00 + g0;
        part[dst + 1 * stride] = (t01 - t02) * 0.5f;
        part[dst + 2 * stride] = g0 + t03;
        float g1 = (t11 + t12) * 0.5f;
        part[dst + 3 * stride] = t10 + g1;
        part[dst + 4 * stride] = (t11 - t12) * 0.5f;
        part[dst + 5 * stride] = g1 + t13;
        float g2 = (t21 + t22) * 0.5f;
        part[dst + 6 * stride] = t20 + g2;
        part[dst + 7 * stride] = (t21 - t22) * 0.5f;
        part[dst + 8 * stride] = g2 + t23;
    }

    /** {@link Winograd23#transformWeightGradient}, one filter at a time. */
    static void transformWeightGradient(float[] s, int inCh, int outCh, float[] part, int partOff) {
        int cells = inCh * outCh;
        for (int c = 0; c < inCh; c++) {
            for (int o = 0; o < outCh; o++) weightGradientCell(s, c * outCh + o, cells, part, partOff + c * 9 * outCh + o, outCh);
        }
    }
}
