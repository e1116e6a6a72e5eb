package org.vectorgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 cases, the documented leniencies, and hostile inputs for {@link CsvReader}. */
class CsvReaderTest {
    private static final Path SRC = Path.of("t.csv");

    private static List<List<String>> all(String text) throws IOException {
        return all(new StringReader(text), 1000);
    }

    private static List<List<String>> all(Reader in, int max) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CsvReader r = new CsvReader(in, SRC, max)) {
            for (List<String> rec; (rec = r.next()) != null; ) out.add(rec);
        }
        return out;
    }

    private static CsvFormatException refused(String text, String... fragments) {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> all(text));
        assertTrue(e.getMessage().startsWith("t.csv: "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void plainRecordsWithCrlfLfAndNoFinalBreak() throws IOException {
        assertEquals(List.of(List.of("a", "b", "c"), List.of("1", "2", "3")), all("a,b,c\r\n1,2,3\r\n"));
        assertEquals(List.of(List.of("a", "b"), List.of("1", "2")), all("a,b\n1,2"));
        assertEquals(List.of(List.of("a", "b"), List.of("1", "2")), all("a,b\r\n1,2"));
        assertEquals(List.of(List.of("", "", "")), all(",,\n"), "empty fields are fields");
        assertEquals(List.of(List.of("x", "")), all("x,\n"), "a trailing comma ends with an empty field");
        assertEquals(List.of(), all(""));
    }

    @Test
    void quotedFieldsWithCommasEscapedQuotesAndEmbeddedNewlines() throws IOException {
        assertEquals(List.of(List.of("a,b", "c")), all("\"a,b\",c\r\n"));
        assertEquals(List.of(List.of("say \"hi\"", "")), all("\"say \"\"hi\"\"\",\"\"\n"));
        assertEquals(List.of(List.of("\"")), all("\"\"\"\""));
        List<List<String>> r = all("id,text\r\n1,\"two\r\nlines\"\r\n2,\"and\nthree\n\"\r\n");
        assertEquals(List.of("1", "two\r\nlines"), r.get(1));
        assertEquals(List.of("2", "and\nthree\n"), r.get(2));
    }

    @Test
    void lineNumbersCountPhysicalLinesAndRecordsSpanningThem() throws IOException {
        try (CsvReader r = new CsvReader(new StringReader("h\r\n\"a\nb\nc\"\n\nx\n"), SRC, 100)) {
            r.next();
            assertEquals(1, r.recordLine());
            assertEquals(List.of("a\nb\nc"), r.next());
            assertEquals(2, r.recordLine());
            assertEquals(List.of("x"), r.next());
            assertEquals(6, r.recordLine(), "after a 3-line record and a blank line");
            assertNull(r.next());
        }
        CsvFormatException e = refused("a\n\"x\ny\" z\n", "line 2:");
        assertEquals(2, e.line());
    }

    @Test
    void byteOrderMarkAtTheStartIsSkippedButNotElsewhere() throws IOException {
        assertEquals(List.of(List.of("a", "b")), all("\uFEFFa,b\r\n"));
        assertEquals(List.of(List.of("a", "\uFEFFb")), all("a,\uFEFFb"));
    }

    @Test
    void blankLinesAreSkipped() throws IOException {
        assertEquals(List.of(List.of("a"), List.of("b")), all("\r\n\na\n\n\r\nb\n\n\n"));
    }

    @Test
    void malformedQuotingIsRefusedWithTheLine() {
        refused("a,b\n1,x\"y\n", "line 2:", "double quote inside the unquoted field 2");
        refused("a,b\n\"1\"x,2\n", "line 2:", "character 'x' after the closing quote of field 1");
        refused("a\n\"open\nstill open", "line 2:", "opened on line 2 is not closed");
        refused("a\r1\n", "line 1:", "carriage return (CR) not followed by a line feed");
        refused("\"a\" ,b", "character ' ' after the closing quote");
    }

    @Test
    void aHugeRecordIsRefusedAfterTheLimitWithoutReadingTheRest() {
        // an endless "line": a reader that never ends; the limit stops it
        Reader endless = new Reader() {
            @Override public int read(char[] b, int off, int len) { java.util.Arrays.fill(b, off, off + len, '7'); return len; }
            @Override public void close() {}
        };
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> all(endless, 50_000));
        assertTrue(e.getMessage().contains("line 1: the record is longer than 50000 characters"), e.getMessage());
        Reader endlessQuoted = new Reader() {
            boolean first = true;
            @Override public int read(char[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, first ? '"' : 'q');
                if (first) { first = false; return 1; }
                return len;
            }
            @Override public void close() {}
        };
        assertThrows(CsvFormatException.class, () -> all(endlessQuoted, 50_000));
        CsvFormatException many = assertThrows(CsvFormatException.class, () -> all(new StringReader(",".repeat(200)), 100));
        assertTrue(many.getMessage().contains("longer than 100"), many.getMessage());
    }

    @Test
    void recordsLongerThanTheInternalBufferAreRead() throws IOException {
        String big = "x".repeat(20_000);
        assertEquals(List.of(List.of(big, "\"" + big), List.of("1")), all(new StringReader(big + ",\"\"\"" + big + "\"\r\n1"), 100_000));
        // CRLF split across the buffer boundary (8192 chars)
        String f = "y".repeat(8191);
        assertEquals(List.of(List.of(f), List.of("2")), all(new StringReader(f + "\r\n2"), 100_000));
        assertEquals(List.of(List.of("z".repeat(8190)), List.of("3")), all(new StringReader("\r\n".repeat(0) + "z".repeat(8190) + "\r\n3"), 100_000));
    }

    /** RFC 4180's writer: every field quoted, quotes doubled, CRLF after each record. */
    private static String write(List<List<String>> records) {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : records) {
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append('"').append(r.get(i).replace("\"", "\"\"")).append('"');
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void whatAnRfcWriterWritesReadsBackExactly() throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4180);
        String alphabet = "a1,\"\r\n \u00e9\uFEFF";
        for (int round = 0; round < 300; round++) {
            List<List<String>> records = new ArrayList<>();
            int n = 1 + rng.nextInt(5), width = 1 + rng.nextInt(4);
            for (int r = 0; r < n; r++) {
                List<String> rec = new ArrayList<>();
                for (int c = 0; c < width; c++) {
                    StringBuilder f = new StringBuilder();
                    for (int k = rng.nextInt(6); k > 0; k--) f.append(alphabet.charAt(rng.nextInt(alphabet.length())));
                    rec.add(f.toString());
                }
                records.add(rec);
            }
            String text = write(records);
            if (text.startsWith("\uFEFF")) continue; // impossible: every record starts with a quote
            assertEquals(records, all(new StringReader(text), 1000), "round " + round + ": " + text);
        }
    }

    @Test
    void randomTextIsReadOrRefusedWithACsvFormatExceptionNeverAnythingElse() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(99);
        String alphabet = "a1,\"\r\n \uFEFF\u0000";
        int refused = 0, read = 0;
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rng.nextInt(40); k > 0; k--) sb.append(alphabet.charAt(rng.nextInt(alphabet.length())));
            try {
                all(new StringReader(sb.toString()), 30);
                read++;
            } catch (CsvFormatException e) {
                assertTrue(e.getMessage().startsWith("t.csv: line "), e.getMessage());
                assertTrue(e.line() >= 1, e.getMessage());
                refused++;
            } catch (IOException e) {
                throw new AssertionError("round " + round + ": " + e, e);
            }
        }
        assertTrue(refused > 100 && read > 100, "both outcomes seen: " + read + " read, " + refused + " refused");
    }
}
