package org.vectorgrad.nn;


import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.tensor.Tensor;

/**
 * One layer used twice in a row in a Sequential (tied weights) gets its own last output as its input: its product
 * must not write over the operand it is reading. Inference only (a layer keeps one input for its backward). Checked
 * against the same layer called twice with a copy in between, on the scalar oracle (whose direct loops wrote over
 * their input) and the vector backend (whose unpacked small products did).
 */
class TiedLayersTest {
    private static Tensor random(SplittableRandom r, int... shape) {
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void aDenseLayerUsedTwiceInARowDoesNotWriteOverItsOwnInput() {
        for (String name : new String[] {"scalar", "vector"}) {
            try (Backend be = Backends.create(name, 1)) {
                Dense d = new Dense(100, 100, 3); // several column panels: each rereads op(A) after others wrote C
                Layer relu = new ReLU(), tanh = new Tanh();
                relu.bind(be);
                tanh.bind(be);
                Sequential fused = new Sequential(d, relu, d, tanh).on(be); // through the Dense -> activation chain
                Sequential plain = new Sequential(d, d).on(be);
                Tensor x = random(new SplittableRandom(4), 5, 100);
                Tensor want = x;
                for (Layer l : List.of(d, relu, d, tanh)) want = l.forward(want, false).copy();
                FusedRuns.assertBits(want.data(), fused.forward(x, false).data(), name + ": Dense, ReLU, the same Dense, Tanh");
                Tensor twice = d.forward(d.forward(x, false).copy(), false).copy();
                FusedRuns.assertBits(twice.data(), plain.forward(x, false).data(), name + ": the same Dense twice");
            }
        }
    }

    @Test
    void aConvolutionUsedTwiceInARowDoesNotWriteOverItsOwnInput() {
        for (String name : new String[] {"scalar", "vector"}) {
            try (Backend be = Backends.create(name, 1)) {
                Conv2d c = new Conv2d(4, 4, 3, 1, 1, 5);
                Sequential twice = new Sequential(c, c).on(be);
                Tensor x = random(new SplittableRandom(6), 3, 4, 9, 9);
                Tensor want = c.forward(c.forward(x, false).copy(), false).copy();
                FusedRuns.assertBits(want.data(), twice.forward(x, false).data(), name + ": the same Conv2d twice");
            }
        }
    }
}
