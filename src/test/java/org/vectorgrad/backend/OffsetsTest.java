package org.vectorgrad.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;

/**
 * Convolution and pooling take array + offset like every other family: on the scalar and vector backends, operands
 * placed at offsets give the same bits as the same operands at index 0, and nothing outside the operands is
 * written (a sentinel around each one survives). Geometries cover the vector paths: the direct single-channel
 * kernels (3×3 and 5×5), im2col with several images per GEMM, the 1×1 pointwise path, the vectorized 2×2 max pool
 * (odd width and height) and the general pools.
 */
class OffsetsTest {
    private static final float SENTINEL = -12345.5f;

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** {@code x} copied into a new array at {@code off}, sentinels before and after. */
    private static float[] at(float[] x, int off) {
        float[] a = new float[off + x.length + 5];
        Arrays.fill(a, SENTINEL);
        System.arraycopy(x, 0, a, off, x.length);
        return a;
    }

    /** The operand back from index {@code off}, after checking the sentinels around it. */
    private static float[] from(float[] a, int off, int n, String what) {
        for (int i = 0; i < off; i++) assertEquals(SENTINEL, a[i], what + ": written before its offset at " + i);
        for (int i = off + n; i < a.length; i++) assertEquals(SENTINEL, a[i], what + ": written past its end at " + i);
        return Arrays.copyOfRange(a, off, off + n);
    }

    @Test
    void convolutionAtOffsetsGivesTheSameBits() {
        ConvGeometry[] geometries = {
            ConvGeometry.simple(3, 1, 10, 9, 4, 3, 1, 1),   // direct single channel, 3x3
            ConvGeometry.simple(2, 1, 8, 8, 3, 5, 1, 2),    // direct single channel, 5x5
            ConvGeometry.simple(5, 3, 7, 7, 4, 3, 1, 1),    // im2col, several images per GEMM
            ConvGeometry.simple(2, 4, 6, 5, 3, 1, 1, 0),    // 1x1 pointwise
            new ConvGeometry(2, 4, 7, 6, 6, 3, 2, 2, 1, 1, 2, 0, 1, 2, 1, 2),
        };
        try (Backend vector = VectorBackend.create(2)) {
            for (Backend b : new Backend[] {ScalarBackend.create(), vector}) {
                SplittableRandom r = new SplittableRandom(3);
                for (ConvGeometry g : geometries) {
                    String what = b.name() + " " + g;
                    float[] x = random(r, g.inputSize()), w = random(r, g.weightSize()), bias = random(r, g.outChannels());
                    float[] dy = random(r, g.outputSize());
                    float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
                    float[] dw = random(r, g.weightSize()), db = random(r, g.outChannels());
                    float[] dw0 = dw.clone(), db0 = db.clone();
                    Convolution c = b.convolution();
                    c.forward(g, x, 0, w, 0, bias, 0, y, 0, new Scratch());
                    c.backwardData(g, dy, 0, w, 0, dx, 0, new Scratch());
                    c.backwardWeights(g, x, 0, dy, 0, dw, 0, db, 0, new Scratch());

                    float[] xo = at(x, 7), wo = at(w, 3), bo = at(bias, 2), dyo = at(dy, 5);
                    float[] yo = at(new float[g.outputSize()], 11), dxo = at(new float[g.inputSize()], 1);
                    float[] dwo = at(dw0, 9), dbo = at(db0, 4);
                    c.forward(g, xo, 7, wo, 3, bo, 2, yo, 11, new Scratch());
                    c.backwardData(g, dyo, 5, wo, 3, dxo, 1, new Scratch());
                    c.backwardWeights(g, xo, 7, dyo, 5, dwo, 9, dbo, 4, new Scratch());
                    assertArrayEquals(y, from(yo, 11, y.length, what + " forward"), what + " forward");
                    assertArrayEquals(dx, from(dxo, 1, dx.length, what + " backward-data"), what + " backward-data");
                    assertArrayEquals(dw, from(dwo, 9, dw.length, what + " dw"), what + " dw");
                    assertArrayEquals(db, from(dbo, 4, db.length, what + " db"), what + " db");
                }
            }
        }
    }

    @Test
    void poolingAtOffsetsGivesTheSameBits() {
        PoolGeometry[] geometries = {
            new PoolGeometry(2, 3, 28, 28, 2, 2, 2, 2, 0, 0, true),   // the CNN's pool, vectorized
            new PoolGeometry(3, 2, 15, 13, 2, 2, 2, 2, 0, 0, true),   // odd height and width
            new PoolGeometry(2, 2, 9, 8, 3, 3, 2, 2, 1, 1, false),    // general window with padding
        };
        try (Backend vector = VectorBackend.create(2)) {
            for (Backend b : new Backend[] {ScalarBackend.create(), vector}) {
                SplittableRandom r = new SplittableRandom(5);
                for (PoolGeometry p : geometries) {
                    String what = b.name() + " " + p;
                    float[] x = random(r, p.inputSize()), dy = random(r, p.outputSize());
                    float[] y = new float[p.outputSize()], dx = new float[p.inputSize()];
                    float[] ay = new float[p.outputSize()], adx = new float[p.inputSize()];
                    int[] argmax = new int[p.outputSize()], argmaxO = new int[p.outputSize()];
                    Pooling pool = b.pooling();
                    pool.maxForward(p, x, 0, y, 0, argmax);
                    pool.maxBackward(p, dy, 0, argmax, dx, 0);
                    pool.avgForward(p, x, 0, ay, 0);
                    pool.avgBackward(p, dy, 0, adx, 0);

                    float[] xo = at(x, 6), dyo = at(dy, 3);
                    float[] yo = at(new float[y.length], 13), dxo = at(new float[dx.length], 2);
                    float[] ayo = at(new float[y.length], 1), adxo = at(new float[dx.length], 9);
                    pool.maxForward(p, xo, 6, yo, 13, argmaxO);
                    pool.maxBackward(p, dyo, 3, argmaxO, dxo, 2);
                    pool.avgForward(p, xo, 6, ayo, 1);
                    pool.avgBackward(p, dyo, 3, adxo, 9);
                    assertArrayEquals(y, from(yo, 13, y.length, what + " max forward"), what + " max forward");
                    assertArrayEquals(argmax, argmaxO, what + " arg-max (relative to the input's offset)");
                    assertArrayEquals(dx, from(dxo, 2, dx.length, what + " max backward"), what + " max backward");
                    assertArrayEquals(ay, from(ayo, 1, ay.length, what + " avg forward"), what + " avg forward");
                    assertArrayEquals(adx, from(adxo, 9, adx.length, what + " avg backward"), what + " avg backward");
                }
            }
        }
    }
}
