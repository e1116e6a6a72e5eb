"""PyTorch 1.13 reference cases for vectorgrad's optimizers, gradient clipping and learning-rate schedules.

Writes JSON files under src/test/resources/pytorch/optim/ (float32 values written exactly, as Python floats):
  adamw.json      AdamW with two parameter groups (weight decay 0.05 on the matrix, 0 and half the rate on the bias)
  adamw_clip.json AdamW with PyTorch's defaults and clip_grad_norm_(max_norm=0.5) before every step
  rmsprop.json    RMSprop plain, with momentum, centered, centered with momentum and weight decay
  clip.json       clip_grad_norm_ that clips, that does not, and with NaN / Inf gradients
  schedules.json  the learning rate of every step of StepLR, ExponentialLR, OneCycleLR and CosineAnnealingLR
  sgd.json        SGD plain, with momentum, with momentum and weight decay, Nesterov with weight decay
  adam.json       Adam with PyTorch's defaults, and with (L2) weight decay
  nonfinite_weights.json  SGD with momentum, Adam, AdamW and RMSprop without weight decay on parameters holding
                  +Inf and -Inf: PyTorch adds no weight-decay term then, so those stay infinite (never NaN) and
                  every other element updates as usual

Non-finite values are written as the strings "NaN", "Infinity" and "-Infinity". Each optimizer case gives the initial parameters, the gradient of every step, and the parameters and optimizer
state after every step. org.vectorgrad.optim.PyTorchOptimTest replays them.

Regenerate (torch 1.13 from Debian's python3-torch; the python3 first on PATH may lack torch), from the
repository root:
    /usr/bin/python3 tools/pytorch/optim_cases.py
The script is seeded (torch.manual_seed(13)); rerunning it on the same torch version rewrites the same files.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "resources", "pytorch", "optim")
STEPS = 4


def num(x):
    """A float, or the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them)."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def fl(t):
    return [num(x) for x in t.detach().reshape(-1).tolist()]


def tensor_dict(t):
    return {"shape": list(t.shape), "data": fl(t)}


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=None, separators=(",", ":"))
        f.write("\n")


def make_params():
    w = torch.randn(5, 3, dtype=torch.float32)
    b = torch.randn(3, dtype=torch.float32) * 0.5
    return [torch.nn.Parameter(w), torch.nn.Parameter(b)]


def run(params, opt, state_names, clip=None, rename=None):
    initial = [tensor_dict(p) for p in params]
    steps = []
    for _ in range(STEPS):
        grads = [torch.randn(p.shape, dtype=torch.float32) for p in params]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        norm = None
        if clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
        opt.step()
        st = {}
        for i, p in enumerate(params):
            for n in state_names:
                if opt.state[p].get(n) is not None:  # SGD without momentum keeps momentum_buffer None
                    st[(rename or {}).get(n, n) + "." + str(i)] = fl(opt.state[p][n])
        step = {"grads": [fl(g) for g in grads], "params": [fl(p) for p in params], "state": st}
        if norm is not None:
            step["total_norm"] = norm
        steps.append(step)
    return {"initial": initial, "steps": steps}


def adamw_cases():
    params = make_params()
    opt = torch.optim.AdamW([{"params": [params[0]], "weight_decay": 0.05},
                             {"params": [params[1]], "weight_decay": 0.0, "lr": 0.005}], lr=0.01)
    case = run(params, opt, ["exp_avg", "exp_avg_sq"])
    case.update({"lr": 0.01, "groups": [{"weight_decay": 0.05, "lr_scale": 1.0}, {"weight_decay": 0.0, "lr_scale": 0.5}],
                 "betas": [0.9, 0.999], "eps": 1e-8})
    write("adamw.json", case)

    params = make_params()
    opt = torch.optim.AdamW(params, lr=0.02)
    case = run(params, opt, ["exp_avg", "exp_avg_sq"], clip=0.5)
    case.update({"lr": 0.02, "weight_decay": 0.01, "clip": 0.5})
    write("adamw_clip.json", case)


