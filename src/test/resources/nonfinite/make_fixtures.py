#!/usr/bin/python3
"""Writes torch_nonfinite.txt: PyTorch 1.13's results on inputs holding NaN, +Inf, -Inf, -0 and 0 at random
positions, for NonFiniteTest (CI has no torch, so the results are committed). Run from this directory with
Debian's /usr/bin/python3 (python3-torch 1.13): /usr/bin/python3 make_fixtures.py > torch_nonfinite.txt

Format: one array per line, 'name kind v1 v2 ...': kind f = float32 bit patterns in hex (exact, NaN payloads
included), kind i = decimal ints. Shapes are stored as int arrays named '<case>.shape'."""
import struct
import torch
import torch.nn.functional as F

torch.manual_seed(9)
SPECIAL = [float('nan'), float('inf'), float('-inf'), -0.0, 0.0]
out = []

def put_f(name, t):
    t = t.detach().contiguous().view(-1).to(torch.float32)
    bits = t.view(torch.int32).tolist()
    out.append(name + ' f ' + ' '.join('%08x' % (b & 0xffffffff) for b in bits))

def put_i(name, values):
    out.append(name + ' i ' + ' '.join(str(int(v)) for v in values))

def sprinkle(t, frac=0.15):
    flat = t.view(-1)
    n = flat.numel()
    idx = torch.randperm(n)[: max(3, int(n * frac))]
    for k, i in enumerate(idx.tolist()):
        flat[i] = SPECIAL[k % len(SPECIAL)]
    return t

# activations: 37 elements (a vector body and a tail on every species), special values in x and in dy
for name, fn in [('relu', torch.relu), ('leaky', lambda v: F.leaky_relu(v, 0.1)),
                 ('sigmoid', torch.sigmoid), ('tanh', torch.tanh)]:
    x = sprinkle(torch.randn(37) * 4)
    dy = sprinkle(torch.randn(37), 0.1)
    xg = x.clone().requires_grad_()
    y = fn(xg)
    y.backward(dy)
    put_f(name + '.x', x); put_f(name + '.dy', dy); put_f(name + '.y', y); put_f(name + '.dx', xg.grad)

# max pooling: 2x2 stride 2 (the vectorized kernel; odd sizes, and a row long enough for full vectors) and
# 3x3 stride 2 padding 1 (the general kernel); indices are PyTorch's, per plane (h * W + w)
for name, shape, k, s, p in [('pool2a', (2, 3, 6, 9), 2, 2, 0), ('pool2b', (1, 2, 8, 70), 2, 2, 0),
                             ('pool3', (2, 2, 7, 8), 3, 2, 1)]:
    x = torch.randn(*shape)
    # runs of NaN in some windows so the recorded index (the last NaN) matters
    x = sprinkle(x, 0.2)
    x.view(-1)[0:4] = float('nan')
    xg = x.clone().requires_grad_()
    y, idx = F.max_pool2d(xg, k, s, p, return_indices=True)
    dy = torch.randn(*y.shape)
    y.backward(dy)
    put_i(name + '.shape', list(shape) + [k, s, p])
    put_f(name + '.x', x); put_f(name + '.y', y); put_i(name + '.idx', idx.view(-1).tolist())
    put_f(name + '.dy', dy); put_f(name + '.dx', xg.grad)

# argmax over rows: 0, 1, 2 or 3 NaN per row, and infinities
x = torch.randn(24, 13)
for r in range(24):
    for j in torch.randperm(13)[: r % 4].tolist():
        x[r, j] = float('nan')
    if r % 3 == 0:
        x[r, (r * 5) % 13] = float('inf')
    if r % 5 == 0:
        x[r, (r * 7) % 13] = float('-inf')
x[23] = float('-inf')
put_i('argmax.shape', [24, 13]); put_f('argmax.x', x); put_i('argmax.idx', torch.argmax(x, dim=1).tolist())

# softmax cross-entropy, one row at a time (mean over one row): loss and dL/dlogits
rows = []
for r in range(16):
    row = torch.randn(10)
    label = r % 10
    kind = r % 8
    if kind == 0: row[label] = float('inf')
    elif kind == 1: row[(label + 1) % 10] = float('inf')
    elif kind == 2: row[label] = float('-inf')
    elif kind == 3: row[(label + 3) % 10] = float('-inf')
    elif kind == 4: row[(label + 2) % 10] = float('nan')
    elif kind == 5: row[:] = float('-inf')
    elif kind == 6: row[(label + 4) % 10] = 1e30
    rows.append((row, label))
put_i('ce.shape', [16, 10]); put_i('ce.labels', [lab for _, lab in rows])
put_f('ce.x', torch.stack([r for r, _ in rows]))
losses, grads = [], []
for row, label in rows:
    g = row.clone()[None].requires_grad_()
    loss = F.cross_entropy(g, torch.tensor([label]))
    loss.backward()
    losses.append(loss.detach().reshape(1)); grads.append(g.grad[0])
put_f('ce.loss', torch.cat(losses)); put_f('ce.grad', torch.stack(grads))

# binary cross-entropy with logits and mean squared error, one element at a time
xs = torch.tensor([float('inf'), float('inf'), float('-inf'), float('-inf'), float('nan'), 3.0, -2.0, 0.5, 100.0, -100.0])
ts = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, float('nan'), float('inf'), 0.25, 1.0, 0.0])
for name, fn in [('bce', F.binary_cross_entropy_with_logits), ('mse', F.mse_loss)]:
    ls, gs = [], []
    for i in range(len(xs)):
        g = xs[i:i + 1].clone().requires_grad_()
        loss = fn(g, ts[i:i + 1])
        loss.backward()
        ls.append(loss.detach().reshape(1)); gs.append(g.grad)
    put_f(name + '.x', xs); put_f(name + '.t', ts); put_f(name + '.loss', torch.cat(ls)); put_f(name + '.grad', torch.cat(gs))

print('# made by make_fixtures.py with torch ' + torch.__version__)
print('\n'.join(out))
