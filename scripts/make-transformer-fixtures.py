#!/usr/bin/python3
"""Write the transformer-era fixtures of package importer (importer/testdata):
torchvision's ConvNeXt (and, as they open, ViT and Swin) in small
configurations with random weights, exported at two opsets (13: LayerNorm
written op by op and a dynamic batch axis; 17: LayerNormalization), beside
a JSON file with one input picture and PyTorch's output for it, as
scripts/make-onnx-fixtures.py does for the CNNs.

Run from the repository root with Debian's python3-torch (1.13),
python3-torchvision (0.14) and python3-onnx (1.12):

    /usr/bin/python3 scripts/make-transformer-fixtures.py
    /usr/bin/python3 scripts/make-transformer-fixtures.py --vit    # the ViT ones
    /usr/bin/python3 scripts/make-transformer-fixtures.py --swin   # the Swin ones

The outputs depend on the seeds only.
"""

import json
import os
import sys

import onnx
import torch
import torch.nn as nn
from torchvision.models import convnext, maxvit, swin_transformer, vision_transformer

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "importer", "testdata")


def randomise(model, gen):
    """Give LayerNorms and ConvNeXt's layer scales values far from their
    start (ones, zeros, 1e-6), so that every one of them shows in the output."""
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            n = m.normalized_shape[0]
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.2)
        if isinstance(m, convnext.CNBlock):
            m.layer_scale.data.copy_(torch.rand(m.layer_scale.shape, generator=gen) + 0.5)


def export(name, model, x, opset, dynamic=False):
    """Export model at opset with PyTorch's output for x beside it."""
    model.eval()
    path = os.path.join(OUT, name + ".onnx")
    kw = {}
    if dynamic:
        kw["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["input"], output_names=["output"], **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{name}: opset {opset}, {os.path.getsize(path)} bytes, ops {ops}")
    with torch.no_grad():
        out = model(x)
    ref = {"input_shape": list(x.shape), "input": [round(v, 7) for v in x.flatten().tolist()],
           "output": [round(v, 7) for v in out.flatten().tolist()]}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")


class LayerNormHead(nn.Module):
    """A convolution, then a LayerNorm or a GELU of the flattened maps
    before the classifier."""

    def __init__(self, gelu):
        super().__init__()
        self.gelu = gelu
        self.conv = nn.Conv2d(1, 2, 3)
        self.norm = nn.LayerNorm(72)
        self.fc = nn.Linear(72, 2)

    def forward(self, x):
        x = torch.flatten(self.conv(x), 1)
        x = nn.functional.gelu(x) if self.gelu else self.norm(x)
        return self.fc(x)


