#!/usr/bin/env python3
"""Issue 12's acceptance checks on the machine that runs this script, each ratio taken against its peer in the same
minutes: the vector GEMM against OpenBLAS on 1024³ and the training shapes of that width (JMH, the issue's protocol), the MLP against
PyTorch at one thread, the CNN against PyTorch at one and two threads, two threads against one for every backend and
model, `auto` against `blas` at two threads, and the 1024^3 GEMM at two threads against one.

Usage (from anywhere; builds bench/target/benchmarks.jar first when it is missing or older than its sources):
    python3 bench/acceptance.py [--quick] [--rounds N] [--gemm-rounds N] [--gemm-order pairs|backends]
                                [--pytorch-core CORE] [--only PARTS] [--widths both|native|proxy] [--out DIR]

--quick     three GEMM shapes and short JMH iterations, one round of each training comparison (a smoke run of the
            script, ~5 minutes; its figures are not the acceptance figures)
--rounds N  alternating rounds per training comparison (default 3): ours and PyTorch, or one thread and two; the
            median is reported
--gemm-rounds N  JMH runs per GEMM comparison (default 3; 1 with --quick), the order of the compared backends (or
            thread counts) swapped from run to run; each shape's ratio is the median of the runs' ratios, and the first
            run's (the issue's protocol as it stands: one JMH run, one fork each) is reported beside it. One run per
            fork reads this VM's slow spells as the code's: a fork that caught one (e.g. 288x784x64 TN at 0.449 in the
            thirty-fourth pass, 1.70 in the same fork run again) decided a shape
--gemm-order pairs|backends  pairs (default): one JMH command per shape, its two backends back to back (~20 s
            apart; which goes first alternates by shape and by run), so that the VM's drift over minutes falls on both
            sides of each ratio; backends: one JMH command over all shapes per run, as the issue ran it, which measures
            every shape on one backend before any on the other (a shape's two sides minutes apart). The JMH settings
            (one fork, 3 x 1 s warm-up, 5 x 1 s measurement) are the issue's either way
--pytorch-core CORE  OPENBLAS_CORETYPE for PyTorch (default: SkylakeX on AVX-512 CPUs, Haswell otherwise: the best
            kernels that Debian's OpenBLAS has for the CPU, so that PyTorch is measured at its best). Each training
            round also runs PyTorch with glibc's malloc keeping the memory it frees (MALLOC_KEEP below), a reference
            row beside the goal's: by default its CNN steps fault their pages in again every step
--only PARTS  run only these parts, comma-separated: gemm (the GEMM sweeps against OpenBLAS), scale (1024^3 at two
            threads against one, ours and, for reference, OpenBLAS's in the same JMH runs), pytorch (training
            against PyTorch), threads (two threads against one for every backend and model: each round runs every
            backend back to back, and each ratio is the median of the rounds' ratios, and `auto` against `blas` in
            separate processes from those runs), compare (`auto` against `blas` at two threads in one JVM, runs
            alternating: `bench train --compare`, each round in two JVMs, one building `auto` first and one `blas`
            first, the round's ratio the geometric mean of the two: the build order moved one JVM's reading by up to
            ~10 %, which way varying from JVM to JVM, forty-eighth pass); default all
--widths W  on an AVX-512 CPU: both (default), native (the CPU's width only) or proxy (the -XX:UseAVX=2 proxy only);
            see "Widths" below
--out DIR   where the raw JMH JSON and the JSON lines go (default bench/results/acceptance-<UTC time>)

Widths: the CPU's own vector width, and on an AVX-512 CPU also the 256-bit path under `-XX:UseAVX=2`, a proxy for AVX2
CPUs (the JIT then uses 256-bit vectors; OpenBLAS is held to its AVX2 kernels with OPENBLAS_CORETYPE=Haswell), for the
GEMM sweeps, since the fifty-third pass the MLP against PyTorch and since the fifty-fourth the CNN against PyTorch
at one and two threads (PyTorch then on its AVX2 kernels too: OPENBLAS_CORETYPE=Haswell, DNNL_MAX_CPU_ISA=AVX2), two
threads against one and `auto` against `blas`; everything but the scale part. `--widths native` or `--widths proxy`
runs one of the two (a full run of both takes ~90 minutes on 2 vCPUs, the CPU's width alone ~55). The
proxy's rows say so. Our training runs go through ./vectorgrad with OPENBLAS_CORETYPE removed from the environment
(Haswell under the proxy), so the library picks OpenBLAS's core itself, as it does for users.

Needs JDK 25 (found as bench/build.sh finds it), Debian's python3-torch for the PyTorch rows (they are skipped with a
note when torch is missing) and libopenblas0 (checked first: without it the script stops with what to install).
Standard library only. Prints a Markdown table; exit status 0 whatever the figures (it measures, it does not gate:
speed depends on the machine and the minute).
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import statistics
import subprocess
import sys

# the script's parts, in the order they run: the GEMM sweeps against OpenBLAS, 1024^3 at two threads against one,
# training against PyTorch, two threads against one (with auto against blas in separate processes, for reference),
# and auto against blas in one JVM in both build orders
PARTS = ("gemm", "scale", "pytorch", "threads", "compare")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "bench", "target", "benchmarks.jar")
SHAPES = ["1024x1024x1024", "128x512x784:NT", "128x256x512:NT", "512x784x128:TN", "256x512x128:TN",
          "128x512x256:NN", "128x784x512:NN", "288x784x64:TN", "128x128x3136:NT", "128x3136x128:NN",
          "128x3136x128:TN", "64x196x32:NN", "32x196x64:NN", "288x64x196:NT", "32x64x98:NT"]
# conv2's input gradient by Winograd (the rotated filters' product): a training shape where the vectors are at most
# 256 bits wide (VectorConvolution.WINOGRAD_BACKWARD_DATA_MAX_BITS) or the CPU runs 512-bit operations as two 256-bit
# halves (AMD family 25 with AVX-512: Zen 4; CpuFeatures.runsAvx512AsHalves); other 512-bit CPUs keep im2col's
# 288x784x64 TN. The same for conv2's weight gradient by Winograd (32x64x98 NT, two images' tiles per product;
# VectorConvolution.winogradBackwardWeightsPays), whose CPUs keep im2col's 288x64x196 NT
NARROW_ONLY_SHAPES = {"32x196x64:NN", "32x64x98:NT"}
QUICK_SHAPES = ["128x512x784:NT", "64x196x32:NN", "288x64x196:NT"]
PROXY_FLAGS = "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -XX:UseAVX=2"


def java25():
    """JDK 25 or later's java: JAVA_HOME's, else the first under /usr/lib/jvm (as bench/build.sh looks)."""
    candidates = [os.path.join(os.environ.get("JAVA_HOME", "/nonexistent"), "bin", "java")]
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"))
    for java in candidates:
        if not os.access(java, os.X_OK):
            continue
        out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
        m = re.search(r'version "(\d+)', out)
        if m and int(m.group(1)) >= 25:
            return java
    sys.exit("acceptance: no JDK 25 found (JAVA_HOME or /usr/lib/jvm/*)")


def cpu():
    """lscpu's model name, family/model and flags of interest."""
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    field = lambda name: next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith(name + ":")), "?")
    flags = field("Flags").split()
    return {"model_name": field("Model name"), "vendor": field("Vendor ID"), "family": field("CPU family"), "model": field("Model"),
            "cpus": field("CPU(s)"), "avx512f": "avx512f" in flags, "avx2": "avx2" in flags, "fma": "fma" in flags,
            "flags": " ".join(f for f in flags if f.startswith("avx") or f == "fma")}


