"""Exports the untrained grayscale CNN (48x48, four conv layers, batch norm,
average and global pooling) shown in imported-model.png, as a PyTorch user
would: run with /usr/bin/python3 (Debian's python3-torch); make.sh imports
and shows it when ONNX_SHOT=1."""
import torch, torch.nn as nn
torch.manual_seed(3)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 24, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(24, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(48, 4)
    def forward(self, x):
        x = self.f(x)
        return torch.softmax(self.fc(x.view(x.size(0), -1)), 1)
m = Net().eval()
torch.onnx.export(m, torch.rand(1, 1, 48, 48), "gray48.onnx", opset_version=17, input_names=["input"], output_names=["output"], training=torch.onnx.TrainingMode.PRESERVE)
