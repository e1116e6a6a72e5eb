#!/usr/bin/python3
"""PyTorch 1.13 twins of vectorgrad spec models, for org.vectorgrad.io.PyTorchLayersInteropTest (CI has no PyTorch: the
outputs are committed under src/test/resources/pytorch/interop/). Layers and options PyTorchInteropTest does not
cover: Conv2d with groups, dilation, non-square kernels and no bias, and with padding='same'/'valid' (the spec's
"padding": "same"/"valid" shorthands); MaxPool2d/AvgPool2d with non-square windows and
padding (count_include_pad both ways), and with ceil_mode=True on sizes where it adds partial windows; GlobalAvgPool2d; LayerNorm over 1 to 3 trailing dimensions, with and without
affine; GELU (exact and tanh), SiLU, LeakyReLU(0.2), Sigmoid and Tanh heads; Dropout in evaluation; BatchNorm1d on dense
features and BatchNorm without affine or running statistics; residual blocks (Sum) with identity and projection
shortcuts. No safetensors package needed: the format is written and read by hand.

Regenerate (Debian's python3-torch, under /usr/bin/python3, not the python3 first on PATH):

    /usr/bin/python3 tools/pytorch/interop_cases.py make     # NAME.json, NAME_torch.safetensors, NAME_io.safetensors
    mvn -o -q -B test -Dtest=PyTorchLayersInteropTest -Dvectorgrad.writeFixtures=true   # NAME_vg.safetensors
    /usr/bin/python3 tools/pytorch/interop_cases.py check    # load_state_dict(strict=True): NAME_vg_torch.safetensors

Case names after the mode (make pools_ceil) limit it to those cases: PyTorch's logits of some of the others
(ln_mlp, bn1d, bn_notrack) come out a few bits different on another machine, so adding a case need not rewrite them.

make: seeded random weights and BatchNorm statistics in the PyTorch model, evaluation mode, its logits on a random
input. check: the file vectorgrad wrote loads with strict=True, and PyTorch's logits from it (on the same input) are
written for the Java test to compare; it fails above 1e-4 relative.
"""

import json, struct, sys, os
import numpy as np
import torch
from torch import nn

DT = {"F32": (np.float32, 4), "I64": (np.int64, 8), "F64": (np.float64, 8), "F16": (np.float16, 2)}
NP2DT = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64", np.dtype(np.float64): "F64", np.dtype(np.float16): "F16"}

def write_st(path, tensors, meta=None):
    header, blobs, off = {}, [], 0
    if meta: header["__metadata__"] = meta
    for k, t in tensors.items():
        a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
        a = np.array(a, order="C", copy=True)
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": NP2DT[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)

def read_st(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n]); data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    out = {}
    for k, v in header.items():
        dt, w = DT[v["dtype"]]
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype=np.dtype(dt).newbyteorder("<")).astype(dt).reshape(v["shape"]).copy())
    return meta, out

class Sum(nn.ModuleList):
    def forward(self, x):
        y = self[0](x)
        for m in self[1:]: y = y + m(x)
        return y

class GAP(nn.Module):
    def forward(self, x): return x.mean((2, 3))

def L(t, **k): d = {"type": t}; d.update(k); return d
def S(*ls): return L("Sequential", layers=list(ls))

CASES = {}
def case(name, shape):
    def deco(f): CASES[name] = (f, shape); return f
    return deco

@case("conv_mix", [3, 4, 11, 9])
def conv_mix():
    spec = S(L("Conv2d", **{"in": 4, "out": 8, "kernel": [3, 2], "stride": [2, 1], "padding": [1, 0], "dilation": [2, 1], "groups": 2, "bias": False}),
             L("BatchNorm2d", channels=8, eps=1e-3, momentum=0.2),
             L("GELU", approximate="tanh"),
             L("AvgPool2d", kernel=3, stride=2, padding=1, count_include_pad=False),
             L("Conv2d", **{"in": 8, "out": 6, "kernel": [1, 3], "padding": [0, 1], "groups": 1, "bias": True}),
             L("SiLU"),
             L("GlobalAvgPool2d"),
             L("Dense", **{"in": 6, "out": 5}),
             L("Sigmoid"))
    m = nn.Sequential(nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 1), groups=2, bias=False),
                      nn.BatchNorm2d(8, eps=1e-3, momentum=0.2), nn.GELU(approximate="tanh"),
                      nn.AvgPool2d(3, 2, 1, count_include_pad=False), nn.Conv2d(8, 6, (1, 3), padding=(0, 1)), nn.SiLU(), GAP(),
                      nn.Linear(6, 5), nn.Sigmoid())
    return spec, m

