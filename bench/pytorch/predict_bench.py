#!/usr/bin/python3
"""PyTorch counterpart of bench PredictorBenchmark: torch.no_grad() inference of the reference MLP and CNN
(same layers as org.vectorgrad.train.Models), batch 1 latency (p50/p99) and batch 256 throughput, with 1 and 2
intra-op threads, and with 16 concurrent callers (Python threads; torch releases the GIL inside ops).
Prints one JSON line per configuration.   /usr/bin/python3 bench/pytorch/predict_bench.py [seconds per config]
"""
import json
import sys
import threading
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                         nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def measure(model, batch, seconds, callers=1):
    x = torch.rand(batch, 1, 28, 28) * 3 - 1
    samples = [[] for _ in range(callers)]
    with torch.no_grad():
        for _ in range(20):
            model(x)

    def worker(i):
        xs = x.clone()
        end = time.perf_counter() + seconds
        with torch.no_grad():
            while time.perf_counter() < end:
                t0 = time.perf_counter_ns()
                model(xs)
                samples[i].append(time.perf_counter_ns() - t0)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    allv = sorted(v for s in samples for v in s)
    n = len(allv)
    return {"p50_us": allv[n // 2] / 1e3, "p99_us": allv[min(n - 1, int(n * 0.99))] / 1e3,
            "mean_us": sum(allv) / n / 1e3, "samples_per_s": n * batch / wall, "requests": n}


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    for name, ctor in (("mlp", mlp), ("cnn", cnn)):
        torch.manual_seed(1)
        model = ctor().eval()
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch in (1, 256):
                for callers in (1, 16):
                    r = measure(model, batch, seconds, callers)
                    r.update(model=name, threads=threads, batch=batch, callers=callers, torch=torch.__version__)
                    print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
