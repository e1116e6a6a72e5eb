package org.vectorgrad.backend.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.Convolution;
import org.vectorgrad.backend.Scratch;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;

/**
 * The blas backend runs convolution on the GEMM it chose: the vector convolution kernels with every GEMM sent to
 * OpenBLAS. Checked bit for bit against those kernels driven through the blas backend's own GEMM, against the
 * scalar oracle within rounding, and shown to differ from the all-vector convolution (so the test can tell the
 * two GEMMs apart).
 */
class BlasConvolutionTest {
    /** The CNN's second layer, on a small batch: im2col path, K = 8·9, several images per GEMM. */
    private static final ConvGeometry G = ConvGeometry.simple(5, 8, 9, 9, 16, 3, 1, 1);

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void convolutionGemmsRunOnOpenBlas() {
        BlasBackendFactory f = BlasTestSupport.requireOpenBlas();
        float[] x = random(1, G.inputSize()), w = random(2, G.weightSize()), bias = random(3, G.outChannels());
        float[] dy = random(4, G.outputSize());
        try (Backend blas = f.create(2); Backend vector = VectorBackend.create(2)) {
            Convolution onBlasGemm = vector.convolution().on(blas.gemm());
            Backend scalar = ScalarBackend.create();

            float[] y = new float[G.outputSize()], yRef = new float[G.outputSize()], yVec = new float[G.outputSize()];
            float[] yOracle = new float[G.outputSize()];
            blas.convolution().forward(G, x, 0, w, 0, bias, 0, y, 0, new Scratch());
            onBlasGemm.forward(G, x, 0, w, 0, bias, 0, yRef, 0, new Scratch());
            vector.convolution().forward(G, x, 0, w, 0, bias, 0, yVec, 0, new Scratch());
            scalar.convolution().forward(G, x, 0, w, 0, bias, 0, yOracle, 0, null);
            assertArrayEquals(yRef, y, "blas conv forward = vector kernels on the blas GEMM, bit for bit");
            assertClose("forward", yOracle, y);
            assertFalse(Arrays.equals(yVec, y), "forward: OpenBLAS and the vector GEMM should round differently here");

            float[] dx = new float[G.inputSize()], dxRef = new float[G.inputSize()], dxOracle = new float[G.inputSize()];
            blas.convolution().backwardData(G, dy, 0, w, 0, dx, 0, new Scratch());
            onBlasGemm.backwardData(G, dy, 0, w, 0, dxRef, 0, new Scratch());
            scalar.convolution().backwardData(G, dy, 0, w, 0, dxOracle, 0, null);
            assertArrayEquals(dxRef, dx, "blas conv backward-data = vector kernels on the blas GEMM");
            assertClose("backward-data", dxOracle, dx);

            float[] dw = new float[G.weightSize()], dwRef = new float[G.weightSize()], dwOracle = new float[G.weightSize()];
            float[] db = new float[G.outChannels()], dbRef = new float[G.outChannels()], dbOracle = new float[G.outChannels()];
            blas.convolution().backwardWeights(G, x, 0, dy, 0, dw, 0, db, 0, new Scratch());
            onBlasGemm.backwardWeights(G, x, 0, dy, 0, dwRef, 0, dbRef, 0, new Scratch());
            scalar.convolution().backwardWeights(G, x, 0, dy, 0, dwOracle, 0, dbOracle, 0, null);
            assertArrayEquals(dwRef, dw, "blas conv backward-weights = vector kernels on the blas GEMM");
            assertArrayEquals(dbRef, db, "blas conv bias gradient");
            assertClose("backward-weights", dwOracle, dw);
            assertClose("bias gradient", dbOracle, db);
        }
    }

    private static void assertClose(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4f * (1 + Math.abs(want[i])), what + " at " + i);
        }
    }
}
