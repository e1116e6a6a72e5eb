package org.vectorgrad.data;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * A numeric table read from a CSV file ({@link CsvReader}, RFC 4180): every field of every data row a decimal
 * number, every row with the header's (or the first row's) number of fields. It becomes a {@link Dataset} with
 * {@link #toDataset}: chosen target columns, every other column a feature.
 *
 * <p><b>Refused rows</b>, each with a {@link CsvFormatException} {@code "<file>: line <n>: ..."} naming the column:
 * a wrong number of fields; a field that is not a plain decimal number ({@code [+-]digits[.digits][e[+-]digits]},
 * spaces and tabs around it allowed); an <b>empty field</b> (a missing value: this reader does not impute, fill or
 * drop such rows before); {@code NaN}, {@code Infinity} and numbers beyond the float range (they would poison
 * training); and, when the table becomes a dataset, a class label that is not a non-negative integer or a
 * multi-label target that is not 0 or 1. Java's own {@code Float.parseFloat} is not used as the test because it
 * accepts {@code NaN}, hex floats and a trailing {@code f} or {@code d}.
 *
 * <p><b>Memory.</b> Values are kept as floats (4 bytes each) plus the line number of each row; before the arrays
 * grow, {@link HeapBudget} checks that the larger ones fit in the free heap, so a huge file is refused with a
 * message giving the {@code -Xmx} to use rather than an {@link OutOfMemoryError}; a huge "line" is refused by the
 * reader's per-record limit. Immutable once read; thread-safe to read.
 */
public final class CsvTable {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    private final Path file;
    private final List<String> names;
    private final boolean hasHeader;
    private final float[] values;
    private final int[] lines;
    private final int rows, columns;

    private CsvTable(Path file, List<String> names, boolean hasHeader, float[] values, int[] lines, int rows) {
        this.file = file;
        this.names = names;
        this.hasHeader = hasHeader;
        this.values = values;
        this.lines = lines;
        this.rows = rows;
        this.columns = names.size();
    }

    /**
     * Reads {@code file} (UTF-8, decoded strictly).
     *
     * @param header whether the first record names the columns (then it is not data)
     * @throws CsvFormatException        on a malformed record or field (file and line named), or a file without data rows
     * @throws DataNotFoundException     when the file does not exist
     * @throws DataFileException         when it is a directory or special file or not readable
     * @throws InsufficientHeapException when the values would not fit in the free heap
     */
    public static CsvTable read(Path file, boolean header) throws IOException {
        return read(file, header, HeapBudget.runtime(), CsvReader.DEFAULT_MAX_RECORD_CHARS);
    }

    static CsvTable read(Path file, boolean header, HeapBudget heap, int maxRecordChars) throws IOException {
        try (CsvReader r = new CsvReader(open(file), file, maxRecordChars)) {
            List<String> first = r.next();
            if (first == null) throw new CsvFormatException(file, "holds no record (an empty file): expected " + (header ? "a header and " : "") + "data rows");
            int columns = first.size();
            List<String> names = new ArrayList<>();
            for (int c = 0; c < columns; c++) names.add(header ? first.get(c).strip() : "column " + c);
            float[] values = new float[0];
            int[] lines = new int[0];
            int rows = 0;
            List<String> rec = header ? r.next() : first;
            while (rec != null) {
                long line = r.recordLine();
                if (rec.size() != columns) {
                    throw new CsvFormatException(file, line, rec.size() + " field" + (rec.size() == 1 ? "" : "s") + " where "
                            + (header ? "the header has " : "the first row has ") + columns);
                }
                if (rows == lines.length) {
                    long newRows = Math.max(16, (long) rows * 2);
                    if ((long) newRows * columns > Integer.MAX_VALUE - 16) newRows = (Integer.MAX_VALUE - 16) / columns;
                    if (newRows <= rows) throw new CsvFormatException(file, line, "more values than a Java array holds (" + rows + " rows of " + columns + ")");
                    heap.require(newRows * columns * 4L + newRows * 4L, file + ": its first " + rows + " rows of " + columns
                            + " values, growing to room for " + newRows + " rows,");
                    values = Arrays.copyOf(values, (int) (newRows * columns));
                    lines = Arrays.copyOf(lines, (int) newRows);
                }
                for (int c = 0; c < columns; c++) values[rows * columns + c] = number(file, line, names.get(c), c, rec.get(c));
                lines[rows] = (int) Math.min(line, Integer.MAX_VALUE);
                rows++;
                rec = r.next();
            }
            if (rows == 0) throw new CsvFormatException(file, "holds a header but no data row");
            return new CsvTable(file, Collections.unmodifiableList(names), header, Arrays.copyOf(values, rows * columns), Arrays.copyOf(lines, rows), rows);
        }
    }

    /** A strict decimal number (see the class comment), as a finite float. */
    static float number(Path file, long line, String column, int index, String field) throws CsvFormatException {
        String s = field.strip();
        String where = "column " + index + (column.equals("column " + index) ? "" : " ('" + column + "')");
        if (s.isEmpty()) {
            throw new CsvFormatException(file, line, "empty field in " + where + ": missing values are not supported (fill or drop the row)");
        }
        if (!NUMBER.matcher(s).matches()) {
            throw new CsvFormatException(file, line, "'" + abbreviate(s) + "' in " + where + " is not a decimal number"
                    + (s.equalsIgnoreCase("nan") || s.toLowerCase(java.util.Locale.ROOT).contains("inf") ? " (NaN and infinities are refused)" : ""));
        }
        float v = Float.parseFloat(s);
        if (!Float.isFinite(v)) throw new CsvFormatException(file, line, s + " in " + where + " is beyond the float range (±3.4e38)");
        return v;
    }

    /** At most 40 characters of a field, control characters escaped, so that a message stays on one line. */
    private static String abbreviate(String s) {
        String cut = s.length() <= 40 ? s : s.substring(0, 37) + "...";
        StringBuilder b = new StringBuilder();
        for (char c : cut.toCharArray()) {
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c < 0x20 || c == 0x7F) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static java.io.Reader open(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new DataNotFoundException(file, file + ": no such file");
        } catch (FileSystemException e) {
            throw new DataFileException(file, "cannot be examined: " + (e.getReason() != null ? e.getReason() : e), e);
        }
        if (a.isDirectory()) throw new DataFileException(file, "is a directory, not a CSV file");
        if (!a.isRegularFile()) throw new DataFileException(file, "is " + IdxReader.specialKind(file) + ", not a regular file");
        SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(file);
        } catch (AccessDeniedException e) {
            throw IdxReader.unreadable(file, e);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        return new InputStreamReader(Channels.newInputStream(ch), decoder);
    }

    /** The file read. */
    public Path file() { return file; }

    /** Column names: the header's, or {@code "column 0"}, {@code "column 1"}... without one. */
    public List<String> columnNames() { return names; }

    /** Number of data rows. */
    public int rows() { return rows; }

    /** Number of columns. */
    public int columns() { return columns; }

    /** The value in {@code row}, {@code column}. */
    public float value(int row, int column) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(column, columns);
        return values[row * columns + column];
    }

    /** The line of the file {@code row} starts on (1-based, the header counted). */
    public int line(int row) { return lines[Objects.checkIndex(row, rows)]; }

    /**
     * The index of a column given by its header name (exact, then ignoring case) or by its 0-based index (a
     * number, for files with or without a header).
     *
     * @throws IllegalArgumentException when there is no such column (the message lists the columns)
     */
    public int column(String nameOrIndex) {
        String s = nameOrIndex.strip();
        int i = names.indexOf(s);
        if (i >= 0 && hasHeader) return i;
        if (hasHeader) {
            for (int c = 0; c < columns; c++) if (names.get(c).equalsIgnoreCase(s)) return c;
        }
        if (s.matches("[0-9]+")) {
            int c;
            try {
                c = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                c = Integer.MAX_VALUE;
            }
            if (c < columns) return c;
            throw new IllegalArgumentException(file + ": no column " + s + ": the file has " + columns + " columns (0.." + (columns - 1) + ")");
        }
        throw new IllegalArgumentException(file + ": no column named '" + s + "'" + (hasHeader ? "; the header names " + names
                : " (the file is read without a header: give the column's 0-based index)"));
    }

    /**
     * A seeded split into {@code {train, test}}: the rows are shuffled by a generator seeded with {@code seed}
     * (Fisher–Yates, {@link SplittableRandom}), the first {@code round(testFraction · rows)} (at least 1 and at most
     * rows - 1) go to the test table, the rest to the training table, each keeping the file's row order. The same
     * file, fraction and seed always give the same split.
     */
    public CsvTable[] split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        if (rows < 2) throw new IllegalArgumentException(file + ": " + rows + " data row cannot be split into a training and a test set");
        int test = (int) Math.min(rows - 1, Math.max(1, Math.round(testFraction * rows)));
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] testRows = Arrays.copyOf(order, test), trainRows = Arrays.copyOfRange(order, test, rows);
        Arrays.sort(testRows);
        Arrays.sort(trainRows);
        return new CsvTable[] {select(trainRows), select(testRows)};
    }

    private CsvTable select(int[] picked) {
        float[] v = new float[picked.length * columns];
        int[] l = new int[picked.length];
        for (int k = 0; k < picked.length; k++) {
            System.arraycopy(values, picked[k] * columns, v, k * columns, columns);
            l[k] = lines[picked[k]];
        }
        return new CsvTable(file, names, hasHeader, v, l, picked.length);
    }

    /**
     * The largest value of {@code column}, which must hold class labels: non-negative integers.
     *
     * @throws CsvFormatException naming the line of the first value that is not one
     */
    public int maxLabel(int column) throws CsvFormatException {
        int max = 0;
        for (int r = 0; r < rows; r++) {
            float v = values[r * columns + column];
            if (!(v >= 0) || v != Math.rint(v) || v > 1 << 24) {
                throw new CsvFormatException(file, lines[r], v + " in the target column " + column + " ('" + names.get(column)
                        + "') is not a class label (a non-negative integer)");
            }
            max = Math.max(max, (int) v);
        }
        return max;
    }

    /**
     * This table as a dataset: the {@code targetColumns} (distinct) become the targets of {@code task}, every other
     * column a feature (a sample of shape {@code (features)}, in column order).
     *
     * @param numClasses for {@link Task#CLASSIFICATION}, the number of classes (at least {@link #maxLabel} + 1, so
     *                   that a training and a test split agree); ignored otherwise
     * @throws CsvFormatException       when a target is not what the task needs (line named)
     * @throws IllegalArgumentException when the columns chosen leave no feature, or repeat, or classification has
     *                                  more than one target column
     */
    public Dataset toDataset(String name, int[] targetColumns, Task task, int numClasses) throws CsvFormatException {
        boolean[] isTarget = new boolean[columns];
        for (int c : targetColumns) {
            Objects.checkIndex(c, columns);
            if (isTarget[c]) throw new IllegalArgumentException(file + ": target column " + c + " ('" + names.get(c) + "') given twice");
            isTarget[c] = true;
        }
        if (targetColumns.length == 0) throw new IllegalArgumentException(file + ": no target column chosen");
        if (task == Task.CLASSIFICATION && targetColumns.length != 1) {
            throw new IllegalArgumentException(file + ": classification takes one target column (of class labels), got " + targetColumns.length);
        }
        int features = columns - targetColumns.length;
        if (features == 0) throw new IllegalArgumentException(file + ": every column is a target; no feature column is left");
        float[] x = new float[rows * features];
        for (int r = 0; r < rows; r++) {
            int k = 0;
            for (int c = 0; c < columns; c++) if (!isTarget[c]) x[r * features + k++] = values[r * columns + c];
        }
        int[] shape = {features};
        if (task == Task.CLASSIFICATION) {
            int col = targetColumns[0];
            int max = maxLabel(col);
            if (numClasses <= max) throw new IllegalArgumentException(file + ": label " + max + " needs at least " + (max + 1) + " classes, got " + numClasses);
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) labels[r] = (int) values[r * columns + col];
            return Dataset.ofFloats(name, x, shape, labels, numClasses);
        }
        int w = targetColumns.length;
        float[] t = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < w; k++) {
                float v = values[r * columns + targetColumns[k]];
                if (task == Task.MULTI_LABEL && v != 0f && v != 1f) {
                    throw new CsvFormatException(file, lines[r], v + " in the target column " + targetColumns[k] + " ('" + names.get(targetColumns[k])
                            + "') is not a multi-label target (0 or 1)");
                }
                t[r * w + k] = v;
            }
        }
        return task == Task.REGRESSION ? Dataset.ofRegression(name, x, shape, t, w) : Dataset.ofMultiLabel(name, x, shape, t, w);
    }

    /** Names of the feature columns {@link #toDataset} keeps with these targets, in order. */
    public List<String> featureNames(int[] targetColumns) {
        List<String> f = new ArrayList<>();
        outer:
        for (int c = 0; c < columns; c++) {
            for (int t : targetColumns) if (t == c) continue outer;
            f.add(names.get(c));
        }
        return f;
    }

    @Override
    public String toString() {
        return "CSV table " + file + " (" + rows + " rows × " + columns + " columns)";
    }
}
