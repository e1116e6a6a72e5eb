package org.vectorgrad.data;

import java.io.IOException;

/**
 * Data that would not fit in the Java heap, found from the sizes the IDX headers declare before anything large is
 * allocated. The message says what was to be loaded, how much heap it needs, how much is free, and how to give the
 * JVM more ({@code VECTORGRAD_JAVA_OPTS=-Xmx...} for the {@code vectorgrad} launcher, {@code java -Xmx...} otherwise).
 *
 * <p>Thread safety: carries only its message (and cause); safe to pass between threads.
 */
public class InsufficientHeapException extends IOException {
    private final long needed;
    private final long available;
    private final String suggestedMaxHeap;

    /**
     * @param message          the whole message
     * @param needed           bytes of heap the load needs
     * @param available        bytes of heap free for it when checked (after the reserve)
     * @param suggestedMaxHeap an {@code -Xmx} value that would hold it, e.g. {@code "1g"}
     */
    public InsufficientHeapException(String message, long needed, long available, String suggestedMaxHeap) {
        super(message);
        this.needed = needed;
        this.available = available;
        this.suggestedMaxHeap = suggestedMaxHeap;
    }

    /** Bytes of heap the load needs. */
    public long needed() { return needed; }

    /** Bytes of heap that were free for it when checked, after the reserve kept for everything else. */
    public long available() { return available; }

    /** An {@code -Xmx} value that would hold the data with room to train, e.g. {@code "1g"} or {@code "768m"}. */
    public String suggestedMaxHeap() { return suggestedMaxHeap; }
}
