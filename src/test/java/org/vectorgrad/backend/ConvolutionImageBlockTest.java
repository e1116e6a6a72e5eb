package org.vectorgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.Prerequisites;

/**
 * {@link Convolution#imageBlock}'s contract, on every backend and thread count: forward and backward-data on parts of
 * a batch cut at multiples of the block give the whole batch's bits, and backward-weights calls on those parts, in
 * order, accumulate the whole batch's weight and bias gradients bit for bit. Geometries: the direct single-channel
 * path, im2col with several images per GEMM, a 1×1 pointwise conv, strided and grouped ones; batches that do and do
 * not end on a block.
 */
class ConvolutionImageBlockTest {
    private static final ConvGeometry[] GEOMETRIES = {
        ConvGeometry.simple(11, 1, 12, 12, 6, 3, 1, 1),            // direct single-channel kernels
        ConvGeometry.simple(10, 5, 7, 7, 12, 3, 1, 1),             // 8 images of 49 columns per GEMM
        ConvGeometry.simple(13, 4, 20, 20, 7, 3, 1, 1),            // 2 images of 400 columns per GEMM
        ConvGeometry.simple(9, 6, 9, 9, 5, 1, 1, 0),               // pointwise: the image is its own column matrix
        new ConvGeometry(7, 6, 11, 10, 9, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1, 3), // stride 2, asymmetric padding, 3 groups
    };

    @Test
    void partsCutAtTheImageBlockGiveTheWholeBatchsBits() {
        int checked = 0;
        for (String name : new String[] {"scalar", "vector", "auto", "blas"}) {
            Availability a = Backends.factories().get(name).availability();
            if (!a.available()) {
                Prerequisites.require(false, name + " backend: " + a.reason());
                continue;
            }
            for (int threads : new int[] {1, 2, 3}) {
                try (Backend be = Backends.create(name, threads)) {
                    for (ConvGeometry g : GEOMETRIES) {
                        compare(be, g, name + "/" + threads + " " + g);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 3 * 3 * GEOMETRIES.length, "cases: " + checked);
    }

    private static void compare(Backend be, ConvGeometry g, String what) {
        Convolution conv = be.convolution();
        int block = conv.imageBlock(g);
        assertTrue(block >= 1, what + ": block " + block);
        SplittableRandom r = new SplittableRandom(g.batch() * 31L + g.outChannels());
        float[] x = random(r, g.inputSize()), w = random(r, g.weightSize()), bias = random(r, g.outChannels());
        float[] dy = random(r, g.outputSize());
        float[] dw0 = random(r, g.weightSize()), db0 = random(r, g.outChannels());

        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
        float[] dw = dw0.clone(), db = db0.clone();
        conv.forward(g, x, 0, w, 0, bias, 0, y, 0, new Scratch());
        conv.backwardData(g, dy, 0, w, 0, dx, 0, new Scratch());
        conv.backwardWeights(g, x, 0, dy, 0, dw, 0, db, 0, new Scratch());

        float[] yp = new float[g.outputSize()], dxp = new float[g.inputSize()];
        float[] dwp = dw0.clone(), dbp = db0.clone();
        int inImage = g.inputSize() / g.batch(), outImage = g.outputSize() / g.batch();
        Scratch scratch = new Scratch();
        for (int n0 = 0; n0 < g.batch(); n0 += block) {
            ConvGeometry part = g.withBatch(Math.min(block, g.batch() - n0));
            conv.forward(part, x, n0 * inImage, w, 0, bias, 0, yp, n0 * outImage, scratch);
            conv.backwardData(part, dy, n0 * outImage, w, 0, dxp, n0 * inImage, scratch);
            conv.backwardWeights(part, x, n0 * inImage, dy, n0 * outImage, dwp, 0, dbp, 0, scratch);
        }
        same(y, yp, what + ": forward");
        same(dx, dxp, what + ": backward-data");
        same(dw, dwp, what + ": weight gradient");
        same(db, dbp, what + ": bias gradient");
    }

    private static void same(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) fail(what + "[" + i + "]: whole batch " + want[i] + ", in parts " + got[i]);
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
