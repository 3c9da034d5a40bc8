#!/usr/bin/python3
"""Write the output-kind fixtures of package importer (importer/testdata).

- sigmoid-resnet.onnx: a small residual network (64x64 RGB, four outputs)
  whose last step is torch.sigmoid, as a multi-label tagger ends; beside it
  sigmoid-resnet.json with two pictures (8-bit pixel values, CHW; the
  network's input is pixel/255, as ArtLens gives it) and PyTorch's outputs
  for them, the independent scores ArtLens must show as they are.
- refuse-tanh.onnx: the same network ending in torch.tanh, whose outputs are
  neither probabilities nor logits: ArtLens refuses it naming Tanh.

Run from the repository root with Debian's python3-torch and python3-onnx:

    /usr/bin/python3 scripts/make-output-fixtures.py

Checked with torch 1.13 and onnx 1.12. The outputs depend on the seeds only.
"""

import json
import os

import onnx
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "importer", "testdata")


class Block(nn.Module):
    """A residual block: two 3x3 convs with batch norms, the input added."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(y)))


class Tagger(nn.Module):
    """64x64 RGB -> 4 scores: stem, two residual blocks, pooling, a linear
    layer and last(), torch.sigmoid or torch.tanh."""

    def __init__(self, last):
        super().__init__()
        self.last = last
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.layer1 = Block(8)
        self.down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.layer2 = Block(16)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        x = torch.relu(self.bn(self.stem(x)))
        x = self.layer1(x)
        x = self.layer2(torch.relu(self.down(x)))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.last(self.fc(x))


def make(last, seed):
    torch.manual_seed(seed)
    m = Tagger(last)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
    return m.eval()


def spread(m, x):
    """Set the last layer so that the two pictures' scores differ and lie
    on both sides of 0.5: weights scaled up, biases centred on the
    pictures' mean logits."""
    with torch.no_grad():
        m.fc.weight.mul_(40)
        m.fc.bias.zero_()
        mid = torch.logit(m(x)).mean(0) if m.last is torch.sigmoid else torch.atanh(m(x)).mean(0)
        m.fc.bias.copy_(-mid + torch.tensor([0.3, -0.4, -4.0, 0.1]))


def export(name, model, x):
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, (x[:1],), path, opset_version=17, input_names=["input"], output_names=["output"])
    onnx.checker.check_model(onnx.load(path))
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print(f"{name}: {os.path.getsize(path)} bytes, ops {ops}")


def main():
    # Two unlike pictures: dark fine noise, and bright 8x8 blocks of colour.
    g = torch.Generator().manual_seed(25)
    dark = torch.randint(0, 96, (1, 3, 64, 64), generator=g)
    blocks = torch.randint(96, 256, (1, 3, 8, 8), generator=g).repeat_interleave(8, 2).repeat_interleave(8, 3)
    pixels = torch.cat([dark, blocks])
    x = pixels.float() / 255
    sig = make(torch.sigmoid, 7)
    spread(sig, x)
    export("sigmoid-resnet", sig, x)
    with torch.no_grad():
        out = sig(x)
    ref = {"input_shape": [1, 3, 64, 64], "pixels": pixels.reshape(2, -1).tolist(),
           "outputs": [[round(v, 7) for v in row] for row in out.tolist()]}
    with open(os.path.join(OUT, "sigmoid-resnet.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
        f.write("\n")
    print("sigmoid-resnet outputs", ref["outputs"])
    tanh = make(torch.tanh, 7)
    spread(tanh, x)
    export("refuse-tanh", tanh, x)


if __name__ == "__main__":
    main()
