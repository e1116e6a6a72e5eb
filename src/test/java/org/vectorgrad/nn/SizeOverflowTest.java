package org.vectorgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.ConvGeometry;
import org.vectorgrad.backend.PoolGeometry;
import org.vectorgrad.tensor.Tensor;

/**
 * Sizes that overflow an int are refused with exact arithmetic, before anything of that size is allocated, with a
 * message naming the layer and the sizes (issue 9: {@code Conv2d(20 -> 1, 31x31)} on [1, 20, 473, 473] used to
 * die with NegativeArraySizeException on the vector and blas backends).
 */
class SizeOverflowTest {
    private static final String LIMIT = "exceeds the 2147483583 elements an int-indexed Java array holds";

    @Test
    void hugeIm2colMatrixIsRefusedNamingTheLayerOnEveryBackend() {
        Tensor x = Tensor.zeros(1, 20, 473, 473); // 4.5 M floats: the input itself is fine
        for (String name : List.of("scalar", "vector", "auto")) {
            try (Backend be = Backends.create(name, 2, s -> {})) {
                Conv2d conv = Conv2d.builder(20, 1).kernel(31).build();
                conv.bind(be);
                var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(x, true), name);
                assertEquals("Conv2d(20 -> 1, kernel 31x31): input [1, 20, 473, 473]: the im2col matrix of one image, 19220 x 196249 = 3771905780 floats, "
                        + LIMIT, e.getMessage(), name);
            }
        }
    }

    @Test
    void convGeometryChecksEveryOperandWithExactArithmetic() {
        var input = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.simple(65536, 1, 256, 256, 1, 1, 1, 0));
        assertEquals("the input, [65536, 1, 256, 256] = 4294967296 floats, " + LIMIT, input.getMessage());
        var output = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.simple(64, 1, 64, 64, 100000, 1, 1, 0));
        assertEquals("the output, [64, 100000, 64, 64] = 26214400000 floats, " + LIMIT, output.getMessage());
        var weights = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.simple(1, 100000, 1, 1, 100000, 1, 1, 0));
        assertEquals("the weights, [100000, 100000, 1, 1] = 10000000000 floats, " + LIMIT, weights.getMessage());
        var padded = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1, 1, 1));
        assertEquals("the padded input plane, 2000001 x 2000001 = 4000004000001 floats, " + LIMIT, padded.getMessage());
        // a dilation whose reach overflows an int is compared in long, not wrapped around to a negative size
        var dilated = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 1, 8, 8, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1 << 30, 1, 1));
        assertEquals("kernel 3x3 (dilated 2147483649x3) is larger than the padded input 8x8 of input [1, 1, 8, 8]", dilated.getMessage());
    }

    @Test
    void denseRefusesWeightsAndOutputsThatOverflow() {
        var weight = assertThrows(IllegalArgumentException.class, () -> new Dense(65536, 65536, 1));
        assertEquals("Dense(65536 -> 65536): the weight [65536, 65536] = 4294967296 floats " + LIMIT, weight.getMessage());
        try (Backend be = Backends.create("vector", 1)) {
            Dense wide = new Dense(1, 1 << 20, 1); // 4 MB of weights
            wide.bind(be);
            var out = assertThrows(IllegalArgumentException.class, () -> wide.forward(Tensor.zeros(4096, 1), true));
            assertEquals("Dense(1 -> 1048576): the output [4096, 1048576] of input [4096, 1] = 4294967296 floats " + LIMIT, out.getMessage());
        }
    }

    @Test
    void poolingAndTensorsRefuseSizesThatOverflow() {
        var pool = assertThrows(IllegalArgumentException.class, () -> new PoolGeometry(65536, 65536, 1, 1, 1, 1, 1, 1, 0, 0, true));
        assertEquals("pool input [65536, 65536, 1, 1] (4294967296 elements) or its output (4294967296 elements) " + LIMIT, pool.getMessage());
        var tensor = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536));
        assertEquals("shape [65536, 65536] has more than 2^31-1 elements", tensor.getMessage());
    }
}
