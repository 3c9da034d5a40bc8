#!/usr/bin/env python3
"""The work of one picture's `explain --check` (Grad-CAM of the study's
network, package trust) in PyTorch, timed as BenchmarkCheck times it:
curves (deletion and insertion, 130 forward passes in one batch), sanity
(eight layers randomised from the top, Grad-CAM at conv5 made again after
each on a copy of the model) and whole (Grad-CAM, curves and sanity).
Prints the best of N runs of each, in seconds.

    /usr/bin/python3 scripts/torch_trust.py [threads] [runs]
"""
import copy
import importlib.util
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fixtures", os.path.join(HERE, "make-trust-fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)


class Study(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.convs = torch.nn.ModuleList(torch.nn.Conv2d(w[f"conv{i}.weight"].shape[1], w[f"conv{i}.weight"].shape[0], 3) for i in range(1, 6))
        for i, c in enumerate(self.convs, 1):
            c.weight.data, c.bias.data = w[f"conv{i}.weight"], w[f"conv{i}.bias"]
        self.dense = torch.nn.ModuleList(torch.nn.Linear(*w[f"dense{i}.weight"].shape) for i in range(1, 4))
        for i, d in enumerate(self.dense, 1):
            d.weight.data, d.bias.data = w[f"dense{i}.weight"].t().contiguous(), w[f"dense{i}.bias"]

    def forward(self, x, keep=False):
        act = None
        for i, c in enumerate(self.convs):
            x = torch.relu(c(x))
            if i == 4:
                act = x
            if i % 2 == 0:
                x = F.max_pool2d(x, 2)
        x = x.reshape(x.shape[0], -1)
        x = torch.relu(self.dense[0](x))
        x = torch.relu(self.dense[1](x))
        logits = self.dense[2](x)
        return (logits, act) if keep else torch.softmax(logits, dim=1)


def gradcam(model, x, c):
    logits, act = model(x, keep=True)
    act.retain_grad()
    logits[0, c].backward()
    w = act.grad.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((w * act).sum(1))[0].detach()
    return cam / cam.max() if cam.max() > 0 else cam


def curves(model, x, cam, c):
    sal = F.interpolate(cam[None, None].double(), size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0].numpy()
    order = np.argsort(-sal.reshape(-1), kind="stable")
    _, kern = fx.gkern(11, 5)
    blurred = F.conv2d(x, kern, padding=5)
    hw = x.shape[2] * x.shape[3]
    step = hw // 64
    batch = []
    for start, finish in ((x, torch.zeros_like(x)), (blurred, x)):
        cur = start.clone()
        for i in range(65):
            batch.append(cur.clone())
            if i < 64:
                coords = order[step * i:step * (i + 1)]
                cur.reshape(1, 3, hw)[0, :, coords] = finish.reshape(1, 3, hw)[0, :, coords]
    with torch.no_grad():
        p = model(torch.cat(batch))[:, c].numpy()
    return fx.auc(p[:65]), fx.auc(p[65:])


def sanity(model, x, cam, c, seed=25):
    r = copy.deepcopy(model)
    g = torch.Generator().manual_seed(seed)
    layers = list(r.dense)[::-1] + list(r.convs)[::-1]
    out = []
    for layer in layers:
        with torch.no_grad():
            std = layer.weight.std()
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=g) * std)
            layer.bias.zero_()
        r.zero_grad()
        cam2 = gradcam(r, x, c)
        a, b = cam.reshape(-1).numpy(), cam2.reshape(-1).numpy()
        ra, rb = a.argsort().argsort(), b.argsort().argsort()  # ranks (ties broken: timing only)
        out.append(np.corrcoef(ra, rb)[0, 1])
    return out


def best(f, n):
    b = 1e9
    for _ in range(n):
        t = time.perf_counter()
        f()
        b = min(b, time.perf_counter() - t)
    return b


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    model = Study(fx.load_safetensors(os.path.join(HERE, "..", "weights", "model.safetensors"))).eval()
    x = torch.from_numpy(fx.scene(64, 64))[None]
    with torch.no_grad():
        c = int(model(x).argmax())
    cam = gradcam(model, x, c)

    def whole():
        cam = gradcam(model, x, c)
        curves(model, x, cam, c)
        sanity(model, x, cam, c)

    for name, f in (("curves", lambda: curves(model, x, cam, c)), ("sanity", lambda: sanity(model, x, cam, c)), ("whole", whole)):
        f()
        print(f"torch {name} {best(f, runs):.4f} s")


if __name__ == "__main__":
    main()
