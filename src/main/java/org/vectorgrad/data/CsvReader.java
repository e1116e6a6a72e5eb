package org.vectorgrad.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, strict reader of RFC 4180 CSV: records of comma-separated fields, a field either plain (no comma, no
 * double quote, no line break) or enclosed in double quotes, where it may hold commas, line breaks and doubled
 * quotes ({@code ""} reads as one {@code "}).
 *
 * <p><b>Why not a library.</b> The core jar depends on the JDK only (the issue asked for "a well-kept library if
 * one fits"; none fits that rule: Commons CSV, opencsv and FastCSV would each become a runtime dependency of every
 * user of the core). The subset of CSV a numeric table needs is small and fully specified by RFC 4180, so it is
 * written here once, strictly, and tested on the RFC's cases and on hostile inputs.
 *
 * <p><b>What is accepted</b> (the RFC's grammar, with three documented leniencies):
 * <ul>
 *   <li>records end with CRLF (the RFC) <em>or a bare LF</em> (what Unix tools write); the last record may end
 *       without a line break;</li>
 *   <li>a UTF-8 byte-order mark at the very start of the input is skipped (spreadsheets write one);</li>
 *   <li>an empty line (no character at all between two line breaks) is skipped rather than read as a record of one
 *       empty field, so that a trailing blank line is harmless.</li>
 * </ul>
 * <b>What is refused</b>, each with a {@link CsvFormatException} naming the file and the line where the record
 * starts: a double quote inside a plain field, any character but a comma or a line break after a closing quote, a
 * quoted field still open at the end of the input, a bare CR outside quotes (old Mac line ends), and a record
 * longer than the configured number of characters (a hostile "line" of gigabytes is refused after that many
 * characters, not read into memory). Characters are decoded from UTF-8 strictly by the caller's reader (see
 * {@link CsvTable#read}); a malformed byte sequence is reported with the line it was found on.
 *
 * <p>Line numbers are physical lines (1-based; CRLF and LF each end one), so a record whose quoted field holds line
 * breaks spans several lines and is reported by the line it starts on. Not thread-safe; the caller closes it
 * (closing closes the underlying reader).
 */
public final class CsvReader implements Closeable {
    /** Default longest record, in characters (16 MiB of heap as a {@code StringBuilder}). */
    public static final int DEFAULT_MAX_RECORD_CHARS = 8 << 20;
    private static final int BOM = 0xFEFF;

    private final Reader in;
    private final Path source;
    private final int maxRecordChars;
    private final char[] buf = new char[8192];
    private int pos, len;
    private boolean started;
    private long line = 1;       // the physical line the next character is on
    private long recordLine;     // where the last record returned started
    private final StringBuilder field = new StringBuilder();

    /**
     * @param in             the characters (the caller decodes them; {@link CsvTable#read} uses strict UTF-8)
     * @param source         the file named in messages
     * @param maxRecordChars longest record accepted, in characters (at least 1)
     */
    public CsvReader(Reader in, Path source, int maxRecordChars) {
        if (maxRecordChars < 1) throw new IllegalArgumentException("maxRecordChars must be positive, got " + maxRecordChars);
        this.in = in;
        this.source = source;
        this.maxRecordChars = maxRecordChars;
    }

    /** The 1-based line on which the record last returned by {@link #next()} starts. */
    public long recordLine() { return recordLine; }

    /**
     * The next record's fields, or null at the end of the input.
     *
     * @throws CsvFormatException when the record breaks the rules above
     * @throws IOException        when reading fails (a decoding error becomes a {@link CsvFormatException} with its line)
     */
    public List<String> next() throws IOException {
        if (!started) {
            started = true;
            if (peek() == BOM) pos++;
        }
        // skip empty lines: LF or CRLF right at the start of a record
        while (true) {
            int c = peek();
            if (c == '\n') {
                pos++;
                line++;
            } else if (c == '\r' && peekAt(1) == '\n') {
                pos += 2;
                line++;
            } else {
                break;
            }
        }
        if (peek() < 0) return null;
        recordLine = line;
        List<String> fields = new ArrayList<>();
        long recordChars = 0;
        while (true) {
            field.setLength(0);
            int c = peek();
            if (c == '"') { // quoted field
                pos++;
                long quoteLine = line;
                while (true) {
                    c = read();
                    if (c < 0) throw error(recordLine, "a quoted field opened on line " + quoteLine + " is not closed before the end of the file");
                    if (c == '"') {
                        if (peek() == '"') {
                            pos++;
                            field.append('"');
                        } else {
                            break;
                        }
                    } else {
                        if (c == '\n') line++;
                        field.append((char) c);
                    }
                    if (++recordChars > maxRecordChars) throw tooLong();
                }
                c = peek();
                if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
                    throw error(recordLine, "character " + describe(c) + " after the closing quote of field " + (fields.size() + 1)
                            + " (a quoted field must be followed by a comma or the end of the line)");
                }
            } else { // plain field
                while (true) {
                    c = peek();
                    if (c < 0 || c == ',' || c == '\n' || c == '\r') break;
                    if (c == '"') {
                        throw error(recordLine, "a double quote inside the unquoted field " + (fields.size() + 1)
                                + " (quote the whole field and double the quote: \"a\"\"b\")");
                    }
                    pos++;
                    field.append((char) c);
                    if (++recordChars > maxRecordChars) throw tooLong();
                }
            }
            fields.add(field.toString());
            c = read();
            if (c == ',') {
                if (++recordChars > maxRecordChars) throw tooLong();
                continue;
            }
            if (c < 0) return fields;
            if (c == '\n') {
                line++;
                return fields;
            }
            // c == '\r'
            if (peek() != '\n') throw error(recordLine, "a carriage return (CR) not followed by a line feed (LF): lines must end with CRLF or LF");
            pos++;
            line++;
            return fields;
        }
    }

    private CsvFormatException tooLong() {
        return error(recordLine, "the record is longer than " + maxRecordChars + " characters (the limit for one record; is this a CSV file?)");
    }

    private CsvFormatException error(long at, String problem) {
        return new CsvFormatException(source, at, problem);
    }

    private static String describe(int c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }

    private int peek() throws IOException {
        if (pos < len) return buf[pos];
        fill();
        return pos < len ? buf[pos] : -1;
    }

    /** The character {@code ahead} after the current one (only 0 or 1), without consuming. */
    private int peekAt(int ahead) throws IOException {
        if (pos + ahead >= len) {
            // keep the unread characters at the front, then read more
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
            pos = 0;
            int n = readInto(len);
            if (n > 0) len += n;
        }
        return pos + ahead < len ? buf[pos + ahead] : -1;
    }

    private int read() throws IOException {
        int c = peek();
        if (c >= 0) pos++;
        return c;
    }

    private void fill() throws IOException {
        pos = 0;
        len = 0;
        int n = readInto(0);
        if (n > 0) len = n;
    }

    private int readInto(int from) throws IOException {
        try {
            int n;
            do {
                n = in.read(buf, from, buf.length - from);
            } while (n == 0);
            return n;
        } catch (CharacterCodingException e) {
            throw new CsvFormatException(source, line, "is not valid UTF-8 text (" + e + ")");
        }
    }

    @Override
    public void close() throws IOException { in.close(); }
}
