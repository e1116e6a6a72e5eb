"""PyTorch 1.13 reference cases for vectorgrad's regression and multi-label losses.

Writes one JSON file per loss under src/test/resources/pytorch/loss/: MSELoss, L1Loss, HuberLoss(delta=1.0)
and BCEWithLogitsLoss, all with mean reduction, each on several shapes (odd sizes included). Every case holds the
float32 inputs and targets, the loss and the gradient of the loss with respect to the input, as float32 values
printed with 9 significant digits (enough to read back the same float). The L1 and Huber cases include exact
hits (prediction == target, where L1's gradient is 0) and differences on both sides of delta.

Regenerate (seeded, so the same files come out):
    /usr/bin/python3 tools/pytorch/loss_cases.py
(/usr/bin/python3 is Debian's with python3-torch; the python3 first on PATH may not have torch.)
Read by src/test/java/org/vectorgrad/loss/PyTorchLossTest.java.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "pytorch", "loss")
SHAPES = [(1, 1), (3, 1), (7, 5), (17, 3), (64, 1), (5, 33)]


def f32(t):
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]


def cases(name, loss_fn, make_target):
    g = torch.Generator().manual_seed(13)
    out = []
    for shape in SHAPES:
        x = (torch.randn(shape, generator=g) * 2.0).float()
        t = make_target(shape, g)
        if name in ("l1", "huber") and x.numel() >= 4:
            flat_x, flat_t = x.view(-1), t.view(-1)
            flat_t[0] = flat_x[0]              # exact hit: L1's gradient 0
            flat_t[1] = flat_x[1] - 1.0        # |d| == delta: Huber's boundary
            flat_t[2] = flat_x[2] + 3.5        # far beyond delta
        x.requires_grad_(True)
        loss = loss_fn(x, t)
        loss.backward()
        out.append({"shape": list(shape), "input": f32(x), "target": f32(t),
                    "loss": float("%.9g" % loss.item()), "grad": f32(x.grad)})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    reg = lambda shape, g: (torch.randn(shape, generator=g) * 2.0).float()
    bits = lambda shape, g: (torch.rand(shape, generator=g) < 0.4).float()
    specs = {
        "mse": torch.nn.MSELoss(),
        "l1": torch.nn.L1Loss(),
        "huber": torch.nn.HuberLoss(delta=1.0),
        "bce_with_logits": torch.nn.BCEWithLogitsLoss(),
    }
    for name, fn in specs.items():
        data = {"torch": torch.__version__, "loss": repr(fn), "reduction": "mean",
                "cases": cases(name, fn, bits if name == "bce_with_logits" else reg)}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(data, f, indent=None, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
