package org.vectorgrad.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon worker threads that runs chunked work with the calling thread taking part.
 *
 * <p>Chunks {@code [0, chunks)} are split into {@link #threads()} contiguous blocks, block t running on worker t
 * (the caller is worker 0). Which thread runs a chunk never changes what it computes: callers split work so that
 * every output element is produced by exactly one chunk in a fixed order (never split a reduction), which keeps
 * results bitwise identical for any thread count.
 *
 * <p>No allocation per call: workers spin briefly, then park, waiting for the next generation. A call made from
 * inside a task, or while another thread holds the pool, runs its chunks inline on the calling thread instead of
 * deadlocking or oversubscribing.
 */
public final class Dispatcher implements AutoCloseable {
    private static final int SPIN_BEFORE_PARK = 1 << 14;
    private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();

    private final int id = IDS.incrementAndGet();

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callerLock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    // Published before generation is bumped (volatile write), read after it is seen (volatile read).
    private ChunkTask task;
    private int chunks;
    private Throwable failure;

    /** A dispatcher with {@code threads} threads in all (the caller plus threads-1 workers). */
    public Dispatcher(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** Threads used for a call, the caller included. */
    public int threads() { return threads; }

    /** Default thread count: the number of available processors. */
    public static int defaultThreads() { return Runtime.getRuntime().availableProcessors(); }

    /**
     * Runs {@code task.run(c)} for every c in {@code [0, chunks)} and returns when all are done. Exceptions
     * thrown by a task are rethrown here (the first one) after every thread has finished.
     */
    public void forEach(int chunks, ChunkTask task) {
        if (chunks <= 0) return;
        // Inline when: nothing to split; called from a worker; called from the caller's own block of an outer
        // forEach (the lock is reentrant, so isHeldByCurrentThread must be checked before tryLock, or the nested
        // call would overwrite the running generation); or another thread has the pool.
        if (threads == 1 || chunks == 1 || Thread.currentThread() instanceof Worker
                || callerLock.isHeldByCurrentThread() || !callerLock.tryLock()) {
            for (int c = 0; c < chunks; c++) task.run(c);
            return;
        }
        try {
            if (closed) throw new IllegalStateException("dispatcher is closed");
            this.task = task;
            this.chunks = chunks;
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(workers.length);
            generation++;
            for (Worker w : workers) LockSupport.unpark(w);
            try {
                runBlock(0, task, chunks);
            } catch (Throwable t) {
                // Record, then still wait for the workers: returning early would let the next call start a new
                // generation while they run this one.
                synchronized (this) {
                    if (failure == null) failure = t;
                }
            }
            int spins = 0;
            while (pending.get() > 0) {
                if (++spins < SPIN_BEFORE_PARK) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 50_000);
            }
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new RuntimeException(f);
            }
        } finally {
            callerLock.unlock();
        }
    }

    private void runBlock(int t, ChunkTask task, int chunks) {
        int from = (int) ((long) chunks * t / threads);
        int to = (int) ((long) chunks * (t + 1) / threads);
        for (int c = from; c < to; c++) task.run(c);
    }

    /** Worker threads are named this prefix plus their index (1 .. threads-1). */
    String workerNamePrefix() { return "vectorgrad-" + id + "-worker-"; }

    /**
     * Stops the workers and waits (up to a second each) for them to end. Later calls with more than one chunk
     * throw {@link IllegalStateException}; closing twice is harmless.
     */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.interrupt();
            LockSupport.unpark(w);
        }
        if (Thread.currentThread() instanceof Worker) return; // a task closing its own pool: don't wait for ourselves
        for (Worker w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker extends Thread {
        private final int index;

        Worker(int index) {
            super(workerNamePrefix() + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;
            while (!closed) {
                int spins = 0;
                while (generation == seen && !closed) {
                    if (++spins < SPIN_BEFORE_PARK) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                if (closed) return;
                seen = generation;
                try {
                    runBlock(index, task, chunks);
                } catch (Throwable t) {
                    synchronized (Dispatcher.this) {
                        if (failure == null) failure = t;
                    }
                } finally {
                    if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
                }
            }
        }
    }
}