def env_without_core(**extra):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env.update(extra)
    return env


def run(cmd, env, log):
    """Runs cmd, appends its output to log, returns stdout; a failure stops the script with the log's name."""
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n" + p.stdout + p.stderr + "\n")
    if p.returncode != 0:
        sys.exit(f"acceptance: {' '.join(cmd[:4])} ... failed (exit {p.returncode}); see {log}")
    return p.stdout


def jmh_gemm(java, out, name, shapes, threads, core, proxy, quick, backends="vector,openblas"):
    """JMH GemmBenchmark as issue 12 ran it (the backends and thread counts in the order given); returns
    {(backend, shape, threads): ns per call}."""
    iters = ["-f", "1", "-wi", "1", "-i", "2", "-w", "1", "-r", "1"] if quick else \
        ["-f", "1", "-wi", "3", "-i", "5", "-w", "1", "-r", "1"]
    result = os.path.join(out, name + ".json")
    cmd = [java, "-jar", JAR, "GemmBenchmark", "-p", "backend=" + backends, "-p", "shape=" + ",".join(shapes),
           "-p", "threads=" + threads] + iters + ["-rf", "json", "-rff", result]
    if proxy:
        cmd += ["-jvmArgsAppend", PROXY_FLAGS]
    run(cmd, env_without_core(OPENBLAS_CORETYPE=core), os.path.join(out, name + ".log"))
    ns = {}
    for row in json.load(open(result)):
        p = row["params"]
        ns[(p["backend"], p["shape"], int(p["threads"]))] = row["primaryMetric"]["score"]
    missing = [f"{b} {s} {t}T" for b in backends.split(",") for s in shapes for t in map(int, threads.split(","))
               if (b, s, t) not in ns]
    if missing:  # JMH reports a failed combination and goes on: e.g. no OpenBLAS (libopenblas0) for the openblas rows
        sys.exit(f"acceptance: JMH measured no {', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}; "
                 f"see {os.path.join(out, name + '.log')}")
    return ns


