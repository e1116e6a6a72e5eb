package org.vectorgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Turns a JMH JSON result file into a Markdown table and a bar chart:
 * {@code java -cp bench/target/benchmarks.jar org.vectorgrad.bench.Report out.json docs/benchmarks.md docs/gemm.png [--peak=GFLOPS] [--title=TEXT]}.
 *
 * <p>GEMM rows get GFLOP/s (2·m·n·k / ns per call), the percentage of the FP32 FMA peak (per core × threads) and,
 * when the same JSON holds an OpenBLAS row (backend {@code blas} or {@code openblas}) for the same shape and threads,
 * the vector/OpenBLAS ratio. The peak per core comes from {@code --peak}, else from a small table keyed by the
 * CPU's flags (see {@link #peakPerCore}). A new Markdown file gets the table alone; an existing one must hold the
 * markers {@code <!-- report:begin -->} and {@code <!-- report:end -->}, and only the text between them is replaced
 * (without them the tool refuses, exit status 2, rather than overwrite a hand-written report). The chart's
 * title names the CPU and the peak used (a reader of the PNG alone must know which machine it shows); {@code --title}
 * puts a caption of the caller's, such as the vector width, in front of that.
 */
public final class Report {
    static final String BEGIN = "<!-- report:begin -->", END = "<!-- report:end -->";

    private Report() {}

    record Row(String benchmark, String backend, String shape, int threads, double nsPerOp, String unit, double score,
               double error, Double allocPerOp) {
        String shortName() { return benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1); }
        boolean isGemm() { return benchmark.contains("GemmBenchmark"); }
        double gflops() {
            if (isGemm()) return Shape.parse(shape).flops() / nsPerOp;
            if (benchmark.contains("DenseLayerBenchmark")) return 3 * 2.0 * 128 * 784 * 512 / nsPerOp;
            if (benchmark.contains("ConvBenchmark.conv")) {
                // reference CNN at batch 128; forward, backward-data and backward-weights each do the same MACs
                double macs = shape.equals("conv1") ? 128.0 * 32 * 28 * 28 * 1 * 9 : shape.equals("conv2") ? 128.0 * 64 * 14 * 14 * 32 * 9 : Double.NaN;
                return 2 * macs / nsPerOp;
            }
            return Double.NaN;
        }

