package org.vectorgrad.backend.vector.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorgrad.backend.vector.elementwise.Lanes;
import org.vectorgrad.backend.ConvGeometry;

/**
 * im2col and col2im for one image and one group of input channels, NCHW.
 *
 * <p>The column matrix of an image has {@code K = Cg·KH·KW} rows, row {@code r = (ci·KH + kh)·KW + kw},
 * and {@code P = OH·OW} columns, column {@code p = oy·OW + ox}; so {@code W_g (Og×K) · cols (K×P)} is the group's
 * output block of the image in NCHW order, with no transpose. Padded positions read as zero (im2col) and are
 * dropped (col2im). A leading dimension {@code ld >= P} lets several images sit side by side.
 *
 * <p>With stride 1 along the width, each channel is first copied into a zero-padded plane (one buffer, reused),
 * so every (row, oy) segment is a plain run of that plane: vector loads and stores with a mask on the last
 * vector only, no bounds logic per element (with maps of 14 or 28 columns, per-segment {@code arraycopy}
 * calls cost more than the copying). Other strides use the plain loop.
 */
final class Im2col {
    private static final VectorSpecies<Float> S = Lanes.F;   // the one preferred species
    private static final VectorSpecies<Integer> I = S.withLanes(int.class).withShape(S.vectorShape()).check(int.class);
    private static final Class<? extends VectorMask<Float>> SM = S.maskType();
    private static final Class<? extends Vector<Integer>> IT = I.vectorType();
    private static final Class<? extends Vector<Float>> VT = S.vectorType();

    private Im2col() {}

    /**
     * Floats a column buffer needs after its last row: the masked tail loads and stores of {@link #im2col} and
     * {@link #col2im} then never reach past the array's end. A masked access that does (its masked-off lanes
     * would be out of range) leaves the Vector API's fast path and allocated 64 bytes per conv call.
     */
    static final int SLACK = S.length();

    /** Floats of the padded-plane buffer {@link #im2col} and {@link #col2im} need for this geometry. */
    static int padSize(ConvGeometry g) {
        return (g.inH() + g.padTop() + g.padBottom()) * (g.inW() + g.padLeft() + g.padRight()) + S.length();
    }

    /**
     * Fills {@code cols[colsOff ..]} (K×P, row-major, leading dimension {@code ld}) from channels
     * {@code [c0, c0+Cg)} of the image starting at {@code x[xOff]} (C×H×W). {@code pad} holds
     * {@link #padSize} floats of scratch.
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int c0, float[] cols, int colsOff, int ld, float[] pad) {
        if (g.strideW() != 1) {
            im2colStrided(g, x, xOff, c0, cols, colsOff, ld);
            return;
        }
        if (shiftedPlanesApply(g)) {
            im2colShiftedPlanes(g, x, xOff, c0, cols, colsOff, ld);
            return;
        }
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), dh = g.dilationH(), dw = g.dilationW();
        int wp = iw + g.padLeft() + g.padRight(), hp = ih + g.padTop() + g.padBottom();
        int lanes = S.length(), full = ow / lanes * lanes, rowFull = iw / lanes * lanes;
        VectorMask<Float> tail = (VectorMask<Float>) SM.cast(S.indexInRange(full, ow)), rowTail = (VectorMask<Float>) SM.cast(S.indexInRange(rowFull, iw));
        Arrays.fill(pad, 0, hp * wp + lanes, 0f); // borders stay zero; interiors are overwritten per channel
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + (c0 + ci) * ih * iw;
            for (int y = 0; y < ih; y++) copyRow(x, plane + y * iw, pad, (y + g.padTop()) * wp + g.padLeft(), iw, rowFull, rowTail);
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int dstRow = colsOff + r * ld;
                    for (int oy = 0; oy < oh; oy++) {
                        int src = (oy * sh + a * dh) * wp + b * dw, dst = dstRow + oy * ow;
                        int i = 0;
                        for (; i < full; i += lanes) (FloatVector.fromArray(S, pad, src + i)).intoArray(cols, dst + i);
                        if (i < ow) (FloatVector.fromArray(S, pad, src + i)).intoArray(cols, dst + i, tail);
                    }
                }
            }
        }
    }

    /**
     * True when {@link #im2colShiftedPlanes} runs: every column-matrix row is the input plane shifted by a constant and
     * cut at its edges (stride and dilation 1, the output as wide as the input: "same" padding along the width, as in
     * the reference CNN's 3×3 pad-1 convolutions), and the rows are wider than a vector.
     */
    static boolean shiftedPlanesApply(ConvGeometry g) {
        // Only for rows wider than a vector, which cost a full and a masked move per segment on the padded plane; a
        // row that fits one vector is one masked move there, which measured faster than the contiguous copy and edge
        // zeroing (docs/decisions.md §9: 32 channels of 14x14, 4 images: 50 vs 71 µs at 16 lanes; at 8 lanes 106 vs 67).
        return g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1 && g.dilationW() == 1 && g.outW() == g.inW()
                && g.outW() > S.length();
    }