def jmh_gemm_runs(java, out, name, shapes, threads, core, proxy, quick, backends, runs, order="pairs"):
    """jmh_gemm `runs` times, every second run with the backends' order and the thread counts' reversed, so that
    neither side always runs first in a slow spell of the VM; returns the runs' results in order.

    order "backends": one JMH command per run over all shapes, as the issue ran it; JMH then measures every shape on
    the first backend before any on the second, so a shape's two sides lie minutes apart. order "pairs" (default): one
    JMH command per shape (the same forks and iterations), so a shape's two sides run back to back, ~20 s apart, and
    the side that goes first alternates from shape to shape as well as from run to run; the VM's speed drifts over
    minutes (docs/benchmarks.md), which then falls on both sides of a ratio alike."""
    swapped = lambda csv: ",".join(reversed(csv.split(",")))
    results = []
    for r in range(runs):
        suffix = "" if r == 0 else f"-run{r + 1}"
        if order == "backends" or len(shapes) == 1 or "," not in backends:
            b, t = backends, threads
            if r % 2 == 1:  # both orders turned: the backends' and the thread counts'
                b, t = swapped(backends), swapped(threads)
            results.append(jmh_gemm(java, out, name + suffix, shapes, t, core, proxy, quick, b))
            continue
        ns = {}
        for i, shape in enumerate(shapes):
            b = backends if (r + i) % 2 == 0 else swapped(backends)
            tag = re.sub(r"[^0-9A-Za-z]+", "-", shape)
            ns.update(jmh_gemm(java, out, f"{name}{suffix}-{tag}", [shape], threads, core, proxy, quick, b))
        results.append(ns)
    return results


