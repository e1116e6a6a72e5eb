package org.vectorgrad.backend.vector.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * {@link ArrayAlignment}: what a JVM's options say about where float[] elements lie, and that its header size is the
 * running JVM's (sun.misc.Unsafe's array base offset, read only here, in a test).
 */
class ArrayAlignmentTest {
    @Test
    void theOptionsGiveTheObjectAlignmentAndTheHeader() {
        ArrayAlignment byDefault = ArrayAlignment.fromOptions("8", "true", "false");
        assertEquals(16, byDefault.base());
        assertEquals(-1, byDefault.firstAligned(32), "objects on 8 bytes: no 32-byte boundary known");
        assertEquals(0, byDefault.firstAligned(8));
        assertFalse(byDefault.aligned(4, 32));
        assertTrue(byDefault.aligned(2, 8));
        assertFalse(byDefault.aligned(1, 8));

        ArrayAlignment on32 = ArrayAlignment.fromOptions("32", "true", "false");
        assertEquals(4, on32.firstAligned(32), "16 + 4·4 = 32");
        assertTrue(on32.aligned(12, 32));
        assertFalse(on32.aligned(0, 32));
        assertFalse(on32.aligned(4, 64), "64-byte boundaries are not known from 32-byte objects");
        assertEquals(-1, on32.firstAligned(64));

        assertEquals(12, ArrayAlignment.fromOptions("32", "true", "true").base(), "compact object headers");
        assertEquals(5, ArrayAlignment.fromOptions("32", "true", "true").firstAligned(32));
        assertEquals(20, ArrayAlignment.fromOptions("32", "false", "false").base(), "uncompressed class pointers");
        assertEquals(3, ArrayAlignment.fromOptions("32", "false", null).firstAligned(32), "no compact-headers option");
        assertEquals(12, ArrayAlignment.fromOptions("64", "true", "false").firstAligned(64));
        assertEquals(4, ArrayAlignment.fromOptions("64", "true", "false").firstAligned(32));
        assertEquals(-1, ArrayAlignment.fromOptions(null, "true", "false").firstAligned(32), "unreadable: the default 8");

        for (String[] bad : new String[][] {{"32", null, "false"}, {"abc", "true", "false"}, {"24", "true", "false"}, {"4", "true", "false"}}) {
            assertSame(ArrayAlignment.UNKNOWN, ArrayAlignment.fromOptions(bad[0], bad[1], bad[2]), String.join(",", String.valueOf(bad[0]), bad[1], bad[2]));
        }
        assertThrows(IllegalArgumentException.class, () -> new ArrayAlignment(48, 16));
        assertThrows(IllegalArgumentException.class, () -> new ArrayAlignment(32, 18));
    }

    @Test
    void thisJvmsHeaderIsTheOneItsOptionsName() throws ReflectiveOperationException {
        ArrayAlignment current = ArrayAlignment.current();
        assertNotSame(ArrayAlignment.UNKNOWN, current, "HotSpot's options are readable in the test JVM");
        Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Object unsafe = f.get(null);
        int base = (int) unsafe.getClass().getMethod("arrayBaseOffset", Class.class).invoke(unsafe, float[].class);
        assertEquals(base, current.base(), current.toString());
    }
}
