#!/usr/bin/python3
"""Export torchvision's vit_b_16 (random weights, 1,000 classes, 224x224)
to ONNX at opset 17, for the benchmarks (330 MB: write it to /tmp, never
commit it).

    /usr/bin/python3 scripts/export-vit-b16.py /tmp/vit_b_16.onnx
"""

import sys

import torch
import torchvision

torch.manual_seed(0)
model = torchvision.models.vit_b_16(num_classes=1000).eval()
torch.onnx.export(model, (torch.rand(1, 3, 224, 224),), sys.argv[1], opset_version=17,
                  input_names=["input"], output_names=["output"])