def train_steps(model, quick):
    """Timed and warm-up steps per training run, the same for ours and PyTorch's."""
    steps, warmup = {"mlp": (300, 30), "cnn": (30, 10)}[model]
    return (steps // 3, warmup // 2) if quick else (steps, warmup)


def train_env(proxy):
    """The environment of our training runs: OpenBLAS's core left to the library, or under the proxy 256-bit vectors
    (-XX:UseAVX=2) and OpenBLAS's Haswell kernels."""
    if not proxy:
        return env_without_core()
    return env_without_core(VECTORGRAD_JAVA_OPTS=(os.environ.get("VECTORGRAD_JAVA_OPTS", "") + " -XX:UseAVX=2").strip(),
                            OPENBLAS_CORETYPE="Haswell")


def bench_train(model, backend, threads, quick, log, proxy=False):
    """Our samples/s, at the CPU's width or under the proxy (train_env)."""
    steps, warmup = train_steps(model, quick)
    out = run(["./vectorgrad", "bench", "train", "--model", model, "--backend", backend, "--threads", str(threads),
               "--steps", str(steps), "--warmup", str(warmup), "--runs", "3"], train_env(proxy), log)
    return json.loads(out.strip().splitlines()[-1])["samples_per_s"]


def compare_train(model, backend, other, threads, quick, log, proxy=False):
    """`backend` ÷ `other` from one JVM whose timed runs alternate between the two (bench train --compare): the median
    of five runs' ratios; at the CPU's width or under the proxy (train_env)."""
    steps, warmup = train_steps(model, quick)
    out = run(["./vectorgrad", "bench", "train", "--model", model, "--backend", backend, "--compare", other,
               "--threads", str(threads), "--steps", str(steps), "--warmup", str(warmup), "--runs", "5"],
              train_env(proxy), log)
    return json.loads(out.strip().splitlines()[-1])["ratio"]


def compare_both_orders(model, threads, auto_first, quick, log, proxy=False):
    """`auto` ÷ `blas` from two `bench train --compare` JVMs, one that builds `auto` first and one that builds `blas`
    first (which of the two runs first: `auto_first`): the geometric mean of the two readings, and each of them.
    The build order moves one JVM's reading (forty-eighth pass, CNN at two threads over 21 JVMs: `auto` ÷ `blas`
    0.942-1.040 with `auto` built first, 1.001-1.136 with `blas` built first; decisions §2bq); the mean of the two
    orders cancels whatever bias a fixed order adds, as it cancels the machine's drift between the two JVMs."""
    orders = [("auto", "blas"), ("blas", "auto")]
    readings = {}
    for first, second in orders if auto_first else orders[::-1]:
        r = compare_train(model, first, second, threads, quick, log, proxy)
        readings[first] = r if first == "auto" else 1.0 / r
    return math.sqrt(readings["auto"] * readings["blas"]), readings["auto"], readings["blas"]


# glibc settings under which malloc keeps the memory PyTorch frees instead of handing it back to the kernel. By
# default, tensors past malloc's mmap threshold are mapped and unmapped, and the top of the heap trimmed, so every
# step of PyTorch's CNN faults its activations' pages in again: on the Zen 5 its CNN ran at 550-1,200 samples/s at one
# thread with a third of its time in the kernel, and at 2,700-3,000 with these (fifty-first pass; the MLP's speed did
# not change). PyTorch as installed is the goal's peer; this is a reference row beside it.
MALLOC_KEEP = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30),
               "MALLOC_TOP_PAD_": str(1 << 28)}


def pytorch_train(model, threads, core, quick, log, keep_memory=False, proxy=False):
    """PyTorch's samples/s; with `proxy` on its AVX2 kernels (OpenBLAS Haswell, oneDNN held to AVX2)."""
    steps, warmup = train_steps(model, quick)
    env = env_without_core(OPENBLAS_CORETYPE="Haswell" if proxy else core, **(MALLOC_KEEP if keep_memory else {}),
                           **({"DNNL_MAX_CPU_ISA": "AVX2"} if proxy else {}))
    out = run(["/usr/bin/python3", "bench/pytorch/train_bench.py", "--models", model, "--threads", str(threads),
               "--steps", str(steps), "--warmup", str(warmup)], env, log)
    return json.loads(out.strip().splitlines()[-1])["samples_per_s"]


def has_torch():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0


def openblas_missing(name="libopenblas.so.0"):
    """Why OpenBLAS cannot be opened here, or None. It is opened by name in a child Python, through the dynamic
    linker's search that the library's loader uses too, so that a machine without it stops before the first JMH run
    instead of after it."""
    probe = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    p = subprocess.run([sys.executable, "-c", probe, name], capture_output=True, text=True)
    if p.returncode == 0:
        return None
    last = (p.stderr.strip().splitlines() or ["?"])[-1]
    return f"{name} cannot be opened ({last})"


def fmt(x):
    return f"{x:.3f}"


