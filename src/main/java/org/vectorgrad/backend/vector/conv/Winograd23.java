package org.vectorgrad.backend.vector.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Gemm;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * Winograd F(2×2, 3×3) convolution (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) for
 * 3×3 kernels at stride 1 with one pixel of zero padding on every side ("same" output size), one group. Each 2×2 block
 * of outputs ("tile") is computed from the 4×4 input block around it as {@code Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A}: 16
 * products per input channel instead of 36, so the convolution becomes 16 GEMMs with K = input channels,
 * {@code M[p] (O × T) = U[p] (O × C) · V[p] (C × T)} over the T tiles of a block of images, between an input
 * transform (V) and an output transform (y). The transforms use only additions, subtractions and halvings, so
 * the result is within a few float roundings of the direct sum; it is not the im2col path's bits.
 *
 * <p>Forward and backward-data: backward-data is the same "same" convolution, of dy with the filters rotated by
 * 180° and their channel axes swapped ({@link #transformWeightsRotated}); docs/decisions.md §9a and §9b.
 * Backward-weights is the forward's gradient with respect to U: {@code dW = Gᵀ [Σ_t (A dy_t Aᵀ) ⊙ (Bᵀ d_t B)] G}
 * ({@link #transformOutputGradient}, {@link #multiplyWeightGradient}, {@link #transformWeightGradient}; §9d).
 *
 * <p><b>Range guard.</b> Each transformed point mixes up to four inputs (or filter taps) with opposite signs, and
 * the output transform adds points of opposite sign again, so an infinity inside an output's window becomes NaN
 * (∞ − ∞) where the direct sum gives ±∞; and intermediate sums run several times larger than the inputs. So the caller
 * uses this path only when every input of the block and every weight is finite and at most {@link #LIMIT} in
 * magnitude ({@link #inRange}); otherwise the im2col path computes the block, and non-finite values come out exactly
 * as there. (F(2×2, 3×3)'s transforms only combine inputs inside each output's own 3×3 window, so a large input does
 * not spoil the rounding of outputs that do not see it.) {@code -Dvectorgrad.conv.winograd=false} turns the path off
 * ({@link VectorConvolution#WINOGRAD_PROPERTY}).
 *
 * <p>Stateless; the caller supplies every buffer, so concurrent calls on distinct buffers are safe.
 */
final class Winograd23 {
    /** Transformed points per tile: (2 + 3 − 1)². */
    static final int POINTS = 16;
    /** Fewest input and output channels for which the transforms are worth their cost (K = channels in the GEMMs). */
    static final int MIN_CHANNELS = 16;
    /** Largest magnitude of an input or weight this path accepts (2^40): transforms and products stay far from overflow. */
    static final float LIMIT = 0x1p40f;

    private static final VectorSpecies<Float> S = Lanes.F;
    private static final Class<? extends VectorMask<Float>> SM = S.maskType();
    private static final Class<? extends Vector<Float>> VT = S.vectorType();
    private static final int L = S.length();

    private Winograd23() {}

    /** 3×3, stride 1, dilation 1, padding 1 on every side, one group, at least {@link #MIN_CHANNELS} channels each way. */
    static boolean applies(ConvGeometry g) {
        return g.groups() == 1 && g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1
                && g.padTop() == 1 && g.padBottom() == 1 && g.padLeft() == 1 && g.padRight() == 1
                && g.inChannels() >= MIN_CHANNELS && g.outChannels() >= MIN_CHANNELS;
    }

    /**
     * Whether the buffers of a block of {@code images} images (transformed input and GEMM output, 16 points per
     * tile and channel, and the filters) stay within {@link ConvGeometry#MAX_ELEMENTS}: about 4/9 of im2col's column
     * matrix, but 4 times its output, which a huge layer could push past an int index.
     */
    static boolean fits(ConvGeometry g, int images) {
        long tiles = (long) images * tilesPerImage(g.inH(), g.inW()) + L;
        long most = Math.max(g.inChannels(), g.outChannels());
        return POINTS * most * tiles <= ConvGeometry.MAX_ELEMENTS
                && 25L * g.inChannels() * g.outChannels() + L <= ConvGeometry.MAX_ELEMENTS;
    }

    /** Tiles per image: ceil(H/2) · ceil(W/2) (the output is as large as the input). */
    static int tilesPerImage(int h, int w) {
        return ((h + 1) / 2) * ((w + 1) / 2);
    }

    /** Floats of a transformed-input or GEMM-output buffer for {@code channels} channels and {@code tiles} tiles. */
    static int bufferSize(int channels, int tiles) {
        return POINTS * channels * leadingDimension(tiles);
    }

    /** Floats of the buffer {@link #transformInput} needs: two planes' even- and odd-column padded copies. */
    static int padSize(int h, int w) {
        return 4 * (2 * ((h + 1) / 2) + 2) * rowStride(w);
    }

    /**
     * True when every one of {@code n} floats from {@code a[off]} is finite and at most {@link #LIMIT} in magnitude
     * (a NaN fails the comparison).
     */
    static boolean inRange(float[] a, int off, int n) {
        FloatVector m = (FloatVector) VT.cast(FloatVector.zero(S));
        int i = 0;
        for (int full = S.loopBound(n); i < full; i += S.length()) {
            m = m.max((FloatVector.fromArray(S, a, off + i)).lanewise(VectorOperators.ABS));
        }
        float max = m.reduceLanes(VectorOperators.MAX);   // order-free (Lanes: max of the same values, NaN included)
        boolean ok = max <= LIMIT;   // false for NaN: max propagates it
        for (; i < n; i++) ok &= Math.abs(a[off + i]) <= LIMIT;
        return ok;
    }

    /** Floats of the buffer {@link #transformWeights} needs: 16 transformed and 9 reordered floats per filter. */
    static int filterBufferSize(int outCh, int inCh) {
        return 25 * outCh * inCh + L;
    }

    /**
     * The transformed filters {@code U[p] = (G g Gᵀ)[p]} for g = w[o][c], 16 matrices of {@code outCh × inCh} from
     * {@code u[0]}, followed by scratch ({@link #filterBufferSize} floats in all). The taps are first copied tap by
     * tap into the scratch after U, so that the transform runs on whole vectors of filters.
     */
    static void transformWeights(float[] w, int wOff, int outCh, int inCh, float[] u) {
        int cells = outCh * inCh, taps = POINTS * cells;
        for (int cell = 0; cell < cells; cell++) {
            for (int i = 0; i < 9; i++) u[taps + i * cells + cell] = w[wOff + cell * 9 + i];
        }
        transformTaps(u, cells);
    }

    /**
     * The transformed filters of the convolution that backward-data is: dx is the "same" convolution of dy with
     * the filters rotated by 180° and their channel axes swapped, {@code g'[c][o][a][b] = w[o][c][2 − a][2 − b]}. 16
     * matrices of {@code inCh × outCh} from {@code u[0]} (the rotated convolution's output channels are the layer's
     * input channels), in a buffer of {@link #filterBufferSize} floats; {@link #transformWeights} of the rotated
     * copy, bit for bit, without making that copy.
     */
    static void transformWeightsRotated(float[] w, int wOff, int outCh, int inCh, float[] u) {
        int cells = outCh * inCh, taps = POINTS * cells;
        for (int o = 0; o < outCh; o++) {
            for (int c = 0; c < inCh; c++) {
                int src = wOff + (o * inCh + c) * 9, cell = c * outCh + o;
                for (int i = 0; i < 9; i++) u[taps + (8 - i) * cells + cell] = w[src + i];
            }
        }
        transformTaps(u, cells);
    }

    /** {@code G g Gᵀ} of {@code cells} filters whose taps lie tap-major after the 16 transformed matrices. */
    private static void transformTaps(float[] u, int cells) {
        int taps = POINTS * cells;
        FloatVector half = (FloatVector) VT.cast(FloatVector.broadcast(S, 0.5f));
        int cell = 0;
        for (int full = S.loopBound(cells); cell < full; cell += L) {
            int t = taps + cell;
            FloatVector a0 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t)), a1 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + cells));
            FloatVector a2 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 2 * cells)), b0 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 3 * cells));
            FloatVector b1 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 4 * cells)), b2 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 5 * cells));
            FloatVector c0 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 6 * cells)), c1 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 7 * cells));
            FloatVector c2 = (FloatVector) VT.cast(FloatVector.fromArray(S, u, t + 8 * cells));
            // t = G g (4×3), rows a, (a + b + c)/2, (a − b + c)/2, c; then each row (t0, t1, t2) becomes
            // t0, (t0 + t1 + t2)/2, (t0 − t1 + t2)/2, t2 (U = t Gᵀ); G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]
            FloatVector p0 = a0, p1 = a1, p2 = a2;
            for (int r = 0; r < 4; r++) {
                if (r == 1) { p0 = a0.add(b0).add(c0).mul(half); p1 = a1.add(b1).add(c1).mul(half); p2 = a2.add(b2).add(c2).mul(half); }
                if (r == 2) { p0 = a0.sub(b0).add(c0).mul(half); p1 = a1.sub(b1).add(c1).mul(half); p2 = a2.sub(b2).add(c2).mul(half); }
                if (r == 3) { p0 = c0; p1 = c1; p2 = c2; }
                int at = 4 * r * cells + cell;
                p0.intoArray(u, at);
                p0.add(p1).add(p2).mul(half).intoArray(u, at + cells);
                p0.sub(p1).add(p2).mul(half).intoArray(u, at + 2 * cells);
                p2.intoArray(u, at + 3 * cells);
            }
        }
        for (; cell < cells; cell++) Winograd23Scalar.transformFilter(u, taps + cell, cells, u, cell, cells);
    }

    /** Floats per row of a deinterleaved plane: ceil(W/2) + 1 columns, rounded up to whole vectors, plus one vector. */
    private static int rowStride(int w) {
        int tw = (w + 1) / 2;
        return (tw + L - 1) / L * L + L;
    }

    /**
     * The leading dimension of V and M for {@code tiles} tiles: one vector of slack after each row, which the last
     * tile run of a row spills into.
     */
    static int leadingDimension(int tiles) {
        return tiles + L;
    }

    /**
     * {@code V[p][c][t] = (Bᵀ d B)[p]} for every tile t of {@code images} images of {@code channels} planes of
     * {@code h × w} from {@code x[xOff]} (image stride {@code channels·h·w}); tiles are numbered image by image, row by
     * row, and V's 16 matrices are {@code channels × ld} from {@code v[0]} ({@code ld >= }{@link #leadingDimension}
     * of the tiles). {@code pad} holds {@link #padSize} floats.
     *
     * <p>Where a padded row fits one vector ({@link #rowInOneVector}) the rows stay in registers, two tile rows a
     * pass ({@link #transformInputNarrow}). Otherwise each plane is first split into its even and odd padded columns
     * (two zero-bordered planes), so that tile column tx's four input columns are element tx and tx + 1 of the even
     * and the odd plane: a run of tiles along a tile row is then plain vector loads, and its 16 points plain vector
     * stores, with no gather.
     */
    static void transformInput(float[] x, int xOff, int images, int channels, int h, int w, float[] v, int ld, float[] pad) {
        if (rowInOneVector(w)) {
            transformInputNarrow(x, xOff, images, channels, h, w, v, ld, pad);
            return;
        }
        int th = (h + 1) / 2, tw = (w + 1) / 2, rs = rowStride(w), rows = 2 * th + 2, plane = channels * ld;
        int odd = rows * rs, pair = 2 * odd;   // a plane's odd columns follow its even ones; two such pairs alternate
        java.util.Arrays.fill(pad, 0, 2 * pair, 0f);
        int planes = images * channels;
        split(x, xOff, h, w, tw, rs, pad, 0, odd);
        for (int q = 0; q < planes; q++) {
            // split the next plane before transforming this one: the vector loads below then never wait on the
            // split's just-written (and differently aligned) stores
            if (q + 1 < planes) split(x, xOff + (q + 1) * h * w, h, w, tw, rs, pad, ((q + 1) % 2) * pair, odd);
            int j = q / channels, c = q % channels, base = (q % 2) * pair;
            int t0 = j * th * tw, row = c * ld;
            for (int ty = 0; ty < th; ty++) {
                int r = base + 2 * ty * rs;
                for (int tx = 0; tx < tw; tx += L) {
                    inputRun(pad, r + tx, rs, odd, v, row + t0 + ty * tw + tx, plane);
                }
            }
        }
    }

    /**
     * Whether a padded input row of width {@code w} (its w columns, a zero on each side, and the zero column an odd
     * width's last tile reads: 2·ceil(w/2) + 2 floats) fits one vector: up to 14 columns at 512 bits, 6 at 256. Then
     * {@link #transformInputNarrow} keeps each row in a register and needs no padded copy.
     */
    static boolean rowInOneVector(int w) {
        return 2 * ((w + 1) / 2) + 2 <= L;
    }

    /** {@code ROW_MASKS[w]}: lanes 1..w, where a padded row of width w holds its input columns. */
    private static final jdk.incubator.vector.VectorMask<Float>[] ROW_MASKS = rowMasks();

    @SuppressWarnings("unchecked")
    private static jdk.incubator.vector.VectorMask<Float>[] rowMasks() {
        jdk.incubator.vector.VectorMask<Float>[] m = new jdk.incubator.vector.VectorMask[L];
        for (int w = 0; w < L; w++) m[w] = (VectorMask<Float>) SM.cast(jdk.incubator.vector.VectorMask.fromLong(S, ((1L << (w + 1)) - 1) & ~1L));
        return m;
    }

    /**
     * {@link #transformInput} where a padded row fits one vector ({@link #rowInOneVector}): rows are read straight
     * from x into registers by a masked load (lane q = input column q − 1, the others zero), a tile row's four padded
     * rows are combined down the columns as whole vectors (s = Bᵀ d), and the four columns of every tile are picked
     * out of the combined rows by one lane permute each before the row combinations (s B). Two tile rows go through
     * each pass: their 2·tw tiles (at most L) are consecutive in V, so each permute takes its lanes from both tile
     * rows' combined rows and each point is one store. The same additions and subtractions in the same order as the
     * padded-copy path and {@link Winograd23Scalar}, so the same bits; the copy into even and odd planes, and half
     * the permutes, arithmetic and stores of one tile row a pass, are gone (docs/decisions.md §9e). Written out in
     * one method, for the reason given at {@link #inputRun}.
     */
    private static void transformInputNarrow(float[] x, int xOff, int images, int channels, int h, int w, float[] v, int ld, float[] pad) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = channels * ld, planes = images * channels;
        // a plane a call: no vector is live across this loop's head (see inputNarrowPlane)
        for (int q = 0; q < planes; q++) {
            int j = q / channels, c = q % channels, o = c * ld + j * th * tw;
            float[] in = x;
            int src = xOff + q * h * w - 1; // lane 1 is input column 0
            if (src < 0 || src + (h - 1) * w + L > x.length) {
                // a row's vector would reach outside x (the array's first plane, its last few): the plane is read from
                // a copy in pad instead, since a masked load past an array's ends leaves the compiled fast path (and
                // allocates); pad holds padSize(h, w) >= h·w + L + 1 floats
                System.arraycopy(x, src + 1, pad, 1, h * w);
                in = pad;
                src = 0;
            }
            inputNarrowPlane(in, src, h, w, th, tw, v, o, plane);
        }
    }

    /**
     * One plane of {@link #transformInputNarrow}, whose input column 0 is at {@code in[src + 1]}, into V from
     * {@code o}. Its own method, with its vectors made here, so that no vector is live across the head of the loop
     * over planes: an on-stack-replacement compile of a loop takes such a vector from the interpreter's frame as a
     * plain FloatVector, of no exact class, and on AMD Zen 4 with the 256-bit sparse kernels in a 512-bit JVM
     * C2 then ran for 30 s to minutes on that compile in some JVMs, every kernel waiting in its allocating Java
     * fallback meanwhile (decisions §2bw).
     */
    private static void inputNarrowPlane(float[] in, int src, int h, int w, int th, int tw, float[] v, int o, int plane) {
        VectorMask<Float> cols = (VectorMask<Float>) SM.cast(ROW_MASKS[w]); // its exact class, as every vector here (decisions §2bw)
        // loaded here from floats, not kept as vectors in an array: a vector read from an array is of a class C2
        // cannot see, so its selectFrom is not compiled to a permute (and allocates)
        float[] pick = PAIR_PICKS[tw];
        FloatVector p0 = (FloatVector) VT.cast(FloatVector.fromArray(S, pick, 0)), p1 = (FloatVector) VT.cast(FloatVector.fromArray(S, pick, L));
        FloatVector p2 = (FloatVector) VT.cast(FloatVector.fromArray(S, pick, 2 * L)), p3 = (FloatVector) VT.cast(FloatVector.fromArray(S, pick, 3 * L));
        // padded row r is input row r − 1 (zero outside 0..h−1); tile row ty reads padded rows 2ty .. 2ty + 3
        FloatVector r0 = (FloatVector) VT.cast(FloatVector.zero(S)), r1 = row(in, src, 0, h, w, cols);
        // two tile rows a pass: their 2·tw tiles are consecutive in V, and one vector holds both (2·tw <= L)
        for (int ty = 0; ty < th; ty += 2, o += 2 * tw) {
            int y = 2 * ty + 1; // input row of padded row 2ty + 2
            FloatVector r2 = row(in, src, y, h, w, cols), r3 = row(in, src, y + 1, h, w, cols);
            FloatVector r4 = row(in, src, y + 2, h, w, cols), r5 = row(in, src, y + 3, h, w, cols);
            // s = Bᵀ d down the columns: rows 0 − 2, 1 + 2, 2 − 1, 1 − 3 of each tile row (rows r0..r3 for ty,
            // r2..r5 for ty + 1; past the last tile row they are zero rows, whose tiles are never kept); then
            // (s B) along each: columns 0 − 2, 1 + 2, 2 − 1, 1 − 3 of each tile, picked from both tile rows
            FloatVector a = r0.sub(r2), b = r2.sub(r4);
            FloatVector e = p0.selectFrom(a, b), d = p1.selectFrom(a, b), f = p2.selectFrom(a, b), g = p3.selectFrom(a, b);
            e.sub(f).intoArray(v, o);
            d.add(f).intoArray(v, o + plane);
            f.sub(d).intoArray(v, o + 2 * plane);
            d.sub(g).intoArray(v, o + 3 * plane);
            a = r1.add(r2); b = r3.add(r4);
            e = p0.selectFrom(a, b); d = p1.selectFrom(a, b); f = p2.selectFrom(a, b); g = p3.selectFrom(a, b);
            e.sub(f).intoArray(v, o + 4 * plane);
            d.add(f).intoArray(v, o + 5 * plane);
            f.sub(d).intoArray(v, o + 6 * plane);
            d.sub(g).intoArray(v, o + 7 * plane);
            a = r2.sub(r1); b = r4.sub(r3);
            e = p0.selectFrom(a, b); d = p1.selectFrom(a, b); f = p2.selectFrom(a, b); g = p3.selectFrom(a, b);
            e.sub(f).intoArray(v, o + 8 * plane);
            d.add(f).intoArray(v, o + 9 * plane);
            f.sub(d).intoArray(v, o + 10 * plane);
            d.sub(g).intoArray(v, o + 11 * plane);
            a = r1.sub(r3); b = r3.sub(r5);
            e = p0.selectFrom(a, b); d = p1.selectFrom(a, b); f = p2.selectFrom(a, b); g = p3.selectFrom(a, b);
            e.sub(f).intoArray(v, o + 12 * plane);
            d.add(f).intoArray(v, o + 13 * plane);
            f.sub(d).intoArray(v, o + 14 * plane);
            d.sub(g).intoArray(v, o + 15 * plane);
            r0 = r4;
            r1 = r5;
        }
    }

    /**
     * Padded row {@code y + 1} of the plane whose input column 0 is at {@code x[src + 1]}: input row y in lanes 1..w
     * ({@code cols}), zero elsewhere, and all zero past the plane's {@code h} rows. The caller keeps the vector inside x.
     */
    private static FloatVector row(float[] x, int src, int y, int h, int w, jdk.incubator.vector.VectorMask<Float> cols) {
        return y < h ? (FloatVector) VT.cast(FloatVector.fromArray(S, x, src + y * w, cols)) : (FloatVector) VT.cast(FloatVector.zero(S));
    }

    /**
     * {@code PAIR_PICKS[tw]}: four vectors of lane indices (k = 0..3, L floats each) for {@code selectFrom(a, b)}
     * with a and b two tile rows' combined padded rows: lanes i < tw take column 2i + k of a, lanes tw <= i < 2·tw
     * column 2(i − tw) + k of b (indices L and up name b), the others lane 0 (never kept).
     */
    private static final float[][] PAIR_PICKS = pairPicks();

    private static float[][] pairPicks() {
        float[][] r = new float[L / 2 + 1][4 * L];
        for (int tw = 1; tw <= L / 2; tw++) {
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < L; i++) r[tw][k * L + i] = i < tw ? 2 * i + k : i < 2 * tw ? L + 2 * (i - tw) + k : 0;
            }
        }
        return r;
    }

    /** One plane's rows into the even/odd planes from {@code pad[base]} (see {@link #splitRow}). */
    private static void split(float[] x, int src, int h, int w, int tw, int rs, float[] pad, int base, int odd) {
        for (int y = 0; y < h; y++) {
            int e = base + (y + 1) * rs;
            splitRow(x, src + y * w, w, tw, pad, e, e + odd);
        }
    }

    /** Lane indices for {@code selectFrom}: the even / odd lanes of two consecutive vectors. */
    private static final FloatVector EVEN_LANES = everyOther(0), ODD_LANES = everyOther(1);

    private static FloatVector everyOther(int first) {
        float[] idx = new float[L];
        for (int i = 0; i < L; i++) idx[i] = first + 2 * i;
        return (FloatVector) VT.cast(FloatVector.fromArray(S, idx, 0));
    }

    /**
     * One image row of {@code w} floats from {@code x[from]} into its even-plane row at {@code pad[e]} and odd-plane
     * row at {@code pad[o]}: padded column q is input column q − 1, so even q = 2k holds input column 2k − 1 and odd
     * q = 2k + 1 input column 2k. Elements 0 .. tw of both rows are exact (the padding ones 0); later ones are
     * scratch, read only by lanes past the last tile.
     */
    private static void splitRow(float[] x, int from, int w, int tw, float[] pad, int e, int o) {
        int col = 0;
        for (; col < w && from + col + 2 * L <= x.length; col += 2 * L) {
            FloatVector v0 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, from + col)), v1 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, from + col + L));
            EVEN_LANES.selectFrom(v0, v1).intoArray(pad, o + col / 2);
            ODD_LANES.selectFrom(v0, v1).intoArray(pad, e + 1 + col / 2);
        }
        for (; col < w; col++) pad[(col % 2 == 0 ? o : e + 1) + col / 2] = x[from + col];
        // the right padding: input column w (even plane, when w is odd) and w + 1 or w (odd plane)
        if (w % 2 == 1) pad[e + tw] = 0f;
        pad[o + tw] = 0f;
    }

    /**
     * The 16 points of L consecutive tiles of one tile row: rows from {@code pad[at]}, even plane then odd plane.
     * Written out in one method: C2 does not inline a hot method this size, and a vector passed to a method that is
     * not inlined is boxed.
     */
    private static void inputRun(float[] pad, int at, int rs, int odd, float[] v, int o, int plane) {
        // columns 2tx (e), 2tx + 1 (d), 2tx + 2 (f), 2tx + 3 (g) of the tile, each transformed down its 4 rows:
        // s = Bᵀ d, rows 0 − 2, 1 + 2, 2 − 1, 1 − 3
        int od = at + odd;
        FloatVector e0 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at)), e1 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + rs));
        FloatVector e2 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 2 * rs)), e3 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 3 * rs));
        FloatVector d0 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od)), d1 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + rs));
        FloatVector d2 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 2 * rs)), d3 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 3 * rs));
        FloatVector f0 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 1)), f1 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 1 + rs));
        FloatVector f2 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 1 + 2 * rs)), f3 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, at + 1 + 3 * rs));
        FloatVector g0 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 1)), g1 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 1 + rs));
        FloatVector g2 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 1 + 2 * rs)), g3 = (FloatVector) VT.cast(FloatVector.fromArray(S, pad, od + 1 + 3 * rs));
        // then (s B) along each row: points 0 − 2, 1 + 2, 2 − 1, 1 − 3 of the row's columns (e, d, f, g); the four
        // rows written out (a loop choosing each row's sums by branches measured ~15 % slower per plane)
        FloatVector s0 = e0.sub(e2), s1 = d0.sub(d2), s2 = f0.sub(f2), s3 = g0.sub(g2);
        s0.sub(s2).intoArray(v, o);
        s1.add(s2).intoArray(v, o + plane);
        s2.sub(s1).intoArray(v, o + 2 * plane);
        s1.sub(s3).intoArray(v, o + 3 * plane);
        o += 4 * plane;
        s0 = e1.add(e2); s1 = d1.add(d2); s2 = f1.add(f2); s3 = g1.add(g2);
        s0.sub(s2).intoArray(v, o);
        s1.add(s2).intoArray(v, o + plane);
        s2.sub(s1).intoArray(v, o + 2 * plane);
        s1.sub(s3).intoArray(v, o + 3 * plane);
        o += 4 * plane;
        s0 = e2.sub(e1); s1 = d2.sub(d1); s2 = f2.sub(f1); s3 = g2.sub(g1);
        s0.sub(s2).intoArray(v, o);
        s1.add(s2).intoArray(v, o + plane);
        s2.sub(s1).intoArray(v, o + 2 * plane);
        s1.sub(s3).intoArray(v, o + 3 * plane);
        o += 4 * plane;
        s0 = e1.sub(e3); s1 = d1.sub(d3); s2 = f1.sub(f3); s3 = g1.sub(g3);
        s0.sub(s2).intoArray(v, o);
        s1.add(s2).intoArray(v, o + plane);
        s2.sub(s1).intoArray(v, o + 2 * plane);
        s1.sub(s3).intoArray(v, o + 3 * plane);
    }

    /**
     * {@code M[p] = U[p] · V[p]} for the 16 points: {@code rows × tiles} outputs from {@code cols}-deep products, on
     * the backend's GEMM.
     */
    static void multiply(Gemm gemm, int rows, int cols, int tiles, float[] u, float[] v, int ldv, float[] m, int ldm) {
        for (int p = 0; p < POINTS; p++) {
            gemm.gemm(false, false, rows, tiles, cols, 1f, u, p * rows * cols, cols, v, p * cols * ldv, ldv, 0f, m, p * rows * ldm, ldm);
        }
    }

    /**
     * {@code M[p][o][t] = (A q Aᵀ)[p]} for every tile t of the output gradient: q is the tile's 2×2 block of dy (zero
     * past an odd edge), A = [[1,0],[1,1],[1,−1],[0,−1]] (the forward's output transform, transposed); the
     * {@code outCh} planes of {@code h × w} of {@code images} images from {@code dy[dyOff]} (image stride
     * {@code outCh·h·w}), tiles numbered as in {@link #transformInput}, M's 16 matrices {@code outCh × ld} from
     * {@code m[0]} ({@code ld >= }{@link #leadingDimension}). With {@link #transformInput}'s V of the layer's input,
     * {@code Σ_t V[p][c][t]·M[p][o][t]} is the weight gradient's point p ({@link #transformWeightGradient}).
     *
     * <p>Where two tile rows' tiles fit one vector, two tile rows a pass ({@link #transformOutputGradientPairs}).
     * Otherwise, where the width is even, a run of L tiles of a tile row reads its two dy rows as two vectors each, straight
     * from dy, and splits their even and odd columns in registers ({@link #gradientRun}); a run that would read past
     * the end of dy, and every run of an odd width (whose last tile's right column is the edge's zero), goes tile by
     * tile ({@link Winograd23Scalar#gradientTile}), with the same operations.
     */
    static void transformOutputGradient(float[] dy, int dyOff, int images, int outCh, int h, int w, float[] m, int ld) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld, planes = images * outCh;
        if (2 * tw <= L) {
            transformOutputGradientPairs(dy, dyOff, images, outCh, h, w, m, ld);
            return;
        }
        for (int q = 0; q < planes; q++) {
            int src = dyOff + q * h * w, row = (q % outCh) * ld + (q / outCh) * th * tw;
            for (int ty = 0; ty < th; ty++) {
                int top = src + 2 * ty * w, below = 2 * ty + 1 < h ? w : 0;
                for (int tx = 0; tx < tw; tx += L) {
                    int at = top + 2 * tx, t = row + ty * tw + tx;
                    if (w % 2 == 0 && at + below + 2 * L <= dy.length) {
                        // lanes past the row's last tile read on into later rows and write into later tiles' slots (or
                        // the slack past the last tile): later runs overwrite them
                        gradientRun(dy, at, below, m, t, plane);
                    } else {
                        for (int k = tx, end = Math.min(tw, tx + L); k < end; k++) {
                            Winograd23Scalar.gradientTile(dy, src, h, w, ty, k, m, t + k - tx, plane);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #transformOutputGradient} where two tile rows' tiles fit one vector (2·ceil(w/2) <= L): each dy row is one
     * masked load (lanes past w zero, as the tile by tile path's right column past an odd width), and the tiles'
     * left and right columns of two tile rows come out of their rows by one two-vector permute each, so each pass
     * writes two tile rows' 16 points with 16 stores. The same operations in the same order as {@link #gradientRun}
     * and {@link Winograd23Scalar#gradientTile}, so the same bits. A plane whose last rows' vectors would reach past
     * the end of dy goes tile by tile. Written out in one method (see {@link #inputRun}).
     */
    private static void transformOutputGradientPairs(float[] dy, int dyOff, int images, int outCh, int h, int w, float[] m, int ld) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld, planes = images * outCh;
        // a plane a call: no vector is live across this loop's head (see inputNarrowPlane)
        for (int q = 0; q < planes; q++) {
            int src = dyOff + q * h * w, row = (q % outCh) * ld + (q / outCh) * th * tw;
            if (src + (h - 1) * w + L > dy.length) {
                for (int ty = 0; ty < th; ty++) {
                    for (int tx = 0; tx < tw; tx++) Winograd23Scalar.gradientTile(dy, src, h, w, ty, tx, m, row + ty * tw + tx, plane);
                }
                continue;
            }
            gradientPairsPlane(dy, src, h, w, th, tw, m, row, plane);
        }
    }

    /**
     * One plane of {@link #transformOutputGradientPairs}, its dy rows from {@code dy[src]}, into M from {@code row}.
     * Its own method, with its vectors made here, for the reason given at {@link #inputNarrowPlane}.
     */
    private static void gradientPairsPlane(float[] dy, int src, int h, int w, int th, int tw, float[] m, int row, int plane) {
        VectorMask<Float> cols = (VectorMask<Float>) SM.cast(GRADIENT_ROW_MASKS[w]); // its exact class, as every vector here (decisions §2bw)
        // loaded here from floats (see inputNarrowPlane)
        FloatVector left = (FloatVector) VT.cast(FloatVector.fromArray(S, GRADIENT_PICKS[tw], 0)), right = (FloatVector) VT.cast(FloatVector.fromArray(S, GRADIENT_PICKS[tw], L));
        FloatVector zero = (FloatVector) VT.cast(FloatVector.zero(S));
        for (int ty = 0, o = row; ty < th; ty += 2, o += 2 * tw) {
            int y = 2 * ty, at = src + y * w; // dy rows y, y + 1 (tile row ty) and y + 2, y + 3 (tile row ty + 1)
            FloatVector d0 = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at, cols));
            FloatVector d1 = y + 1 < h ? (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + w, cols)) : zero;
            FloatVector d2 = y + 2 < h ? (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + 2 * w, cols)) : zero;
            FloatVector d3 = y + 3 < h ? (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + 3 * w, cols)) : zero;
            FloatVector a0 = left.selectFrom(d0, d2), b0 = right.selectFrom(d0, d2);
            FloatVector a1 = left.selectFrom(d1, d3), b1 = right.selectFrom(d1, d3);
            // rows r = A q: q0, q0 + q1, q0 − q1, −q1 (left column u, right column v); then each row (u, v)
            // becomes u, u + v, u − v, −v (r Aᵀ)
            FloatVector u = a0, v = b0;
            int k = o;
            u.intoArray(m, k);
            u.add(v).intoArray(m, k + plane);
            u.sub(v).intoArray(m, k + 2 * plane);
            v.neg().intoArray(m, k + 3 * plane);
            k += 4 * plane;
            u = a0.add(a1); v = b0.add(b1);
            u.intoArray(m, k);
            u.add(v).intoArray(m, k + plane);
            u.sub(v).intoArray(m, k + 2 * plane);
            v.neg().intoArray(m, k + 3 * plane);
            k += 4 * plane;
            u = a0.sub(a1); v = b0.sub(b1);
            u.intoArray(m, k);
            u.add(v).intoArray(m, k + plane);
            u.sub(v).intoArray(m, k + 2 * plane);
            v.neg().intoArray(m, k + 3 * plane);
            k += 4 * plane;
            u = a1.neg(); v = b1.neg();
            u.intoArray(m, k);
            u.add(v).intoArray(m, k + plane);
            u.sub(v).intoArray(m, k + 2 * plane);
            v.neg().intoArray(m, k + 3 * plane);
        }
    }

    /** {@code GRADIENT_ROW_MASKS[w]}: lanes 0..w−1, a dy row of width w (w <= L). */
    private static final jdk.incubator.vector.VectorMask<Float>[] GRADIENT_ROW_MASKS = gradientRowMasks();

    @SuppressWarnings("unchecked")
    private static jdk.incubator.vector.VectorMask<Float>[] gradientRowMasks() {
        jdk.incubator.vector.VectorMask<Float>[] r = new jdk.incubator.vector.VectorMask[L + 1];
        for (int w = 0; w <= L; w++) r[w] = (VectorMask<Float>) SM.cast(jdk.incubator.vector.VectorMask.fromLong(S, w == 64 ? -1L : (1L << w) - 1));
        return r;
    }

    /**
     * {@code GRADIENT_PICKS[tw]}: two vectors of lane indices (left columns, then right) for {@code selectFrom(a, b)}
     * with a and b the same row of two tile rows: lanes i < tw take column 2i (+ 1) of a, lanes tw <= i < 2·tw column
     * 2(i − tw) (+ 1) of b (indices L and up), the others lane 0 (never kept).
     */
    private static final float[][] GRADIENT_PICKS = gradientPicks();

    private static float[][] gradientPicks() {
        float[][] r = new float[L / 2 + 1][2 * L];
        for (int tw = 1; tw <= L / 2; tw++) {
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < L; i++) r[tw][k * L + i] = i < tw ? 2 * i + k : i < 2 * tw ? L + 2 * (i - tw) + k : 0;
            }
        }
        return r;
    }

    /**
     * The 16 points of L consecutive tiles of one tile row of dy: the top row's 2L floats from {@code dy[at]}, the
     * bottom row's {@code below} floats further ({@code below} 0: past an odd height, zero), split into the tiles'
     * left (even) and right (odd) columns. One method, no vector parameter (see {@link #inputRun}).
     */
    private static void gradientRun(float[] dy, int at, int below, float[] m, int o, int plane) {
        FloatVector top0 = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at)), top1 = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + L));
        FloatVector a0 = EVEN_LANES.selectFrom(top0, top1), b0 = ODD_LANES.selectFrom(top0, top1), a1, b1;
        if (below > 0) {
            FloatVector bot0 = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + below)), bot1 = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, at + below + L));
            a1 = EVEN_LANES.selectFrom(bot0, bot1);
            b1 = ODD_LANES.selectFrom(bot0, bot1);
        } else {
            a1 = (FloatVector) VT.cast(FloatVector.zero(S));
            b1 = a1;
        }
        // rows r = A q: q0, q0 + q1, q0 − q1, −q1 (left column u, right column v); then each row (u, v) becomes
        // u, u + v, u − v, −v (r Aᵀ)
        FloatVector u = a0, v = b0;
        u.intoArray(m, o);
        u.add(v).intoArray(m, o + plane);
        u.sub(v).intoArray(m, o + 2 * plane);
        v.neg().intoArray(m, o + 3 * plane);
        o += 4 * plane;
        u = a0.add(a1); v = b0.add(b1);
        u.intoArray(m, o);
        u.add(v).intoArray(m, o + plane);
        u.sub(v).intoArray(m, o + 2 * plane);
        v.neg().intoArray(m, o + 3 * plane);
        o += 4 * plane;
        u = a0.sub(a1); v = b0.sub(b1);
        u.intoArray(m, o);
        u.add(v).intoArray(m, o + plane);
        u.sub(v).intoArray(m, o + 2 * plane);
        v.neg().intoArray(m, o + 3 * plane);
        o += 4 * plane;
        u = a1.neg(); v = b1.neg();
        u.intoArray(m, o);
        u.add(v).intoArray(m, o + plane);
        u.sub(v).intoArray(m, o + 2 * plane);
        v.neg().intoArray(m, o + 3 * plane);
    }

    /**
     * {@code S[p] = V[p] · M[p]ᵀ} for the 16 points: {@code inCh × outCh} sums over the {@code tiles} tiles, V from
     * {@link #transformInput} of the input ({@code inCh × ld} per point) and M from {@link #transformOutputGradient}
     * ({@code outCh × ld}), on the backend's GEMM; S's 16 matrices from {@code s[sOff]}, beta 0 (overwritten) or 1
     * (added to).
     */
    static void multiplyWeightGradient(Gemm gemm, int inCh, int outCh, int tiles, float[] v, float[] m, int ld, float beta, float[] s, int sOff) {
        for (int p = 0; p < POINTS; p++) {
            gemm.gemm(false, true, inCh, outCh, tiles, 1f, v, p * inCh * ld, ld, m, p * outCh * ld, ld, beta, s, sOff + p * inCh * outCh, outCh);
        }
    }

    /** Floats of {@link #multiplyWeightGradient}'s S for {@code inCh} and {@code outCh} channels. */
    static int weightGradientSize(int inCh, int outCh) {
        return POINTS * inCh * outCh;
    }

    /**
     * The weight gradient {@code Gᵀ S G} of every filter from S's 16 points ({@code inCh × outCh} matrices from
     * {@code s[sOff]}), written transposed as the im2col path's partials are: tap i of filter (o, c) at
     * {@code part[partOff + (c·9 + i)·outCh + o]} (overwritten). G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]].
     */
    static void transformWeightGradient(float[] s, int sOff, int inCh, int outCh, float[] part, int partOff) {
        int cells = inCh * outCh;
        FloatVector half = (FloatVector) VT.cast(FloatVector.broadcast(S, 0.5f));
        for (int c = 0; c < inCh; c++) {
            int o = 0;
            for (int full = S.loopBound(outCh); o < full; o += L) {
                int cell = sOff + c * outCh + o, dst = partOff + c * 9 * outCh + o;
                // down each column s: T0 = P0 + (P1 + P2)/2, T1 = (P1 − P2)/2, T2 = (P1 + P2)/2 + P3 (Gᵀ P)
                FloatVector p00 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 0 * cells + cell)), p10 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 4 * cells + cell));
                FloatVector p20 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 8 * cells + cell)), p30 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 12 * cells + cell));
                FloatVector h0 = p10.add(p20).mul(half);
                FloatVector t00 = p00.add(h0), t10 = p10.sub(p20).mul(half), t20 = h0.add(p30);
                FloatVector p01 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 1 * cells + cell)), p11 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 5 * cells + cell));
                FloatVector p21 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 9 * cells + cell)), p31 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 13 * cells + cell));
                FloatVector h1 = p11.add(p21).mul(half);
                FloatVector t01 = p01.add(h1), t11 = p11.sub(p21).mul(half), t21 = h1.add(p31);
                FloatVector p02 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 2 * cells + cell)), p12 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 6 * cells + cell));
                FloatVector p22 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 10 * cells + cell)), p32 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 14 * cells + cell));
                FloatVector h2 = p12.add(p22).mul(half);
                FloatVector t02 = p02.add(h2), t12 = p12.sub(p22).mul(half), t22 = h2.add(p32);
                FloatVector p03 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 3 * cells + cell)), p13 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 7 * cells + cell));
                FloatVector p23 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 11 * cells + cell)), p33 = (FloatVector) VT.cast(FloatVector.fromArray(S, s, 15 * cells + cell));
                FloatVector h3 = p13.add(p23).mul(half);
                FloatVector t03 = p03.add(h3), t13 = p13.sub(p23).mul(half), t23 = h3.add(p33);
                // then along each row i: taps (i, 0) = T0 + (T1 + T2)/2, (i, 1) = (T1 − T2)/2, (i, 2) = (T1 + T2)/2 + T3 (· G)
                FloatVector g0 = t01.add(t02).mul(half);
                t00.add(g0).intoArray(part, dst + 0 * outCh);
                t01.sub(t02).mul(half).intoArray(part, dst + 1 * outCh);
                g0.add(t03).intoArray(part, dst + 2 * outCh);
                FloatVector g1 = t11.add(t12).mul(half);
                t10.add(g1).intoArray(part, dst + 3 * outCh);
                t11.sub(t12).mul(half).intoArray(part, dst + 4 * outCh);
                g1.add(t13).intoArray(part, dst + 5 * outCh);
                FloatVector g2 = t21.add(t22).mul(half);
                t20.add(g2).intoArray(part, dst + 6 * outCh);
                t21.sub(t22).mul(half).intoArray(part, dst + 7 * outCh);
                g2.add(t23).intoArray(part, dst + 8 * outCh);
            }
            for (; o < outCh; o++) Winograd23Scalar.weightGradientCell(s, sOff + c * outCh + o, cells, part, partOff + c * 9 * outCh + o, outCh);
        }
    }

    /** Interleaving lane indices for {@code selectFrom}: the first / second half of two vectors' lanes, alternating. */
    private static final FloatVector INTERLEAVE_LO = interleave(0), INTERLEAVE_HI = interleave(L / 2);

    private static FloatVector interleave(int from) {
        float[] idx = new float[L];
        for (int i = 0; i < L; i++) idx[i] = (i % 2 == 0 ? 0 : L) + from + i / 2;
        return (FloatVector) VT.cast(FloatVector.fromArray(S, idx, 0));
    }

    /**
     * {@code y = Aᵀ m A (+ bias)} for every tile: the {@code outCh} output planes ({@code h × w}) of {@code images}
     * images from {@code y[yOff]} (image stride {@code outCh·h·w}), overwritten; m's 16 matrices are
     * {@code outCh × ld} from {@code m[0]} ({@code ld >= }{@link #leadingDimension}). {@code bias} may be null.
     * {@code tmp} holds one vector, for a store that would run past the last image.
     *
     * <p>Where two tile rows' tiles fit one vector, two tile rows a pass ({@link #transformOutputPairs}). Otherwise a
     * run of L tiles of a tile row gives each of its two output rows as the tiles' left and right outputs
     * interleaved; a store may spill past the row's end into outputs written later (the next row, plane or image),
     * never past the last image.
     */
    static void transformOutput(float[] m, int ld, int images, int outCh, int h, int w, float[] bias, int biasOff,
                                float[] y, int yOff, float[] tmp) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld, end = yOff + images * outCh * h * w;
        if (2 * tw <= L) {
            transformOutputPairs(m, ld, images, outCh, h, w, bias, biasOff, y, yOff, tmp);
            return;
        }
        for (int j = 0; j < images; j++) {
            for (int o = 0; o < outCh; o++) {
                float b = bias == null ? 0f : bias[biasOff + o];
                int dst = yOff + (j * outCh + o) * h * w, at = o * ld + j * th * tw;
                for (int ty = 0; ty < th; ty++) {
                    boolean second = 2 * ty + 1 < h;
                    for (int tx = 0; tx < tw; tx += L) {
                        // the first row may spill into the second only while the second is still to be written (by
                        // this run); after the first run it holds earlier runs' outputs
                        int q = dst + 2 * ty * w + 2 * tx, valid = Math.min(2 * L, w - 2 * tx);
                        outputRun(m, at + ty * tw + tx, plane, b, y, q, w, valid, second,
                                tx > 0 && second ? q + valid : end, end, tmp);
                    }
                }
            }
        }
    }

    /**
     * {@link #transformOutput} where two tile rows' tiles fit one vector (2·ceil(w/2) <= L: up to 16 columns at 512
     * bits, 8 at 256): each pass loads the 16 points of two tile rows at once (their 2·tw tiles are consecutive in m),
     * does the output transform's additions on both, and writes their four output rows, each the left and right
     * outputs of one tile row interleaved by one two-vector permute. The same additions in the same order as
     * {@link #outputRun}, so the same bits. Rows are written in order, so a store's spill past a row's end lands on
     * outputs written later; one reaching past the block's end goes through {@code tmp} (at least L floats).
     * Written out in one method (see {@link #inputRun}).
     */
    private static void transformOutputPairs(float[] m, int ld, int images, int outCh, int h, int w, float[] bias, int biasOff,
                                             float[] y, int yOff, float[] tmp) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, plane = outCh * ld, end = yOff + images * outCh * h * w;
        for (int j = 0; j < images; j++) {
            for (int o = 0; o < outCh; o++) {
                int dst = yOff + (j * outCh + o) * h * w, at = o * ld + j * th * tw;
                outputPairsPlane(m, at, plane, h, w, th, tw, bias == null ? 0f : bias[biasOff + o], y, dst, end, tmp);
            }
        }
    }

    /**
     * One plane of {@link #transformOutputPairs}: M's tiles from {@code at} plus {@code bias} into y from {@code dst}.
     * Its own method, with its vectors made here, for the reason given at {@link #inputNarrowPlane}.
     */
    private static void outputPairsPlane(float[] m, int at, int plane, int h, int w, int th, int tw, float bias, float[] y, int dst,
                                         int end, float[] tmp) {
        // loaded here from floats (see inputNarrowPlane): the first tile row's interleave is INTERLEAVE_LO's
        FloatVector first = (FloatVector) VT.cast(FloatVector.fromArray(S, SECOND_ROW_INTERLEAVE[0], 0)), second = (FloatVector) VT.cast(FloatVector.fromArray(S, SECOND_ROW_INTERLEAVE[tw], 0));
        FloatVector b = (FloatVector) VT.cast(FloatVector.broadcast(S, bias));
        for (int ty = 0; ty < th; ty += 2) {
            int i = at + ty * tw, q = dst + 2 * ty * w;
            FloatVector m00 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i)), m01 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + plane));
            FloatVector m02 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 2 * plane)), m03 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 3 * plane));
            int k = i + 4 * plane;
            FloatVector m10 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k)), m11 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + plane));
            FloatVector m12 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 2 * plane)), m13 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 3 * plane));
            k += 4 * plane;
            FloatVector m20 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k)), m21 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + plane));
            FloatVector m22 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 2 * plane)), m23 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 3 * plane));
            k += 4 * plane;
            FloatVector m30 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k)), m31 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + plane));
            FloatVector m32 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 2 * plane)), m33 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 3 * plane));
            // r = Aᵀ m, Aᵀ = [[1,1,1,0],[0,1,−1,−1]]; then y = r A: left = r0 + r1 + r2, right = r1 − r2 − r3;
            // the top output row of each tile from m's rows 0 + 1 + 2, the bottom one from 1 − 2 − 3
            FloatVector r0 = m00.add(m10).add(m20), r1 = m01.add(m11).add(m21);
            FloatVector r2 = m02.add(m12).add(m22), r3 = m03.add(m13).add(m23);
            FloatVector topLeft = r0.add(r1).add(r2).add(b), topRight = r1.sub(r2).sub(r3).add(b);
            r0 = m10.sub(m20).sub(m30);
            r1 = m11.sub(m21).sub(m31);
            r2 = m12.sub(m22).sub(m32);
            r3 = m13.sub(m23).sub(m33);
            FloatVector bottomLeft = r0.add(r1).add(r2).add(b), bottomRight = r1.sub(r2).sub(r3).add(b);
            // output rows 2ty, 2ty + 1 (the first tile row), 2ty + 2, 2ty + 3 (the second), those inside the plane
            int rows = Math.min(4, h - 2 * ty);
            for (int r = 0; r < rows; r++, q += w) {
                FloatVector row = (r < 2 ? first : second).selectFrom(r % 2 == 0 ? topLeft : bottomLeft, r % 2 == 0 ? topRight : bottomRight);
                if (q + L <= end) {
                    row.intoArray(y, q);
                } else {
                    row.intoArray(tmp, 0);
                    System.arraycopy(tmp, 0, y, q, w);
                }
            }
        }
    }

    /**
     * {@code SECOND_ROW_INTERLEAVE[t]}: lane indices for {@code selectFrom(left, right)} that interleave the left and
     * right outputs of tiles t, t + 1, ... ({@code 2i} takes left lane t + i, {@code 2i + 1} right lane t + i, as
     * index L + t + i), lanes past L / 2 tiles taking lane 0; t = 0 is the first tile row's, t = tw the second's.
     */
    private static final float[][] SECOND_ROW_INTERLEAVE = secondRowInterleave();

    private static float[][] secondRowInterleave() {
        float[][] r = new float[L / 2 + 1][L];
        for (int t = 0; t <= L / 2; t++) {
            for (int i = 0; i < L; i++) r[t][i] = t + i / 2 < L ? (i % 2 == 0 ? 0 : L) + t + i / 2 : 0;
        }
        return r;
    }

    /**
     * The outputs of L consecutive tiles from {@code m[i]}: {@code valid} (at most 2L) of row {@code q}, and of
     * row {@code q + w} when {@code second}; a vector store reaching past {@code firstLimit} (first row) or
     * {@code end} (second row) goes through {@code tmp}. One method, no vector parameter (see {@link #inputRun}).
     */
    private static void outputRun(float[] m, int i, int plane, float bias, float[] y, int q, int w, int valid,
                                  boolean second, int firstLimit, int end, float[] tmp) {
        FloatVector b = (FloatVector) VT.cast(FloatVector.broadcast(S, bias));
        FloatVector m00 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i)), m01 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + plane));
        FloatVector m02 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 2 * plane)), m03 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 3 * plane));
        i += 4 * plane;
        FloatVector m10 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i)), m11 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + plane));
        FloatVector m12 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 2 * plane)), m13 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 3 * plane));
        i += 4 * plane;
        FloatVector m20 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i)), m21 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + plane));
        FloatVector m22 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 2 * plane)), m23 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, i + 3 * plane));
        // r = Aᵀ m, Aᵀ = [[1,1,1,0],[0,1,−1,−1]]; then y = r A: left = r0 + r1 + r2, right = r1 − r2 − r3
        FloatVector r0 = m00.add(m10).add(m20), r1 = m01.add(m11).add(m21);
        FloatVector r2 = m02.add(m12).add(m22), r3 = m03.add(m13).add(m23);
        FloatVector left = r0.add(r1).add(r2).add(b), right = r1.sub(r2).sub(r3).add(b);
        for (int row = 0, limit = firstLimit; ; row++, limit = end) {
            FloatVector lo = INTERLEAVE_LO.selectFrom(left, right);
            if (q + L <= limit) {
                lo.intoArray(y, q);
            } else {
                lo.intoArray(tmp, 0);
                System.arraycopy(tmp, 0, y, q, Math.min(L, valid));
            }
            if (valid > L) {
                FloatVector hi = INTERLEAVE_HI.selectFrom(left, right);
                if (q + 2 * L <= limit) {
                    hi.intoArray(y, q + L);
                } else {
                    hi.intoArray(tmp, 0);
                    System.arraycopy(tmp, 0, y, q + L, valid - L);
                }
            }
            if (row == 1 || !second) return;
            int k = i + 4 * plane;
            FloatVector m30 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k)), m31 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + plane));
            FloatVector m32 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 2 * plane)), m33 = (FloatVector) VT.cast(FloatVector.fromArray(S, m, k + 3 * plane));
            r0 = m10.sub(m20).sub(m30);
            r1 = m11.sub(m21).sub(m31);
            r2 = m12.sub(m22).sub(m32);
            r3 = m13.sub(m23).sub(m33);
            left = r0.add(r1).add(r2).add(b);
            right = r1.sub(r2).sub(r3).add(b);
            q += w;
        }
    }
}
