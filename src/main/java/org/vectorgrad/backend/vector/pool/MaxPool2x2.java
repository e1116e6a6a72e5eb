package org.vectorgrad.backend.vector.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;

/**
 * The 2×2, stride-2, unpadded max pool of CNNs, vectorized: a vector of L outputs reads 2L columns of two input
 * rows, splits each row into its even and odd columns with a two-vector lane selection, and picks the winner tap
 * by tap with compare-and-blend, tracking the arg-max as an int vector. The same rule as the scalar reference
 * (strict '>' keeps the first tap in window order; every NaN wins, so the last NaN of a window is recorded, as in
 * PyTorch), so the results are bitwise equal.
 * The backward writes every dx position of each window (the winner gets dy, the others 0), interleaving the
 * columns back, so dx needs no separate zeroing pass. Vectors beat the scalar loop by far on ReLU outputs,
 * whose many ties and zeros make the scalar comparisons unpredictable branches. Only full windows exist here (floor
 * mode, or ceil mode on even sizes: {@code PoolKernels.isTwoByTwo} sends ceil mode's partial last windows to the general
 * loops); an odd last input row or column is never read by forward and gets zero gradient.
 */
final class MaxPool2x2 {
    private static final VectorSpecies<Float> S = Lanes.F;   // the one preferred species
    private static final VectorSpecies<Integer> I = S.withLanes(int.class).withShape(S.vectorShape()).check(int.class);
    private static final Class<? extends Vector<Integer>> IT = I.vectorType();
    private static final Class<? extends Vector<Float>> VT = S.vectorType();
    private static final int L = S.length();
    /** Lane i selects lane 2i (EVEN) or 2i+1 (ODD) of the concatenation of two vectors. */
    private static final FloatVector EVEN = (FloatVector) VT.cast(FloatVector.fromArray(S, iota(2, 0, L), 0));
    private static final FloatVector ODD = (FloatVector) VT.cast(FloatVector.fromArray(S, iota(2, 1, L), 0));
    /** Lane i selects lane i/2 of the first vector (i even) or of the second (i odd): interleave, first half. */
    private static final FloatVector ZIP_LO = (FloatVector) VT.cast(FloatVector.fromArray(S, zip(0, L), 0));
    private static final FloatVector ZIP_HI = (FloatVector) VT.cast(FloatVector.fromArray(S, zip(L / 2, L), 0));
    private static final IntVector TWICE_IOTA = (IntVector) IT.cast(IntVector.fromArray(I, iotaInt(L), 0));
    /** 2i in lane i, as floats (the lane test of the row-pair selections). */
    private static final FloatVector TWICE_IOTA_F = (FloatVector) VT.cast(FloatVector.fromArray(S, iota(2, 0, L), 0));

    private MaxPool2x2() {}

    private static float[] iota(int step, int start, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = start + step * i;
        return a;
    }

    private static int[] iotaInt(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = 2 * i;
        return a;
    }

    /** Interleave indexes: out lane 2j takes first-vector lane base+j, lane 2j+1 takes second-vector lane base+j. */
    private static float[] zip(int base, int n) {
        float[] a = new float[n];
        for (int j = 0; j < n / 2; j++) {
            a[2 * j] = base + j;
            a[2 * j + 1] = n + base + j;
        }
        return a;
    }

    /** Outputs per vector. */
    static int lanes() { return L; }

    /** True when the vector kernels apply (the species has an even lane count of at least 4). */
    static boolean supported() {
        return L >= 4 && L % 2 == 0 && I.length() == L;
    }

