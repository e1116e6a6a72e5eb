package org.vectorgrad.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    /** Only ever reached if the dispatcher deadlocks; generous so that a loaded machine never trips it. */
    private static final int DEADLOCK_GUARD_SECONDS = 300;

    @Test
    void everyChunkRunsExactlyOnceOnSeveralThreads() {
        try (Dispatcher d = new Dispatcher(4)) {
            assertEquals(4, d.threads());
            for (int chunks : new int[] {1, 2, 3, 4, 5, 17, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                Set<Thread> used = ConcurrentHashMap.newKeySet();
                d.forEach(chunks, c -> {
                    runs.incrementAndGet(c);
                    used.add(Thread.currentThread());
                });
                for (int c = 0; c < chunks; c++) assertEquals(1, runs.get(c), "chunk " + c + " of " + chunks);
            }
            // Chunks are claimed dynamically, so which thread runs which chunk is up to the scheduler; but two
            // chunks that each wait for the other can only finish on two threads at once, so the workers must
            // take part. The barrier's timeout guards against a hang only; it measures nothing.
            CyclicBarrier both = new CyclicBarrier(2);
            Set<Thread> used = ConcurrentHashMap.newKeySet();
            d.forEach(2, c -> {
                used.add(Thread.currentThread());
                try {
                    both.await(DEADLOCK_GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new AssertionError("chunk " + c + " never met the other chunk on a second thread", e);
                }
            });
            assertEquals(2, used.size(), "two chunks that wait for each other ran on " + used.size() + " thread(s)");
            d.forEach(0, c -> { throw new AssertionError("no chunk to run"); });
        }
    }

    @Test
    void exceptionsPropagateAndThePoolStaysUsable() {
        try (Dispatcher d = new Dispatcher(3)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> d.forEach(9, c -> {
                if (c == 8) throw boom; // whichever thread claims it
            }));
            assertSame(boom, thrown);
            assertThrows(AssertionError.class, () -> d.forEach(9, c -> { if (c == 0) throw new AssertionError("caller"); }));
            AtomicIntegerArray runs = new AtomicIntegerArray(9);
            d.forEach(9, runs::incrementAndGet);
            for (int c = 0; c < 9; c++) assertEquals(1, runs.get(c));
        }
    }

    @Test
    void nestedCallsRunInlineWithoutDeadlock() {
        assertTimeoutPreemptively(Duration.ofSeconds(DEADLOCK_GUARD_SECONDS), () -> {
            try (Dispatcher d = new Dispatcher(2)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(4 * 5);
                d.forEach(4, outer -> d.forEach(5, inner -> runs.incrementAndGet(outer * 5 + inner)));
                for (int i = 0; i < 20; i++) assertEquals(1, runs.get(i));
            }
        });
    }

    @Test
    void concurrentCallersBothComplete() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(DEADLOCK_GUARD_SECONDS), () -> {
            try (Dispatcher d = new Dispatcher(2)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(2);
                Thread other = new Thread(() -> { for (int i = 0; i < 200; i++) d.forEach(4, c -> runs.incrementAndGet(1)); });
                other.start();
                for (int i = 0; i < 200; i++) d.forEach(4, c -> runs.incrementAndGet(0));
                other.join();
                assertEquals(800, runs.get(0));
                assertEquals(800, runs.get(1));
            }
        });
    }

    @Test
    void closeStopsWorkersAndRejectsParallelWork() {
        Dispatcher d = new Dispatcher(3);
        d.forEach(6, c -> { });
        d.close();
        assertThrows(IllegalStateException.class, () -> d.forEach(6, c -> { }));
        String prefix = d.workerNamePrefix();
        long alive = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
        assertEquals(0, alive, "workers of a closed dispatcher still alive");
        d.close();
        d.forEach(1, c -> { }); // a single chunk runs inline even when closed
        assertThrows(IllegalArgumentException.class, () -> new Dispatcher(0));
    }
}
