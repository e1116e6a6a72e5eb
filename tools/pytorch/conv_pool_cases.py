#!/usr/bin/python3
"""PyTorch 1.13 reference cases for vectorgrad's Conv2d (explicit padding, and padding='same'/'valid'), MaxPool2d, AvgPool2d, GlobalAvgPool2d, Dense, LeakyReLU,
Dropout, Flatten, and HuberLoss, MeanAbsoluteError and BinaryCrossEntropyWithLogits at extreme values.

Regenerate (Debian's python3-torch, under /usr/bin/python3, not the python3 first on PATH):

    /usr/bin/python3 tools/pytorch/conv_pool_cases.py

It writes src/test/resources/pytorch/convpool/{conv,conv_same,pool,pool_ceil,dense,misc,loss_extreme}.json (seeded: the
same bytes every run on the same torch build; pool_ceil.json, the ceil_mode=True pools, and conv_same.json, the string
paddings, draw from generators of their own, so adding them left the other files' bytes as they were). Inputs, weights and upstream gradients are float32 (random, never zero, odd sizes);
PyTorch's outputs and gradients are computed in float64 from those same float32 values and written rounded to float32
("%.9g" reads back the same float). Losses write the loss itself unrounded. Non-finite numbers are written as the
strings "NaN", "Infinity" and "-Infinity". The Java test (org.vectorgrad.nn.ConvPoolPyTorchTest) reads them without
torch.

Conventions checked: Conv2d weight (O, I/groups, KH, KW); vectorgrad's per-side padding (top, bottom, left, right)
is F.pad(x, (left, right, top, bottom)) then an unpadded conv; nn.Conv2d(padding='same') (stride 1, the padding
PyTorch resolves written with each case: dilation*(kernel-1) per axis, total // 2 on the top/left, the rest on the
bottom/right) and padding='valid', run through the module itself; nn.Linear's weight (out, in); max pooling's
arg-max is PyTorch's (first maximum in row-major window order, the last NaN of a window), so the inputs of the
max-pool cases are rounded to a few levels to make ties common; AvgPool2d's count_include_pad both ways; ceil_mode=True
for both pools on shapes where it adds partial last windows (or drops a window that would start in the padding);
GlobalAvgPool2d is adaptive_avg_pool2d(x, 1).flatten(1); Dropout's kept values are x * (1/(1-p) in float32), as
PyTorch's input * noise (checked here against F.dropout itself).
"""
import json
import math
import os
import warnings

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "test", "resources", "pytorch", "convpool")
G = torch.Generator().manual_seed(20261207)


def num(v, digits=7):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return float("%.*g" % (digits, v))


