#!/usr/bin/env python3
"""PyTorch twin of vectorgrad's reference residual network (`./vectorgrad train --model resnet`).

Architecture (the same module tree as the Java spec src/main/resources/org/vectorgrad/models/resnet.json, so that
both give the same state_dict names):
    Sequential(
      Conv2d(1, w, 3, pad 1, no bias), BatchNorm2d(w), ReLU,                 # stem
      per stage (channels c, first stride s), per block (stride s for the first, then 1):
        Sequential(Sum(Sequential(Conv2d(c_in, c, 3, stride, pad 1, no bias), BatchNorm2d, ReLU,
                                  Conv2d(c, c, 3, pad 1, no bias), BatchNorm2d),
                       shortcut),                                            # shortcut: Identity when shapes agree,
                   ReLU),                                                    #  else Sequential(Conv2d 1x1 stride, BN)
      GlobalAvgPool2d, Linear(c_last, 10))
as vectorgrad's Residual.basicBlock builds a block. Default: stem 32; stages of 32, 64, 128 channels at stride 2
each (28x28 -> 14 -> 7 -> 4), one block each. `Sum` holds its branches as a ModuleList does (names "3.0.0.0.weight"
for a block's first convolution, "3.0.1.0.weight" for its projection), as vectorgrad's ModelSpec names them.

Init as vectorgrad builds the spec: Conv2d and Linear weights He-normal (kaiming_normal_, fan_in, relu gain), Linear
bias zero, BatchNorm weight 1 and bias 0. The random draws differ (Java's generator is not PyTorch's), the
distributions do not. Data: Fashion-MNIST IDX from /usr/share/datasets/fashion-mnist, standardized with the
training set's pixel mean and std; batches in the exact order vectorgrad's Trainer visits them (the Fisher-Yates
shuffle driven by java.util.SplittableRandom seeded from (seed, epoch), reimplemented below), last batch smaller.
Optimizer SGD (PyTorch's momentum/Nesterov/weight decay, which vectorgrad's SGD follows), learning rate per step
from the same cosine schedule with linear warm-up (vectorgrad's LearningRateSchedule.cosine().withWarmup(n)):
lr(step) = base * (1 + cos(pi * step / total)) / 2 * min(1, (step + 1) / warmup), set before each step.
Test accuracy after every epoch, in evaluation mode (BatchNorm running statistics), batch max(batch, 256).

Run with Debian's interpreter (python3-torch 1.13), on few threads (the machine is shared):
    /usr/bin/python3 bench/pytorch/resnet.py --threads 2 --epochs 5 --lr 0.1
    /usr/bin/python3 bench/pytorch/resnet.py --names src/test/resources/pytorch/resnet/state_dict_names.json
The second form writes the state_dict names and shapes of the default network (no training) for the Java test
ResnetSpecTest (regenerate it this way after changing the network). Prints one JSON line per epoch and a final
JSON line; --progress N adds a line on stderr every N steps. The defaults are the recipe of the resnet spec.
"""
import argparse
import gzip
import json
import math
import os
import platform
import struct
import sys
import time

import torch
import torch.nn as nn

FASHION = "/usr/share/datasets/fashion-mnist"
M64 = (1 << 64) - 1


def _u64(x):
    return x & M64


