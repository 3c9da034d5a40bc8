#!/usr/bin/python3
"""Write the reference maps of package explain (explain/testdata/*.json).

Each explanation method is computed here in PyTorch, as its reference
implementation defines it, for
  - the study's network with its shipped weights (weights/model.safetensors,
    read here without the safetensors package) on two pictures of the Art
    Images validation set reduced to its 64x64 input, and
  - the ResNet of importer/testdata/resnet-opset17-bn.onnx (torchvision's
    BasicBlock ResNet, one block a stage, random weights), remade from the
    seeds of scripts/make-onnx-fixtures.py, on that fixture's input.
The Go tests (explain/fixtures_test.go) read the pictures from the JSON (as
bytes 0-255, divided by 255 in float32 on both sides) and compare each
ArtLens map with its reference; no Python at test time.

The CAMs follow jacobgil/pytorch-grad-cam (base_cam.py, grad_cam.py,
hirescam.py, grad_cam_plusplus.py, score_cam.py, eigen_cam.py and
utils/svd_on_activations.py, utils/image.py's scale_cam_image),
transcribed here because the package needs OpenCV and ttach; the class
score is the class's logit (ClassifierOutputTarget on the logits). Eigen-CAM's
singular vector gets scikit-learn's svd_flip sign (the projection's value
of largest magnitude positive), which ArtLens uses too; pytorch-grad-cam
leaves it to LAPACK. Integrated Gradients is Captum's with its defaults
(zero baseline, 50 steps, "gausslegendre": alphas (1+x)/2, steps w/2 of
numpy's leggauss), SmoothGrad Captum's NoiseTunnel(Saliency) with
nt_type "smoothgrad" (abs=True), RISE eclique/RISE's generate_masks
(skimage.transform.resize, order 1, mode "reflect") and forward. The random
numbers of SmoothGrad and RISE come from the stream that explain/random.go
documents (splitmix64, counter-based), drawn here with NumPy.

Run from the repository root with Debian's python3-torch, python3-torchvision,
python3-onnx, python3-skimage and python3-pil:

    /usr/bin/python3 scripts/make-explain-fixtures.py

Checked with torch 1.13, scikit-image 0.19, numpy 1.24.
"""

import importlib.util
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from skimage.transform import resize

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "explain", "testdata")
SEED = 7
RISE_MASKS = 2000
PICTURES = [  # Art Images validation pictures (the data set's files are not committed)
    "validation_set/painting/0006.jpg",
    "validation_set/sculpture/101.jpg",
]
torch.set_num_threads(2)

# ---- the random stream of explain/random.go ----
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix(seed, idx):
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (idx.astype(np.uint64) + np.uint64(1)) * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uniform(seed, idx):
    return (splitmix(seed, idx) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def normal(seed, j):
    u1, u2 = uniform(seed, 2 * j), uniform(seed, 2 * j + 1)
    return np.sqrt(-2 * np.log(1 - u1)) * np.cos(2 * np.pi * u2)


# ---- the models: forward(x, place) -> (logits, activation at place) ----
def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", name
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).copy()
    return out


class Study(nn.Module):
    """The study's network (engine.StudyArch) on the shipped weights: five
    valid 3x3 convolutions with ReLU, max pooling after the 1st, 3rd and
    5th, dense 2048-512-256-4; it returns the logits. The dense kernels are
    stored inputs x outputs, nn.Linear's transposed."""

    def __init__(self, w):
        super().__init__()
        chans = [3, 32, 64, 64, 128, 128]
        self.convs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3) for i in range(5))
        self.fcs = nn.ModuleList([nn.Linear(2048, 512), nn.Linear(512, 256), nn.Linear(256, 4)])
        with torch.no_grad():
            for i, c in enumerate(self.convs):
                c.weight.copy_(torch.from_numpy(w[f"conv{i+1}.weight"]))
                c.bias.copy_(torch.from_numpy(w[f"conv{i+1}.bias"]))
            for i, d in enumerate(self.fcs):
                d.weight.copy_(torch.from_numpy(w[f"dense{i+1}.weight"].T.copy()))
                d.bias.copy_(torch.from_numpy(w[f"dense{i+1}.bias"]))

    def forward(self, x, place=None):
        act = None
        for i, conv in enumerate(self.convs):
            x = torch.relu(conv(x))
            if place == str(i + 1):
                act = x
            if i % 2 == 0:
                x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = torch.relu(self.fcs[0](x))
        x = torch.relu(self.fcs[1](x))
        return self.fcs[2](x), act


