#!/usr/bin/python3
"""Export torchvision's ResNet-18 (random weights, 1,000 classes, 224x224)
to ONNX, as a user of PyTorch's transfer-learning tutorial would:

    /usr/bin/python3 scripts/export-resnet18.py /tmp/resnet18.onnx

It is the model of the README's ResNet-18 screenshots; its architecture, as
'artlens summary --arch' writes it, is graphdraw/testdata/resnet18.json.
"""

import sys

import torch
import torchvision.models as tvm

torch.manual_seed(0)
model = tvm.resnet18(num_classes=1000).eval()
torch.onnx.export(model, (torch.rand(1, 3, 224, 224),), sys.argv[1], opset_version=13,
                  input_names=["input"], output_names=["output"])
