#!/usr/bin/env python3
"""PyTorch side of the vectorgrad comparison: training throughput of the reference models.

Trains the reference CNN (Conv2d 1->32 3x3 pad 1, ReLU, MaxPool 2; Conv2d 32->64 3x3 pad 1, ReLU, MaxPool 2;
Flatten; Linear 3136->128, ReLU; Linear 128->10) and the reference MLP (784->512, ReLU, 512->256, ReLU, 256->10)
with SGD (lr 0.05, momentum 0.9) and cross-entropy, batch 128, for N timed steps after a warm-up, on
Fashion-MNIST when the Debian files are present (else random data of the same shape), and prints one JSON line
per (model, threads) with samples/s.

Debian's torch calls OpenBLAS (pthreads build) for its GEMMs, and torch.set_num_threads does not reach OpenBLAS's
own threads: a "1-thread" MLP ran its GEMMs on both cores of a 2-core VM (CPU time 1.3x wall, Zen 5). So the
OpenBLAS thread count is set to --threads as well (openblas_set_num_threads, through ctypes) and reported as
"blas_threads"; when the library does not export it, "blas_threads" is null.

Run with Debian's interpreter (python3-torch 1.13):
    /usr/bin/python3 bench/pytorch/train_bench.py --threads 1 2 --steps 60
Wrap timing runs in `flock /tmp/vectorgrad-bench.lock ...` on the shared machine.
"""
import argparse
import ctypes
import gzip
import json
import os
import platform
import struct
import time

import torch
import torch.nn as nn

FASHION = "/usr/share/datasets/fashion-mnist"


def load_images(limit):
    path = os.path.join(FASHION, "train-images-idx3-ubyte.gz")
    lpath = os.path.join(FASHION, "train-labels-idx1-ubyte.gz")
    if not (os.path.exists(path) and os.path.exists(lpath)):
        g = torch.Generator().manual_seed(0)
        return torch.rand(limit, 1, 28, 28, generator=g), torch.randint(0, 10, (limit,), generator=g), "random"
    with gzip.open(path, "rb") as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        n = min(n, limit)
        x = torch.frombuffer(bytearray(f.read(n * h * w)), dtype=torch.uint8).float().div_(255).view(n, 1, h, w)
    with gzip.open(lpath, "rb") as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8).long()
    return x, y, "fashion-mnist"


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def openblas_threads_setters():
    """openblas_set_num_threads of each OpenBLAS torch links (Debian's: libblas.so.3 and libopenblas.so.0, which
    can be two copies with a thread pool each)."""
    out = []
    for lib in ("libblas.so.3", "libopenblas.so.0"):
        try:
            f = getattr(ctypes.CDLL(lib), "openblas_set_num_threads")
        except (OSError, AttributeError):
            continue
        f.argtypes = [ctypes.c_int]
        out.append(f)
    return out


SET_BLAS_THREADS = openblas_threads_setters()


def bench(name, make, x, y, threads, batch, warmup, steps):
    torch.set_num_threads(threads)
    for f in SET_BLAS_THREADS:
        f(threads)
    torch.manual_seed(0)
    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0] // batch

    def step(i):
        j = (i % n) * batch
        xb, yb = x[j:j + batch], y[j:j + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    for i in range(warmup):
        step(i)
    before = cpu_times()
    t0 = time.perf_counter()
    for i in range(steps):
        loss = step(warmup + i)
    loss = float(loss)  # forces completion
    dt = time.perf_counter() - t0
    after = cpu_times()
    r = {"system": "pytorch", "version": torch.__version__, "model": name, "threads": threads, "batch": batch,
         "steps": steps, "seconds": round(dt, 4), "samples_per_s": round(steps * batch / dt, 1),
         "final_loss": round(loss, 4), "blas_threads": threads if SET_BLAS_THREADS else None}
    if before and after and after[0] > before[0] and after[1] >= before[1]:
        r["cpu_steal_pct"] = round(100.0 * (after[1] - before[1]) / (after[0] - before[0]), 1)
    return r


def cpu_times():
    """(all CPU time, steal) in jiffies from /proc/stat's aggregate line, as vectorgrad's bench train reads it
    (user nice system idle iowait irq softirq steal; guest time is inside user): None where it cannot be read."""
    try:
        with open("/proc/stat") as f:
            for line in f:
                fields = line.split()
                if fields and fields[0] == "cpu":
                    counters = [int(v) for v in fields[1:9]]
                    return (sum(counters), counters[7]) if len(counters) == 8 else None
    except (OSError, ValueError):
        pass
    return None


def cpu_description():
    """Model name, family/model and whether AVX-512F is there: figures are only comparable on one CPU."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    info.setdefault(k.strip(), v.strip())
    except OSError:
        return platform.processor() or platform.machine()
    avx512 = "avx512f" in info.get("flags", "").split()
    return "%s (family %s model %s, avx512f %s)" % (info.get("model name", "?"), info.get("cpu family", "?"),
                                                   info.get("model", "?"), "yes" if avx512 else "no")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", default=["cnn", "mlp"])
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()
    x, y, data = load_images(max(args.batch * (args.warmup + args.steps), 12800))
    makers = {"cnn": cnn, "mlp": mlp}
    cpu = cpu_description()
    for name in args.models:
        for t in args.threads:
            r = bench(name, makers[name], x, y, t, args.batch, args.warmup, args.steps)
            r["data"] = data
            r["cpu"] = cpu
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
