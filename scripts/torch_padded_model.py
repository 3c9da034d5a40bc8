"""PyTorch timing of engine.BenchmarkPredictPadded's network: "same"
padding, batch norm and global average pooling, as imported models have
them. Run by scripts/bench-vs-pytorch.sh; prints the best of 30 single
predictions like ../shared/bench/torch_seed_model.py."""
import sys, time, torch, torch.nn as nn
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
def conv(i, o):
    return [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU()]
m = nn.Sequential(*conv(3, 32), nn.MaxPool2d(2), *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),
                  *conv(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 4)).eval()
x = torch.randn(1, 3, 64, 64)
best = 1e9
with torch.no_grad():
    for _ in range(30):
        t = time.perf_counter(); m(x); best = min(best, time.perf_counter() - t)
print(f"padded infer bs=1: {best*1e3:.2f} ms")
