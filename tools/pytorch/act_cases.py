#!/usr/bin/python3
"""PyTorch 1.13 reference cases for vectorgrad's GELU (exact and approximate='tanh') and SiLU.

Regenerate (Debian's python3-torch, under /usr/bin/python3, not the python3 first on PATH):

    /usr/bin/python3 tools/pytorch/act_cases.py

It writes src/test/resources/pytorch/act/{gelu,gelu_tanh,silu}.json (seeded: the same bytes every run on the same
torch build). Each file holds cases with float32 inputs x and upstream gradients dy, and PyTorch's outputs and input
gradients computed twice from the same float32 inputs: in float32 ("y", "dx", what a PyTorch user gets) and in
float64 ("y64", "dx64", rounded to float32 when written: the precise values). Non-finite numbers are written as the
strings "NaN", "Infinity" and "-Infinity" (JSON has no literals for them). The Java test
(org.vectorgrad.nn.ActivationPyTorchTest) reads them without torch.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "test", "resources", "pytorch", "act")

ACTS = {
    "gelu": ("none", lambda t: F.gelu(t)),
    "gelu_tanh": ("tanh", lambda t: F.gelu(t, approximate="tanh")),
    "silu": (None, F.silu),
}


def num(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def floats(t):
    return [num(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def run(f, x32, dy32, dtype):
    x = x32.to(dtype).requires_grad_(True)
    y = f(x)
    (dx,) = torch.autograd.grad(y, x, dy32.to(dtype))
    return y, dx


def inputs():
    g = torch.Generator().manual_seed(1313)
    cases = []
    cases.append(("grid", torch.linspace(-10, 10, 401, dtype=torch.float32).reshape(1, 401)))
    cases.append(("random_5x37", (torch.randn(5, 37, generator=g) * 3).to(torch.float32)))
    cases.append(("small_3x1x7", (torch.randn(3, 1, 7, generator=g) * 0.05).to(torch.float32)))
    specials = [float("nan"), float("inf"), float("-inf"), 0.0, -0.0, 1e-30, -1e-30, 1e-45, 20.0, -20.0, 50.0, -50.0,
                88.0, -88.0, 1e19, -1e19]
    cases.append(("specials", torch.tensor(specials, dtype=torch.float32)))
    return cases, g


def main():
    os.makedirs(OUT, exist_ok=True)
    cases, g = inputs()
    dys = [torch.randn(x.shape, generator=g).to(torch.float32) for _, x in cases]
    for name, (approximate, f) in ACTS.items():
        out = {"activation": name, "torch": torch.__version__, "cases": []}
        if approximate is not None:
            out["approximate"] = approximate
        for (case, x), dy in zip(cases, dys):
            y32, dx32 = run(f, x, dy, torch.float32)
            y64, dx64 = run(f, x, dy, torch.float64)
            out["cases"].append({"name": case, "shape": list(x.shape), "x": floats(x), "dy": floats(dy),
                                 "y": floats(y32), "dx": floats(dx32), "y64": floats(y64), "dx64": floats(dx64)})
        path = os.path.join(OUT, name + ".json")
        with open(path, "w") as fh:
            json.dump(out, fh, separators=(",", ":"))
            fh.write("\n")
        print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
