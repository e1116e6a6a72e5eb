package org.vectorgrad.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vectorgrad.backend.Availability;
import org.vectorgrad.backend.Backends;
import org.vectorgrad.backend.CpuFeatures;
import org.vectorgrad.backend.auto.GemmRule;
import org.vectorgrad.backend.blas.CoreTypeSetup;
import org.vectorgrad.backend.blas.OpenBlasLoader;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.backend.vector.conv.VectorConvolution;
import org.vectorgrad.backend.vector.gemm.BlockedGemm;
import org.vectorgrad.backend.vector.gemm.CacheSizes;
import org.vectorgrad.parallel.Dispatcher;

/**
 * Everything {@code vectorgrad info} reports about this machine and runtime: JDK, Vector API species, CPU and the
 * flags that matter, each backend's availability (with the reason when not), OpenBLAS's configuration and core,
 * the {@code OPENBLAS_CORETYPE} decision and the thread policy. Collecting it loads OpenBLAS when present (that is
 * how its core name is known) but never fails: what cannot be known is reported as such.
 *
 * <p>The result is an ordered tree of maps, lists, strings, numbers and booleans, ready for text or JSON output.
 */
public final class SystemInfo {
    /** How OpenBLAS threads are sized, for the report and docs/blas.md. */
    public static final String THREAD_POLICY = "each backend uses the thread count it was created with, on its own"
            + " dispatcher; OpenBLAS always runs one thread per call (its process-global count is set to 1), and a"
            + " blas/auto GEMM on several threads is cut into blocks of C, one single-threaded OpenBLAS call each, run"
            + " on the backend's dispatcher threads";

    private SystemInfo() {}

    /** Collects the report. */
    public static Map<String, Object> collect() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jdk", jdk());
        out.put("vector", vector());
        out.put("cpu", cpu(CpuFeatures.current()));
        Map<String, Availability> report = Backends.report();
        Map<String, Object> backends = new LinkedHashMap<>();
        for (Map.Entry<String, Availability> e : report.entrySet()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("available", e.getValue().available());
            b.put(e.getValue().available() ? "detail" : "reason", e.getValue().reason());
            backends.put(e.getKey(), b);
        }
        out.put("backends", backends);
        out.put("openblas", openBlas(report.get("blas")));
        out.put("threads", threads());
        out.put("auto", auto(report));
        return out;
    }

    private static Map<String, Object> jdk() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", Runtime.version().toString());
        m.put("vm", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.vendor") + ")");
        m.put("home", System.getProperty("java.home"));
        return m;
    }

    private static Map<String, Object> vector() {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        m.put("module", present ? "jdk.incubator.vector present" : "jdk.incubator.vector absent (add --add-modules jdk.incubator.vector)");
        if (present) {
            try {
                m.putAll(SpeciesProbe.probe());   // loaded only now: it references the incubator module
            } catch (LinkageError | RuntimeException e) {
                m.put("species", "unknown (" + e + ")");
            }
        }
        return m;
    }

    /** Isolated so that the incubator classes are touched only when the module is present. */
    private static final class SpeciesProbe {
        static Map<String, Object> probe() {
            var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("species", s.toString());
            m.put("bits", s.vectorBitSize());
            m.put("floatLanes", s.length());
            m.put("sparseRows", BlockedGemm.sparseRowsStatus(s.vectorBitSize()));
            // the vector GEMM's blocking as the backend builds it (its default width), and the caches it came from
            try {
                m.put("gemmBlocking", VectorBackend.blockingFor(VectorBackend.defaultBits()).summary());
            } catch (IllegalArgumentException e) {
                m.put("gemmBlocking", "invalid: " + e.getMessage());
            }
            m.put("caches", CacheSizes.describeDetected());
            // which convolution gradients run Winograd F(2x2, 3x3) here (a function of the width and the CPU)
            m.put("winograd", VectorConvolution.winogradStatus(s.vectorBitSize(), CpuFeatures.current()));
            return m;
        }
    }

    static Map<String, Object> cpu(CpuFeatures c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", c.modelName());
        m.put("vendor", c.vendor());
        m.put("family", c.family());
        m.put("modelNumber", c.model());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("avx2", c.has("avx2"));
        m.put("fma", c.has("fma"));
        m.put("avx512f", c.has("avx512f"));
        m.put("flags", c.notableFlags());
        return m;
    }

    private static Map<String, Object> openBlas(Availability blas) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("library", OpenBlasLoader.configuredName());
        if (blas != null && blas.available()) {
            try {
                OpenBlasLoader.Info info = OpenBlasLoader.info();
                m.put("config", info.config());
                m.put("corename", info.coreName());
                m.put("threadsNow", info.threads());
            } catch (RuntimeException | LinkageError e) {
                m.put("corename", "unknown (" + e + ")");
            }
        } else {
            m.put("corename", "n/a (OpenBLAS not loaded)");
            m.put("reason", blas == null ? "not built into this jar" : blas.reason());
        }
        CoreTypeSetup.Outcome o = CoreTypeSetup.outcome();
        Map<String, Object> ct = new LinkedHashMap<>();
        if (o == null) {
            ct.put("value", null);
            ct.put("source", "not applied (OpenBLAS loading was not attempted)");
        } else {
            ct.put("value", o.coreType());
            ct.put("source", o.source());
            ct.put("reason", o.reason());
        }
        m.put("coretype", ct);
        return m;
    }

    private static Map<String, Object> threads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("default", Dispatcher.defaultThreads());
        m.put("policy", THREAD_POLICY);
        return m;
    }

    private static Map<String, Object> auto(Map<String, Availability> report) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean vector = report.get("vector") != null && report.get("vector").available();
        boolean blas = report.get("blas") != null && report.get("blas").available();
        String base = vector ? "vector" : "scalar";
        String gemm;
        try {
            // the vector GEMM's width, as the auto backend reads it from its blocking table (same property, same species)
            int bits = vector ? VectorBackend.defaultBits() : 0;
            GemmRule rule = GemmRule.fromSystemProperties(CpuFeatures.current(), bits);
            gemm = rule.never() ? base + " (OpenBLAS not used: " + rule.reason() + ")"
                    : blas ? "blas when " + rule + ", else " + base : base + " (OpenBLAS off)";
            if (!rule.never() && blas && vector && BlockedGemm.sparseRowsOn(bits)) {
                gemm += "; a dense layer's product that vector runs on its sparse-rows path goes to vector";
            }
        } catch (IllegalArgumentException e) {
            gemm = "invalid: " + e.getMessage();
        }
        m.put("gemm", gemm);
        m.put("other", base);
        return m;
    }

    /** The keys of {@link #collect()} in order, for tests and the text layout. */
    public static List<String> sections() {
        return List.of("jdk", "vector", "cpu", "backends", "openblas", "threads", "auto");
    }
}
