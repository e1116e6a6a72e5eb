package org.vectorgrad.backend.vector.gemm;

/**
 * Where the elements of every {@code float[]} lie against 32- or 64-byte boundaries in this JVM, when its options make
 * that knowable, so that a kernel's workspace copy can start on a boundary.
 *
 * <p><b>Why.</b> A vector load that crosses a 64-byte cache line costs two. A Java array's data starts 16 bytes into
 * its object, which starts on a multiple of 8 bytes, so a row of floats lies on a 32-byte boundary in only one JVM
 * run in four; in the others every other 256-bit load splits a line. The sparse-rows kernel loads one vector of op(B)
 * per FMA, and on AMD Zen 4 under the 256-bit proxy it ran 1.15-1.5x faster on op(B) copied onto 32-byte boundaries
 * than on the same rows 16 bytes off (docs/decisions.md §2bu).
 *
 * <p><b>What is knowable.</b> The program cannot see an array's address, but it can know the address modulo the
 * object alignment: objects start on multiples of {@code -XX:ObjectAlignmentInBytes} (8 unless set; the launcher sets
 * 32), and element i lies {@code base + 4i} bytes past the object's start, with {@code base} the array header: 16
 * bytes with compressed class pointers (the default), 12 with compact object headers, 20 without compressed class
 * pointers. Moving collectors keep an object's alignment. So with an object alignment of 32 every float[]'s element i
 * lies at {@code base + 4i} modulo 32; with the default 8, nothing past 8 bytes is known and callers use their arrays
 * as they are. The bits of a product never depend on this: only where a copy is placed.
 *
 * <p>Immutable; safe to share.
 */
final class ArrayAlignment {
    /** Nothing known past 8 bytes: the JVM's default object alignment. */
    static final ArrayAlignment UNKNOWN = new ArrayAlignment(8, 16);

    private final int objectAlignment, base;

    /**
     * @param objectAlignment the JVM's object alignment in bytes (a power of two, at least 8)
     * @param base bytes from a float[]'s object start to its element 0 (a multiple of 4)
     */
    ArrayAlignment(int objectAlignment, int base) {
        if (objectAlignment < 8 || Integer.bitCount(objectAlignment) != 1 || base < 0 || base % 4 != 0) {
            throw new IllegalArgumentException("object alignment must be a power of two >= 8 and base a multiple of 4, got "
                    + objectAlignment + " and " + base);
        }
        this.objectAlignment = objectAlignment;
        this.base = base;
    }

    /** Read on first use (class initialization: once per JVM, safely published). */
    private static final class Once {
        static final ArrayAlignment CURRENT = fromOptions(VmOption.value("ObjectAlignmentInBytes"),
                VmOption.value("UseCompressedClassPointers"), VmOption.value("UseCompactObjectHeaders"));
    }

    /** This JVM's (read once); {@link #UNKNOWN} where its options cannot be read. */
    static ArrayAlignment current() {
        return Once.CURRENT;
    }

    /**
     * From the options' values as the HotSpot bean reports them (null where one cannot be read; a JVM without compact
     * object headers has no such option): {@link #UNKNOWN} unless the object alignment and the class pointers' form
     * are known. A pure function.
     */
    static ArrayAlignment fromOptions(String objectAlignmentInBytes, String compressedClassPointers, String compactObjectHeaders) {
        int alignment;
        try {
            alignment = objectAlignmentInBytes == null ? 8 : Integer.parseInt(objectAlignmentInBytes.trim());
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
        if (alignment < 8 || Integer.bitCount(alignment) != 1 || compressedClassPointers == null) return UNKNOWN;
        int base = "true".equals(compactObjectHeaders) ? 12 : "true".equals(compressedClassPointers.trim()) ? 16 : 20;
        return new ArrayAlignment(alignment, base);
    }

    /** Bytes from a float[]'s object start to its element 0 (the header). */
    int base() {
        return base;
    }

    /**
     * Whether element {@code index} of every float[] lies on a multiple of {@code bytes} (a power of two); false
     * where that is not known (bytes past the object alignment).
     */
    boolean aligned(int index, int bytes) {
        return bytes <= objectAlignment && (base + 4L * index) % bytes == 0;
    }

    /** The least index whose element lies on a multiple of {@code bytes} in every float[], or -1 where none is known. */
    int firstAligned(int bytes) {
        for (int i = 0; i < Math.max(1, bytes / 4); i++) if (aligned(i, bytes)) return i;
        return -1;
    }

    @Override
    public String toString() {
        return "objects on " + objectAlignment + " bytes, float[] data " + base + " bytes in";
    }
}
