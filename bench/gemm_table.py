#!/usr/bin/env python3
"""GEMM tables for the bench report from one `bench/acceptance.py` output directory.

    python3 bench/gemm_table.py DIR --ceiling512 221 --ceiling256 108.5 [--chart-json PREFIX]

For each vector width (`gemm512-*`, and `gemm256-proxy-*` for the -XX:UseAVX=2 proxy) and each shape, the script
reads every JMH run the acceptance script made (`-runN` files: one fork per backend, the two backends back to back),
and prints one Markdown row: each backend's median GFLOP/s over the runs, that as a percentage of the FMA ceiling
given for the width (per core, one thread), and the median over the runs of the per-run ratio vector ÷ OpenBLAS,
the figure the acceptance goal reads. The 1024³ scaling runs (`gemm-scale*`) give a third table.

With --chart-json PREFIX it also writes PREFIX-512.json and PREFIX-256.json: JMH-format files holding, per shape,
the two records of the run whose ratio is the median, for `org.vectorgrad.bench.Report` to draw the chart from.
The ceilings are measured, not known to the script: pass the ones of the CPU that ran the files.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

UNIT_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def ns_per_op(record):
    metric = record["primaryMetric"]
    unit = metric["scoreUnit"]
    if unit not in UNIT_NS:
        sys.exit(f"gemm_table: {record['benchmark']}: unit {unit!r}, expected one of {sorted(UNIT_NS)}")
    return metric["score"] * UNIT_NS[unit]


def flops(shape):
    m = re.match(r"(\d+)x(\d+)x(\d+)", shape)
    if not m:
        sys.exit(f"gemm_table: shape {shape!r} is not MxNxK[:TT]")
    a, b, c = (int(x) for x in m.groups())
    return 2.0 * a * b * c


# Where each of the acceptance set's shapes comes from (the reference models at batch 128), in the report's order.
ROLES = {
    "1024x1024x1024": "square reference",
    "128x512x784:NT": "MLP layer 1 forward",
    "128x256x512:NT": "MLP layer 2 forward",
    "512x784x128:TN": "MLP layer 1 weight gradient",
    "256x512x128:TN": "MLP layer 2 weight gradient",
    "128x784x512:NN": "MLP layer 1 input gradient (skipped in training)",
    "128x512x256:NN": "MLP layer 2 input gradient",
    "64x196x32:NN": "CNN conv2 forward, one Winograd product",
    "32x196x64:NN": "CNN conv2 input gradient, one Winograd product (vectors of at most 256 bits, or Zen 4)",
    "288x784x64:TN": "CNN conv2 input gradient by im2col (4 images; 512-bit vectors on full-width CPUs, and non-finite or huge dy)",
    "288x64x196:NT": "CNN conv2 weight gradient by im2col (one image; 512-bit vectors on full-width CPUs, and non-finite or huge x or dy)",
    "32x64x98:NT": "CNN conv2 weight gradient, one Winograd product (2 images; vectors of at most 256 bits, or Zen 4)",
    "128x128x3136:NT": "CNN dense 3136→128 forward",
    "128x3136x128:TN": "CNN dense 3136→128 weight gradient",
    "128x3136x128:NN": "CNN dense 3136→128 input gradient",
}


def runs_by_shape(directory, prefix):
    """{shape: [(vector record, openblas record), ...]} over every run file of one width."""
    found = {}
    pattern = re.compile(re.escape(prefix) + r"(?:-run\d+)?-(.+)\.json$")
    for path in sorted(glob.glob(os.path.join(directory, prefix + "-*.json"))):
        m = pattern.match(os.path.basename(path))
        if not m:
            continue
        try:
            records = json.load(open(path))
        except (OSError, ValueError) as e:
            print(f"gemm_table: skipping {path}: {e}", file=sys.stderr)
            continue
        by_backend = {r["params"]["backend"]: r for r in records if r["params"].get("threads") == "1"}
        if "vector" in by_backend and "openblas" in by_backend:
            shape = by_backend["vector"]["params"]["shape"]
            found.setdefault(shape, []).append((by_backend["vector"], by_backend["openblas"]))
    return found


def width_table(runs, ceiling, title):
    lines = [f"| shape (M x N x K, op) | where it comes from | runs | vector GFLOP/s | % of ceiling | OpenBLAS GFLOP/s "
             f"| % of ceiling | vector ÷ OpenBLAS (median of the runs' ratios) |", "|---|---|---|---|---|---|---|---|"]
    chart = []
    known = list(ROLES)
    order = sorted(runs, key=lambda s: (known.index(s) if s in known else len(known), s))
    for shape in order:
        pairs = runs[shape]
        f = flops(shape)
        ours = statistics.median(f / ns_per_op(v) for v, _ in pairs)
        peer = statistics.median(f / ns_per_op(o) for _, o in pairs)
        ratios = [ns_per_op(o) / ns_per_op(v) for v, o in pairs]
        ratio = statistics.median(ratios)
        label = shape.replace(":", " ") if ":" in shape else shape + " NN"
        lines.append(f"| {label} | {ROLES.get(shape, '')} | {len(pairs)} | {ours:.1f} | {100 * ours / ceiling:.0f} % | {peer:.1f} "
                     f"| {100 * peer / ceiling:.0f} % | {ratio:.3f} ({', '.join(f'{r:.3f}' for r in ratios)}) |")
        median_run = min(range(len(pairs)), key=lambda i: abs(ratios[i] - ratio))
        chart.extend(pairs[median_run])
    print(f"**{title}**, FMA ceiling {ceiling:g} GFLOP/s per core:\n")
    print("\n".join(lines) + "\n")
    return chart


def scale_table(directory):
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "gemm-scale*.json"))):
        try:
            records = json.load(open(path))
        except (OSError, ValueError):
            continue
        t = {(r["params"]["backend"], r["params"]["threads"]): ns_per_op(r) for r in records}
        if all((b, n) in t for b in ("vector", "openblas") for n in ("1", "2")):
            rows.append(t)
    if not rows:
        return
    f = flops("1024x1024x1024")
    print("**GEMM 1024³, one and two threads**:\n")
    print("| backend | 1 thread GFLOP/s | 2 threads GFLOP/s | 2 ÷ 1 (median of the runs) |\n|---|---|---|---|")
    for b in ("vector", "openblas"):
        one = statistics.median(f / t[(b, "1")] for t in rows)
        two = statistics.median(f / t[(b, "2")] for t in rows)
        sc = [t[(b, "1")] / t[(b, "2")] for t in rows]
        print(f"| {b} | {one:.1f} | {two:.1f} | {statistics.median(sc):.3f} ({', '.join(f'{x:.3f}' for x in sc)}) |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--ceiling512", type=float, required=True, help="FMA ceiling, 512-bit, GFLOP/s per core")
    ap.add_argument("--ceiling256", type=float, required=True, help="FMA ceiling, 256-bit, GFLOP/s per core")
    ap.add_argument("--chart-json", help="write PREFIX-512.json and PREFIX-256.json for Report's chart")
    a = ap.parse_args()
    if not os.path.isdir(a.dir):
        sys.exit(f"gemm_table: {a.dir}: not a directory")
    for prefix, ceiling, title, suffix in (("gemm512", a.ceiling512, "512 bits, 1 thread", "512"),
                                           ("gemm256-proxy", a.ceiling256, "256 bits (-XX:UseAVX=2), 1 thread", "256")):
        runs = runs_by_shape(a.dir, prefix)
        if not runs:
            continue
        chart = width_table(runs, ceiling, title)
        if a.chart_json:
            with open(f"{a.chart_json}-{suffix}.json", "w") as out:
                json.dump(chart, out)
    scale_table(a.dir)


if __name__ == "__main__":
    main()
