"""The companion network (training.ResNetArch: torchvision's ResNet-18 at half
width, 128x128 pictures, four classes) in PyTorch: one optimizer step on a
batch of 64, timed as ../shared/bench/torch_seed_model.py times the study's.
Compare with `go test -run '^$' -bench TrainStepResNet ./training`.

    python3 scripts/torch_resnet_train.py [threads]
"""
import sys, time, torch, torch.nn as nn
from torchvision.models.resnet import BasicBlock, ResNet

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)


class HalfResNet18(ResNet):
    """torchvision's ResNet-18 with 32-64-128-256 filters instead of 64-...-512."""

    def __init__(self, classes=4):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = 32, 1, 1, 64
        self.conv1 = nn.Conv2d(3, 32, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(BasicBlock, 32, 2)
        self.layer2 = self._make_layer(BasicBlock, 64, 2, stride=2)
        self.layer3 = self._make_layer(BasicBlock, 128, 2, stride=2)
        self.layer4 = self._make_layer(BasicBlock, 256, 2, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(256, classes)


m = HalfResNet18()
print("params", sum(p.numel() for p in m.parameters()),
      "with running statistics", sum(t.numel() for n, t in m.state_dict().items() if not n.endswith("num_batches_tracked")))


def best(f, n=8):
    b = 1e9
    for _ in range(n):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b


x = torch.randn(64, 3, 128, 128); y = torch.randint(0, 4, (64,))
opt = torch.optim.Adam(m.parameters()); lossf = nn.CrossEntropyLoss(); m.train()


def step():
    opt.zero_grad(); l = lossf(m(x), y); l.backward(); opt.step()


step()
t = best(step, 5)
print(f"resnet train bs=64 step: {t*1e3:.1f} ms  = {64/t:.1f} img/s")
