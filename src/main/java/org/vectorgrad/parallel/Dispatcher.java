package org.vectorgrad.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon worker threads that runs chunked work with the calling thread taking part.
 *
 * <p>Chunks {@code [0, chunks)} are claimed one at a time from a shared counter by the caller and the workers, so
 * a worker that the OS has not scheduled yet simply gets fewer chunks (on a busy machine the caller may run them
 * all) instead of stalling the call. Which thread runs a chunk must never change what it computes: callers split
 * work so that every output element is produced by exactly one chunk in a fixed order (never split a reduction),
 * which keeps results bitwise identical for any thread count.
 *
 * <p>No allocation per call. A call made from inside a task (worker or caller), or while another thread holds
 * the pool, runs its chunks inline on the calling thread instead of deadlocking or oversubscribing.
 */
public final class Dispatcher implements AutoCloseable {
    // Waiting: spin briefly (cheapest wake-up on an idle machine), then yield (on an oversubscribed machine the
    // thread we wait for may need our core: pure spinning made 2-thread GEMMs up to 4x slower than 1 thread
    // under load), then park.
    private static final int SPINS = 1 << 10;
    private static final int YIELDS = 1 << 10;
    /** Low half of {@link #state} once a generation is finished: no chunk index can be claimed any more. */
    private static final int CLOSED_GENERATION = Integer.MAX_VALUE;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final int id = IDS.incrementAndGet();
    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callerLock = new ReentrantLock();
    /** Generation in the high 32 bits, next chunk to claim in the low 32 bits. */
    private final AtomicLong state = new AtomicLong(CLOSED_GENERATION);
    private final AtomicInteger completed = new AtomicInteger();
    private volatile boolean closed;
    private volatile Thread caller;
    // Written before the generation is published in state (a volatile write), read after it is seen.
    private volatile ChunkTask task;
    private volatile int chunks;
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
     * thrown by a task are rethrown here (the first one) after every chunk has finished.
     */
    public void forEach(int chunks, ChunkTask task) {
        if (chunks <= 0) return;
        // Inline when: nothing to split; called from a worker; called from the caller's own part of an outer
        // forEach (the lock is reentrant, so isHeldByCurrentThread must be checked before tryLock, or the nested
        // call would overwrite the running generation); or another thread has the pool.
        if (threads == 1 || chunks == 1 || Thread.currentThread() instanceof Worker
                || callerLock.isHeldByCurrentThread() || !callerLock.tryLock()) {
            for (int c = 0; c < chunks; c++) task.run(c);
            return;
        }
        try {
            if (closed) throw new IllegalStateException("dispatcher is closed");
            this.failure = null;
            this.caller = Thread.currentThread();
            this.task = task;
            this.chunks = chunks;
            completed.set(0);
            long generation = (state.get() >>> 32) + 1;
            state.set(generation << 32); // publish: chunk 0 of the new generation is up for grabs
            for (Worker w : workers) LockSupport.unpark(w);
            runChunks(generation, task, chunks);
            int spins = 0;
            while (completed.get() < chunks) {
                if (++spins < SPINS) Thread.onSpinWait();
                else if (spins < SPINS + YIELDS) Thread.yield();
                else LockSupport.parkNanos(this, 50_000);
            }
            // Close the generation before the next call's task becomes visible: a worker that read this
            // generation late then finds nothing to claim, whatever task and chunk count it reads next.
            state.set((generation << 32) | CLOSED_GENERATION);
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

    /** Claims and runs chunks of {@code generation} until none is left. */
    private void runChunks(long generation, ChunkTask task, int chunks) {
        while (true) {
            long s = state.get();
            int c = (int) s;
            if ((s >>> 32) != generation || c >= chunks) return;
            if (!state.compareAndSet(s, s + 1)) continue;
            try {
                task.run(c);
            } catch (Throwable t) {
                synchronized (this) {
                    if (failure == null) failure = t;
                }
            } finally {
                if (completed.incrementAndGet() == chunks) LockSupport.unpark(caller);
            }
        }
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
        Worker(int index) {
            super(workerNamePrefix() + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            // Generation 0 is the one the pool was built with, not the one current when this thread first runs: on
            // a loaded machine a worker may start after the first calls were published, and reading the current
            // generation here would make it skip the call in progress (whose caller may be waiting for it).
            long seen = 0;
            while (!closed) {
                int spins = 0;
                long generation;
                while ((generation = state.get() >>> 32) == seen && !closed) {
                    if (++spins < SPINS) Thread.onSpinWait();
                    else if (spins < SPINS + YIELDS) Thread.yield();
                    else LockSupport.park(this);
                }
                if (closed) return;
                seen = generation;
                ChunkTask t = task;
                int n = chunks;
                if (t != null) runChunks(generation, t, n);
            }
        }
    }
}
