#!/usr/bin/python3
"""PyTorch <-> vectorgrad safetensors fixtures (uses only torch, json and struct: Debian's PyTorch 1.13 has no
safetensors package).

  /usr/bin/python3 fixtures.py make     writes pytorch_{mlp,cnn}.safetensors (weights saved by PyTorch under its
                                        state_dict names) and pytorch_{mlp,cnn}_io.safetensors (inputs, logits)
  /usr/bin/python3 fixtures.py check    reads vectorgrad_{mlp,cnn}.safetensors (written by vectorgrad's test
                                        PyTorchInteropTest with -Dvectorgrad.writeFixtures=true) into the same
                                        PyTorch models with load_state_dict(strict=True) and writes PyTorch's
                                        logits on the stored inputs to vectorgrad_{mlp,cnn}_torch.safetensors

The Java test then checks, without PyTorch, that vectorgrad reproduces both sets of logits and that it still
writes the very bytes PyTorch read.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def write_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> float32 tensor, written in order, contiguous little-endian row-major."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Returns (dict name -> tensor, metadata dict); F32 only."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base, out = 8 + n, {}
    for name, e in header.items():
        assert e["dtype"] == "F32", e
        b, end = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        vals = struct.unpack("<%df" % count, data[base + b:base + end])
        out[name] = torch.tensor(vals, dtype=torch.float32).reshape(e["shape"])
    return out, meta


def mlp():
    # vectorgrad: Sequential(Flatten, Dense(48, 32), ReLU, Dense(32, 16), Tanh, Dense(16, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 10))


def cnn():
    # vectorgrad: Sequential(Conv2d(1->4, 3x3, pad 1), ReLU, MaxPool2d(2, 2), Conv2d(4->6, 3x3, pad 1, groups 2),
    #             LeakyReLU(0.01), AvgPool2d(2, 2), Flatten, Dense(24, 10))
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(4, 6, 3, padding=1, groups=2), nn.LeakyReLU(0.01), nn.AvgPool2d(2, 2),
                         nn.Flatten(), nn.Linear(24, 10))


INPUT_SHAPES = {"mlp": (5, 1, 6, 8), "cnn": (3, 1, 8, 8)}


def make():
    torch.manual_seed(20261201)
    for name, ctor in (("mlp", mlp), ("cnn", cnn)):
        model = ctor().eval()
        x = torch.randn(*INPUT_SHAPES[name])
        with torch.no_grad():
            y = model(x)
        write_safetensors(os.path.join(HERE, "pytorch_%s.safetensors" % name), model.state_dict(),
                          {"written_by": "torch " + torch.__version__})
        write_safetensors(os.path.join(HERE, "pytorch_%s_io.safetensors" % name), {"input": x, "logits": y})


def check():
    for name, ctor in (("mlp", mlp), ("cnn", cnn)):
        model = ctor().eval()
        tensors, meta = read_safetensors(os.path.join(HERE, "vectorgrad_%s.safetensors" % name))
        model.load_state_dict(tensors, strict=True)
        io, _ = read_safetensors(os.path.join(HERE, "pytorch_%s_io.safetensors" % name))
        with torch.no_grad():
            y = model(io["input"])
        write_safetensors(os.path.join(HERE, "vectorgrad_%s_torch.safetensors" % name), {"logits": y})
        print(name, "loaded", len(tensors), "tensors; metadata keys", sorted(meta), "; logits", tuple(y.shape))


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]]()