    /**
     * Forward for planes [p0, p1) of an (inH × inW) input with 2×2 stride-2 windows. A row of at most L outputs
     * (14 or 7 in the reference CNN) is one unmasked vector whose spare lanes compute garbage from the rows below
     * and store it over the next output rows, which are written afterwards by this same call; only the last rows
     * of the range, whose spill would reach another thread's planes or past the arrays, use masks (masked
     * loads measured several times slower). Longer rows run full vectors, then one more ending at the row's end
     * that overlaps the last one (a scalar tail took 6 % of a CNN step under AVX2, 14 outputs on 8 lanes). Rows of at
     * most L/2 outputs (7 for a 14×14 map) go two at a time: one vector holds output rows oy and oy+1, so half as many
     * vectors do the same work ({@link #forwardPairs}).
     */
    static void forward(int inH, int inW, float[] x, int xOff, float[] y, int yOff, int[] argmax, int p0, int p1) {
        int oh = inH / 2, ow = inW / 2, outEnd = p1 * oh * ow, inEnd = p1 * inH * inW;
        boolean pairs = 2 * ow <= L;
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * inH * inW;
            int oy = pairs ? forwardPairs(inW, oh, ow, x, xOff, y, yOff, argmax, in, plane, outEnd, inEnd) : 0;
            for (; oy < oh; oy++) {
                int r0 = in + 2 * oy * inW, out = (plane * oh + oy) * ow;
                int ox = 0;
                for (; ox + L <= ow; ox += L) forwardVector(x, xOff, y, yOff, argmax, r0, inW, out, ox);
                if (ox < ow) {
                    // a row longer than a vector: its last L outputs once more, overlapping the previous vector
                    // (those windows get the same value and arg-max again), instead of a scalar tail
                    if (ox > 0) forwardVector(x, xOff, y, yOff, argmax, r0, inW, out, ow - L);
                    // spare lanes stay inside this call's planes: later rows of the range rewrite them
                    else if (out + L <= outEnd && r0 + inW + 2 * L <= inEnd) forwardVector(x, xOff, y, yOff, argmax, r0, inW, out, 0);
                    else forwardMasked(x, xOff, y, yOff, argmax, r0, inW, out, ox, ow);
                }
            }
        }
    }

    /**
     * Output rows of one plane two at a time, for rows of at most L/2 outputs: lanes [0, ow) of a vector take output
     * row oy (input rows 2oy, 2oy+1), lanes [ow, 2ow) row oy+1 (input rows 2oy+2, 2oy+3, loaded 2·inW further on
     * and picked from the second source of the selections); the spare lanes reread row 2oy and store garbage over
     * the next outputs, which are written afterwards (the plane's later rows, or the next plane of the range). The
     * same taps, order and tie rule as {@link #forwardVector}. The selection and offset vectors are built here, per
     * plane, and never leave this method (vectors passed between methods are boxed). Returns the first output row
     * not done (the last of an odd count, or a pair whose loads or spill would leave the range, done here by the
     * scalar row loop).
     */
    private static int forwardPairs(int inW, int oh, int ow, float[] x, int xOff, float[] y, int yOff, int[] argmax,
                                    int in, int plane, int outEnd, int inEnd) {
        VectorMask<Float> second = TWICE_IOTA_F.compare(VectorOperators.GE, 2 * ow).and(TWICE_IOTA_F.compare(VectorOperators.LT, 4 * ow));
        FloatVector even = EVEN.add(L - 2 * ow, second), odd = even.add(1f);
        IntVector base = TWICE_IOTA.add(2 * inW - 2 * ow, second.cast(I));
        int oy = 0;
        for (; oy + 1 < oh; oy += 2) {
            int r0 = in + 2 * oy * inW, out = (plane * oh + oy) * ow;
            if (out + L > outEnd || r0 + 3 * inW + L > inEnd) {
                forwardMasked(x, xOff, y, yOff, argmax, r0, inW, out, 0, ow);
                forwardMasked(x, xOff, y, yOff, argmax, r0 + 2 * inW, inW, out + ow, 0, ow);
                continue;
            }
            FloatVector top0 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0)), top1 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0 + 2 * inW));
            FloatVector bot0 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0 + inW)), bot1 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0 + 3 * inW));
            FloatVector best = even.selectFrom(top0, top1);
            IntVector idx = base.add(r0), bi = idx;
            FloatVector v = odd.selectFrom(top0, top1);
            VectorMask<Float> m = wins(v, best);
            best = best.blend(v, m);
            bi = bi.blend(idx.add(1), m.cast(I));
            v = even.selectFrom(bot0, bot1);
            m = wins(v, best);
            best = best.blend(v, m);
            bi = bi.blend(idx.add(inW), m.cast(I));
            v = odd.selectFrom(bot0, bot1);
            m = wins(v, best);
            best = best.blend(v, m);
            bi = bi.blend(idx.add(inW + 1), m.cast(I));
            best.intoArray(y, yOff + out);
            bi.intoArray(argmax, out);
        }
        return oy;
    }

    /** L outputs from columns {@code 2·ox ..} of rows r0, r0+inW; no masks (kept apart so nothing here is boxed). */
    private static void forwardVector(float[] x, int xOff, float[] y, int yOff, int[] argmax, int r0, int inW, int out, int ox) {
        int c = 2 * ox, r1 = r0 + inW;
        FloatVector a0 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0 + c)), b0 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r0 + c + L));
        FloatVector a1 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r1 + c)), b1 = (FloatVector) VT.cast(FloatVector.fromArray(S, x, xOff + r1 + c + L));
        FloatVector best = EVEN.selectFrom(a0, b0);
        IntVector idx = TWICE_IOTA.add(r0 + c), bi = idx;
        FloatVector v = ODD.selectFrom(a0, b0);
        VectorMask<Float> m = wins(v, best);
        best = best.blend(v, m);
        bi = bi.blend(idx.add(1), m.cast(I));
        v = EVEN.selectFrom(a1, b1);
        m = wins(v, best);
        best = best.blend(v, m);
        bi = bi.blend(idx.add(inW), m.cast(I));
        v = ODD.selectFrom(a1, b1);
        m = wins(v, best);
        best = best.blend(v, m);
        bi = bi.blend(idx.add(inW + 1), m.cast(I));
        best.intoArray(y, yOff + out + ox);
        bi.intoArray(argmax, out + ox);
    }

    /** Outputs {@code [ox, ow)} of one row, the last rows of a range: scalar, in window order. */
    private static void forwardMasked(float[] x, int xOff, float[] y, int yOff, int[] argmax, int r0, int inW, int out, int ox, int ow) {
        PoolKernels.max2x2Row(inW, x, xOff, y, yOff, argmax, r0, out, ox, ow);
    }

    /** v replaces best when v > best, or v is NaN (the scalar rule, lane-wise: PyTorch's, the last NaN wins). */
    private static VectorMask<Float> wins(FloatVector v, FloatVector best) {
        // x != x tests NaN with a plain compare (test(IS_NAN) was not intrinsified: boxed, ~10× slower)
        return v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
    }

    /**
     * Backward for planes [p0, p1): every position of dx in those planes is written. Rows of at most L outputs
     * use the same spill rule as {@link #forward}: the spare lanes write garbage into the rows below, stored
     * before those rows are written correctly (hi0 before lo1, the next row pair after this one).
     */
    static void backward(int inH, int inW, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff, int p0, int p1) {
        int oh = inH / 2, ow = inW / 2, limit = 2 * ow, outEnd = p1 * oh * ow, inEnd = p1 * inH * inW;
        boolean pairs = pairsInBackward(ow);
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * inH * inW;
            int oy = pairs ? backwardPairs(inW, oh, ow, dy, dyOff, argmax, dx, dxOff, in, plane, outEnd, inEnd) : 0;
            for (; oy < oh; oy++) {
                int r0 = in + 2 * oy * inW, r1 = r0 + inW, out = (plane * oh + oy) * ow;
                int ox = 0;
                for (; ox + L <= ow; ox += L) backwardVector(dy, dyOff, argmax, dx, dxOff, r0, inW, out, ox);
                if (ox < ow) {
                    // a row longer than a vector: its last L windows once more, overlapping the previous vector (the
                    // overlapped dx positions get the same values again), instead of a scalar tail
                    if (ox > 0) backwardVector(dy, dyOff, argmax, dx, dxOff, r0, inW, out, ow - L);
                    // spare lanes stay inside this call's planes, whose later rows (and edge zeroing) rewrite them
                    else if (out + L <= outEnd && r1 + 2 * L <= inEnd) backwardVector(dy, dyOff, argmax, dx, dxOff, r0, inW, out, 0);
                    else backwardScalar(dy, dyOff, argmax, dx, dxOff, r0, inW, out, ox, ow);
                }
                if (limit < inW) { // odd width: the last column is in no window
                    dx[dxOff + r0 + inW - 1] = 0f;
                    dx[dxOff + r1 + inW - 1] = 0f;
                }
            }
            if (2 * oh < inH) java.util.Arrays.fill(dx, dxOff + in + 2 * oh * inW, dxOff + in + inH * inW, 0f); // odd height: last row
        }
    }

    /**
     * True when {@link #backward} runs rows of {@code ow} outputs two per vector: at most L/2 outputs, and more than
     * L/4 (fewer would leave most lanes idle; {@code PoolKernels} scatters those instead).
     */
    static boolean pairsInBackward(int ow) {
        return 2 * ow <= L && 4 * ow > L;
    }

    /**
     * Backward of one plane's output rows two at a time (rows of at most L/2 outputs), the lanes laid out as in
     * {@link #forwardPairs}: each window's four dx positions get dy at the arg-max and 0 elsewhere, and the four input
     * rows are stored in order, each as one vector whose spare lanes spill into the next row, which is stored after
     * it (the last row's spill reaches the next pair or the plane's later rows, written afterwards). Returns the
     * first output row not done, as {@link #forwardPairs}.
     */
    private static int backwardPairs(int inW, int oh, int ow, float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff,
                                     int in, int plane, int outEnd, int inEnd) {
        VectorMask<Float> second = TWICE_IOTA_F.compare(VectorOperators.GE, 2 * ow).and(TWICE_IOTA_F.compare(VectorOperators.LT, 4 * ow));
        IntVector base = TWICE_IOTA.add(2 * inW - 2 * ow, second.cast(I));
        FloatVector zipSecond = ZIP_LO.add((float) ow), zero = (FloatVector) VT.cast(FloatVector.zero(S));
        boolean oddWidth = 2 * ow < inW;
        int oy = 0;
        for (; oy + 1 < oh; oy += 2) {
            int r0 = in + 2 * oy * inW, out = (plane * oh + oy) * ow;
            if (out + L > outEnd || r0 + 3 * inW + L > inEnd) break; // the scalar row loop finishes the plane
            FloatVector d = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, dyOff + out));
            IntVector am = (IntVector) IT.cast(IntVector.fromArray(I, argmax, out));
            IntVector idx = base.add(r0);
            FloatVector t0 = zero.blend(d, am.compare(VectorOperators.EQ, idx).cast(S));
            FloatVector t1 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(1)).cast(S));
            FloatVector t2 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(inW)).cast(S));
            FloatVector t3 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(inW + 1)).cast(S));
            int at = dxOff + r0;
            ZIP_LO.selectFrom(t0, t1).intoArray(dx, at);                    // input row 2oy
            ZIP_LO.selectFrom(t2, t3).intoArray(dx, at + inW);              // 2oy+1
            zipSecond.selectFrom(t0, t1).intoArray(dx, at + 2 * inW);       // 2oy+2
            zipSecond.selectFrom(t2, t3).intoArray(dx, at + 3 * inW);       // 2oy+3
            if (oddWidth) { // the last column is in no window
                for (int row = 0; row < 4; row++) dx[at + row * inW + inW - 1] = 0f;
            }
        }
        return oy;
    }

    /** L outputs' windows, every dx position written (winner dy, others 0); no masks. */
    private static void backwardVector(float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff, int r0, int inW, int out, int ox) {
        int c = 2 * ox, r1 = r0 + inW;
        FloatVector d = (FloatVector) VT.cast(FloatVector.fromArray(S, dy, dyOff + out + ox)), zero = (FloatVector) VT.cast(FloatVector.zero(S));
        IntVector am = (IntVector) IT.cast(IntVector.fromArray(I, argmax, out + ox));
        IntVector idx = TWICE_IOTA.add(r0 + c);
        FloatVector t0 = zero.blend(d, am.compare(VectorOperators.EQ, idx).cast(S));
        FloatVector t1 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(1)).cast(S));
        FloatVector t2 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(inW)).cast(S));
        FloatVector t3 = zero.blend(d, am.compare(VectorOperators.EQ, idx.add(inW + 1)).cast(S));
        // interleave taps (0,1) into row 0 and (2,3) into row 1, row 0 first: its spill is rewritten by row 1
        ZIP_LO.selectFrom(t0, t1).intoArray(dx, dxOff + r0 + c);
        ZIP_HI.selectFrom(t0, t1).intoArray(dx, dxOff + r0 + c + L);
        ZIP_LO.selectFrom(t2, t3).intoArray(dx, dxOff + r1 + c);
        ZIP_HI.selectFrom(t2, t3).intoArray(dx, dxOff + r1 + c + L);
    }

    /** Windows of outputs {@code [ox, ow)} of one row, scalar. */
    private static void backwardScalar(float[] dy, int dyOff, int[] argmax, float[] dx, int dxOff, int r0, int inW, int out, int ox, int ow) {
        int r1 = dxOff + r0 + inW;
        r0 += dxOff;
        for (; ox < ow; ox++) {
            int i = r0 + 2 * ox, j = r1 + 2 * ox;
            dx[i] = 0f;
            dx[i + 1] = 0f;
            dx[j] = 0f;
            dx[j + 1] = 0f;
            dx[dxOff + argmax[out + ox]] = dy[dyOff + out + ox];
        }
    }
}
