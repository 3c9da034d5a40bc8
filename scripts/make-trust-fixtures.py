#!/usr/bin/env python3
"""Writes trust/testdata/reference.json: the deletion and insertion curves
of the study's network (weights/model.safetensors) for a fixed input and a
fixed 8x8 map, computed independently of the Go code in PyTorch, the way
the RISE reference code (eclique/RISE, evaluation.py) plays its games:

- the map enlarged bilinearly to 64x64 (F.interpolate, align_corners=False);
- pixels in the order of decreasing saliency, 64 (1/64 of them) a step;
- deletion: the pixels set to 0 from the input; insertion: from a blurred
  copy (gkern(11, 5): scipy's gaussian_filter of a delta, applied with
  conv2d(padding=5)) the original pixels put back;
- the class's softmax probability at each of the 65 steps, and auc() =
  (sum - first/2 - last/2) / (n - 1).

The enlarged map has exact ties (beyond the outer cells' centres the edge
values continue); they are taken in raster order (a stable sort), as trust's
Order takes them. Values that differ differ by more than 1e-9 (checked), so
rounding cannot reorder them.

    apt-get install -y python3-torch python3-scipy
    /usr/bin/python3 scripts/make-trust-fixtures.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import gaussian_filter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        assert spec["dtype"] == "F32"
        a, b = spec["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[8 + n + a:8 + n + b], dtype="<f4").reshape(spec["shape"]).copy())
    return out


class Study(torch.nn.Module):
    """The study's network; dense kernels are stored in-by-out, flatten is CHW."""

    def __init__(self, w):
        super().__init__()
        self.w = w

    def forward(self, x):
        w = self.w
        for i in range(1, 6):
            x = torch.relu(F.conv2d(x, w[f"conv{i}.weight"], w[f"conv{i}.bias"]))
            if i % 2 == 1:
                x = F.max_pool2d(x, 2)
        x = x.reshape(x.shape[0], -1)
        x = torch.relu(x @ w["dense1.weight"] + w["dense1.bias"])
        x = torch.relu(x @ w["dense2.weight"] + w["dense2.bias"])
        return torch.softmax(x @ w["dense3.weight"] + w["dense3.bias"], dim=1)


def gkern(klen, nsig):
    """The RISE reference's kernel: a delta smoothed by gaussian_filter."""
    inp = np.zeros((klen, klen))
    inp[klen // 2, klen // 2] = 1
    k = gaussian_filter(inp, nsig)
    kern = np.zeros((3, 3, klen, klen))
    for c in range(3):
        kern[c, c] = k
    return k, torch.from_numpy(kern.astype("float32"))


def scene(h, w):
    """Sky, hill and sun, as trust's tests draw them, quantised to 1/255."""
    img = np.zeros((3, h, w))
    for y in range(h):
        for x in range(w):
            c = (40 + 100 * y // h, 60 + 80 * y // h, 200)
            if y > 0.6 * h + 0.15 * h * np.sin(x / w * 6):
                c = (30, 60, 20)
            dx, dy = x - w * 3 // 4, y - h // 4
            if dx * dx + dy * dy < (h // 8) ** 2:
                c = (250, 230, 120)
            img[:, y, x] = c
    return (img / 255).astype("float32")


def auc(arr):
    return (arr.sum() - arr[0] / 2 - arr[-1] / 2) / (arr.shape[0] - 1)


def game(model, start, finish, order, c, step):
    hw = start.shape[2] * start.shape[3]
    n_steps = (hw + step - 1) // step
    cur = start.clone()
    batch = []
    for i in range(n_steps + 1):
        batch.append(cur.clone())
        if i < n_steps:
            coords = order[step * i:step * (i + 1)]
            cur.reshape(1, 3, hw)[0, :, coords] = finish.reshape(1, 3, hw)[0, :, coords]
    with torch.no_grad():
        probs = model(torch.cat(batch))[:, c]
    return probs.double().numpy()


def main():
    torch.set_num_threads(2)
    w = load_safetensors(os.path.join(ROOT, "weights", "model.safetensors"))
    model = Study(w).eval()
    x = torch.from_numpy(scene(64, 64))[None]
    rng = np.random.default_rng(25)
    sal8 = rng.random((8, 8)).astype("float32")
    with torch.no_grad():
        c = int(model(x).argmax())
    sal = F.interpolate(torch.from_numpy(sal8.astype("float64"))[None, None], size=(64, 64), mode="bilinear", align_corners=False)[0, 0].numpy()
    flat = np.sort(sal.reshape(-1))
    gaps = np.diff(flat)
    gap = np.min(gaps[gaps > 0])
    assert gap > 1e-9, f"the enlarged map has near ties, which rounding could order differently: {gap}"
    order = np.argsort(-sal.reshape(-1), kind="stable")
    k, kern = gkern(11, 5)
    blurred = F.conv2d(x, kern, padding=11 // 2)
    step = 64 * 64 // 64
    deletion = game(model, x, torch.zeros_like(x), order, c, step)
    insertion = game(model, blurred, x, order, c, step)
    out = {
        "note": "made by scripts/make-trust-fixtures.py with PyTorch " + torch.__version__,
        "input": [round(float(v), 7) for v in x.reshape(-1)],
        "map": sal8.tolist(),
        "class": c,
        "kernel": k.reshape(-1).tolist(),
        "blurred": [round(float(v), 7) for v in blurred.reshape(-1)],
        "deletion": deletion.tolist(),
        "insertion": insertion.tolist(),
        "deletion_auc": float(auc(deletion)),
        "insertion_auc": float(auc(insertion)),
    }
    path = os.path.join(ROOT, "trust", "testdata", "reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"class {c}, deletion AUC {out['deletion_auc']:.6f}, insertion AUC {out['insertion_auc']:.6f}, smallest gap {gap:.2e} -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