@case("pools", [2, 3, 10, 7])
def pools():
    spec = S(L("MaxPool2d", kernel=[3, 2], stride=[2, 1], padding=[1, 1]),
             L("AvgPool2d", kernel=[2, 3], stride=[1, 2], padding=[1, 1], count_include_pad=True),
             L("Conv2d", **{"in": 3, "out": 6, "kernel": 3, "padding": 2, "dilation": 2, "groups": 3}),
             L("AvgPool2d", kernel=3, stride=1, padding=1, count_include_pad=False),
             L("LeakyReLU", slope=0.2), L("Flatten"))
    # shapes: maxpool k(3,2) s(2,1) p(1,1): H=(10+2-3)//2+1=5, W=(7+2-2)//1+1=8; avg k(2,3) s(1,2) p(1,1): H=5+2-2+1=6, W=(8+2-3)//2+1=4
    m = nn.Sequential(nn.MaxPool2d((3, 2), (2, 1), (1, 1)), nn.AvgPool2d((2, 3), (1, 2), (1, 1), count_include_pad=True),
                      nn.Conv2d(3, 6, 3, padding=2, dilation=2, groups=3), nn.AvgPool2d(3, 1, 1, count_include_pad=False),
                      nn.LeakyReLU(0.2), nn.Flatten())
    return spec, m

@case("pools_ceil", [2, 3, 11, 9])
def pools_ceil():
    spec = S(L("MaxPool2d", kernel=2, stride=2, ceil_mode=True),
             L("Conv2d", **{"in": 3, "out": 4, "kernel": 3, "padding": 1}), L("ReLU"),
             L("MaxPool2d", kernel=3, stride=2, padding=1, ceil_mode=True),
             L("AvgPool2d", kernel=[3, 2], stride=[2, 2], padding=[1, 0], count_include_pad=True, ceil_mode=True),
             L("AvgPool2d", kernel=3, stride=2, padding=1, count_include_pad=False, ceil_mode=True),
             L("Flatten"), L("Dense", **{"in": 16, "out": 5}))
    # shapes (floor mode's in brackets): 11x9 -> 6x5 [5x4]; conv 6x5; 4x3 [3x3]; 3x2 [2x1]; 2x2 [2x1]: 4*2*2 = 16
    m = nn.Sequential(nn.MaxPool2d(2, 2, ceil_mode=True), nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(),
                      nn.MaxPool2d(3, 2, 1, ceil_mode=True),
                      nn.AvgPool2d((3, 2), (2, 2), (1, 0), ceil_mode=True, count_include_pad=True),
                      nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), nn.Flatten(), nn.Linear(16, 5))
    return spec, m

@case("conv_same", [2, 3, 9, 10])
def conv_same():
    # even kernel (padded one more on the bottom/right), then through ReLU and MaxPool2d (vectorgrad's fused
    # ConvReluPool), a dilated same without bias, a valid non-square kernel
    spec = S(L("Conv2d", **{"in": 3, "out": 4, "kernel": [2, 4], "padding": "same"}), L("ReLU"), L("MaxPool2d", kernel=2),
             L("Conv2d", **{"in": 4, "out": 6, "kernel": 3, "dilation": 2, "padding": "same", "bias": False}), L("ReLU"),
             L("Conv2d", **{"in": 6, "out": 5, "kernel": [3, 2], "padding": "valid"}),
             L("GlobalAvgPool2d"), L("Dense", **{"in": 5, "out": 3}))
    # shapes: 9x10 -> same 9x10 -> pool 4x5 -> same 4x5 -> valid 2x4 -> 5 -> 3
    m = nn.Sequential(nn.Conv2d(3, 4, (2, 4), padding="same"), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(4, 6, 3, dilation=2, padding="same", bias=False), nn.ReLU(),
                      nn.Conv2d(6, 5, (3, 2), padding="valid"), GAP(), nn.Linear(5, 3))
    return spec, m

@case("ln_mlp", [4, 3, 4, 5])
def ln_mlp():
    spec = S(L("LayerNorm", shape=[4, 5], eps=1e-6), L("Flatten"), L("Dense", **{"in": 60, "out": 16, "bias": False}),
             L("GELU"), L("Dropout", p=0.3), L("LeakyReLU", slope=0.2), L("LayerNorm", shape=[16], elementwise_affine=False),
             L("Dense", **{"in": 16, "out": 4}), L("Tanh"))
    m = nn.Sequential(nn.LayerNorm([4, 5], eps=1e-6), nn.Flatten(), nn.Linear(60, 16, bias=False), nn.GELU(), nn.Dropout(0.3),
                      nn.LeakyReLU(0.2), nn.LayerNorm([16], elementwise_affine=False), nn.Linear(16, 4), nn.Tanh())
    return spec, m

@case("ln3", [3, 2, 3, 4])
def ln3():
    spec = S(L("LayerNorm", shape=[2, 3, 4]), L("Flatten"), L("Dense", **{"in": 24, "out": 3}))
    m = nn.Sequential(nn.LayerNorm([2, 3, 4]), nn.Flatten(), nn.Linear(24, 3))
    return spec, m

