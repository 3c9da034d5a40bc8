#!/usr/bin/python3
"""Export torchvision's swin_t (random weights, 1,000 classes, 224x224) to
ONNX at opset 17 with PyTorch's output for one random picture beside it,
for the check by hand that the full network opens and agrees (110 MB:
write it to /tmp, never commit it):

    /usr/bin/python3 scripts/check-swin-t.py /tmp/swin_t
    ARTLENS_SWIN_ONNX=/tmp/swin_t go test ./importer -run TestImportSwinT -v

The Go test reads /tmp/swin_t.onnx and /tmp/swin_t.json.
"""

import json
import sys

import torch
import torchvision

torch.manual_seed(0)
model = torchvision.models.swin_t(num_classes=1000).eval()
x = torch.rand(1, 3, 224, 224)
torch.onnx.export(model, (x,), sys.argv[1] + ".onnx", opset_version=17, input_names=["input"], output_names=["output"])
with torch.no_grad():
    out = model(x)
with open(sys.argv[1] + ".json", "w") as f:
    json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(), "output": out.flatten().tolist()}, f)
print("exported", sys.argv[1] + ".onnx")
