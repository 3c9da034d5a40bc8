#!/usr/bin/python3
"""Write the ONNX fixtures of package importer (importer/testdata).

Each fixture is a small PyTorch model with random weights, exported with
torch.onnx.export, beside a JSON file with one input picture and PyTorch's
own output for it, so that the Go tests compare ArtLens with PyTorch without
needing Python. Refusal cases (ops ArtLens does not run) have no JSON.

Run from the repository root with Debian's python3-torch and python3-onnx:

    /usr/bin/python3 scripts/make-onnx-fixtures.py
    /usr/bin/python3 scripts/make-onnx-fixtures.py --resnet18 /tmp/resnet18.onnx   # for the benchmarks

Checked with torch 1.13 and onnx 1.12. The outputs depend on the seeds only.
"""

import json
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision.models as tvm
from torchvision.models import densenet, efficientnet, mobilenetv2, mobilenetv3, regnet, resnet, shufflenetv2, squeezenet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "importer", "testdata")


class Tiny(nn.Module):
    """A 1-channel 12x10 network with padding, strides, batch norm, both
    average poolings (padding counted and not), max pooling with padding,
    global pooling and PyTorch's flatten idiom."""

    def __init__(self, view):
        super().__init__()
        self.view = view
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.pool2 = nn.MaxPool2d(3, stride=1, padding=1)
        self.pool3 = nn.AvgPool2d(3, stride=1, padding=1)  # count_include_pad=True
        self.pool4 = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.conv3 = nn.Conv2d(6, 5, 1)
        self.bn3 = nn.BatchNorm2d(5, eps=1e-3)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(0.3)
        self.fc1 = nn.Linear(5, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.conv2(x))
        x = self.pool4(self.pool3(self.pool2(x)))
        x = torch.relu(self.bn3(self.conv3(x)))
        x = self.gap(x)
        x = x.view(x.size(0), -1) if self.view else torch.flatten(x, 1)
        x = torch.relu(self.fc1(self.drop(x)))
        return torch.softmax(self.fc2(x), dim=1)


class Study(nn.Module):
    """The seed study's network (64x64 RGB, 4 classes) in PyTorch."""

    def __init__(self):
        super().__init__()
        chans = [3, 32, 64, 64, 128, 128]
        self.convs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3) for i in range(5))
        self.fc1 = nn.Linear(2048, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 4)
        self.drop1 = nn.Dropout(0.25)
        self.drop2 = nn.Dropout(0.3)

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            x = torch.relu(conv(x))
            if i % 2 == 0:
                x = self.drop1(torch.max_pool2d(x, 2))
        x = x.view(x.size(0), -1)
        x = self.drop2(torch.relu(self.fc1(x)))
        x = torch.relu(self.fc2(x))
        return torch.softmax(self.fc3(x), dim=1)


class ChannelsLast(nn.Module):
    """A network written the way tf2onnx converts a Keras model: the input
    is NHWC and transposed to NCHW for the convolutions, the maps are
    transposed back before the flatten (so the dense kernel's rows are in
    height-width-channel order), and the dense layers are MatMul + Add."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.w1 = nn.Parameter(torch.randn(2 * 3 * 6, 5) * 0.2)
        self.b1 = nn.Parameter(torch.randn(5) * 0.1)
        self.w2 = nn.Parameter(torch.randn(5, 2) * 0.5)
        self.b2 = nn.Parameter(torch.randn(2) * 0.1)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.relu(self.conv2(x))
        x = x.permute(0, 2, 3, 1)
        x = x.reshape(x.size(0), -1)
        x = torch.relu(x @ self.w1 + self.b1)
        return x @ self.w2 + self.b2


class MNISTStyle(nn.Module):
    """The classic PyTorch tutorial network: conv, max pool, dropout, a
    batch norm after the first dense layer (BatchNorm1d), F.log_softmax at
    the end (its scores are log-probabilities)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 5 * 5, 16)
        self.bn = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.flatten(self.drop(x), 1)
        x = torch.relu(self.bn(self.fc1(x)))
        return torch.log_softmax(self.fc2(x), dim=1)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3, padding=1)
        self.conv2 = nn.Conv2d(2, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 8 * 8, 2)

    def forward(self, x):
        y = torch.relu(self.conv1(x))
        y = y + self.conv2(y)
        return self.fc(torch.flatten(y, 1))


class Sigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(2 * 6 * 6, 2)

    def forward(self, x):
        return self.fc(torch.flatten(torch.sigmoid(self.conv(x)), 1))


class Grouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 4, 3, groups=2)
        self.fc = nn.Linear(4 * 4 * 4, 2)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv2(torch.relu(self.conv1(x))), 1))


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 2)

    def forward(self, x, y):
        return self.fc(torch.flatten(x, 1)) + y


class Transformed(nn.Module):
    """GoogLeNet's transform_input (torchvision's own _transform_input:
    each channel gathered, scaled and shifted, the three concatenated),
    then a small CNN."""

    def __init__(self):
        super().__init__()
        self.transform_input = True
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        gnm = sys.modules["torchvision.models.googlenet"]
        x = gnm.GoogLeNet._transform_input(self, x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(torch.relu(self.conv(x)), 1), 1))


def transformed():
    torch.manual_seed(15)
    export("transform-input-opset13", Transformed(), [torch.rand(1, 3, 12, 12)], 13)


def shufflenet():
    """torchvision's shufflenet_v2_x0_5 (its own builder, random weights,
    5 classes, 64x64 pictures): channel shuffles (Reshape to 5-D,
    Transpose, Reshape) and torch.chunk's halves (Slice), at opset 13 with
    batch norms folded and at opset 17 with them kept and a dynamic batch."""
    torch.manual_seed(16)
    gen = torch.Generator().manual_seed(17)
    model = shufflenetv2.shufflenet_v2_x0_5(num_classes=5)
    randomise_batchnorm(model, gen)
    x = torch.rand(1, 3, 64, 64, generator=gen)
    export("shufflenet-v2-x0-5-opset13", model, [x], 13)
    export("shufflenet-v2-x0-5-opset17-bn", model, [x], 17, dynamic=True, preserve=True)


def resnet18(path):
    """Write torchvision's whole ResNet-18 (random weights, batch-norm
    statistics randomised, 1,000 classes, 224x224 pictures, opset 17) to
    path, outside the repository (45 MB): the network of the speed and
    memory figures (scripts/bench-vs-pytorch.sh, the README)."""
    torch.manual_seed(18)
    gen = torch.Generator().manual_seed(19)
    model = tvm.resnet18(num_classes=1000)
    randomise_batchnorm(model, gen)
    model.eval()
    torch.onnx.export(model, (torch.rand(1, 3, 224, 224, generator=gen),), path, opset_version=17,
                      input_names=["input"], output_names=["output"])
    print(f"{path}: {os.path.getsize(path)} bytes")


def torchvision_models():
    """torchvision's own architectures (its classes, random weights), made
    small where the constructor allows it (width multipliers, growth rate,
    RegNet's block parameters) so that the fixtures stay small; 5 classes.
    ResNet and GoogLeNet have no width parameter: ResNet is the BasicBlock
    network with one block per stage (ResNet-18 has two), GoogLeNet is
    whole (22 MB, written once)."""
    gnm = sys.modules["torchvision.models.googlenet"]
    conf3, last3 = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25)
    confe, laste = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.34)
    blocks = regnet.BlockParams.from_init_params(depth=4, w_0=16, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25)
    return [
        ("resnet", lambda: resnet.ResNet(resnet.BasicBlock, [1, 1, 1, 1], num_classes=5)),
        ("mobilenet-v2", lambda: mobilenetv2.MobileNetV2(num_classes=5, width_mult=0.25)),
        ("mobilenet-v3-small", lambda: mobilenetv3.MobileNetV3(conf3, last3, num_classes=5)),
        ("efficientnet-b0", lambda: efficientnet.EfficientNet(confe, 0.2, last_channel=laste, num_classes=5)),
        ("squeezenet1-1", lambda: squeezenet.squeezenet1_1(num_classes=5)),
        ("densenet", lambda: densenet.DenseNet(growth_rate=8, block_config=(2, 2, 2), num_init_features=16, bn_size=2, num_classes=5)),
        ("googlenet", lambda: gnm.GoogLeNet(num_classes=5, aux_logits=False, init_weights=True)),
        ("regnet-y", lambda: regnet.RegNet(blocks, num_classes=5, stem_width=16)),
    ]