class RowLSTM(nn.Module):
    """An LSTM over the rows of a picture: a recurrent network, refused."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 4, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(x.view(x.size(0), 8, 8))
        return self.fc(out[:, -1])


def small_convnext(classes):
    """torchvision's ConvNeXt with two stages of one block (8 and 16
    channels): stem, blocks, downsampling, head as in convnext_tiny."""
    cfg = [convnext.CNBlockConfig(8, 16, 1), convnext.CNBlockConfig(16, None, 1)]
    return convnext.ConvNeXt(cfg, num_classes=classes)


def small_vit(classes):
    """torchvision's VisionTransformer on 32x32 pictures: 8x8 patches (a
    4x4 grid and the class token), 2 layers of 2 heads, 32 channels, MLP 64."""
    return vision_transformer.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2,
                                                hidden_dim=32, mlp_dim=64, num_classes=classes)


def randomise_vit(model, gen):
    """The class token, position embedding and head start at zeros or
    small values (the head at zeros: every output would be 0)."""
    model.heads.head.weight.data.copy_(torch.randn(model.heads.head.weight.shape, generator=gen) * 0.3)
    for name, p in model.named_parameters():
        if name.endswith("bias") and "ln" not in name:  # zeros, or 1e-6 in the MLP
            p.data.copy_(torch.randn(p.shape, generator=gen) * 0.2)
    model.class_token.data.copy_(torch.randn(model.class_token.shape, generator=gen) * 0.5)
    model.encoder.pos_embedding.data.copy_(torch.randn(model.encoder.pos_embedding.shape, generator=gen) * 0.5)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--vit":
        vit()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--swin":
        swin()
        return
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20)
    gen = torch.Generator().manual_seed(21)
    model = small_convnext(5)
    randomise(model, gen)
    x = torch.rand(1, 3, 32, 32, generator=gen)
    export("convnext-opset13", model, x, 13, dynamic=True)
    export("convnext-opset17", model, x, 17)
    head = LayerNormHead(False)
    randomise(head, gen)
    x8 = torch.rand(1, 1, 8, 8, generator=gen)
    export("layernorm-head-opset13", head, x8, 13)
    export("layernorm-head-opset17", head, x8, 17)
    export("gelu-head-opset17", LayerNormHead(True), x8, 17)
    RowLSTM().eval()
    torch.onnx.export(RowLSTM().eval(), (x8,), os.path.join(OUT, "refuse-lstm.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"])
    big = small_convnext(1000)
    randomise(big, gen)
    export("convnext-1000-opset17", big, x, 17)
    # MaxViT (one small stage), refused by its Einsum.
    mv = maxvit.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[16], block_layers=[1],
                       head_dim=8, stochastic_depth_prob=0.0, num_classes=5).eval()
    torch.onnx.export(mv, (torch.rand(1, 3, 32, 32, generator=gen),), os.path.join(OUT, "refuse-maxvit.onnx"),
                      opset_version=17, input_names=["input"], output_names=["output"])


def vit():
    torch.manual_seed(30)
    gen = torch.Generator().manual_seed(31)
    model = small_vit(5)
    randomise(model, gen)
    randomise_vit(model, gen)
    x = torch.rand(1, 3, 32, 32, generator=gen)
    export("vit-opset13", model, x, 13, dynamic=True)
    export("vit-opset17", model, x, 17)
    vit_explain(model, x, "vit-opset17-explain")


def vit_explain(model, x, name):
    """Write PyTorch's attention of each block (from its ln_1 output and
    in-projection: MultiheadAttention with need_weights=False gives none),
    attention rollout (Abnar and Zuidema: per block the heads' mean,
    (A + I)/2 renormalised by rows, multiplied from the first block to the
    last; the class token's row on the grid, divided by its maximum) and
    Grad-CAM at the last block's ln_1 (patch tokens on their grid, the
    class token dropped, as pytorch-grad-cam's reshape_transform does) for
    the predicted class."""
    model.eval()
    kept = []
    hooks = [layer.ln_1.register_forward_hook(lambda m, i, o: kept.append(o)) for layer in model.encoder.layers]
    out = model(x)
    for h in hooks:
        h.remove()
    cls = int(out.argmax())
    probs = []
    with torch.no_grad():
        for layer, ln in zip(model.encoder.layers, kept):
            mha = layer.self_attention
            heads, c = mha.num_heads, mha.embed_dim
            d = c // heads
            qkv = ln[0] @ mha.in_proj_weight.T + mha.in_proj_bias
            q, k = qkv[:, :c], qkv[:, c:2 * c]
            q = q.reshape(-1, heads, d).transpose(0, 1)
            k = k.reshape(-1, heads, d).transpose(0, 1)
            probs.append(torch.softmax(q @ k.transpose(1, 2) / d ** 0.5, dim=-1))
        t = probs[0].shape[-1]
        r = torch.eye(t)
        for a in probs:
            a = (a.mean(0) + torch.eye(t)) / 2
            a = a / a.sum(-1, keepdim=True)
            r = a @ r
        roll = r[0, 1:]
        roll = roll / roll.max()
    act = kept[-1]
    act.retain_grad()
    out[0, cls].backward()
    grid = int(round((t - 1) ** 0.5))
    a = act[0, 1:, :].reshape(grid, grid, -1).permute(2, 0, 1)
    g = act.grad[0, 1:, :].reshape(grid, grid, -1).permute(2, 0, 1)
    cam = torch.relu((g.mean(dim=(1, 2), keepdim=True) * a).sum(0))
    cam = cam / cam.max()
    ref = {"class": cls, "attention": [[round(v, 7) for v in p.flatten().tolist()] for p in probs],
           "rollout": [round(v, 7) for v in roll.tolist()], "gradcam": [round(v, 7) for v in cam.flatten().tolist()]}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")
    print(f"{name}: class {cls}, rollout and Grad-CAM on {grid}x{grid}")


def small_swin(classes):
    """torchvision's SwinTransformer on 32x32 pictures: 2x2 patches (a
    16x16 grid), 12 channels, two stages of two blocks (2 and 4 heads),
    windows of 4x4, so that each stage's second block is shifted (by 2)
    and a PatchMerging runs between them (an 8x8 grid of 24 channels)."""
    return swin_transformer.SwinTransformer(patch_size=[2, 2], embed_dim=12, depths=[2, 2], num_heads=[2, 4],
                                            window_size=[4, 4], stochastic_depth_prob=0.0, num_classes=classes)


def randomise_swin(model, gen):
    """The relative position bias tables start at std 0.02, the MLPs'
    biases at 1e-6 and the head's bias at zeros: give them values that
    show in the output."""
    for name, p in model.named_parameters():
        if name.endswith("relative_position_bias_table"):
            p.data.copy_(torch.randn(p.shape, generator=gen) * 0.5)
        elif name.endswith("bias") and "norm" not in name:
            p.data.copy_(torch.randn(p.shape, generator=gen) * 0.2)


def shrink(name):
    """Rename the values of an exported file with short names and drop the
    names of its Constant nodes (the importer names layers after the other
    nodes), so that a Swin's 2,400 nodes of shape arithmetic fit the
    fixture's budget; the graph is the same."""
    path = os.path.join(OUT, name + ".onnx")
    m = onnx.load(path)
    g = m.graph
    keep = {v.name for v in g.input} | {v.name for v in g.output}
    short = {}

    def rename(v):
        if v == "" or v in keep:
            return v
        return short.setdefault(v, "v%x" % len(short))

    for t in g.initializer:
        t.name = rename(t.name)
    for v in g.input:
        v.name = rename(v.name)
    for n in g.node:
        if n.op_type == "Constant":
            n.name = ""
        for k, v in enumerate(n.input):
            n.input[k] = rename(v)
        for k, v in enumerate(n.output):
            n.output[k] = rename(v)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    print(f"{name}: shrunk to {os.path.getsize(path)} bytes")


