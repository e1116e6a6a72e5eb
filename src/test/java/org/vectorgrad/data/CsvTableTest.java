package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vectorgrad.tensor.Tensor;

/** Numeric tables from CSV: strict numbers, refused rows with file and line, targets, splits, heap limits. */
class CsvTableTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private void refused(String text, boolean header, String... fragments) throws IOException {
        Path f = write("bad.csv", text);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvTable.read(f, header));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void readsNumbersWithHeaderQuotesSignsAndExponents() throws IOException {
        Path f = write("ok.csv", "\uFEFFx1,\"x 2\",y\r\n1,2.5,-3\r\n\"4\", .5 ,+6e-1\r\n7.,1E2,0\r\n");
        CsvTable t = CsvTable.read(f, true);
        assertEquals(List.of("x1", "x 2", "y"), t.columnNames());
        assertEquals(3, t.rows());
        assertEquals(3, t.columns());
        assertEquals(0.6f, t.value(1, 2));
        assertEquals(100f, t.value(2, 1));
        assertEquals(3, t.line(1));
        assertEquals(2, t.column("y"));
        assertEquals(1, t.column("X 2"));
        assertEquals(0, t.column("0"));
        var e = assertThrows(IllegalArgumentException.class, () -> t.column("z"));
        assertTrue(e.getMessage().contains("no column named 'z'") && e.getMessage().contains("[x1, x 2, y]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.column("3"));
    }

    @Test
    void withoutHeaderColumnsAreIndices() throws IOException {
        CsvTable t = CsvTable.read(write("nh.csv", "1,2\n3,4\n"), false);
        assertEquals(2, t.rows());
        assertEquals(List.of("column 0", "column 1"), t.columnNames());
        assertEquals(1, t.column("1"));
        var e = assertThrows(IllegalArgumentException.class, () -> t.column("y"));
        assertTrue(e.getMessage().contains("without a header"), e.getMessage());
    }

    @Test
    void malformedRowsAreRefusedWithFileAndLine() throws IOException {
        refused("a,b\n1,2\n3\n", true, "line 3: 1 field where the header has 2");
        refused("1,2\n3,4,5\n", false, "line 2: 3 fields where the first row has 2");
        refused("a,b\n1,2\n3,x\n", true, "line 3: 'x' in column 1 ('b') is not a decimal number");
        refused("a,b\n1,\n", true, "line 2: empty field in column 1 ('b'): missing values are not supported");
        refused("a,b\n1,NaN\n", true, "line 2:", "NaN and infinities are refused");
        refused("a,b\n1,-Infinity\n", true, "line 2:", "NaN and infinities are refused");
        refused("a,b\n1,1e39\n", true, "line 2: 1e39 in column 1 ('b') is beyond the float range");
        refused("a,b\n1,0x1p3\n", true, "line 2: '0x1p3'");
        refused("a,b\n1,2f\n", true, "line 2: '2f'");
        refused("a,b\n1,\"1\n2\"\n", true, "line 2:", "is not a decimal number");
        refused("a,b\n\n\n1,2\n\"3\",\"4\"x\n", true, "line 5:", "after the closing quote");
        refused("", true, "holds no record");
        refused("a,b\n", true, "holds a header but no data row");
    }

    @Test
    void invalidUtf8IsRefusedWithItsLine() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, new byte[] {'a', '\n', '1', '\n', (byte) 0xE9, '\n'});
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvTable.read(f, true));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void missingDirectoryAndHugeFiles() throws IOException {
        assertThrows(DataNotFoundException.class, () -> CsvTable.read(dir.resolve("none.csv"), true));
        var d = assertThrows(DataFileException.class, () -> CsvTable.read(dir, true));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        // a file whose values outgrow a small heap is refused with the -Xmx to use, before the arrays are allocated
        StringBuilder sb = new StringBuilder("a,b,c,d\n");
        for (int i = 0; i < 5000; i++) sb.append(i).append(",1,2,3\n");
        Path big = write("big.csv", sb.toString());
        var heap = HeapBudget.fixed(40L << 20, 8L << 20); // 40 MiB heap, 8 used, 32 reserved: none free
        var e = assertThrows(InsufficientHeapException.class, () -> CsvTable.read(big, true, heap, 1000));
        assertTrue(e.getMessage().startsWith(big + ": its first ") && e.getMessage().contains("-Xmx"), e.getMessage());
        // a huge line is refused by the record limit
        Path wide = write("wide.csv", "a\n" + "1".repeat(5000) + "\n");
        var w = assertThrows(CsvFormatException.class, () -> CsvTable.read(wide, true, HeapBudget.runtime(), 1000));
        assertTrue(w.getMessage().contains("line 2: the record is longer than 1000 characters"), w.getMessage());
    }

    @Test
    void regressionDatasetTakesTheTargetColumnOut() throws IOException {
        CsvTable t = CsvTable.read(write("r.csv", "a,y,b\n1,10,2\n3,30,4\n5,50,6\n"), true);
        int y = t.column("y");
        Dataset d = t.toDataset("r", new int[] {y}, Task.REGRESSION, 0);
        assertEquals(Task.REGRESSION, d.task());
        assertEquals(1, d.targetWidth());
        assertArrayEquals(new int[] {2}, d.sampleShape());
        assertEquals(List.of("a", "b"), t.featureNames(new int[] {y}));
        float[] x = new float[2];
        d.copySample(1, x, 0);
        assertArrayEquals(new float[] {3, 4}, x);
        assertEquals(50f, d.target(2, 0));
        var batches = d.batches(2, 0, 0, false).iterator();
        Tensor tt = batches.next().targets();
        assertArrayEquals(new int[] {2, 1}, tt.shape());
        assertEquals(30f, tt.get(1, 0));
        assertThrows(IllegalStateException.class, d::numClasses);
        assertThrows(IllegalStateException.class, () -> d.label(0));
    }

    @Test
    void classificationAndMultiLabelTargetsAreChecked() throws IOException {
        CsvTable t = CsvTable.read(write("c.csv", "x,label\n0.5,2\n0.1,0\n0.3,1.5\n"), true);
        var e = assertThrows(CsvFormatException.class, () -> t.toDataset("c", new int[] {1}, Task.CLASSIFICATION, 3));
        assertTrue(e.getMessage().contains("line 4: 1.5 in the target column 1 ('label') is not a class label"), e.getMessage());
        CsvTable ok = CsvTable.read(write("c2.csv", "x,label\n0.5,2\n0.1,0\n"), true);
        Dataset c = ok.toDataset("c", new int[] {1}, Task.CLASSIFICATION, 3);
        assertEquals(3, c.numClasses());
        assertEquals(2, c.label(0));
        CsvTable m = CsvTable.read(write("m.csv", "x,a,b\n1,0,1\n2,1,1\n3,1,0.5\n"), true);
        var me = assertThrows(CsvFormatException.class, () -> m.toDataset("m", new int[] {1, 2}, Task.MULTI_LABEL, 0));
        assertTrue(me.getMessage().contains("line 4: 0.5 in the target column 2 ('b') is not a multi-label target (0 or 1)"), me.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.toDataset("m", new int[] {0, 1, 2}, Task.REGRESSION, 0));
        assertThrows(IllegalArgumentException.class, () -> m.toDataset("m", new int[] {1, 1}, Task.REGRESSION, 0));
    }

    @Test
    void seededSplitIsStableDisjointAndComplete() throws IOException {
        StringBuilder sb = new StringBuilder("i,y\n");
        for (int i = 0; i < 101; i++) sb.append(i).append(',').append(i * 2).append('\n');
        CsvTable t = CsvTable.read(write("s.csv", sb.toString()), true);
        CsvTable[] a = t.split(0.2, 7), b = t.split(0.2, 7), c = t.split(0.2, 8);
        assertEquals(81, a[0].rows());
        assertEquals(20, a[1].rows());
        boolean[] seen = new boolean[101];
        for (CsvTable part : a) {
            for (int r = 0; r < part.rows(); r++) {
                int i = (int) part.value(r, 0);
                assertTrue(!seen[i], "row " + i + " in both splits");
                seen[i] = true;
                assertEquals(i + 2, part.line(r), "line numbers follow the rows");
            }
        }
        for (boolean s : seen) assertTrue(s);
        for (int r = 0; r < 20; r++) assertEquals(a[1].value(r, 0), b[1].value(r, 0), "same seed, same split");
        boolean differs = false;
        for (int r = 0; r < 20; r++) differs |= a[1].value(r, 0) != c[1].value(r, 0);
        assertTrue(differs, "another seed, another split");
        assertThrows(IllegalArgumentException.class, () -> t.split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> t.split(1, 1));
    }
}
