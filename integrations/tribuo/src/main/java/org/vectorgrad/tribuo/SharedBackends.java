package org.vectorgrad.tribuo;

import java.util.concurrent.ConcurrentHashMap;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.Backends;

/**
 * One vectorgrad backend per (name, threads), shared by every trainer and model of this module in the JVM and never
 * closed: Tribuo models have no close method, so a model cannot own a backend. The workers of a backend are daemon
 * threads, so an idle shared backend keeps nothing alive. Backends accept concurrent calls, so sharing is safe.
 * Thread-safe.
 */
final class SharedBackends {
    private static final ConcurrentHashMap<String, Backend> BACKENDS = new ConcurrentHashMap<>();

    private SharedBackends() {}

    /** The shared backend {@code name} (auto, vector, blas or scalar) with {@code threads} threads, made on first use. */
    static Backend get(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("vectorgrad backend threads must be >= 1, got " + threads);
        return BACKENDS.computeIfAbsent(name + "/" + threads, k -> Backends.create(name, threads));
    }
}