        /** Training samples per second for a TrainStepBenchmark row (one step = one batch of 128). */
        double samplesPerSecond() {
            return benchmark.contains("TrainStepBenchmark") ? 128 * 1e9 / nsPerOp : Double.NaN;
        }
    }

    public static void main(String[] args) throws IOException {
        List<String> files = new ArrayList<>();
        Double peakFlag = null;
        String title = "SGEMM GFLOP/s";
        for (String a : args) {
            if (a.startsWith("--peak=")) peakFlag = Double.parseDouble(a.substring(7));
            else if (a.startsWith("--title=")) title = a.substring(8);
            else files.add(a);
        }
        if (files.isEmpty()) {
            System.err.println("usage: Report results.json [report.md] [chart.png] [--peak=GFLOPS_PER_CORE] [--title=TEXT]");
            return;
        }
        List<Row> rows = read(Path.of(files.get(0)));
        String cpu = cpuModel();
        double peak = peakFlag != null ? peakFlag : peakPerCore(cpuFlags(), cpu);
        String md = markdown(rows, peak, cpu, peakFlag != null);
        if (files.size() > 1) {
            Path out = Path.of(files.get(1));
            String text = md;
            if (Files.exists(out)) {
                String old = Files.readString(out);
                int b = old.indexOf(BEGIN), e = old.indexOf(END);
                if (b < 0 || e < b) {
                    // never overwrite a hand-written report that has no place marked for the table
                    System.err.println("Report: " + out + " exists but has no " + BEGIN + " ... " + END
                            + " pair; add the two markers where the table goes, or name a new file");
                    System.exit(2);
                }
                text = old.substring(0, b + BEGIN.length()) + "\n" + md + old.substring(e);
            }
            Files.writeString(out, text);
        } else {
            System.out.print(md);
        }
        if (files.size() > 2) {
            String caption = title + " — " + cpu + (peak > 0 ? ", FMA peak " + fmt(peak) + " GFLOP/s per core" : "");
            chart(rows, Path.of(files.get(2)), caption);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Row> read(Path json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(Files.readString(json))) {
            Map<String, Object> r = (Map<String, Object>) o;
            Map<String, Object> params = (Map<String, Object>) r.getOrDefault("params", Map.of());
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            String unit = (String) primary.get("scoreUnit");
            double score = ((Number) primary.get("score")).doubleValue();
            Object err = primary.get("scoreError");
            double error = err instanceof Number n ? n.doubleValue() : Double.NaN;
            Double alloc = null;
            Map<String, Object> secondary = (Map<String, Object>) r.getOrDefault("secondaryMetrics", Map.of());
            for (Map.Entry<String, Object> e : secondary.entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = ((Number) ((Map<String, Object>) e.getValue()).get("score")).doubleValue();
                }
            }
            String backend = (String) params.getOrDefault("backend", "");
            String shape = (String) params.getOrDefault("shape", params.containsKey("size") ? "size=" + params.get("size")
                    : params.containsKey("layer") ? params.get("layer") : params.getOrDefault("model", ""));
            int threads = params.containsKey("threads") ? Integer.parseInt(params.get("threads").toString()) : 1;
            rows.add(new Row((String) r.get("benchmark"), backend, shape, threads, toNs(score, unit), unit, score, error, alloc));
        }
        return rows;
    }

    /** Nanoseconds per op from a JMH score in avgt ({@code ns/op}, {@code us/op}, ...) or thrpt ({@code ops/s}) units. */
    static double toNs(double score, String unit) {
        return switch (unit) {
            case "ns/op" -> score;
            case "us/op" -> score * 1e3;
            case "ms/op" -> score * 1e6;
            case "s/op" -> score * 1e9;
            case "ops/s" -> 1e9 / score;
            case "ops/ms" -> 1e6 / score;
            case "ops/us" -> 1e3 / score;
            case "ops/ns" -> 1 / score;
            default -> Double.NaN;
        };
    }

    /**
     * FP32 FMA peak per core in GFLOP/s. From PERFORMANCE.md (a C FMA loop): 157 on the AVX-512 Xeon, 99 on the
     * AVX2 Zen 3. An AMD CPU with AVX-512 (Zen 4: two 256-bit FMA pipes, so no more FLOP per cycle than Zen 3)
     * gets the figure measured on this workplace's EPYC family 25 model 17 with the same kind of C loop (see
     * docs/benchmarks.md). AMD from family 26 on (Zen 5: full-width 512-bit FMA pipes) gets the 221 measured on this
     * workplace's family 26 model 2 (a C loop of 12 zmm FMA chains). Unknown CPUs: 0 (no percentage printed); pass
     * --peak. Clocks differ between machines of one family: --peak with a figure measured on the machine is better.
     */
    static double peakPerCore(String flags, String model) {
        boolean avx512 = flags.contains(" avx512f");
        boolean amd = model.contains("AMD");
        if (avx512 && !amd) return 157;
        if (avx512 && family(model) >= 26) return 221;
        if (avx512) return 114;
        if (flags.contains(" avx2") && flags.contains(" fma")) return 99;
        return 0;
    }

    /** The family number in {@link #cpuModel}'s text ("... (family 26 model 2, ..."), or -1. */
    static int family(String model) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("family (\\d+)").matcher(model);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return line.substring(line.indexOf(':') + 1) + " ";
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no flags
        }
        return "";
    }

    static String cpuModel() {
        String model = "unknown CPU", family = "?", mod = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String v = line.contains(":") ? line.substring(line.indexOf(':') + 1).trim() : "";
                if (line.startsWith("model name")) model = v;
                else if (line.startsWith("cpu family")) family = v;
                else if (line.startsWith("model") && !line.startsWith("model name")) mod = v;
                else if (line.isBlank() && !model.equals("unknown CPU")) break;
            }
        } catch (IOException | RuntimeException e) {
            // keep unknown
        }
        return model + " (family " + family + " model " + mod + ", avx512f " + (cpuFlags().contains(" avx512f") ? "yes" : "no") + ")";
    }

    static String markdown(List<Row> rows, double peak, String cpu, boolean peakGiven) {
        StringBuilder b = new StringBuilder();
        b.append("CPU: ").append(cpu).append("; FMA peak used for %: ")
                .append(peak > 0 ? fmt(peak) + " GFLOP/s per core" + (peakGiven ? " (--peak)" : " (table)") : "unknown").append("\n\n");
        b.append("| benchmark | backend | shape | threads | score | GFLOP/s | % of peak | samples/s | vector / OpenBLAS | alloc B/op |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            double gf = r.gflops();
            String pct = peak > 0 && !Double.isNaN(gf) ? fmt(100 * gf / (peak * r.threads())) + " %" : "";
            String ratio = "";
            if (r.backend().equals("vector")) {
                for (Row o : rows) {
                    if ((o.backend().equals("blas") || o.backend().equals("openblas")) && o.benchmark().equals(r.benchmark())
                            && o.shape().equals(r.shape()) && o.threads() == r.threads()) {
                        ratio = String.format(Locale.ROOT, "%.2f× (%s)", o.nsPerOp() / r.nsPerOp(), o.backend());
                    }
                }
            }
            b.append("| ").append(r.shortName()).append(" | ").append(r.backend()).append(" | ").append(r.shape())
                    .append(" | ").append(r.threads()).append(" | ")
                    .append(fmt(r.score())).append(Double.isNaN(r.error()) ? "" : " ± " + fmt(r.error())).append(' ').append(r.unit())
                    .append(" | ").append(Double.isNaN(gf) ? "" : fmt(gf)).append(" | ").append(pct).append(" | ").append(fmt(r.samplesPerSecond())).append(" | ").append(ratio)
                    .append(" | ").append(r.allocPerOp() == null ? "" : fmt(r.allocPerOp())).append(" |\n");
        }
        return b.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    /** GEMM GFLOP/s per shape, one bar series per (backend, threads), under the given title. */
    static void chart(List<Row> rows, Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        List<String> shapes = new ArrayList<>();
        for (Row r : rows) {
            if (!r.isGemm()) continue;
            if (!shapes.contains(r.shape())) shapes.add(r.shape());
            series.computeIfAbsent(r.backend() + " " + r.threads() + "T", k -> new LinkedHashMap<>()).put(r.shape(), r.gflops());
        }
        if (shapes.isEmpty()) return;
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(600).title(title)
                .xAxisTitle("shape (MxNxK:transposes)").yAxisTitle("GFLOP/s").build();
        chart.getStyler().setXAxisLabelRotation(30);
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String s : shapes) ys.add(e.getValue().getOrDefault(s, 0.0));
            chart.addSeries(e.getKey(), new ArrayList<>(shapes), ys);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
