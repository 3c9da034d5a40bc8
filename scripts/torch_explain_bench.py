#!/usr/bin/python3
"""Times each explanation method in PyTorch on the study's network (the same
work as explain's BenchmarkMethods): one 64x64 picture, the predicted
class, default places and options. Prints one line per method,
"NAME SECONDS CPU-SECONDS" (the best of REPEATS runs, and its CPU time), for scripts/bench-explain-vs-pytorch.sh.

    /usr/bin/python3 scripts/torch_explain_bench.py [THREADS] [REPEATS]

The methods are those of scripts/make-explain-fixtures.py; RISE's 2,000
masks are made once beforehand (eclique/RISE keeps them in a file) and
its time is the masked batch's forward passes (batches of 250) and the
weighted sum; ArtLens' includes making the masks. Score-CAM runs its
128 masked pictures in one batch (pytorch-grad-cam's default is 16).
"""
import importlib.util
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
spec = importlib.util.spec_from_file_location("fx", os.path.join(ROOT, "scripts", "make-explain-fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)
torch.set_num_threads(threads)

model = fx.study_model()
g = torch.Generator().manual_seed(1)
x = torch.rand(1, 3, 64, 64, generator=g)
masks = fx.rise_masks(1, 2000, 64, 64)


def cls():
    with torch.no_grad():
        return int(model(x)[0].argmax())


def gradcam():
    a, gr = fx.act_grad(model, x, "5", cls())
    return fx.gradcam(a, gr)


def hirescam():
    a, gr = fx.act_grad(model, x, "5", cls())
    return fx.hirescam(a, gr)


def gradcampp():
    a, gr = fx.act_grad(model, x, "5", cls())
    return fx.gradcampp(a, gr)


def scorecam():
    c = cls()
    with torch.no_grad():
        _, a = model(x, "5")
        a = a.numpy()
        up = torch.nn.UpsamplingBilinear2d(size=(64, 64))(torch.from_numpy(a))
        flat = up.view(1, up.size(1), -1)
        up = (up - flat.min(-1)[0][:, :, None, None]) / (flat.max(-1)[0] - flat.min(-1)[0] + 1e-8)[:, :, None, None]
        scores = model((x[:, None] * up[:, :, None])[0])[0][:, c]
        w = torch.softmax(scores, 0).numpy()
    return fx.scale_cam((w[None, :, None, None] * a).sum(axis=1)[0])


def eigencam():
    with torch.no_grad():
        _, a = model(x, "5")
    return fx.eigencam(a.numpy())


def rise():
    c = cls()
    n = masks.shape[0]
    m = torch.from_numpy(masks).float()
    with torch.no_grad():
        p = torch.cat([torch.softmax(model(m[i:i + 250, None] * x)[0], 1) for i in range(0, n, 250)])
    return (p[:, c] @ m.view(n, -1) / n / 0.5).view(64, 64)


methods = [("gradcam", gradcam), ("hirescam", hirescam), ("gradcam++", gradcampp), ("scorecam", scorecam),
           ("eigencam", eigencam), ("integrated-gradients", lambda: fx.integrated_gradients(model, x, cls())),
           ("smoothgrad", lambda: fx.smoothgrad(model, x, cls(), 1)), ("rise", rise)]
for name, f in methods:
    f()
    best, cpu = 1e9, 0.0
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        f()
        if time.perf_counter() - t < best:
            best, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"{name} {best:.4f} {cpu:.4f}", flush=True)
