package org.vectorgrad.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.vectorgrad.backend.scalar.ScalarBackend;

/**
 * Backend selection: {@code scalar}, {@code vector}, {@code blas} or {@code auto} (the best available), by API or
 * by the system property {@code vectorgrad.backend}. The vector and BLAS factories are loaded reflectively so a
 * missing incubator module or native library makes them unavailable with a reason, never a crash.
 *
 * <p>Thread safety: safe to call from any thread; the factories are loaded once, under the class lock.
 */
public final class Backends {
    /** System property naming the default backend. */
    public static final String PROPERTY = "vectorgrad.backend";
    public static final String AUTO = "auto";

    private static final String[] OPTIONAL_FACTORIES = {
        "org.vectorgrad.backend.vector.VectorBackendFactory",
        "org.vectorgrad.backend.blas.BlasBackendFactory",
        "org.vectorgrad.backend.auto.AutoBackendFactory",
    };

    private static volatile Map<String, BackendFactory> factories;

    private Backends() {}

    /** Names accepted by {@link #create}. */
    public static List<String> names() {
        return List.of("auto", "vector", "blas", "scalar");
    }

    /** The backend named by {@code -Dvectorgrad.backend} (default auto) with the default thread count. */
    public static Backend createDefault(int threads) {
        return create(System.getProperty(PROPERTY, AUTO), threads, System.err::println);
    }

    /** Creates a backend by name; warnings (e.g. why auto fell back) go to stderr. */
    public static Backend create(String name, int threads) {
        return create(name, threads, System.err::println);
    }

    /**
     * Creates a backend by name. An explicitly named backend that cannot run fails fast with its reason;
     * {@code auto} never fails: it reports each backend it skipped through {@code warnings}, one line each.
     */
    public static Backend create(String name, int threads, Consumer<String> warnings) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        String key = name == null ? AUTO : name.trim().toLowerCase(java.util.Locale.ROOT);
        Map<String, BackendFactory> all = factories();
        if (key.equals(AUTO)) {
            BackendFactory auto = all.get(AUTO);
            if (auto != null && auto.availability().available()) {
                return auto.create(threads);
            }
            return vectorElseScalar(all.get("vector"), threads, s -> warnings.accept("vectorgrad: " + s));
        }
        if (!names().contains(key)) {
            throw new IllegalArgumentException("unknown backend '" + name + "'; choose one of " + String.join(", ", names()));
        }
        BackendFactory f = all.get(key);
        if (f == null) throw new IllegalStateException("backend '" + key + "' is not built into this jar");
        Availability a = f.availability();
        if (!a.available()) throw new BackendUnavailableException(key, a.reason());
        return f.create(threads);
    }

    /**
     * The best Java backend, the base of {@code blas} and {@code auto} and the fallback of {@code auto}: vector when
     * it can run here, else scalar, with the one-line reason ("vector backend unavailable (why); using the scalar
     * backend") through {@code warnings}. The one place that makes this choice.
     */
    public static FamilyBackend vectorElseScalar(int threads, Consumer<String> warnings) {
        return vectorElseScalar(factories().get("vector"), threads, warnings);
    }

    /** {@link #vectorElseScalar(int, Consumer)} with an explicit vector factory (null: not built; tests substitute one). */
    public static FamilyBackend vectorElseScalar(BackendFactory vector, int threads, Consumer<String> warnings) {
        Availability va = vector == null ? Availability.no("vector backend not built into this jar") : vector.availability();
        if (va.available()) return vector.create(threads);
        warnings.accept("vector backend unavailable (" + va.reason() + "); using the scalar backend");
        return ScalarBackend.create();
    }

    /** Availability of every backend, in preference order, for {@code info} and logs. */
    public static Map<String, Availability> report() {
        Map<String, Availability> out = new LinkedHashMap<>();
        Map<String, BackendFactory> all = factories();
        for (String n : List.of("vector", "blas", "scalar")) {
            BackendFactory f = all.get(n);
            out.put(n, f == null ? Availability.no("not built into this jar") : f.availability());
        }
        return out;
    }

    /** The registered factories by name (scalar always present). */
    public static Map<String, BackendFactory> factories() {
        Map<String, BackendFactory> f = factories;
        if (f == null) {
            synchronized (Backends.class) {
                f = factories;
                if (f == null) factories = f = loadFactories();
            }
        }
        return f;
    }

    private static Map<String, BackendFactory> loadFactories() {
        Map<String, BackendFactory> map = new LinkedHashMap<>();
        map.put("scalar", new BackendFactory() {
            @Override public String name() { return "scalar"; }
            @Override public Availability availability() { return Availability.yes("plain Java loops, always available"); }
            @Override public FamilyBackend create(int threads) { return ScalarBackend.create(); }
        });
        List<String> problems = new ArrayList<>();
        for (String cls : OPTIONAL_FACTORIES) {
            try {
                BackendFactory f = (BackendFactory) Class.forName(cls).getDeclaredConstructor().newInstance();
                map.put(f.name(), f);
            } catch (ClassNotFoundException e) {
                // not built into this jar: absent from the map, reported as such
            } catch (ReflectiveOperationException | LinkageError e) {
                problems.add(cls + ": " + e);
            }
        }
        if (!problems.isEmpty()) System.err.println("vectorgrad: could not load " + problems);
        return map;
    }
}
