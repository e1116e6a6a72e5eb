package org.vectorgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now = 1_000_000_000L;

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private ProgressBar bar(boolean interactive, int total) {
        return new ProgressBar(out, interactive, total, "epoch 1/5", () -> now);
    }

    @Test
    void interactiveRedrawsOneLineAtMostTenTimesASecond() {
        ProgressBar p = bar(true, 100);
        now += 50 * MS;
        p.update(1, 2.5, 1000);
        assertEquals("", text(), "nothing within the first 100 ms");
        now += 60 * MS; // 110 ms after start
        p.update(2, 2.25, 12345.6);
        String first = text();
        assertTrue(first.startsWith("\repoch 1/5 ["), first);
        assertTrue(first.contains("   2/100"), first);
        assertTrue(first.contains("loss 2.2500"), first);
        assertTrue(first.contains("12,346 samples/s"), first);
        // 2 steps in 0.11 s, 98 to go: 5.39 s
        assertTrue(first.contains("ETA 0:05"), first);
        assertFalse(first.contains("\n"), "live line has no newline: " + first);
        for (int i = 3; i < 12; i++) {
            now += 10 * MS;
            p.update(i, 2.0, 1000);
        }
        assertEquals(first, text(), "updates within 100 ms of the last draw are skipped");
        now += 10 * MS;
        p.update(12, 2.0, 1000);
        assertEquals(2, text().split("\r", -1).length - 1, "second redraw after 100 ms");
    }

    @Test
    void barFillsWithProgressAndTheLastStepIsAlwaysDrawn() {
        ProgressBar p = bar(true, 4);
        now += 200 * MS;
        p.update(2, 1, 0);
        String half = text();
        assertTrue(half.contains("[===============>              ]"), half);
        assertFalse(half.contains("samples/s"), "no throughput shown when unknown: " + half);
        now += 1 * MS;
        p.update(4, 0.5, 0);
        assertTrue(text().stripTrailing().endsWith("\r" + "epoch 1/5 [==============================]  4/4  loss 0.5000"), text());
    }

    @Test
    void finishCompletesTheLineAndBlanksLeftovers() {
        ProgressBar p = bar(true, 10);
        now += 200 * MS;
        p.update(5, 0.123456, 98765);
        int liveLength = text().length();
        p.finish("ok");
        String all = text();
        String finalLine = all.substring(all.lastIndexOf('\r'));
        assertTrue(finalLine.startsWith("\repoch 1/5 [==============================]  10/10  ok"), finalLine);
        assertTrue(finalLine.endsWith("\n") || finalLine.endsWith(System.lineSeparator()), finalLine);
        assertTrue(finalLine.stripTrailing().length() < liveLength, "the summary is shorter than the live line");
        assertTrue(finalLine.length() - System.lineSeparator().length() >= liveLength,
                "padded with spaces over the longer live line: " + finalLine.length() + " vs " + liveLength);
        p.update(10, 0, 0);
        p.finish("again");
        assertEquals(all, text(), "nothing after finish");
    }

    @Test
    void plainModePrintsAtEachTenthAndFinishes() {
        ProgressBar p = bar(false, 100);
        for (int i = 1; i <= 100; i++) {
            now += 10 * MS;
            p.update(i, 1.0 / i, 5000);
        }
        p.finish("loss 0.01 acc 90.0%");
        String[] lines = text().split("\\R");
        assertEquals(10, lines.length, text());
        for (int k = 1; k <= 9; k++) {
            assertTrue(lines[k - 1].startsWith("epoch 1/5   " + k + "0% (" + k + "0/100)  loss "), lines[k - 1]);
            assertTrue(lines[k - 1].contains("5,000 samples/s  ETA"), lines[k - 1]);
        }
        assertEquals("epoch 1/5 done: loss 0.01 acc 90.0%", lines[9]);
        assertFalse(text().contains("\r"), "no carriage returns in plain mode");
    }

    @Test
    void plainModeAlsoPrintsWhenStepsAreSlow() {
        ProgressBar p = bar(false, 1000);
        now += 31_000 * MS;
        p.update(1, 3.0, 4);
        now += 10_000 * MS;
        p.update(2, 3.0, 4);
        now += 21_000 * MS;
        p.update(3, 3.0, 4);
        String[] lines = text().split("\\R");
        assertEquals(2, lines.length, text());
        assertTrue(lines[0].startsWith("epoch 1/5    0% (1/1000)  loss 3.0000  4 samples/s  ETA 8:36:09"), lines[0]);
        assertTrue(lines[1].contains("(3/1000)"), lines[1]);
    }

    @Test
    void updatesWithinTheRefreshIntervalDrawNothing() {
        // the clock stands still: the live bar is within its 100 ms, the plain one crosses no tenth
        // (that these skipped updates allocate nothing is a benchmark goal: bench/goals.json, ProgressBar)
        ProgressBar live = bar(true, 1_000_000);
        ProgressBar plain = bar(false, 1_000_000);
        for (int i = 1; i < 1_000; i++) {
            live.update(i, 1.0, 1.0);
            plain.update(i, 1.0, 1.0);
        }
        assertEquals("", text(), "nothing drawn");
    }

    @Test
    void nonPositiveTotalIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProgressBar(out, true, 0, "eval"));
        assertTrue(e.getMessage().contains("'eval'") && e.getMessage().contains("got 0"), e.getMessage());
    }
}