def rmsprop_cases():
    cases = {}
    for name, kw in [("plain", {}),
                     ("momentum", {"momentum": 0.9}),
                     ("centered", {"centered": True}),
                     ("centered_momentum_decay", {"centered": True, "momentum": 0.5, "weight_decay": 0.01})]:
        params = make_params()
        opt = torch.optim.RMSprop(params, lr=0.01, **kw)
        case = run(params, opt, ["square_avg", "momentum_buffer", "grad_avg"])
        case.update({"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": kw.get("momentum", 0.0),
                     "centered": kw.get("centered", False), "weight_decay": kw.get("weight_decay", 0.0)})
        cases[name] = case
    write("rmsprop.json", cases)


def clip_cases():
    cases = []
    for name, max_norm, poison in [("clips", 1.0, None), ("no_clip", 100.0, None), ("nan", 1.0, float("nan")),
                                   ("inf", 1.0, float("inf"))]:
        grads = [torch.randn(4, 3, dtype=torch.float32), torch.randn(3, dtype=torch.float32), torch.randn(7, dtype=torch.float32)]
        if poison is not None:
            grads[1][2] = poison
        params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases.append({"name": name, "max_norm": max_norm, "grads": [tensor_dict(g) for g in grads],
                      "total_norm": num(total), "clipped": [fl(p.grad) for p in params]})
    write("clip.json", cases)


def lr_sequence(make_sched, total, lr):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr, momentum=0.9)
    sched = make_sched(opt)
    out = []
    for _ in range(total):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def schedule_cases():
    lr = 0.1
    cases = {
        "step": {"step_size": 3, "gamma": 0.5, "total": 12,
                 "lrs": lr_sequence(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 12, lr)},
        "exponential": {"gamma": 0.9, "total": 12,
                        "lrs": lr_sequence(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 12, lr)},
        "onecycle": {"total": 50,
                     "lrs": lr_sequence(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=lr, total_steps=50,
                                                                                      cycle_momentum=False), 50, lr)},
        "onecycle_7": {"total": 7,
                       "lrs": lr_sequence(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=lr, total_steps=7,
                                                                                        cycle_momentum=False), 7, lr)},
        "cosine": {"total": 20,
                   "lrs": lr_sequence(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20), 20, lr)},
    }
    write("schedules.json", {"base_lr": lr, "cases": cases})


def sgd_cases():
    cases = {}
    for name, kw in [("plain", {}),
                     ("momentum", {"momentum": 0.9}),
                     ("momentum_decay", {"momentum": 0.5, "weight_decay": 0.05}),
                     ("nesterov_decay", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01})]:
        params = make_params()
        opt = torch.optim.SGD(params, lr=0.05, **kw)
        case = run(params, opt, ["momentum_buffer"], rename={"momentum_buffer": "velocity"})
        case.update({"lr": 0.05, "momentum": kw.get("momentum", 0.0), "weight_decay": kw.get("weight_decay", 0.0),
                     "nesterov": kw.get("nesterov", False)})
        cases[name] = case
    write("sgd.json", cases)


def adam_cases():
    cases = {}
    for name, kw in [("defaults", {}), ("decay", {"weight_decay": 0.01})]:
        params = make_params()
        opt = torch.optim.Adam(params, lr=0.01, **kw)
        case = run(params, opt, ["exp_avg", "exp_avg_sq"])
        case.update({"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": kw.get("weight_decay", 0.0)})
        cases[name] = case
    write("adam.json", cases)


def nonfinite_weight_cases():
    def poisoned():
        params = make_params()
        with torch.no_grad():
            params[0][1, 2] = float("inf")
            params[1][0] = float("-inf")
        return params
    cases = {}
    for name, make, names, rename in [
            ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), ["momentum_buffer"], {"momentum_buffer": "velocity"}),
            ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01), ["exp_avg", "exp_avg_sq"], None),
            ("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.01), ["exp_avg", "exp_avg_sq"], None),
            ("rmsprop", lambda ps: torch.optim.RMSprop(ps, lr=0.01), ["square_avg", "momentum_buffer", "grad_avg"], None)]:
        params = poisoned()
        cases[name] = run(params, make(params), names, rename=rename)
    write("nonfinite_weights.json", cases)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), "generated with torch 1.13, found " + torch.__version__
    torch.manual_seed(13)
    adamw_cases()
    rmsprop_cases()
    clip_cases()
    schedule_cases()
    sgd_cases()
    adam_cases()
    nonfinite_weight_cases()
    print("wrote", sorted(os.listdir(OUT)))
