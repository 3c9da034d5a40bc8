#!/usr/bin/python3
"""Write engine/testdata/batchnorm.json: PyTorch's BatchNorm2d and
BatchNorm1d in train mode (output, gradients of the input, weight and bias
for a given upstream gradient, the running statistics after the step) and
in eval mode (output with the updated running statistics), so that the Go
tests of engine's batch norm compare with PyTorch without Python.

Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 scripts/make-batchnorm-fixture.py

The values are float32 numbers (what ArtLens holds); PyTorch computes in
float64 on them, so the fixture is the exact answer to compare with. The
outputs depend on the seed only. Checked with torch 1.13.
"""

import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine", "testdata", "batchnorm.json")


def case(name, bn, shape, offset, scale):
    c = shape[1]
    x = (torch.randn(shape) * scale + offset).float().double().requires_grad_()
    with torch.no_grad():
        bn.weight.copy_(torch.rand(c).float() + 0.5)
        bn.bias.copy_(torch.randn(c).float())
        bn.running_mean.copy_(torch.randn(c).float())
        bn.running_var.copy_(torch.rand(c).float() + 0.5)
    bn = bn.double()
    before_mean, before_var = bn.running_mean.clone(), bn.running_var.clone()
    upstream = torch.randn(shape).float().double()
    bn.train()
    y = bn(x)
    y.backward(upstream)
    bn.eval()
    with torch.no_grad():
        y_eval = bn(x)
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    return {
        "name": name,
        "shape": list(shape),
        "eps": bn.eps,
        "momentum": bn.momentum,
        "input": flat(x),
        "weight": flat(bn.weight),
        "bias": flat(bn.bias),
        "running_mean": flat(before_mean),
        "running_var": flat(before_var),
        "upstream": flat(upstream),
        "train_output": flat(y),
        "grad_input": flat(x.grad),
        "grad_weight": flat(bn.weight.grad),
        "grad_bias": flat(bn.bias.grad),
        "new_running_mean": flat(bn.running_mean),
        "new_running_var": flat(bn.running_var),
        "eval_output": flat(y_eval),
    }


def main():
    torch.manual_seed(20)
    cases = [
        case("BatchNorm2d", nn.BatchNorm2d(3), (4, 3, 5, 4), 0.0, 1.0),
        # Values far from zero against their spread: the variance must not
        # be taken as E[x²]-E[x]² in float32.
        case("BatchNorm2d offset", nn.BatchNorm2d(2), (3, 2, 3, 3), 40.0, 0.3),
        case("BatchNorm1d", nn.BatchNorm1d(5), (6, 5), 0.5, 2.0),
    ]
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
