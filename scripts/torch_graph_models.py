#!/usr/bin/python3
"""Times torchvision's ResNet-18, MobileNetV2 and (with MODELS naming it,
vit_b_16) ViT-B/16 (random weights, eval
mode, 1,000 classes) on one 224x224 picture, as engine's
BenchmarkPredictResNet18 and BenchmarkPredictMobileNetV2 do: the best of
ROUNDS single predictions, in wall time and in the process's CPU time
(which moves less with the machine's load; with one thread it is the
arithmetic's own cost, with more it also counts threads waiting).

    /usr/bin/python3 scripts/torch_graph_models.py [THREADS] [ROUNDS] [MODELS]

MODELS is a comma-separated list (default resnet18,mobilenet_v2).
"""

import sys
import time

import torch
import torchvision

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
x = torch.rand(1, 3, 224, 224)
names = sys.argv[3].split(",") if len(sys.argv) > 3 else ["resnet18", "mobilenet_v2"]
for name in names:
    model = getattr(torchvision.models, name)(num_classes=1000).eval()
    best = cpu = float("inf")
    with torch.no_grad():
        model(x)
        for _ in range(rounds):
            t, c = time.perf_counter(), time.process_time()
            model(x)
            best = min(best, time.perf_counter() - t)
            cpu = min(cpu, time.process_time() - c)
    print(f"{name} 224 bs=1: {best * 1e3:.1f} ms ({threads} threads), CPU {cpu * 1e3:.1f} ms")