@case("bn1d", [5, 20])
def bn1d():
    spec = S(L("Dense", **{"in": 20, "out": 12, "bias": False}), L("BatchNorm1d", channels=12, eps=1e-3, momentum=0.05),
             L("ReLU"), L("Dense", **{"in": 12, "out": 8}), L("BatchNorm1d", channels=8, affine=False),
             L("SiLU"), L("Dense", **{"in": 8, "out": 3}))
    m = nn.Sequential(nn.Linear(20, 12, bias=False), nn.BatchNorm1d(12, eps=1e-3, momentum=0.05), nn.ReLU(), nn.Linear(12, 8),
                      nn.BatchNorm1d(8, affine=False), nn.SiLU(), nn.Linear(8, 3))
    return spec, m

@case("resid", [2, 3, 8, 8])
def resid():
    def block(ci, c, stride):
        body = S(L("Conv2d", **{"in": ci, "out": c, "kernel": 3, "stride": stride, "padding": 1, "bias": False}), L("BatchNorm2d", channels=c),
                 L("ReLU"), L("Conv2d", **{"in": c, "out": c, "kernel": 3, "padding": 1, "bias": False}), L("BatchNorm2d", channels=c))
        sc = L("Identity") if ci == c and stride == 1 else S(L("Conv2d", **{"in": ci, "out": c, "kernel": 1, "stride": stride, "bias": False}), L("BatchNorm2d", channels=c))
        tb = nn.Sequential(nn.Conv2d(ci, c, 3, stride, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))
        ts = nn.Identity() if ci == c and stride == 1 else nn.Sequential(nn.Conv2d(ci, c, 1, stride, bias=False), nn.BatchNorm2d(c))
        return S(L("Sum", branches=[body, sc]), L("ReLU")), nn.Sequential(Sum([tb, ts]), nn.ReLU())
    b1, t1 = block(4, 4, 1); b2, t2 = block(4, 6, 2)
    spec = S(L("Conv2d", **{"in": 3, "out": 4, "kernel": 3, "padding": 1}), L("ReLU"), b1, b2, L("GlobalAvgPool2d"), L("Dense", **{"in": 6, "out": 3}))
    m = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), t1, t2, GAP(), nn.Linear(6, 3))
    return spec, m

@case("bn_notrack", [4, 3, 5, 5])
def bn_notrack():
    spec = S(L("Conv2d", **{"in": 3, "out": 4, "kernel": 3}), L("BatchNorm2d", channels=4, track_running_stats=False),
             L("BatchNorm2d", channels=4, affine=False), L("Flatten"), L("BatchNorm1d", channels=36, track_running_stats=False, affine=False),
             L("Dense", **{"in": 36, "out": 3}))
    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, track_running_stats=False), nn.BatchNorm2d(4, affine=False), nn.Flatten(),
                      nn.BatchNorm1d(36, track_running_stats=False, affine=False), nn.Linear(36, 3))
    return spec, m

def randomize(m, g):
    with torch.no_grad():
        for k, v in m.state_dict().items():
            if v.dtype == torch.int64: v.fill_(int(torch.randint(1, 1000, (1,), generator=g)))
            elif k.endswith("running_var"): v.copy_(torch.rand(v.shape, generator=g) * 1.5 + 0.25)
            else: v.copy_(torch.randn(v.shape, generator=g) * 0.5)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def main():
    mode = sys.argv[1]
    names = [a for a in sys.argv[2:] if a in CASES]
    dirs = [a for a in sys.argv[2:] if a not in CASES]
    d = dirs[0] if dirs else os.path.join(ROOT, "src", "test", "resources", "pytorch", "interop")
    for name, (f, shape) in CASES.items():
        if names and name not in names: continue
        spec, m = f()
        if mode == "make":
            g = torch.Generator().manual_seed(1234)
            randomize(m, g); m.eval()
            x = torch.randn(shape, generator=g)
            with torch.no_grad(): y = m(x)
            write_st(f"{d}/{name}_torch.safetensors", m.state_dict(), {"written_by": "torch " + torch.__version__})
            write_st(f"{d}/{name}_io.safetensors", {"input": x, "logits": y})
            with open(f"{d}/{name}.json", "w") as f: json.dump(spec, f); f.write("\n")
            print(name, "made, logits", tuple(y.shape))
        else:
            meta, sd = read_st(f"{d}/{name}_vg.safetensors")
            _, io = read_st(f"{d}/{name}_io.safetensors")
            res = m.load_state_dict(sd, strict=True)
            m.eval()
            with torch.no_grad(): y = m(io["input"])
            write_st(f"{d}/{name}_vg_torch.safetensors", {"logits": y})
            assert sorted(meta) == ["vectorgrad.architecture", "vectorgrad.format_version", "vectorgrad.version"], sorted(meta)
            print(f"{name}: strict load ok, logits written")

if __name__ == "__main__":
    main()
