package org.vectorgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void reshapeIsAViewSharingStorage() {
        Tensor t = Tensor.randn(1, 0f, 1f, 2, 3, 4);
        Tensor v = t.reshape(6, -1);
        assertArrayEquals(new int[] {6, 4}, v.shape());
        assertSame(t.data(), v.data());
        v.set(42f, 5, 3);
        assertEquals(42f, t.get(1, 2, 3));
    }

    @Test
    void transposeAndSliceViews() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor tr = m.transpose2d();
        assertFalse(tr.isContiguous());
        assertEquals(4f, tr.get(0, 1));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tr.contiguous().toArray());
        Tensor row = m.slice0(1, 2);
        assertEquals(3, row.offset());
        assertArrayEquals(new float[] {4, 5, 6}, row.toArray());
        var e = assertThrows(IllegalStateException.class, () -> tr.reshape(6));
        assertTrue(e.getMessage().contains("non-contiguous"));
    }

    @Test
    void badShapesGiveClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"), e.getMessage());
        var oob = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).get(2, 0));
        assertTrue(oob.getMessage().contains("[2, 0]"), oob.getMessage());
    }

    @Test
    void seededFactoriesAreReproducible() {
        assertArrayEquals(Tensor.randn(7, 0f, 1f, 100).toArray(), Tensor.randn(7, 0f, 1f, 100).toArray());
        assertFalse(java.util.Arrays.equals(Tensor.randn(7, 0f, 1f, 100).toArray(), Tensor.randn(8, 0f, 1f, 100).toArray()));
        Tensor u = Tensor.uniform(3, -2f, 2f, 1000);
        double mean = 0;
        for (float f : u.toArray()) { assertTrue(f >= -2f && f < 2f); mean += f; }
        assertEquals(0, mean / 1000, 0.15);
        Tensor n = Tensor.randn(3, 1f, 2f, 20000);
        double m = 0, s = 0;
        for (float f : n.toArray()) m += f;
        m /= n.size();
        for (float f : n.toArray()) s += (f - m) * (f - m);
        assertEquals(1.0, m, 0.05);
        assertEquals(2.0, Math.sqrt(s / n.size()), 0.05);
    }

    @Test
    void copyFillAndFull() {
        Tensor a = Tensor.full(3f, 2, 2);
        Tensor b = a.copy().fill(1f);
        assertEquals(3f, a.get(1, 1));
        assertEquals(1f, b.get(1, 1));
        b.copyFrom(a.transpose2d());
        assertEquals(3f, b.get(0, 1));
    }

    @Test
    void emptyTensorsAreContiguousAndReshape() {
        Tensor z = Tensor.zeros(2, 0, 3);
        assertTrue(z.isContiguous());
        assertArrayEquals(new int[] {3, 0}, z.reshape(3, 0).shape());
        assertSame(z, z.contiguous());
        assertEquals(0, z.copy().size());
    }

    @Test
    void dimOutOfRangeNamesIndexAndShape() {
        Tensor t = Tensor.zeros(2, 3);
        assertEquals(3, t.dim(-1));
        assertEquals(2, t.dim(-2));
        for (int i : new int[] {2, -3}) {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> t.dim(i));
            assertTrue(e.getMessage().contains("dimension " + i) && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
    }

    @Test
    void copyFromAnOverlappingViewOfTheSameStorage() {
        Tensor m = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3);
        m.copyFrom(m.transpose2d());
        assertArrayEquals(new float[] {0, 3, 6, 1, 4, 7, 2, 5, 8}, m.toArray());
        Tensor v = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
        v.slice0(1, 3).copyFrom(v.slice0(0, 2)); // contiguous, overlapping: arraycopy semantics
        assertArrayEquals(new float[] {0, 1, 0, 1, 2, 3}, v.toArray());
    }

    @Test
    void uniformStaysInTheHalfOpenIntervalAndRandnRefusesNegativeStd() {
        float hi = Math.nextUp(1f);
        for (float f : Tensor.uniform(1, 1f, hi, 1000).toArray()) assertTrue(f >= 1f && f < hi, "sample " + f);
        for (float f : Tensor.uniform(2, -Float.MAX_VALUE, Float.MAX_VALUE, 1000).toArray()) assertTrue(Float.isFinite(f), "sample " + f);
        assertArrayEquals(new float[] {2f, 2f}, Tensor.uniform(3, 2f, 2f, 2).toArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(1, 1f, -1f, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(1, Float.NaN, 1f, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(1, 0f, Float.POSITIVE_INFINITY, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(1, 0f, -1f, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(1, 0f, Float.NaN, 2));
        assertArrayEquals(new float[] {5f, 5f}, Tensor.randn(1, 5f, 0f, 2).toArray());
    }

    @Test
    void emptySlicesOfEmptyTensorsCanBeFilledAndCopied() {
        Tensor z = Tensor.zeros(3, 0, 2);
        Tensor v = z.slice0(2, 3);
        assertTrue(v.offset() <= z.data().length);
        v.fill(1f);
        assertEquals(0, v.toArray().length);
        v.copyFrom(Tensor.zeros(1, 0, 2));
        Tensor.zeros(1, 0, 2).copyFrom(v);
        Tensor.zeros(5, 0, 70000, 70000).slice0(1, 2).fill(1f); // strides of the leading dimensions overflow int
    }
}
