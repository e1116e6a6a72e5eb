#!/usr/bin/python3
"""PyTorch 1.13 reference cases for vectorgrad's normalization layers (BatchNorm1d, BatchNorm2d, LayerNorm).

Regenerate (needs Debian's python3-torch; /usr/bin/python3, not the python3 first on PATH), from the repository root:

    /usr/bin/python3 tools/pytorch/norm_cases.py

It writes, seeded (torch.manual_seed per case), into src/test/resources/pytorch/norm/:

  <case>.json          one layer on one random input, float32 values as JSON numbers (flat, row-major):
                       the layer's options, input x, weight/bias, the running statistics before; then, in training
                       mode, the output y, with the upstream gradient grad_y (objective sum(y * grad_y)) the input
                       gradient dx, dweight, dbias, and the updated running_mean, running_var, num_batches_tracked;
                       then in evaluation mode (on the updated statistics) y_eval and dx_eval.
  bn_model.safetensors a small Conv2d-BatchNorm2d-ReLU-Flatten-Linear-BatchNorm1d network trained 3 SGD steps by
                       PyTorch: its state_dict as PyTorch names it (num_batches_tracked as I64, 0-dimensional), plus
                       an input batch "input" and the evaluation-mode output "output" (so vectorgrad can load a
                       PyTorch-written file with int64 buffers and reproduce PyTorch's inference).

And the other direction:

    /usr/bin/python3 tools/pytorch/norm_cases.py check

reads vectorgrad_bn_model.safetensors (the same network trained 3 steps by vectorgrad and saved by its ModelFile;
rewritten by `mvn test -Dtest=NormPyTorchTest -Dvectorgrad.writeFixtures=true`) into PyTorch with
load_state_dict(strict=True) and writes vectorgrad_bn_model_torch.safetensors: a seeded input batch and PyTorch's
evaluation-mode output on it.

The Java tests (NormPyTorchTest) read only these files; CI does not need torch.
"""
import sys
import json
import os
import struct

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "test", "resources", "pytorch", "norm")


def flat(t):
    """Row-major float32 values, each as the shortest decimal that reads back as the same float32."""
    return [float(str(v)) for v in t.detach().to(torch.float32).reshape(-1).numpy()]


def batchnorm_case(name, kind, shape, eps=1e-5, momentum=0.1, affine=True, seed=0, offset=0.0):
    torch.manual_seed(seed)
    c = shape[1]
    layer = (nn.BatchNorm1d if kind == "BatchNorm1d" else nn.BatchNorm2d)(c, eps=eps, momentum=momentum, affine=affine)
    with torch.no_grad():
        if affine:
            layer.weight.copy_(torch.rand(c) + 0.5)
            layer.bias.copy_(torch.rand(c) - 0.5)
        layer.running_mean.copy_(torch.rand(c) - 0.5)
        layer.running_var.copy_(torch.rand(c) + 0.5)
        layer.num_batches_tracked.fill_(4)
    rm0, rv0 = layer.running_mean.clone(), layer.running_var.clone()
    x = (torch.randn(*shape) * 2 + offset).requires_grad_(True)
    gy = torch.rand(*shape) * 2 - 1
    layer.train()
    y = layer(x)
    (y * gy).sum().backward()
    case = {
        "kind": kind, "shape": list(shape), "eps": eps, "momentum": momentum, "affine": affine,
        "x": flat(x), "weight": flat(layer.weight) if affine else None, "bias": flat(layer.bias) if affine else None,
        "running_mean0": flat(rm0), "running_var0": flat(rv0), "num_batches_tracked0": 4,
        "grad_y": flat(gy), "y": flat(y), "dx": flat(x.grad),
        "dweight": flat(layer.weight.grad) if affine else None, "dbias": flat(layer.bias.grad) if affine else None,
        "running_mean": flat(layer.running_mean), "running_var": flat(layer.running_var),
        "num_batches_tracked": int(layer.num_batches_tracked.item()),
    }
    layer.eval()
    x2 = x.detach().clone().requires_grad_(True)
    y2 = layer(x2)
    (y2 * gy).sum().backward()
    case["y_eval"] = flat(y2)
    case["dx_eval"] = flat(x2.grad)
    write(name, case)