def randomise_batchnorm(model, gen):
    """Give batch norms statistics and affine weights that are not the identity."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.3)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.2)


def export(name, model, inputs, opset, dynamic=False, reference=True, preserve=False):
    """Export model at opset; with preserve, batch norms stay BatchNormalization
    nodes (an eval export folds them into the convolutions before them)."""
    model.eval()
    path = os.path.join(OUT, name + ".onnx")
    names = ["input"] if len(inputs) == 1 else ["input", "extra"]
    kw = {}
    if preserve:
        kw["training"] = torch.onnx.TrainingMode.PRESERVE
    if dynamic:
        kw["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, tuple(inputs), path, opset_version=opset, input_names=names,
                      output_names=["output"], **kw)
    onnx.checker.check_model(onnx.load(path))
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print(f"{name}: opset {opset}, {os.path.getsize(path)} bytes, ops {ops}")
    if reference:
        with torch.no_grad():
            out = model(*inputs)
        ref = {"input_shape": list(inputs[0].shape), "input": [round(v, 7) for v in inputs[0].flatten().tolist()],
               "output": [round(v, 7) for v in out.flatten().tolist()]}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(ref, f)
            f.write("\n")


def add_identity_and_dropout(name, opset):
    """Insert an Identity after the first Relu and a Dropout before the first
    Gemm of a fixture: PyTorch drops both from an inference export, but
    other exporters write them, and they change nothing at inference."""
    path = os.path.join(OUT, name + ".onnx")
    m = onnx.load(path)
    g = m.graph
    nodes = list(g.node)
    relu = next(i for i, n in enumerate(nodes) if n.op_type == "Relu")
    out = nodes[relu].output[0]
    nodes[relu].output[0] = out + "_pre_identity"
    ident = onnx.helper.make_node("Identity", [out + "_pre_identity"], [out], name="identity_after_relu")
    nodes.insert(relu + 1, ident)
    gemm = next(i for i, n in enumerate(nodes) if n.op_type == "Gemm")
    x = nodes[gemm].input[0]
    if opset >= 12:
        ratio = onnx.helper.make_tensor("dropout_ratio", onnx.TensorProto.FLOAT, [], [0.3])
        g.initializer.append(ratio)
        drop = onnx.helper.make_node("Dropout", [x, "dropout_ratio"], [x + "_dropped"], name="dropout_before_gemm")
    else:
        drop = onnx.helper.make_node("Dropout", [x], [x + "_dropped"], name="dropout_before_gemm", ratio=0.3)
    nodes[gemm].input[0] = x + "_dropped"
    nodes.insert(gemm, drop)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    print(f"{name}: added Identity and Dropout")


def slice_batch(name):
    """Rewrite the Shape, Gather, Unsqueeze chain that takes the batch out
    of a shape into Shape, Slice, as tf2onnx writes a Keras Flatten with a
    dynamic batch."""
    path = os.path.join(OUT, name + ".onnx")
    m = onnx.load(path)
    g = m.graph
    nodes = list(g.node)
    shapes = {n.output[0] for n in nodes if n.op_type == "Shape"}
    gather = next(n for n in nodes if n.op_type == "Gather" and n.input[0] in shapes)
    unsq = next(n for n in nodes if n.op_type == "Unsqueeze" and n.input[0] == gather.output[0])
    g.initializer.extend([onnx.helper.make_tensor("slice_starts", onnx.TensorProto.INT64, [1], [0]),
                          onnx.helper.make_tensor("slice_ends", onnx.TensorProto.INT64, [1], [1])])
    sl = onnx.helper.make_node("Slice", [gather.input[0], "slice_starts", "slice_ends"], [unsq.output[0]], name="slice_batch")
    i = nodes.index(gather)
    nodes = [n for n in nodes if n is not gather and n is not unsq]
    nodes.insert(i, sl)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    print(f"{name}: the batch is sliced out of the shape")


def resnet_gradcam():
    """Write PyTorch autograd's Grad-CAM ingredients for the ResNet fixture
    at layer4 (its last block's output, after the ReLU): the activation
    and the gradient of the predicted class's score with respect to it,
    for the fixture's input. The model and input are remade from the same
    seeds as in main (ResNet comes first there)."""
    tv = torch.Generator().manual_seed(12)
    torch.manual_seed(13)
    model = torchvision_models()[0][1]()
    randomise_batchnorm(model, tv)
    x = torch.rand(1, 3, 64, 64, generator=tv)
    model.eval()
    kept = {}
    model.layer4.register_forward_hook(lambda m, i, o: kept.update(act=o))
    out = model(x)
    kept["act"].retain_grad()
    cls = int(out.argmax())
    out[0, cls].backward()
    with open(os.path.join(OUT, "resnet-opset17-bn.json")) as f:
        ref = json.load(f)
    assert max(abs(a - b) for a, b in zip(out.flatten().tolist(), ref["output"])) < 1e-6, "not the fixture's model"
    act, grad = kept["act"], kept["act"].grad
    weights = grad.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights * act).sum(dim=1))[0]
    g = {"class": cls, "layer": "layer4", "activation": [round(v, 7) for v in act.flatten().tolist()],
         "gradient": [round(v, 9) for v in grad.flatten().tolist()], "cam": [round(v, 7) for v in cam.flatten().tolist()]}
    with open(os.path.join(OUT, "resnet-opset17-bn-gradcam.json"), "w") as f:
        json.dump(g, f)
        f.write("\n")
    print(f"resnet-opset17-bn-gradcam: class {cls}, cam {cam.shape}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--gradcam":
        resnet_gradcam()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--transform":
        transformed()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--shufflenet":
        shufflenet()
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--resnet18":
        resnet18(sys.argv[2])
        return
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(10)
    gen = torch.Generator().manual_seed(11)

    tiny = Tiny(view=False)
    randomise_batchnorm(tiny, gen)
    x = torch.rand(1, 1, 12, 10, generator=gen)
    export("tiny-opset11", tiny, [x], 11, preserve=True)
    export("tiny-opset17", tiny, [x], 17, preserve=True)
    tiny.view = True
    export("tiny-view-opset11", tiny, [x], 11, dynamic=True)
    export("tiny-view-opset17", tiny, [x], 17, dynamic=True)
    add_identity_and_dropout("tiny-view-opset11", 11)
    add_identity_and_dropout("tiny-view-opset17", 17)

    # The study's network at full size (5.8 MB): once, at opset 13.
    study = Study()
    x = torch.rand(1, 3, 64, 64, generator=gen)
    export("study-opset13", study, [x], 13, dynamic=True)

    cl = ChannelsLast()
    x = torch.rand(1, 8, 10, 3, generator=gen)
    export("channels-last-opset11", cl, [x], 11)
    export("channels-last-opset17", cl, [x], 17, dynamic=True)
    slice_batch("channels-last-opset17")

    mnist = MNISTStyle()
    randomise_batchnorm(mnist, gen)
    x = torch.rand(1, 1, 14, 14, generator=gen)
    export("log-softmax-opset13", mnist, [x], 13, preserve=True)

    # Refused before ArtLens ran graphs; they import now, beside
    # PyTorch's outputs.
    export("refuse-residual", Residual(), [torch.rand(1, 1, 8, 8)], 17)
    export("refuse-sigmoid", Sigmoid(), [torch.rand(1, 1, 8, 8)], 17)
    export("refuse-grouped", Grouped(), [torch.rand(1, 1, 8, 8)], 17)
    export("refuse-two-inputs", TwoInputs(), [torch.rand(1, 1, 8, 8), torch.rand(1, 2)], 17, reference=False)

    if len(sys.argv) > 1 and sys.argv[1] == "--small":
        return
    # torchvision's networks: each at opset 13 with batch norms folded,
    # and at opset 17 with them kept and a dynamic batch; the two large
    # ones once (ResNet with batch norms kept, GoogLeNet folded).
    tv = torch.Generator().manual_seed(12)
    for name, make in torchvision_models():
        torch.manual_seed(13)
        model = make()
        randomise_batchnorm(model, tv)
        x = torch.rand(1, 3, 64, 64, generator=tv)
        if name != "resnet":
            export(f"{name}-opset13", model, [x], 13)
        if name != "googlenet":
            export(f"{name}-opset17-bn", model, [x], 17, dynamic=True, preserve=True)
    shufflenet()
    # The LayerNorm and GELU heads, refused once, are made and checked by
    # make-transformer-fixtures.py (the fixtures after reseed).
    resnet_gradcam()
    transformed()


if __name__ == "__main__":
    main()