def floats(t, digits=7):
    """References: 7 significant digits (5e-8 relative, far below the test's 1e-4) keep the files small."""
    return [num(v, digits) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def exact(t):
    """Inputs: every one of them has at most 4 significant digits (see randn), so this is exactly the float32."""
    out = floats(t, 4)
    back = torch.tensor([float(v) if isinstance(v, float) else float(v.replace("Infinity", "inf")) for v in out],
                        dtype=torch.float32)
    same = (back == t.reshape(-1)) | (back.isnan() & t.reshape(-1).isnan())
    assert bool(same.all()), "an input does not read back as the same float32"
    return out


def randn(*shape, scale=1.0, gen=None):
    """Gaussian float32 values rounded to 4 significant digits (short to write, read back exactly), never 0."""
    t = (torch.randn(*shape, generator=gen or G) * scale).to(torch.float32)
    t[t == 0] = 0.5  # never an exact zero
    return torch.tensor([float("%.4g" % v) for v in t.reshape(-1).tolist()], dtype=torch.float32).reshape(shape)


def grads(y, inputs, dy):
    return torch.autograd.grad(y, inputs, dy)


# --------------------------------------------------------------------------------------------------- Conv2d
# (name, N, I, H, W, O, (KH, KW), (SH, SW), (top, bottom, left, right), (DH, DW), groups, bias)
CONV = [
    ("basic_3x3_pad1", 2, 2, 7, 9, 3, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ("stride2x1_asympad_kernel3x2_batch1", 1, 3, 9, 8, 4, (3, 2), (2, 1), (2, 0, 1, 1), (1, 1), 1, True),
    ("dilation2_groups2", 1, 4, 11, 10, 4, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 2, True),
    ("depthwise_mult2_nobias", 2, 3, 7, 11, 6, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 3, False),
    ("pointwise_1x1", 3, 5, 6, 7, 3, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
    ("single_channel_stride2x1", 2, 1, 13, 10, 5, (3, 3), (2, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ("winograd_16to16", 1, 16, 5, 7, 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ("winograd_16to17_nobias_batch2", 2, 16, 3, 4, 17, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, False),
    ("kernel5x3_stride3_dilation2x1_asympad", 1, 3, 17, 15, 2, (5, 3), (3, 3), (1, 2, 0, 3), (2, 1), 1, True),
    ("groups4_kernel2x4_stride1x2", 1, 8, 7, 13, 12, (2, 4), (1, 2), (0, 1, 2, 0), (1, 1), 4, True),
    ("gemm_tails_5to9_9x13", 1, 5, 9, 13, 9, (3, 3), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
    ("pad_over_half_kernel_stride2", 3, 2, 5, 6, 3, (2, 2), (2, 2), (3, 1, 2, 3), (1, 1), 1, True),
    ("kernel_is_input_1x1_out", 2, 3, 4, 5, 2, (4, 5), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
]


def conv_cases():
    out = []
    for name, n, i, h, w, o, (kh, kw), (sh, sw), (pt, pb, pl, pr), (dh, dw), groups, bias in CONV:
        x32 = randn(n, i, h, w)
        w32 = randn(o, i // groups, kh, kw, scale=1.0 / math.sqrt(i // groups * kh * kw))
        b32 = randn(o, scale=0.3) if bias else None
        x = x32.double().requires_grad_(True)
        wt = w32.double().requires_grad_(True)
        bt = b32.double().requires_grad_(True) if bias else None
        y = F.conv2d(F.pad(x, (pl, pr, pt, pb)), wt, bt, (sh, sw), 0, (dh, dw), groups)
        dy32 = randn(*y.shape)
        inputs = [x, wt] + ([bt] if bias else [])
        g = grads(y, inputs, dy32.double())
        out.append(conv_record(x32, w32, b32, dy32, y, g, name=name, shape=[n, i, h, w], out=o, kernel=[kh, kw],
                               stride=[sh, sw], padding=[pt, pb, pl, pr], dilation=[dh, dw], groups=groups, bias=bias))
    return out


def conv_record(x32, w32, b32, dy32, y, g, **fields):
    """A conv case: its fields in the order given, then the output shape, inputs, references and (with a bias) db."""
    case = {**fields, "yshape": list(y.shape), "x": exact(x32), "w": exact(w32), "dy": exact(dy32),
            "y": floats(y), "dx": floats(g[0]), "dw": floats(g[1])}
    if b32 is not None:
        case["b"] = exact(b32)
        case["db"] = floats(g[2])
    return case


# --------------------------------------------------------------------------------------------------- Conv2d padding='same'/'valid'
# (name, padding string, N, I, H, W, O, (KH, KW), (DH, DW), groups, bias); stride is 1 (PyTorch refuses a strided 'same').
# Even kernels with odd dilation give an odd total, padded one more on the bottom/right; single-channel input (the
# vector backend's direct path), 16 -> 16 3x3 (its Winograd path), and a kernel larger than the input are covered.
CONV_SAME = [
    ("same_3x3_odd", "same", 2, 2, 7, 9, 3, (3, 3), (1, 1), 1, True),
    ("same_2x2_even_nobias", "same", 2, 3, 6, 7, 4, (2, 2), (1, 1), 1, False),
    ("same_4x4_even", "same", 1, 2, 8, 5, 3, (4, 4), (1, 1), 1, True),
    ("same_3x3_dilation2", "same", 1, 3, 9, 8, 2, (3, 3), (2, 2), 1, True),
    ("same_2x5_nonsquare_nobias", "same", 2, 2, 5, 11, 3, (2, 5), (1, 1), 1, False),
    ("same_4x3_dilation1x2_groups2", "same", 1, 4, 7, 10, 6, (4, 3), (1, 2), 2, True),
    ("same_2x2_dilation3_odd_total", "same", 1, 2, 8, 8, 2, (2, 2), (3, 3), 1, True),
    ("same_4x4_dilation2_even_total", "same", 1, 2, 9, 7, 3, (4, 4), (2, 2), 1, False),
    ("same_5x2_dilation2x3", "same", 2, 2, 10, 9, 3, (5, 2), (2, 3), 1, True),
    ("same_single_channel_4x2", "same", 2, 1, 9, 10, 5, (4, 2), (1, 1), 1, True),
    ("same_winograd_16to16_3x3", "same", 1, 16, 5, 7, 16, (3, 3), (1, 1), 1, True),
    ("same_depthwise_3x2_nobias", "same", 2, 3, 6, 5, 6, (3, 2), (1, 1), 3, False),
    ("same_kernel5_over_input_3x4", "same", 1, 2, 3, 4, 2, (5, 5), (1, 1), 1, True),
    ("valid_3x2_dilation2x1", "valid", 2, 2, 9, 7, 3, (3, 2), (2, 1), 1, True),
    ("valid_4x4_nobias", "valid", 1, 3, 6, 8, 2, (4, 4), (1, 1), 1, False),
]


def conv_same_cases():
    # torch warns that an even kernel with odd dilation pads a copy of the input: expected, and what these cases test
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
    gen = torch.Generator().manual_seed(20261209)
    out = []
    for name, mode, n, i, h, w, o, (kh, kw), (dh, dw), groups, bias in CONV_SAME:
        x32 = randn(n, i, h, w, gen=gen)
        w32 = randn(o, i // groups, kh, kw, scale=1.0 / math.sqrt(i // groups * kh * kw), gen=gen)
        b32 = randn(o, scale=0.3, gen=gen) if bias else None
        m = torch.nn.Conv2d(i, o, (kh, kw), padding=mode, dilation=(dh, dw), groups=groups, bias=bias).double()
        with torch.no_grad():
            m.weight.copy_(w32.double())
            if bias:
                m.bias.copy_(b32.double())
        # the padding the module resolved; F.pad order (left, right, top, bottom) -> (top, bottom, left, right)
        l, r, t, b = m._reversed_padding_repeated_twice
        x = x32.double().requires_grad_(True)
        y = m(x)
        if mode == "same":
            assert list(y.shape[2:]) == [h, w], name
            assert (t + b, l + r) == (dh * (kh - 1), dw * (kw - 1)) and (t, l) == (dh * (kh - 1) // 2, dw * (kw - 1) // 2), name
        else:
            assert (t, b, l, r) == (0, 0, 0, 0), name
        # the module is the explicit padding: F.pad with those sides then an unpadded conv gives the same values
        explicit = F.conv2d(F.pad(x.detach(), (l, r, t, b)), m.weight.detach(), m.bias.detach() if bias else None, 1, 0, (dh, dw), groups)
        assert torch.equal(explicit, y.detach()), name
        dy32 = randn(*y.shape, gen=gen)
        inputs = [x, m.weight] + ([m.bias] if bias else [])
        g = grads(y, inputs, dy32.double())
        out.append(conv_record(x32, w32, b32, dy32, y, g, name=name, padding_mode=mode, shape=[n, i, h, w], out=o,
                               kernel=[kh, kw], stride=[1, 1], padding=[t, b, l, r], dilation=[dh, dw], groups=groups,
                               bias=bias))
    return out


# --------------------------------------------------------------------------------------------------- pooling
# (name, N, C, H, W, (KH, KW), (SH, SW), (PH, PW), nan count)
POOL = [
    ("k2s2_odd_7x9", 2, 3, 7, 9, (2, 2), (2, 2), (0, 0), 0),
    ("k2s2_long_rows_4x67", 1, 1, 4, 67, (2, 2), (2, 2), (0, 0), 0),
    ("k2s2_narrow_12x6", 3, 2, 12, 6, (2, 2), (2, 2), (0, 0), 0),
    ("k2s2_pairs_14x14", 1, 3, 14, 14, (2, 2), (2, 2), (0, 0), 0),
    ("k3s2p1_8x11", 1, 2, 8, 11, (3, 3), (2, 2), (1, 1), 0),
    ("k3s1p1_overlap_6x7", 1, 3, 6, 7, (3, 3), (1, 1), (1, 1), 0),
    ("k2x3_s1x2_p1x1_9x10", 1, 2, 9, 10, (2, 3), (1, 2), (1, 1), 0),
    ("k3x2_s3x1_p1x0_10x5", 1, 4, 10, 5, (3, 2), (3, 1), (1, 0), 0),
    ("k4_s3_p2_batch1_11x13", 1, 1, 11, 13, (4, 4), (3, 3), (2, 2), 0),
    ("k5x1_s2x1_p2x0_9x4", 2, 2, 9, 4, (5, 1), (2, 1), (2, 0), 0),
    ("k2s2_nan_6x8", 1, 2, 6, 8, (2, 2), (2, 2), (0, 0), 9),
    ("k3s2p1_nan_7x7", 2, 1, 7, 7, (3, 3), (2, 2), (1, 1), 7),
]


# ceil_mode=True: (name, N, C, H, W, (KH, KW), (SH, SW), (PH, PW), nan count); every one but the even 14x14 gets a
# partial last row or column (or loses a window that would start in the padding), and NaN cases put one NaN in the
# bottom-right partial window too
POOL_CEIL = [
    ("ceil_k2s2_odd_7x9", 2, 3, 7, 9, (2, 2), (2, 2), (0, 0), 0),
    ("ceil_k2s2_even_14x14_is_floor", 1, 3, 14, 14, (2, 2), (2, 2), (0, 0), 0),
    ("ceil_k2s2_long_rows_5x67", 1, 1, 5, 67, (2, 2), (2, 2), (0, 0), 0),
    ("ceil_k3s2p1_overhang_6x6", 1, 2, 6, 6, (3, 3), (2, 2), (1, 1), 0),
    ("ceil_k3s2p1_last_dropped_5x5", 1, 2, 5, 5, (3, 3), (2, 2), (1, 1), 0),
    ("ceil_k2s3_stride_over_kernel_10x9", 2, 2, 10, 9, (2, 2), (3, 3), (0, 0), 0),
    ("ceil_k3s2_overlap_8x11", 1, 3, 8, 11, (3, 3), (2, 2), (0, 0), 0),
    ("ceil_k4s3p2_11x13", 1, 1, 11, 13, (4, 4), (3, 3), (2, 2), 0),
    ("ceil_k3x2_s3x1_p1x0_9x5", 1, 4, 9, 5, (3, 2), (3, 1), (1, 0), 0),
    ("ceil_1high_k2x3_s2_p0x1_1x9", 2, 1, 1, 9, (2, 3), (2, 2), (0, 1), 0),
    ("ceil_1wide_k3x1_s2x1_p1x0_8x1", 1, 2, 8, 1, (3, 1), (2, 1), (1, 0), 0),
    ("ceil_k3s2_window_over_2x2", 1, 2, 2, 2, (3, 3), (2, 2), (0, 0), 0),
    ("ceil_k5x3_s4x2_p2x1_9x8", 1, 2, 9, 8, (5, 3), (4, 2), (2, 1), 0),
    ("ceil_k2s2_nan_7x7", 1, 2, 7, 7, (2, 2), (2, 2), (0, 0), 7),
    ("ceil_k3s2p1_nan_8x8", 2, 1, 8, 8, (3, 3), (2, 2), (1, 1), 6),
]


def pool_case(name, n, c, h, w, kh, kw, sh, sw, ph, pw, nans, gen, ceil):
    # a few levels only: ties in most windows, so the tie rule decides many arg-maxes
    x32 = (torch.randint(-3, 4, (n, c, h, w), generator=gen).to(torch.float32) * 0.5 + 0.25)
    flat = x32.view(-1)
    if nans:
        idx = torch.randperm(flat.numel(), generator=gen)[:nans]
        flat[idx] = float("nan")
        flat[1] = float("nan")  # and pairs of NaN in one window: the last one gets the gradient
        flat[w + 1] = float("nan")
        if ceil:
            flat[-1] = float("nan")  # the last plane's bottom-right corner: in a partial window on these odd sizes
    avg_x32 = randn(n, c, h, w, gen=gen)
    case = {"name": name, "shape": [n, c, h, w], "kernel": [kh, kw], "stride": [sh, sw], "padding": [ph, pw],
            "x": exact(x32), "avg_x": exact(avg_x32)}
    if ceil:
        try:
            floor_shape = list(F.max_pool2d(x32, (kh, kw), (sh, sw), (ph, pw)).shape)
        except RuntimeError:
            floor_shape = None  # "Output size is too small": floor mode has no window here
        case.update({"ceil_mode": True, "floor_yshape": floor_shape})
    x = x32.double().requires_grad_(True)
    y, idx = F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw), return_indices=True, ceil_mode=ceil)
    dy32 = randn(*y.shape, gen=gen)
    (dx,) = grads(y, [x], dy32.double())
    case.update({"yshape": list(y.shape), "dy": exact(dy32), "max_y": floats(y),
                 "max_idx": idx.reshape(-1).tolist(), "max_dx": floats(dx)})
    for include in (True, False):
        xa = avg_x32.double().requires_grad_(True)
        ya = F.avg_pool2d(xa, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil, count_include_pad=include)
        # the float32 kernel too: same shape and (to float32 rounding) the same values as the float64 reference
        y32 = F.avg_pool2d(avg_x32, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil, count_include_pad=include)
        assert y32.shape == ya.shape and torch.allclose(y32.double(), ya, rtol=1e-5, atol=1e-6), name
        (dxa,) = grads(ya, [xa], dy32.double())
        key = "avg_incl" if include else "avg_excl"
        case[key + "_y"] = floats(ya)
        case[key + "_dx"] = floats(dxa)
    return case


def pool_ceil_cases():
    gen = torch.Generator().manual_seed(20261208)
    return {"pool": [pool_case(name, n, c, h, w, kh, kw, sh, sw, ph, pw, nans, gen, True)
                     for name, n, c, h, w, (kh, kw), (sh, sw), (ph, pw), nans in POOL_CEIL]}


def pool_cases():
    out = []
    for name, n, c, h, w, (kh, kw), (sh, sw), (ph, pw), nans in POOL:
        out.append(pool_case(name, n, c, h, w, kh, kw, sh, sw, ph, pw, nans, G, False))
    gap = []
    for name, shape in [("gap_2x3x5x7", (2, 3, 5, 7)), ("gap_1x4x1x1", (1, 4, 1, 1)), ("gap_3x2x9x4", (3, 2, 9, 4)),
                        ("gap_1x1x13x17", (1, 1, 13, 17))]:
        x32 = randn(*shape)
        x = x32.double().requires_grad_(True)
        y = F.adaptive_avg_pool2d(x, 1).flatten(1)
        dy32 = randn(*y.shape)
        (dx,) = grads(y, [x], dy32.double())
        gap.append({"name": name, "shape": list(shape), "x": exact(x32), "dy": exact(dy32), "y": floats(y),
                    "dx": floats(dx)})
    return {"pool": out, "gap": gap}


# --------------------------------------------------------------------------------------------------- Dense
def dense_cases():
    out = []
    for name, n, i, o, bias in [("3x5_to_4", 3, 5, 4, True), ("batch1_17_to_9", 1, 17, 9, True),
                                ("7x33_to_13_nobias", 7, 33, 13, False), ("2x1_to_3", 2, 1, 3, True),
                                ("19x40_to_1", 19, 40, 1, True)]:
        x32 = randn(n, i)
        w32 = randn(o, i, scale=1.0 / math.sqrt(i))
        b32 = randn(o, scale=0.3) if bias else None
        x = x32.double().requires_grad_(True)
        lin = torch.nn.Linear(i, o, bias=bias).double()
        with torch.no_grad():
            lin.weight.copy_(w32.double())
            if bias:
                lin.bias.copy_(b32.double())
        y = lin(x)
        dy32 = randn(n, o)
        params = [x, lin.weight] + ([lin.bias] if bias else [])
        g = grads(y, params, dy32.double())
        case = {"name": name, "in": i, "out": o, "batch": n, "bias": bias, "x": exact(x32), "w": exact(w32),
                "dy": exact(dy32), "y": floats(y), "dx": floats(g[0]), "dw": floats(g[1])}
        if bias:
            case["b"] = exact(b32)
            case["db"] = floats(g[2])
        out.append(case)
    return out


# --------------------------------------------------------------------------------------------------- misc
def misc_cases():
    # LeakyReLU (default slope 0.01): random values, plus 0, -0, NaN, ±inf and tiny ones
    x32 = torch.cat([randn(61, scale=3.0), torch.tensor([0.0, -0.0, float("nan"), float("inf"), float("-inf"),
                                                         1e-30, -1e-30, 1e-45, -1e-45], dtype=torch.float32)])
    dy32 = randn(x32.numel())
    x = x32.double().requires_grad_(True)
    y = torch.nn.LeakyReLU()(x)
    (dx,) = grads(y, [x], dy32.double())
    leaky = {"slope": torch.nn.LeakyReLU().negative_slope, "x": exact(x32), "dy": exact(dy32), "y": floats(y),
             "dx": floats(dx)}
    # other slopes on the same x and dy (no new draws: the later files keep their values): 0 (a ReLU), above 1, and
    # negative, where y is positive on both sides and the derivative must come from x
    leaky["slopes"] = []
    for s in (0.0, 0.2, 1.0, 1.5, 3.0, -0.2, -1.0, -2.5):
        x = x32.double().requires_grad_(True)
        y = torch.nn.LeakyReLU(s)(x)
        (dx,) = grads(y, [x], dy32.double())
        leaky["slopes"].append({"slope": s, "y": floats(y), "dx": floats(dx)})
    # Dropout: PyTorch's kept values are input * noise, noise = 1/(1-p) computed in float32
    drop = []
    for p in (0.1, 0.37, 0.5, 0.9):
        x32 = randn(3, 37)
        scale = torch.ones(1, dtype=torch.float32).div_(1 - p)
        kept = x32 * scale
        y = F.dropout(x32, p, training=True)
        nz = y != 0
        assert torch.equal(y[nz], kept[nz]), "PyTorch's dropout is input * (1/(1-p)) in float32"
        drop.append({"p": p, "shape": [3, 37], "x": exact(x32), "kept": floats(kept)})
    # Flatten (nn.Flatten(): start_dim 1)
    flat = []
    for shape in [(2, 3, 4, 5), (1, 7), (3, 1, 1, 1), (2, 5, 3)]:
        x32 = randn(*shape)
        x = x32.double().requires_grad_(True)
        y = torch.nn.Flatten()(x)
        dy32 = randn(*y.shape)
        (dx,) = grads(y, [x], dy32.double())
        flat.append({"shape": list(shape), "yshape": list(y.shape), "x": exact(x32), "dy": exact(dy32),
                     "y": floats(y), "dx": floats(dx)})
    return {"leaky_relu": leaky, "dropout": drop, "flatten": flat}


# --------------------------------------------------------------------------------------------------- losses
def loss_cases():
    logits = [100.0, -100.0, 1e4, -1e4, 88.0, -88.0, 30.0, -30.0, 17.0, -17.0, 1e-3, 0.5]
    targets = [0.0, 1.0, 0.3]
    xs = torch.tensor([v for v in logits for _ in targets], dtype=torch.float32)
    ts = torch.tensor([t for _ in logits for t in targets], dtype=torch.float32)
    huge = torch.tensor([1e4, -1e4, 3e6, -2.5e6, 1e-3, 0.75, -0.4, 2.0, -2.0, 1.0, -1.0, 7.5], dtype=torch.float32)
    huge_t = torch.tensor([-1e4, 1e4, 0.0, 1.0, 0.0, 0.75, 0.6, 0.5, -0.5, 0.0, 0.0, -7.5], dtype=torch.float32)
    # 37 values: NaN in a vector's body and in the tail on every lane count up to 16, and one huge value
    nan_x = randn(37, scale=2.0)
    nan_x[[1, 20, 36]] = float("nan")
    nan_x[5] = 1e4
    nan_t = (torch.rand(37, generator=G) < 0.5).to(torch.float32)
    specs = [
        ("bce_extreme_logits", "bce", xs, ts),
        ("bce_nan_logit", "bce", nan_x, nan_t),
        ("bce_single_1e4_target0", "bce", torch.tensor([1e4]), torch.tensor([0.0])),
        ("bce_single_minus1e4_target1", "bce", torch.tensor([-1e4]), torch.tensor([1.0])),
        ("huber_large", "huber", huge, huge_t),
        ("huber_delta2.5_large", "huber2.5", huge, huge_t),
        ("huber_nan", "huber", nan_x, nan_t),
        ("l1_large", "l1", huge, huge_t),
        ("l1_nan", "l1", nan_x, nan_t),
    ]
    fns = {"bce": F.binary_cross_entropy_with_logits, "huber": lambda a, b: F.huber_loss(a, b, delta=1.0),
           "huber2.5": lambda a, b: F.huber_loss(a, b, delta=2.5), "l1": F.l1_loss}
    out = []
    for name, kind, x32, t32 in specs:
        x = x32.double().requires_grad_(True)
        loss = fns[kind](x, t32.double())
        (dx,) = grads(loss, [x], torch.ones((), dtype=torch.float64))
        x = x32.clone().requires_grad_(True)
        loss32 = fns[kind](x, t32)
        (dx32,) = grads(loss32, [x], torch.ones(()))
        out.append({"name": name, "loss": kind, "x": exact(x32), "t": exact(t32), "value": num_exact(loss),
                    "grad": floats(dx), "value32": num_exact(loss32), "grad32": floats(dx32)})
    return out


def num_exact(t):
    v = float(t)
    return num(v) if not math.isfinite(v) else v


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {"conv": {"cases": conv_cases()}, "pool": pool_cases(), "dense": {"cases": dense_cases()},
             "misc": misc_cases(), "loss_extreme": {"cases": loss_cases()}, "pool_ceil": pool_ceil_cases(),
             "conv_same": {"cases": conv_same_cases()}}
    for name, body in files.items():
        body = {"torch": torch.__version__, **body}
        path = os.path.join(OUT, name + ".json")
        with open(path, "w") as fh:
            json.dump(body, fh, separators=(",", ":"))
            fh.write("\n")
        print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
