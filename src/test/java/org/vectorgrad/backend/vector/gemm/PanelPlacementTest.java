package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Where the GEMM's buffers put packed B panels (and the sparse path op(B)'s rows) follows the arrays' alignment
 * ({@link ArrayAlignment}: on vector boundaries where the JVM's object alignment makes them knowable, else at the
 * buffers' start); the bits must not. Every alignment a JVM can have, against the packed path with nothing known, on
 * every packing path: one and several K blocks, one and several row blocks, one thread and two past the parallel
 * bound (row ranges, guided chunks), both widths' tables, every layout.
 */
class PanelPlacementTest {
    @Test
    void theBitsDoNotDependOnWherePanelsArePlaced() {
        SplittableRandom rng = new SplittableRandom(227);
        ArrayAlignment[] alignments = {new ArrayAlignment(32, 16), new ArrayAlignment(32, 12), new ArrayAlignment(32, 20),
                new ArrayAlignment(64, 16)};
        int[][] shapes = {{300, 200, 1500}, {64, 520, 300}, {1000, 72, 90}, {257, 130, 700}, {7, 300, 513}};
        int cases = 0;
        try (Dispatcher one = new Dispatcher(1); Dispatcher two = new Dispatcher(2)) {
            for (GemmBlocking blk : AgainstPackedPath.tables(256, 512)) {
                BlockedGemm reference = BlockedGemm.withAlignment(blk, one, Long.MAX_VALUE, ArrayAlignment.UNKNOWN);
                for (ArrayAlignment al : alignments) {
                    for (Dispatcher d : new Dispatcher[] {one, two}) {
                        for (long bound : d == one ? new long[] {Long.MAX_VALUE} : new long[] {1, Long.MAX_VALUE}) {
                            BlockedGemm placed = BlockedGemm.withAlignment(blk, d, bound, al);
                            for (int[] s : shapes) {
                                boolean ta = rng.nextBoolean(), tb = rng.nextBoolean();
                                float beta = new float[] {0f, 1f, -0.5f}[rng.nextInt(3)];
                                AgainstPackedPath.check(blk + " " + al + " " + d.threads() + " threads, bound " + bound, reference, placed,
                                        ta, tb, s[0], s[1], s[2], 1f, beta, rng);
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases >= 200, "only " + cases + " products");
    }
}