def layernorm_case(name, shape, normalized, eps=1e-5, affine=True, seed=0, offset=0.0):
    torch.manual_seed(seed)
    layer = nn.LayerNorm(normalized, eps=eps, elementwise_affine=affine)
    with torch.no_grad():
        if affine:
            layer.weight.copy_(torch.rand(*normalized) + 0.5)
            layer.bias.copy_(torch.rand(*normalized) - 0.5)
    x = (torch.randn(*shape) * 2 + offset).requires_grad_(True)
    gy = torch.rand(*shape) * 2 - 1
    y = layer(x)
    (y * gy).sum().backward()
    write(name, {
        "kind": "LayerNorm", "shape": list(shape), "normalized_shape": list(normalized), "eps": eps, "affine": affine,
        "x": flat(x), "weight": flat(layer.weight) if affine else None, "bias": flat(layer.bias) if affine else None,
        "grad_y": flat(gy), "y": flat(y), "dx": flat(x.grad),
        "dweight": flat(layer.weight.grad) if affine else None, "dbias": flat(layer.bias.grad) if affine else None,
    })


def write(name, case):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(case, f, separators=(",", ":"))
    size = os.path.getsize(path)
    assert size < 200_000, (path, size)
    print(path, size, "bytes")


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.int64:
            b = struct.pack("<%dq" % t.numel(), *t.reshape(-1).tolist())
            dtype = "I64"
        else:
            b = struct.pack("<%df" % t.numel(), *t.to(torch.float32).reshape(-1).tolist())
            dtype = "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print(path, os.path.getsize(path), "bytes")


def bn_network():
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 5 * 5, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base, out = 8 + n, {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        if e["dtype"] == "I64":
            vals = struct.unpack("<%dq" % count, data[base + b:base + end])
            out[name] = torch.tensor(vals, dtype=torch.int64).reshape(e["shape"])
        else:
            assert e["dtype"] == "F32", e
            vals = struct.unpack("<%df" % count, data[base + b:base + end])
            out[name] = torch.tensor(vals, dtype=torch.float32).reshape(e["shape"])
    return out


def check():
    model = bn_network()
    model.load_state_dict(read_safetensors(os.path.join(OUT, "vectorgrad_bn_model.safetensors")), strict=True)
    model.eval()
    torch.manual_seed(7)
    x = torch.randn(5, 2, 5, 5)
    with torch.no_grad():
        y = model(x)
    write_safetensors(os.path.join(OUT, "vectorgrad_bn_model_torch.safetensors"), {"input": x, "output": y})


def bn_model():
    torch.manual_seed(42)
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Linear(4 * 5 * 5, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    for _ in range(3):
        x = torch.randn(8, 2, 5, 5) * 1.5 + 0.3
        loss = nn.functional.cross_entropy(model(x), torch.randint(0, 3, (8,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    x = torch.randn(5, 2, 5, 5)
    with torch.no_grad():
        y = model(x)
    tensors = dict(model.state_dict())
    tensors["input"] = x
    tensors["output"] = y
    write_safetensors(os.path.join(OUT, "bn_model.safetensors"), tensors)


def main():
    os.makedirs(OUT, exist_ok=True)
    batchnorm_case("bn2d_4x3x5x5", "BatchNorm2d", (4, 3, 5, 5), seed=1)
    batchnorm_case("bn2d_2x5x3x7", "BatchNorm2d", (2, 5, 3, 7), seed=2, offset=3.0)
    batchnorm_case("bn2d_3x2x1x1", "BatchNorm2d", (3, 2, 1, 1), seed=3)
    batchnorm_case("bn2d_2x17x6x6_noaffine", "BatchNorm2d", (2, 17, 6, 6), eps=1e-3, momentum=0.3, affine=False, seed=4)
    batchnorm_case("bn2d_6x4x7x7", "BatchNorm2d", (6, 4, 7, 7), seed=5, offset=-1.0)
    batchnorm_case("bn1d_5x3", "BatchNorm1d", (5, 3), seed=6)
    batchnorm_case("bn1d_7x17", "BatchNorm1d", (7, 17), seed=7, offset=2.0)
    batchnorm_case("bn1d_64x33", "BatchNorm1d", (64, 33), momentum=0.05, seed=8)
    batchnorm_case("bn1d_3x4x6", "BatchNorm1d", (3, 4, 6), seed=9)
    batchnorm_case("bn1d_2x1_noaffine", "BatchNorm1d", (2, 1), affine=False, seed=10)
    layernorm_case("ln_3x5", (3, 5), (5,), seed=11)
    layernorm_case("ln_2x3x17", (2, 3, 17), (17,), seed=12, offset=2.0)
    layernorm_case("ln_2x3x4_over_3x4", (2, 3, 4), (3, 4), seed=13)
    layernorm_case("ln_16x65", (16, 65), (65,), eps=1e-6, seed=14)
    layernorm_case("ln_4x7_noaffine", (4, 7), (7,), affine=False, seed=15)
    bn_model()


if __name__ == "__main__":
    check() if sys.argv[1:] == ["check"] else main()
