package org.vectorgrad.backend.vector.gemm;

public class PackBench { static final Transposer TR = Transposer.create(512);
    public static void main(String[] args) {
        int n = 512, k = 784, kc = 261, nr = 32, mr = 12, m = 128;
        float[] b = new float[n * k], a = new float[m * k];
        float[] dst = new float[(n + nr) * kc], dstA = new float[(m + mr) * kc];
        for (int round = 0; round < 8; round++) {
            double best1 = 1e9, best2 = 1e9, best3 = 1e9, best4 = 1e9;
            for (int rep = 0; rep < 50; rep++) {
                long t0 = System.nanoTime();
                Packing.packB(true, b, 0, k, 100, kc, 0, n, nr, 0, n / nr, dst, TR);
                long t1 = System.nanoTime();
                Packing.packB(false, b, 0, n, 100, kc, 0, n, nr, 0, n / nr, dst, TR);
                long t2 = System.nanoTime();
                Packing.packA(false, a, 0, k, 0, m, 100, kc, mr, dstA, 0, TR);
                long t3 = System.nanoTime();
                Packing.packA(true, a, 0, m, 0, m, 100, kc, mr, dstA, 0, TR);
                long t4 = System.nanoTime();
                best1 = Math.min(best1, (t1 - t0) / (double) (n * kc));
                best2 = Math.min(best2, (t2 - t1) / (double) (n * kc));
                best3 = Math.min(best3, (t3 - t2) / (double) (m * kc));
                best4 = Math.min(best4, (t4 - t3) / (double) (m * kc));
            }
            if (round == 7) System.out.printf("ns/element: packB trans %.3f, packB plain %.3f, packA plain %.3f, packA trans %.3f%n", best1, best2, best3, best4);
        }
    }
}
