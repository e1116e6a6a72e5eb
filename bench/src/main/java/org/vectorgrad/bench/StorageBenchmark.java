package org.vectorgrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Vector API load + FMA over heap {@code float[]} versus an off-heap {@code MemorySegment}, to back the Tensor
 * storage decision: a dot product (two loads per FMA, the elementwise kernels' pattern) and a micro-kernel-like
 * loop (one broadcast and two FMAs per pair of loads, 8 rows of accumulators: the GEMM's pattern), in L1
 * ({@code size=4096}) and from memory ({@code size=4194304}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class StorageBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Param({"4096", "4194304"})
    public int size;

    private float[] x, y;
    private Arena arena;
    private MemorySegment xs, ys;

    @Setup
    public void setUp() {
        x = new float[size];
        y = new float[size];
        for (int i = 0; i < size; i++) { x[i] = (i % 7) * 0.25f; y[i] = (i % 5) * 0.5f; }
        arena = Arena.ofConfined();
        xs = arena.allocate((long) size * 4, 64);
        ys = arena.allocate((long) size * 4, 64);
        MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, size);
        MemorySegment.copy(y, 0, ys, ValueLayout.JAVA_FLOAT, 0, size);
    }

    @TearDown
    public void tearDown() { arena.close(); }

    @Benchmark
    public float dotHeap() {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < size; i += L) acc = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, y, i), acc);
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float dotSegment() {
        FloatVector acc = FloatVector.zero(S);
        for (long i = 0, bytes = (long) size * 4; i < bytes; i += 4L * L) {
            acc = FloatVector.fromMemorySegment(S, xs, i, ByteOrder.nativeOrder())
                    .fma(FloatVector.fromMemorySegment(S, ys, i, ByteOrder.nativeOrder()), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** 8 rows x 2 vectors of accumulators, B read as pairs of vectors, A broadcast from the other array. */
    @Benchmark
    public float kernelHeap() {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
        for (int p = 0, pa = 0; p + 2 * L <= size && pa + 8 <= size; p += 2 * L, pa += 8) {
            FloatVector b0 = FloatVector.fromArray(S, x, p), b1 = FloatVector.fromArray(S, x, p + L);
            FloatVector a;
            a = FloatVector.broadcast(S, y[pa]); c0 = a.fma(b0, c0); d0 = a.fma(b1, d0);
            a = FloatVector.broadcast(S, y[pa + 1]); c1 = a.fma(b0, c1); d1 = a.fma(b1, d1);
            a = FloatVector.broadcast(S, y[pa + 2]); c2 = a.fma(b0, c2); d2 = a.fma(b1, d2);
            a = FloatVector.broadcast(S, y[pa + 3]); c3 = a.fma(b0, c3); d3 = a.fma(b1, d3);
            a = FloatVector.broadcast(S, y[pa + 4]); c4 = a.fma(b0, c4); d4 = a.fma(b1, d4);
            a = FloatVector.broadcast(S, y[pa + 5]); c5 = a.fma(b0, c5); d5 = a.fma(b1, d5);
            a = FloatVector.broadcast(S, y[pa + 6]); c6 = a.fma(b0, c6); d6 = a.fma(b1, d6);
            a = FloatVector.broadcast(S, y[pa + 7]); c7 = a.fma(b0, c7); d7 = a.fma(b1, d7);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(d0.add(d1).add(d2).add(d3).add(d4).add(d5).add(d6).add(d7)).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float kernelSegment() {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
        ByteOrder o = ByteOrder.nativeOrder();
        for (long p = 0, pa = 0, bytes = (long) size * 4; p + 8L * L <= bytes && pa + 32 <= bytes; p += 8L * L, pa += 32) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, xs, p, o), b1 = FloatVector.fromMemorySegment(S, xs, p + 4L * L, o);
            FloatVector a;
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa)); c0 = a.fma(b0, c0); d0 = a.fma(b1, d0);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 4)); c1 = a.fma(b0, c1); d1 = a.fma(b1, d1);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 8)); c2 = a.fma(b0, c2); d2 = a.fma(b1, d2);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 12)); c3 = a.fma(b0, c3); d3 = a.fma(b1, d3);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 16)); c4 = a.fma(b0, c4); d4 = a.fma(b1, d4);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 20)); c5 = a.fma(b0, c5); d5 = a.fma(b1, d5);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 24)); c6 = a.fma(b0, c6); d6 = a.fma(b1, d6);
            a = FloatVector.broadcast(S, ys.get(ValueLayout.JAVA_FLOAT, pa + 28)); c7 = a.fma(b0, c7); d7 = a.fma(b1, d7);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(d0.add(d1).add(d2).add(d3).add(d4).add(d5).add(d6).add(d7)).reduceLanes(VectorOperators.ADD);
    }
}
