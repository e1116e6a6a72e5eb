package org.vectorgrad.backend.vector.conv;

import java.util.Random;

/** ns per element of {@link Im2col#addTransposedInto} on the reference CNN's weight-gradient block (Og 64, K 288). */
public class TransposedAddBench {
    public static void main(String[] a) {
        int og = 64, k = 288;
        int[] idx = new int[Im2col.lanes()];
        Im2col.strideOffsets(og, idx);
        float[] src = new float[og * k], dst = new float[og * k];
        Random r = new Random(1);
        for (int i = 0; i < src.length; i++) src[i] = r.nextFloat();
        for (int round = 0; round < 30; round++) {
            long t0 = System.nanoTime();
            int it = 0;
            do {
                Im2col.addTransposedInto(src, 0, og, k, dst, 0, 0, og, idx);
                it++;
            } while (System.nanoTime() - t0 < 100_000_000L);
            System.out.printf("%.3f ns per element%n", (System.nanoTime() - t0) / (double) it / (og * k));
        }
    }
}
