package org.vectorgrad.backend.vector.elementwise;

import org.vectorgrad.parallel.Dispatcher;

/**
 * How the vector backend spreads a map over threads: on the calling thread below {@code parallelMin} elements (or with
 * one thread), else in fixed pieces of {@code grain} elements over the dispatcher. Only for maps whose every output
 * element depends on its own inputs, so the split cannot change a bit.
 */
public final class ElementwiseSplit {
    /** A contiguous piece [from, to) of an elementwise job. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final Dispatcher dispatcher;
    private final int parallelMin;
    private final int grain;

    public ElementwiseSplit(Dispatcher dispatcher, int parallelMin, int grain) {
        this.dispatcher = dispatcher;
        this.parallelMin = parallelMin;
        this.grain = grain;
    }

    /** Runs {@code body} over [0, n). */
    public void run(int n, Range body) {
        if (dispatcher.threads() == 1 || n < parallelMin) {
            body.run(0, n);
            return;
        }
        dispatcher.forEach((n + grain - 1) / grain, c -> body.run(c * grain, Math.min(n, c * grain + grain)));
    }

    /** Runs {@code body} over the rows [0, rows) of a rows×cols block, about {@code grain} elements a piece. */
    public void rows(int rows, int cols, Range body) {
        if ((long) rows * cols < parallelMin || dispatcher.threads() == 1 || rows < 2) {
            body.run(0, rows);
            return;
        }
        int rowsPer = Math.max(1, grain / Math.max(1, cols));
        dispatcher.forEach((rows + rowsPer - 1) / rowsPer, c -> body.run(c * rowsPer, Math.min(rows, c * rowsPer + rowsPer)));
    }
}