def jar_is_stale():
    """Whether bench/target/benchmarks.jar is missing or older than a source it is built from (as ./vectorgrad
    rebuilds its jar): a stale jar would measure the code as it was, not as it is."""
    if not os.path.isfile(JAR):
        return True
    built = os.path.getmtime(JAR)
    for top in ("src/main", "native-bindings", "bench/src", "pom.xml", "bench/pom.xml"):
        path = os.path.join(ROOT, top)
        if os.path.isfile(path):
            if os.path.getmtime(path) > built:
                return True
            continue
        for d, _, files in os.walk(path):
            if any(os.path.getmtime(os.path.join(d, f)) > built for f in files):
                return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a ~5-minute smoke run of the script (not acceptance figures)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per training comparison (default 3)")
    ap.add_argument("--gemm-rounds", type=int, default=3,
                    help="JMH runs per GEMM comparison, their order alternating (default 3; 1 with --quick)")
    ap.add_argument("--gemm-order", choices=("pairs", "backends"), default="pairs",
                    help="pairs: one JMH command per shape, its two backends back to back (default); backends: one "
                         "command over all shapes per run, as the issue ran it")
    ap.add_argument("--pytorch-core", help="OPENBLAS_CORETYPE for PyTorch (default: SkylakeX on AVX-512 CPUs, else Haswell)")
    ap.add_argument("--only", default=",".join(PARTS),
                    help=f"comma-separated parts to run, of {','.join(PARTS)} (default: all)")
    ap.add_argument("--widths", choices=("both", "native", "proxy"), default="both",
                    help="on an AVX-512 CPU: the CPU's width and the -XX:UseAVX=2 proxy (both, default), or one of "
                         "them; the scale part runs at the CPU's width either way")
    ap.add_argument("--out", help="directory for the raw results (default bench/results/acceptance-<UTC time>)")
    a = ap.parse_args()
    if a.rounds < 1 or a.gemm_rounds < 1:
        sys.exit("acceptance: --rounds and --gemm-rounds must be at least 1")
    parts = [p.strip() for p in a.only.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        sys.exit(f"acceptance: --only takes a comma-separated list of {', '.join(PARTS)}; got {a.only!r}")
    why = openblas_missing()
    if why:  # every part needs it: the GEMM's peer, the blas backend, and auto (which routes products to it)
        sys.exit(f"acceptance: {why}; every part measures against OpenBLAS or a backend that uses it. Install it "
                 f"(Debian: apt-get install libopenblas0)")
    rounds = 1 if a.quick else a.rounds
    gemm_rounds = 1 if a.quick else a.gemm_rounds
    java = java25()
    c = cpu()
    if not c["avx2"] or not c["fma"]:
        sys.exit(f"acceptance: the vector GEMM's goals are for AVX2 + FMA CPUs; this one ({c['model_name']}) lacks them")
    native = 512 if c["avx512f"] else 256
    best_core = "SkylakeX" if c["avx512f"] else "Haswell"
    pt_core = a.pytorch_core or best_core
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = a.out or os.path.join(ROOT, "bench", "results", "acceptance-" + stamp)
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "train.log")
    if jar_is_stale():
        subprocess.run(["bash", os.path.join(ROOT, "bench", "build.sh")], check=True)
    all_shapes = QUICK_SHAPES if a.quick else SHAPES
    rows = []  # (goal, measured, met)
    print(f"CPU: {c['model_name']} (family {c['family']} model {c['model']}, {c['cpus']} CPUs; {c['flags']})",
          flush=True)

    # 1. GEMM against OpenBLAS, one thread: the CPU's width, and the AVX2 proxy on AVX-512 CPUs
    proxies = [p for p in ([False, True] if native == 512 else [False])
               if a.widths == "both" or (a.widths == "proxy") == p]
    if not proxies:
        sys.exit("acceptance: --widths proxy needs an AVX-512 CPU (the proxy runs its 256-bit path)")
    widths = [(256 if proxy else native, proxy) for proxy in proxies]
    for bits, proxy in widths if "gemm" in parts else []:
        halves = c["vendor"] == "AuthenticAMD" and c["family"] == "25" and c["avx512f"]
        shapes = [s for s in all_shapes if bits <= 256 or halves or s not in NARROW_ONLY_SHAPES]
        core = "SkylakeX" if bits == 512 else "Haswell"
        goal = 1.0 if bits == 512 else 0.9
        runs = jmh_gemm_runs(java, out, f"gemm{bits}{'-proxy' if proxy else ''}", shapes, "1", core, proxy, a.quick,
                             "vector,openblas", gemm_rounds, a.gemm_order)
        per_run = [{s: ns[("openblas", s, 1)] / ns[("vector", s, 1)] for s in shapes} for ns in runs]
        ratios = {s: statistics.median(run_[s] for run_ in per_run) for s in shapes}
        short = {s: r for s, r in ratios.items() if r < goal}
        label = f"vector GEMM ÷ OpenBLAS ({core}) ≥ {goal}, {bits} bits{' (-XX:UseAVX=2 proxy)' if proxy else ''}, 1 thread"
        detail = f"{len(ratios) - len(short)} of {len(ratios)}; least {min(ratios.values()):.3f}"
        if short:
            detail += "; short: " + ", ".join(f"{s} {r:.3f}" for s, r in short.items())
        if gemm_rounds > 1:
            first = per_run[0]
            first_short = [s for s in shapes if first[s] < goal]
            detail = (f"median of {gemm_rounds} JMH runs: {detail}; the first run alone (one fork each): "
                      f"{len(shapes) - len(first_short)} of {len(shapes)}"
                      + ("; short: " + ", ".join(f"{s} {first[s]:.3f}" for s in first_short) if first_short else ""))
        rows.append((label, detail, not short))
        print(f"{label}: " + ", ".join(f"{s} {fmt(r)} ({', '.join(fmt(run_[s]) for run_ in per_run)})"
                                       for s, r in ratios.items()), flush=True)

    # 2. GEMM 1024^3, two threads against one
    if "scale" in parts:
        # OpenBLAS's own 2 ÷ 1 thread in the same JMH runs, beside ours: what two threads of this machine give a
        # peer in those minutes (the goal is ours alone; the second vCPU's availability decides both, §2bj)
        square = "1024x1024x1024"
        runs = jmh_gemm_runs(java, out, "gemm-scale", [square], "1,2", best_core, False, a.quick, "vector,openblas",
                             gemm_rounds)
        scales = [ns[("vector", square, 1)] / ns[("vector", square, 2)] for ns in runs]
        peer = [ns[("openblas", square, 1)] / ns[("openblas", square, 2)] for ns in runs]
        scale = statistics.median(scales)
        detail = fmt(scale) if gemm_rounds == 1 else f"median {fmt(scale)} ({', '.join(fmt(x) for x in scales)})"
        detail += (f"; OpenBLAS ({best_core}) in the same runs {fmt(statistics.median(peer))}"
                   + ("" if gemm_rounds == 1 else f" ({', '.join(fmt(x) for x in peer)})"))
        rows.append(("GEMM 1024³, 2 threads ÷ 1 thread ≥ 1.85 (vector)", detail, scale >= 1.85))
        print(f"GEMM 1024³, 2 threads ÷ 1 thread: {detail}", flush=True)

    # 3. training against PyTorch, alternating rounds
    torch = has_torch()
    # on an AVX-512 CPU the MLP's and the CNN's goals also under the AVX2 proxy: ours at 256 bits, PyTorch on its
    # AVX2 kernels (the issue asks for the CNN's on both CPUs, one of them AVX2-only)
    comparisons = [c for proxy in proxies for c in
                   [("mlp", "vector", 1, 1.2, proxy), ("cnn", "auto", 1, 2.0, proxy), ("cnn", "auto", 2, 2.0, proxy)]]
    for model, backend, threads, goal, proxy in comparisons if "pytorch" in parts else []:
        label = (f"{model.upper()} `{backend}`, {threads} thread{'s' if threads > 1 else ''}, ÷ PyTorch "
                 f"({'Haswell, DNNL_MAX_CPU_ISA=AVX2; ours under -XX:UseAVX=2: the AVX2 proxy' if proxy else pt_core}) ≥ {goal}")
        if not torch:
            rows.append((label, "not measured: /usr/bin/python3 cannot import torch (Debian: python3-torch)", False))
            continue
        ours, theirs, kept = [], [], []
        for _ in range(rounds):
            ours.append(bench_train(model, backend, threads, a.quick, log, proxy))
            theirs.append(pytorch_train(model, threads, pt_core, a.quick, log, proxy=proxy))
            kept.append(pytorch_train(model, threads, pt_core, a.quick, log, keep_memory=True, proxy=proxy))
        ratios = [o / t for o, t in zip(ours, theirs)]
        med = statistics.median(ratios)
        detail = (f"median {fmt(med)} ({', '.join(fmt(r) for r in ratios)}); ours {min(ours):,.0f}–{max(ours):,.0f}, "
                  f"PyTorch {min(theirs):,.0f}–{max(theirs):,.0f} samples/s")
        rows.append((label, detail, med >= goal))
        print(f"{label}: {detail}", flush=True)
        kept_ratios = [o / t for o, t in zip(ours, kept)]
        kept_label = label.replace(f" ≥ {goal}", "") + ", PyTorch with glibc malloc keeping freed memory (reference)"
        kept_detail = (f"median {fmt(statistics.median(kept_ratios))} ({', '.join(fmt(r) for r in kept_ratios)}); "
                       f"PyTorch {min(kept):,.0f}–{max(kept):,.0f} samples/s (MALLOC_MMAP_THRESHOLD_, "
                       f"MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_)")
        rows.append((kept_label, kept_detail, None))
        print(f"{kept_label}: {kept_detail}", flush=True)

    # 4. two threads against one, every backend and model; auto against blas at two threads. Each round runs every
    # backend at one thread and at two, back to back, the backends' order turning by one each round: a ratio is the
    # median over rounds of the ratio of two runs made minutes apart at most, since this VM's speed, and above all
    # its second vCPU's, drifts from one quarter of an hour to the next (thirtieth pass: `blas` at two threads read
    # 118-121 K samples/s, then 74-77 K twenty minutes later)
    speed = {}
    proxy_tag = " (-XX:UseAVX=2 proxy, OpenBLAS Haswell)"
    for proxy in proxies if "threads" in parts else []:
        backends = ("vector", "blas", "auto")
        tag = proxy_tag if proxy else ""
        for model in ("mlp", "cnn"):
            runs = {(b, t): [] for b in backends for t in (1, 2)}
            for r in range(rounds):
                for backend in backends[r % 3:] + backends[:r % 3]:
                    for threads in (1, 2):
                        runs[(backend, threads)].append(bench_train(model, backend, threads, a.quick, log, proxy))
            for (backend, threads), v in runs.items():
                speed[(model, backend, threads) + (("proxy",) if proxy else ())] = statistics.median(v)
            for backend in backends:
                ratios = [two / one for one, two in zip(runs[(backend, 1)], runs[(backend, 2)])]
                med = statistics.median(ratios)
                rows.append((f"{model.upper()} `{backend}`{tag}: 2 threads ÷ 1 thread ≥ 1",
                             f"median {fmt(med)} ({', '.join(fmt(x) for x in ratios)})", med >= 1.0))
                print(f"{model.upper()} {backend}{tag}: 2 threads ÷ 1: median {fmt(med)}", flush=True)
            # auto against blas in separate processes, from the runs above (for reference; the goal is read in
            # the compare part)
            apart = statistics.median([x / y for x, y in zip(runs[("auto", 2)], runs[("blas", 2)])])
            rows.append((f"{model.upper()}{tag}: `auto` ÷ `blas` at 2 threads, separate processes (reference)",
                         f"median {fmt(apart)}", None))
    # 5. auto against blas at two threads in one JVM (bench train --compare), whose runs alternate within seconds,
    # each round in both build orders (compare_both_orders)
    for proxy, model in [(p, m) for p in proxies for m in ("mlp", "cnn")] if "compare" in parts else []:
        tag = proxy_tag if proxy else ""
        results = [compare_both_orders(model, 2, r % 2 == 0, a.quick, log, proxy) for r in range(rounds)]
        means = [m for m, _, _ in results]
        med = statistics.median(means)
        each = "; ".join(f"{fmt(m)} (auto built first {fmt(x)}, blas built first {fmt(y)})" for m, x, y in results)
        rows.append((f"{model.upper()}{tag}: `auto` ÷ `blas` at 2 threads ≥ 1 (one JVM, runs alternating, both build orders)",
                     f"median {fmt(med)} of the rounds' geometric means: {each}", med >= 1.0))
        print(f"{model.upper()}{tag} auto ÷ blas, 2 threads, both build orders: median {fmt(med)}: {each}", flush=True)
    json.dump({"cpu": c, "rows": rows, "bench_train": {"/".join(map(str, k)): v for k, v in speed.items()}},
              open(os.path.join(out, "acceptance.json"), "w"), indent=1)

    print()
    print(f"Issue 12 acceptance on {c['model_name']} (family {c['family']} model {c['model']}), "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC{' (--quick: not acceptance figures)' if a.quick else ''}"
          f"{'' if len(parts) == len(PARTS) else ' (parts: ' + ', '.join(parts) + ')'}")
    print()
    print("| goal | measured | met? |")
    print("|---|---|---|")
    for label, detail, met in rows:
        print(f"| {label} | {detail} | {'—' if met is None else 'yes' if met else '**no**'} |")
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