class Hooked(nn.Module):
    """A torchvision network whose places are named modules' outputs."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, place=None):
        kept = {}
        h = None
        if place is not None:
            h = dict(self.model.named_modules())[place].register_forward_hook(lambda m, i, o: kept.update(a=o))
        out = self.model(x)
        if h is not None:
            h.remove()
        return out, kept.get("a")


def study_model():
    return Study(load_safetensors(os.path.join(ROOT, "weights", "model.safetensors"))).eval()


def resnet_model_and_input():
    spec = importlib.util.spec_from_file_location("fixtures", os.path.join(ROOT, "scripts", "make-onnx-fixtures.py"))
    fx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fx)
    tv = torch.Generator().manual_seed(12)
    torch.manual_seed(13)
    model = fx.torchvision_models()[0][1]()
    fx.randomise_batchnorm(model, tv)
    x = torch.rand(1, 3, 64, 64, generator=tv)
    model.eval()
    with open(os.path.join(ROOT, "importer", "testdata", "resnet-opset17-bn.json")) as f:
        ref = json.load(f)
    with torch.no_grad():
        out = model(x)
    assert max(abs(a - b) for a, b in zip(out.flatten().tolist(), ref["output"])) < 1e-6, "not the fixture's model"
    return Hooked(model), x


# ---- the CAMs, as pytorch-grad-cam computes them (numpy float32) ----
def scale_cam(cam):
    cam = np.maximum(cam, 0)
    cam = cam - np.min(cam)
    return cam / (1e-7 + np.max(cam))


def act_grad(model, x, place, cls):
    logits, act = model(x, place)
    act.retain_grad()
    model.zero_grad()
    logits[0, cls].backward()
    return act.detach().numpy(), act.grad.numpy()


def gradcam(a, g):
    w = np.mean(g, axis=(2, 3))
    return scale_cam((w[:, :, None, None] * a).sum(axis=1)[0])


def hirescam(a, g):
    return scale_cam((g * a).sum(axis=1)[0])


def gradcampp(a, g):
    g2 = g ** 2
    g3 = g2 * g
    s = np.sum(a, axis=(2, 3))
    aij = g2 / (2 * g2 + s[:, :, None, None] * g3 + 0.000001)
    aij = np.where(g != 0, aij, 0)
    w = np.sum(np.maximum(g, 0) * aij, axis=(2, 3))
    return scale_cam((w[:, :, None, None] * a).sum(axis=1)[0])


def eigencam(a):
    acts = torch.from_numpy(a[0])
    r = acts.reshape(acts.shape[0], -1).transpose(0, 1)
    r = r - r.mean(axis=0)
    _, _, vt = torch.linalg.svd(r, full_matrices=True)
    proj = (r @ vt[0, :]).numpy()
    flipped = bool(proj[np.argmax(np.abs(proj))] < 0)
    if flipped:
        proj = -proj
    return scale_cam(proj.reshape(acts.shape[1:])), flipped


def scorecam(model, x, a, cls):
    with torch.no_grad():
        up = nn.UpsamplingBilinear2d(size=x.shape[-2:])(torch.from_numpy(a))
        maxs = up.view(up.size(0), up.size(1), -1).max(dim=-1)[0][:, :, None, None]
        mins = up.view(up.size(0), up.size(1), -1).min(dim=-1)[0][:, :, None, None]
        up = (up - mins) / (maxs - mins + 1e-8)
        inputs = x[:, None, :, :] * up[:, :, None, :, :]
        scores = []
        for t in inputs:
            for i in range(0, t.size(0), 16):
                scores.extend(o[cls].item() for o in model(t[i:i + 16])[0])
        w = torch.softmax(torch.tensor(scores).view(a.shape[0], a.shape[1]), dim=-1).numpy()
    return scale_cam((w[:, :, None, None] * a).sum(axis=1)[0])


# ---- the input methods ----
def logit_grads(model, xs, cls):
    xs = xs.clone().requires_grad_(True)
    logits, _ = model(xs)
    g, = torch.autograd.grad(logits[:, cls].sum(), xs)
    return g


def integrated_gradients(model, x, cls, steps=50):
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas, sizes = 0.5 * (1 + nodes), 0.5 * weights
    xs = torch.cat([float(al) * x for al in alphas])
    g = logit_grads(model, xs, cls).double()
    total = (torch.tensor(sizes)[:, None, None, None] * g).sum(dim=0)
    attr = x[0].double() * total
    return attr.sum(dim=0).numpy()


def smoothgrad(model, x, cls, seed, samples=50):
    n = x.numel()
    sigma = 0.15 * float(x.max() - x.min())
    noise = (sigma * normal(seed, np.arange(samples * n, dtype=np.uint64))).astype(np.float32)
    xs = x + torch.from_numpy(noise).view(samples, *x.shape[1:])
    g = logit_grads(model, xs, cls).abs().double().mean(dim=0)
    return g.sum(dim=0).numpy()


def rise_masks(seed, n, h, w, s=8, p1=0.5):
    cell = np.ceil(np.array([h, w]) / s).astype(int)
    up = (s + 1) * cell
    draws = s * s + 2
    masks = np.empty((n, h, w))
    for k in range(n):
        u = uniform(seed, np.arange(k * draws, (k + 1) * draws, dtype=np.uint64))
        grid = (u[:s * s] < p1).astype("float32").reshape(s, s)
        dy, dx = int(u[s * s] * cell[0]), int(u[s * s + 1] * cell[1])
        masks[k] = resize(grid, up, order=1, mode="reflect", anti_aliasing=False)[dy:dy + h, dx:dx + w]
    return masks


def rise(model, x, cls, masks, p1=0.5):
    n, h, w = masks.shape
    m = torch.from_numpy(masks).float()[:, None]
    with torch.no_grad():
        p = torch.cat([torch.softmax(model(m[i:i + 100] * x)[0], dim=1) for i in range(0, n, 100)])
    sal = p[:, cls].double() @ torch.from_numpy(masks).reshape(n, h * w)
    return (sal / n / p1).reshape(h, w).numpy()


def rounded(a, digits=7):
    return [float(f"{v:.{digits}g}") for v in np.asarray(a, dtype=np.float64).flatten()]


def explain_picture(model, x, places, masks):
    with torch.no_grad():
        logits, _ = model(x)
    cls = int(logits.argmax())
    maps = []
    for place in places:
        a, g = act_grad(model, x, place, cls)
        eig, flipped = eigencam(a)
        for name, v in [("gradcam", gradcam(a, g)), ("hirescam", hirescam(a, g)), ("gradcam++", gradcampp(a, g)),
                        ("eigencam", eig), ("scorecam", scorecam(model, x, a, cls))]:
            entry = {"method": name, "place": place, "width": v.shape[1], "height": v.shape[0], "values": rounded(v)}
            if name == "eigencam":
                entry["lapack_sign_flipped"] = flipped
            maps.append(entry)
    for name, v in [("integrated-gradients", integrated_gradients(model, x, cls)),
                    ("smoothgrad", smoothgrad(model, x, cls, SEED)), ("rise", rise(model, x, cls, masks))]:
        maps.append({"method": name, "width": v.shape[1], "height": v.shape[0], "values": rounded(v, 6)})
    return {"class": cls, "logits": rounded(logits[0]), "probabilities": rounded(torch.softmax(logits, 1)[0]), "maps": maps}


def write(name, doc):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    masks = rise_masks(SEED, RISE_MASKS, 64, 64)
    data = os.path.join(ROOT, "..", "shared", "data", "art-images")
    study = study_model()
    pics = []
    for rel in PICTURES:
        img = Image.open(os.path.join(data, rel)).convert("RGB").resize((64, 64), Image.BILINEAR)
        pixels = np.asarray(img, dtype=np.uint8).transpose(2, 0, 1)  # CHW
        x = torch.from_numpy(pixels.astype(np.float32)) / 255
        res = explain_picture(study, x[None], ["5", "3"], masks)
        res["name"] = os.path.basename(rel)
        res["pixels"] = pixels.flatten().tolist()
        pics.append(res)
        print(rel, "class", res["class"])
    write("study", {"model": "weights/model.safetensors", "seed": SEED, "rise_masks": RISE_MASKS, "pictures": pics})

    resnet, x = resnet_model_and_input()
    # The fixture's input is torch.rand: kept as bytes here, so both sides read k/255.
    pixels = np.round(x[0].numpy() * 255).astype(np.uint8)
    x = torch.from_numpy(pixels.astype(np.float32))[None] / 255
    res = explain_picture(resnet, x, ["layer4.0", "layer2.0"], masks)
    res["name"] = "resnet-opset17-bn input, in bytes"
    res["pixels"] = pixels.flatten().tolist()
    write("resnet", {"model": "importer/testdata/resnet-opset17-bn.onnx", "seed": SEED, "rise_masks": RISE_MASKS, "pictures": [res]})


if __name__ == "__main__":
    sys.exit(main())