    /**
     * im2col for {@link #shiftedPlanesApply} geometries: with OW = IW, entry {@code oy·OW + ox} of row (ci, a, b) is
     * plane element {@code oy·IW + ox + (a - padTop)·IW + (b - padLeft)}, so each row is one contiguous copy of the
     * plane at that offset, then zeros where the tap falls outside the image: whole output rows above and below,
     * and at most {@code padLeft} / {@code padRight} columns of each output row (a 14-wide 3×3 map: one
     * {@code arraycopy} of 196 floats and 14 single stores, where the per-segment copies were 14 masked vector moves).
     */
    private static void im2colShiftedPlanes(ConvGeometry g, float[] x, int xOff, int c0, float[] cols, int colsOff, int ld) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW(), pt = g.padTop(), pl = g.padLeft();
        int planeSize = ih * iw, p = oh * ow;
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + (c0 + ci) * planeSize;
            for (int a = 0; a < kh; a++) {
                int dy = a - pt;
                int oyLo = Math.max(0, -dy), oyHi = Math.min(oh, ih - dy); // output rows whose input row exists
                for (int b = 0; b < kw; b++, r++) {
                    int row = colsOff + r * ld, dx = b - pl, shift = dy * iw + dx;
                    if (oyLo >= oyHi) {
                        Arrays.fill(cols, row, row + p, 0f);
                        continue;
                    }
                    // the copy stays inside the plane: it may only lose entries that are zeroed below anyway
                    int from = Math.max(oyLo * ow, -shift), to = Math.min(oyHi * ow, planeSize - shift);
                    Arrays.fill(cols, row, row + from, 0f);
                    System.arraycopy(x, plane + from + shift, cols, row + from, to - from);
                    Arrays.fill(cols, row + to, row + p, 0f);
                    // columns whose input column ox + dx is left of 0 or right of iw - 1
                    int oxLo = Math.max(0, -dx), oxHi = Math.min(ow, iw - dx);
                    for (int oy = oyLo; oy < oyHi; oy++) {
                        int at = row + oy * ow;
                        for (int ox = 0; ox < oxLo; ox++) cols[at + ox] = 0f;
                        for (int ox = oxHi; ox < ow; ox++) cols[at + ox] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code n} floats from {@code x[from]} into the padded plane at {@code pad[to]}, in vectors (per-row
     * {@code arraycopy} calls cost more than copying 14 floats); the last partial vector's store is masked so the
     * zero border stays zero.
     */
    private static void copyRow(float[] x, int from, float[] pad, int to, int n, int full, VectorMask<Float> tail) {
        int i = 0;
        for (; i < full; i += S.length()) (FloatVector.fromArray(S, x, from + i)).intoArray(pad, to + i);
        if (i < n) {
            // A masked load whose off lanes pass the array's end leaves the Vector API's fast path (and allocates
            // 64 bytes): where the row ends the array, copy the tail instead.
            if (from + i + S.length() <= x.length) (FloatVector.fromArray(S, x, from + i)).intoArray(pad, to + i, tail);
            else System.arraycopy(x, from + i, pad, to + i, n - i);
        }
    }

    /**
     * Writes the adjoint of {@link #im2col}: channels {@code [c0, c0+Cg)} of the image gradient at
     * {@code dx[dxOff]} are overwritten with the sums of the {@code cols} entries (K×P, leading dimension
     * {@code ld}) that read each position.
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, float[] dx, int dxOff, int c0, float[] pad) {
        if (g.strideW() != 1) {
            col2imStrided(g, cols, colsOff, ld, dx, dxOff, c0);
            return;
        }
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), dh = g.dilationH(), dw = g.dilationW();
        int wp = iw + g.padLeft() + g.padRight(), hp = ih + g.padTop() + g.padBottom();
        int lanes = S.length(), full = ow / lanes * lanes;
        VectorMask<Float> tail = (VectorMask<Float>) SM.cast(S.indexInRange(full, ow));
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            Arrays.fill(pad, 0, hp * wp + lanes, 0f);
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int srcRow = colsOff + r * ld;
                    for (int oy = 0; oy < oh; oy++) {
                        int dst = (oy * sh + a * dh) * wp + b * dw, src = srcRow + oy * ow;
                        int i = 0;
                        for (; i < full; i += lanes) {
                            (FloatVector.fromArray(S, pad, dst + i)).add(FloatVector.fromArray(S, cols, src + i)).intoArray(pad, dst + i);
                        }
                        if (i < ow) {
                            // masked-off lanes add zero, so the neighbouring columns they cover are unchanged
                            (FloatVector.fromArray(S, pad, dst + i)).add(FloatVector.fromArray(S, cols, src + i, tail)).intoArray(pad, dst + i);
                        }
                    }
                }
            }
            int plane = dxOff + (c0 + ci) * ih * iw;
            for (int y = 0; y < ih; y++) System.arraycopy(pad, (y + g.padTop()) * wp + g.padLeft(), dx, plane + y * iw, iw);
        }
    }

    /**
     * Floats a column matrix needs before its first element for {@link #col2imRows}, whose shifted row loads start up
     * to {@code kw - 1 - padLeft} floats early (their lanes masked off).
     */
    static final int LEAD = S.length();

    /**
     * True when {@link #col2imRows} applies: 3-wide kernels, stride and dilation 1, image rows of at most one vector
     * (the 14×14 maps of the reference CNN's second convolution), a left padding of at most 2 and at most the output
     * width (so the shifted loads stay within {@link #LEAD} before and {@link #SLACK} after the matrix).
     */
    static boolean rowsApply(ConvGeometry g) {
        int lanes = S.length(), iw = g.inW(), ow = g.outW();
        boolean oneVector = iw <= lanes && ow <= lanes && ow >= g.padLeft();
        // two vectors per row (14-wide maps on 8 lanes): the shifted loads of the second reach ow + padLeft + 2L - 1
        // floats into a row of ow: ow > L keeps that within SLACK past the matrix
        boolean twoVectors = iw <= 2 * lanes && ow <= 2 * lanes && iw > lanes && ow > lanes;
        return g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1 && g.dilationW() == 1
                && g.padLeft() <= 2 && (oneVector || twoVectors);
    }

    /**
     * {@link #col2im} for {@link #rowsApply} geometries, the same sums in the same order: each image row of dx is one
     * vector register accumulating its taps (a ascending, then b), read as shifted rows of {@code cols} whose lanes
     * outside the tap's reach are zeroed by a bit mask (so a NaN or infinity next to the row does not leak in), then
     * stored once; no padded plane and no read-modify-write passes. A row's store spills past its end into the next
     * rows, written afterwards; a row whose spill would leave the group's channels goes through {@code tmp} (at
     * least {@code L} floats), so nothing outside them is touched. {@code cols} needs {@link #LEAD} floats before {@code colsOff}
     * and {@link #SLACK} after its last row.
     */
    static void col2imRows(ConvGeometry g, float[] cols, int colsOff, int ld, float[] dx, int dxOff, int c0, float[] tmp) {
        if (g.inW() > S.length()) {
            col2imRowPairs(g, cols, colsOff, ld, dx, dxOff, c0, tmp);
            return;
        }
        int cg = g.inChannelsPerGroup(), kh = g.kernelH();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW(), pt = g.padTop(), pl = g.padLeft();
        IntVector keep0 = keepLanes(0, pl, iw, ow), keep1 = keepLanes(0, pl - 1, iw, ow), keep2 = keepLanes(0, pl - 2, iw, ow);
        int groupEnd = dxOff + (c0 + cg) * ih * iw;
        for (int ci = 0; ci < cg; ci++) {
            int plane = dxOff + (c0 + ci) * ih * iw;
            for (int iy = 0; iy < ih; iy++) {
                FloatVector acc = (FloatVector) VT.cast(FloatVector.zero(S));
                for (int a = 0; a < kh; a++) {
                    int oy = iy + pt - a;
                    if (oy < 0 || oy >= oh) continue;
                    // tap (a, b) reads output column ox = ix + pl - b of row oy of column-matrix row (ci·kh + a)·3 + b
                    int at = colsOff + (ci * kh + a) * 3 * ld + oy * ow + pl;
                    acc = acc.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at)).reinterpretAsInts())).and(keep0).reinterpretAsFloats()));
                    acc = acc.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + ld - 1)).reinterpretAsInts())).and(keep1).reinterpretAsFloats()));
                    acc = acc.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + 2 * ld - 2)).reinterpretAsInts())).and(keep2).reinterpretAsFloats()));
                }
                int out = plane + iy * iw;
                if (out + S.length() > groupEnd) { // the spill would leave the group's channels
                    acc.intoArray(tmp, 0);
                    System.arraycopy(tmp, 0, dx, out, iw);
                } else {
                    acc.intoArray(dx, out);
                }
            }
        }
    }

    /**
     * {@link #col2imRows} for rows of more than one vector and at most two (a 14-wide map on 8 lanes): the same
     * sums in the same order, each image row in two registers (columns [0, L) and [L, 2L)). The second register's
     * store spills into the next rows, written afterwards; the last rows of the group go through {@code tmp} (at least
     * 2L floats).
     */
    private static void col2imRowPairs(ConvGeometry g, float[] cols, int colsOff, int ld, float[] dx, int dxOff, int c0, float[] tmp) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), lanes = S.length();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW(), pt = g.padTop(), pl = g.padLeft();
        IntVector keep0 = keepLanes(0, pl, iw, ow), keep1 = keepLanes(0, pl - 1, iw, ow), keep2 = keepLanes(0, pl - 2, iw, ow);
        IntVector high0 = keepLanes(lanes, pl, iw, ow), high1 = keepLanes(lanes, pl - 1, iw, ow), high2 = keepLanes(lanes, pl - 2, iw, ow);
        int groupEnd = dxOff + (c0 + cg) * ih * iw;
        for (int ci = 0; ci < cg; ci++) {
            int plane = dxOff + (c0 + ci) * ih * iw;
            for (int iy = 0; iy < ih; iy++) {
                FloatVector lo = (FloatVector) VT.cast(FloatVector.zero(S)), hi = (FloatVector) VT.cast(FloatVector.zero(S));
                for (int a = 0; a < kh; a++) {
                    int oy = iy + pt - a;
                    if (oy < 0 || oy >= oh) continue;
                    int at = colsOff + (ci * kh + a) * 3 * ld + oy * ow + pl;
                    lo = lo.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at)).reinterpretAsInts())).and(keep0).reinterpretAsFloats()));
                    hi = hi.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + lanes)).reinterpretAsInts())).and(high0).reinterpretAsFloats()));
                    lo = lo.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + ld - 1)).reinterpretAsInts())).and(keep1).reinterpretAsFloats()));
                    hi = hi.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + ld - 1 + lanes)).reinterpretAsInts())).and(high1).reinterpretAsFloats()));
                    lo = lo.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + 2 * ld - 2)).reinterpretAsInts())).and(keep2).reinterpretAsFloats()));
                    hi = hi.add((FloatVector) VT.cast(((IntVector) IT.cast((FloatVector.fromArray(S, cols, at + 2 * ld - 2 + lanes)).reinterpretAsInts())).and(high2).reinterpretAsFloats()));
                }
                int out = plane + iy * iw;
                if (out + 2 * lanes > groupEnd) { // the spill would leave the group's channels
                    lo.intoArray(tmp, 0);
                    hi.intoArray(tmp, lanes);
                    System.arraycopy(tmp, 0, dx, out, iw);
                } else {
                    lo.intoArray(dx, out);
                    hi.intoArray(dx, out + lanes);
                }
            }
        }
    }

    /**
     * All bits set in the lanes l of a row's vector starting at column {@code base} whose column ix = base + l has
     * its output column ix + shift in [0, ow), and ix < iw; 0 elsewhere.
     */
    private static IntVector keepLanes(int base, int shift, int iw, int ow) {
        int lo = Math.max(0, -shift) - base, hi = Math.min(iw, ow - shift) - base;
        IntVector lane = (IntVector.zero(I)).addIndex(1);
        return (IntVector.broadcast(I, -1)).blend(0, lane.compare(VectorOperators.LT, lo).or(lane.compare(VectorOperators.GE, hi)));
    }

    /** im2col for any stride: valid output columns per (tap, row) computed once, zeros around them. */
    private static void im2colStrided(ConvGeometry g, float[] x, int xOff, int c0, float[] cols, int colsOff, int ld) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        int pt = g.padTop(), pl = g.padLeft();
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + (c0 + ci) * ih * iw;
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int rowBase = colsOff + r * ld;
                    int iwStart = b * dw - pl;
                    // valid output columns: 0 <= ox*sw + iwStart < iw
                    int oxLo = iwStart >= 0 ? 0 : ceilDiv(-iwStart, sw);
                    int oxHi = iwStart >= iw ? 0 : Math.min(ow, ceilDiv(iw - iwStart, sw));
                    if (oxHi < oxLo) oxHi = oxLo;
                    for (int oy = 0; oy < oh; oy++) {
                        int dst = rowBase + oy * ow;
                        int y = oy * sh - pt + a * dh;
                        if (y < 0 || y >= ih || oxLo >= oxHi) {
                            Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        if (oxLo > 0) Arrays.fill(cols, dst, dst + oxLo, 0f);
                        int src = plane + y * iw + iwStart;
                        for (int ox = oxLo; ox < oxHi; ox++) cols[dst + ox] = x[src + ox * sw];
                        if (oxHi < ow) Arrays.fill(cols, dst + oxHi, dst + ow, 0f);
                    }
                }
            }
        }
    }

    /** col2im for any stride: zeroes the channels, then adds each valid column entry to its input position. */
    private static void col2imStrided(ConvGeometry g, float[] cols, int colsOff, int ld, float[] dx, int dxOff, int c0) {
        int cg = g.inChannelsPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
        int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        int pt = g.padTop(), pl = g.padLeft();
        Arrays.fill(dx, dxOff + c0 * ih * iw, dxOff + (c0 + cg) * ih * iw, 0f);
        int r = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = dxOff + (c0 + ci) * ih * iw;
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, r++) {
                    int rowBase = colsOff + r * ld;
                    int iwStart = b * dw - pl;
                    int oxLo = iwStart >= 0 ? 0 : ceilDiv(-iwStart, sw);
                    int oxHi = iwStart >= iw ? 0 : Math.min(ow, ceilDiv(iw - iwStart, sw));
                    if (oxHi <= oxLo) continue;
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * sh - pt + a * dh;
                        if (y < 0 || y >= ih) continue;
                        int src = rowBase + oy * ow;
                        int dst = plane + y * iw + iwStart;
                        for (int ox = oxLo; ox < oxHi; ox++) dx[dst + ox * sw] += cols[src + ox];
                    }
                }
            }
        }
    }

    /** {@code dst[d+i] += src[s+i]} for i in [0, len). */
    static void addInto(float[] src, int s, float[] dst, int d, int len) {
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += S.length()) {
            (FloatVector.fromArray(S, dst, d + i)).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < len; i++) dst[d + i] += src[s + i];
    }

    /**
     * {@code dst[d + o·cols + t] += src[s + t·rows + o]} for o in [o0, o1) and t in [0, cols): adds the transpose of
     * a {@code cols × rows} row-major block to rows o0..o1 of a {@code rows × cols} one. Each destination element gets
     * exactly one addition, so the result does not depend on how callers split [o0, o1). {@code idx} holds
     * {@code i·rows} for every lane i (the gather's stride); t runs in vector blocks outermost so that the
     * {@code lanes} source rows a block reads stay in L1 while o walks along them.
     */
    static void addTransposedInto(float[] src, int s, int rows, int cols, float[] dst, int d, int o0, int o1, int[] idx) {
        int lanes = S.length(), bound = cols / lanes * lanes;
        for (int t = 0; t < bound; t += lanes) {
            for (int o = o0; o < o1; o++) {
                int at = d + o * cols + t;
                (FloatVector.fromArray(S, dst, at)).add(FloatVector.fromArray(S, src, s + t * rows + o, idx, 0)).intoArray(dst, at);
            }
        }
        for (int o = o0; o < o1; o++) {
            for (int t = bound; t < cols; t++) dst[d + o * cols + t] += src[s + t * rows + o];
        }
    }

    /** The gather offsets {@link #addTransposedInto} needs for {@code rows}: {@code idx[i] = i·rows}. */
    static void strideOffsets(int rows, int[] idx) {
        for (int i = 0; i < idx.length; i++) idx[i] = i * rows;
    }

    /** Lanes of the species {@link #addTransposedInto} uses (the length of its offset array). */
    static int lanes() {
        return S.length();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
