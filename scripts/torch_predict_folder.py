#!/usr/bin/python3
"""Classifies every picture of a folder tree with torchvision's ResNet-18
(random weights, eval mode, 1,000 classes) as `artlens predict --recursive`
does: decode each picture (white behind transparency), stretch it to
224x224 with bilinear interpolation, values in [0,1], batches of BATCH,
forward, softmax, one line a picture. It prints the wall and CPU time per
picture, decoding included, for scripts/bench-vs-pytorch.sh.

    /usr/bin/python3 scripts/torch_predict_folder.py FOLDER [THREADS] [BATCH]
"""

import os
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 16
torch.set_num_threads(threads)
model = torchvision.models.resnet18(num_classes=1000).eval()
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if not f.startswith("."))


def load(path):
    img = Image.open(path)
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)
    img = img.convert("RGB").resize((224, 224), Image.BILINEAR)
    return torch.from_numpy(np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255)


with torch.no_grad():
    model(torch.rand(1, 3, 224, 224))  # warm up, as artlens builds its graphs before the first picture
    wall, cpu = time.perf_counter(), time.process_time()
    done = failed = 0
    for first in range(0, len(files), batch):
        xs, names = [], []
        for f in files[first:first + batch]:
            try:
                xs.append(load(f))
                names.append(f)
            except Exception as e:  # noqa: BLE001 - reported as artlens does
                print(f"{f}: {e}", file=sys.stderr)
                failed += 1
        if not xs:
            continue
        probs = torch.softmax(model(torch.stack(xs)), dim=1)
        for f, p in zip(names, probs):
            k = int(p.argmax())
            print(f"{f}: class {k + 1} ({100 * float(p[k]):.1f}%)")
        done += len(xs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(f"torch predict folder: {done} pictures ({failed} failed), {1e3 * wall / max(done, 1):.1f} ms a picture, "
      f"CPU {1e3 * cpu / max(done, 1):.1f} ms a picture ({threads} threads, batches of {batch})", file=sys.stderr)