def swin():
    torch.manual_seed(40)
    gen = torch.Generator().manual_seed(41)
    model = small_swin(5)
    randomise(model, gen)
    randomise_swin(model, gen)
    x = torch.rand(1, 3, 32, 32, generator=gen)
    export("swin-opset13", model, x, 13, dynamic=True)
    shrink("swin-opset13")
    export("swin-opset17", model, x, 17)
    shrink("swin-opset17")
    swin_explain(model, x, "swin-opset17-explain")
    # Maps of 18x18 in windows of 4x4: torchvision pads them to 20x20
    # (the padding's tokens take part as keys and values) and crops the
    # result.
    pad = swin_transformer.SwinTransformer(patch_size=[2, 2], embed_dim=12, depths=[2], num_heads=[2], window_size=[4, 4],
                                           stochastic_depth_prob=0.0, num_classes=5)
    randomise(pad, gen)
    randomise_swin(pad, gen)
    export("swin-pad-opset17", pad, torch.rand(1, 3, 36, 36, generator=gen), 17)
    shrink("swin-pad-opset17")


def swin_explain(model, x, name):
    """Write Grad-CAM at the final norm before the pooling (pytorch-grad-cam's
    choice for Swin: model.norm, its (1, H, W, C) output's channels as maps)
    for the predicted class, and each stage's blocks' outputs for the first
    picture, as maps (C, H, W)."""
    model.eval()
    kept, blocks = [], []
    hook = model.norm.register_forward_hook(lambda m, i, o: kept.append(o))
    hooks = [b.register_forward_hook(lambda m, i, o: blocks.append(o.detach()))
             for stage in model.features[1::2] for b in stage]
    out = model(x)
    hook.remove()
    for h in hooks:
        h.remove()
    cls = int(out.argmax())
    act = kept[0]
    act.retain_grad()
    out[0, cls].backward()
    a = act[0].permute(2, 0, 1)
    g = act.grad[0].permute(2, 0, 1)
    cam = torch.relu((g.mean(dim=(1, 2), keepdim=True) * a).sum(0))
    cam = cam / cam.max()
    ref = {"class": cls, "gradcam": [round(v, 7) for v in cam.flatten().tolist()], "gradcam_shape": list(cam.shape),
           "blocks": [[round(v, 6) for v in b[0].permute(2, 0, 1).flatten().tolist()] for b in blocks],
           "block_shapes": [list(b[0].permute(2, 0, 1).shape) for b in blocks]}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(ref, f)
        f.write("\n")
    print(f"{name}: class {cls}, Grad-CAM on {list(cam.shape)}, {len(blocks)} blocks")


if __name__ == "__main__":
    main()
