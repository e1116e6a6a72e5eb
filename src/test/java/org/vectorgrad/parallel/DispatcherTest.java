package org.vectorgrad.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class DispatcherTest {

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
            // Chunks are claimed dynamically, so tiny ones may all run on the caller; slow ones must spread.
            Set<Thread> used = ConcurrentHashMap.newKeySet();
            d.forEach(16, c -> {
                used.add(Thread.currentThread());
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(used.size() > 1, "16 sleeping chunks on 4 threads ran on " + used.size() + " thread(s)");
            d.forEach(0, c -> { throw new AssertionError("no chunk to run"); });
        }
    }

    @Test
    void exceptionsPropagateAndThePoolStaysUsable() {
        try (Dispatcher d = new Dispatcher(3)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> d.forEach(9, c -> {
                if (c == 8) throw boom; // the last block runs on a worker, not the caller
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
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (Dispatcher d = new Dispatcher(2)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(4 * 5);
                d.forEach(4, outer -> d.forEach(5, inner -> runs.incrementAndGet(outer * 5 + inner)));
                for (int i = 0; i < 20; i++) assertEquals(1, runs.get(i));
            }
        });
    }

    @Test
    void concurrentCallersBothComplete() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
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