# ---- java.util.SplittableRandom and vectorgrad's EpochOrder, bit for bit ---------------------------------------
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix32(z):
    z = _u64((z ^ (z >> 33)) * 0x62A9D9ED799705F5)
    return (_u64((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) >> 32) & 0xFFFFFFFF


class SplittableRandom:
    def __init__(self, seed):
        self.seed = _u64(seed)

    def _next_seed(self):
        self.seed = _u64(self.seed + GOLDEN_GAMMA)
        return self.seed

    def next_int(self, bound):
        r = _mix32(self._next_seed())
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1  # (r >>> 1) on a 32-bit int
        while True:
            r = u % bound
            if ((u + m - r) & 0xFFFFFFFF) < 0x80000000:  # Java: u + m - r >= 0 as a 32-bit int
                return r
            u = _mix32(self._next_seed()) >> 1


def epoch_seed(seed, epoch):
    z = _u64(seed) ^ _u64((epoch + 1) * 0xD1B54A32D192ED03)
    z = _u64((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD)
    z = _u64((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53)
    return z ^ (z >> 33)


def epoch_order(n, seed, epoch):
    order = list(range(n))
    rng = SplittableRandom(epoch_seed(seed, epoch))
    for i in range(n - 1, 0, -1):
        j = rng.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


# ---- data -------------------------------------------------------------------------------------------------------
def load_split(kind):
    with gzip.open(os.path.join(FASHION, "%s-images-idx3-ubyte.gz" % kind), "rb") as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        x = torch.frombuffer(bytearray(f.read(n * h * w)), dtype=torch.uint8).float().div_(255).view(n, 1, h, w)
    with gzip.open(os.path.join(FASHION, "%s-labels-idx1-ubyte.gz" % kind), "rb") as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8).long()
    return x, y


# ---- model ------------------------------------------------------------------------------------------------------
class Sum(nn.ModuleList):
    """vectorgrad's nn.Sum: the sum of its branches' outputs; branches named 0, 1, ... as in a ModuleList."""

    def forward(self, x):
        out = self[0](x)
        for b in self[1:]:
            out = out + b(x)
        return out


class GlobalAvgPool2d(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def conv(cin, cout, k, stride):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)


def resnet(stem, widths, strides, blocks, classes=10):
    layers = [conv(1, stem, 3, 1), nn.BatchNorm2d(stem), nn.ReLU()]
    cin = stem
    for c, first_stride, nb in zip(widths, strides, blocks):
        for b in range(nb):
            stride = first_stride if b == 0 else 1
            main = nn.Sequential(conv(cin, c, 3, stride), nn.BatchNorm2d(c), nn.ReLU(), conv(c, c, 3, 1), nn.BatchNorm2d(c))
            short = nn.Identity() if (stride == 1 and cin == c) else nn.Sequential(conv(cin, c, 1, stride), nn.BatchNorm2d(c))
            layers.append(nn.Sequential(Sum([main, short]), nn.ReLU()))  # as vectorgrad's Residual.basicBlock
            cin = c
    layers += [GlobalAvgPool2d(), nn.Linear(cin, classes)]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def lr_at(base, step, total, warmup, schedule):
    r = base if schedule == "constant" else base * 0.5 * (1 + math.cos(math.pi * min(step, total) / total))
    return r * min(1.0, (step + 1.0) / warmup) if warmup > 0 else r


def evaluate(model, x, y, batch):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return correct / x.shape[0]


def cpu_description():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stem", type=int, default=32, help="channels of the stem convolution")
    ap.add_argument("--widths", type=int, nargs="+", default=[32, 64, 128], help="channels of each stage")
    ap.add_argument("--strides", type=int, nargs="+", default=[2, 2, 2], help="stride of each stage's first block")
    ap.add_argument("--blocks", type=int, nargs="+", default=[1, 1, 1], help="residual blocks per stage")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--nesterov", action="store_true")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--schedule", choices=["cosine", "constant"], default="cosine")
    ap.add_argument("--lr-warmup", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--progress", type=int, default=0, help="print a progress line on stderr every N steps")
    ap.add_argument("--names", help="write the state_dict names and shapes of the network to this JSON file and exit")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if not len(args.widths) == len(args.strides) == len(args.blocks):
        ap.error("--widths, --strides and --blocks need one value per stage")
    model = resnet(args.stem, args.widths, args.strides, args.blocks)
    if args.names:
        sd = model.state_dict()
        with open(args.names, "w") as f:
            json.dump({"generator": "bench/pytorch/resnet.py --names (torch %s)" % torch.__version__,
                       "stem": args.stem, "widths": args.widths, "strides": args.strides, "blocks": args.blocks,
                       "parameters": [n for n, _ in model.named_parameters()],
                       "state_dict": [[n, list(t.shape)] for n, t in sd.items()]}, f, indent=1)
            f.write("\n")
        return
    xtr, ytr = load_split("train")
    xte, yte = load_split("t10k")
    mean, std = xtr.double().mean().item(), xtr.double().std(unbiased=False).item()  # as Dataset.meanAndStd
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    if args.limit:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    n = xtr.shape[0]
    steps = (n + args.batch - 1) // args.batch
    total = steps * args.epochs
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, nesterov=args.nesterov,
                          weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    params = sum(p.numel() for p in model.parameters())
    done = 0
    t_all = time.perf_counter()
    acc = loss_mean = float("nan")
    for epoch in range(1, args.epochs + 1):
        order = torch.tensor(epoch_order(n, args.seed, epoch))
        t0 = time.perf_counter()
        loss_sum = 0.0
        for s in range(steps):
            idx = order[s * args.batch:(s + 1) * args.batch]
            for g in opt.param_groups:
                g["lr"] = max(lr_at(args.lr, done, total, args.lr_warmup, args.schedule), 1.1754944e-38)
            done += 1
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * idx.numel()
            if args.progress and (s + 1) % args.progress == 0:
                print("epoch %d step %d/%d loss %.4f %.1f samples/s" % (epoch, s + 1, steps, loss.item(),
                      (s + 1) * args.batch / (time.perf_counter() - t0)), file=sys.stderr, flush=True)
        train_s = time.perf_counter() - t0
        loss_mean = loss_sum / n
        acc = evaluate(model, xte, yte, max(args.batch, 256))
        print(json.dumps({"epoch": epoch, "train_loss": round(loss_mean, 6), "test_accuracy": round(acc, 4),
                          "train_s": round(train_s, 1), "load_avg": os.getloadavg()[0]}), flush=True)
    print(json.dumps({"system": "pytorch", "version": torch.__version__, "model": "resnet", "stem": args.stem,
                      "widths": args.widths, "strides": args.strides, "blocks": args.blocks, "parameters": params, "epochs": args.epochs, "batch": args.batch,
                      "lr": args.lr, "momentum": args.momentum, "nesterov": args.nesterov,
                      "weight_decay": args.weight_decay, "schedule": args.schedule, "lr_warmup": args.lr_warmup,
                      "seed": args.seed, "threads": args.threads, "train_samples": n,
                      "test_accuracy": round(acc, 4), "train_loss": round(loss_mean, 6),
                      "wall_s": round(time.perf_counter() - t_all, 1), "cpu": cpu_description()}), flush=True)


if __name__ == "__main__":
    main()
