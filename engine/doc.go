// Package engine runs small sequential convolutional networks on gorgonia:
// the model, its forward pass with every conv layer's activations, its
// training graph, its weights file (safetensors with JSON metadata) and the
// layer summary.
//
// A network is described by an Arch: its input (1 or 3 channels, any
// height and width, values in [0,1] in CHW order, see package picture),
// an optional per-channel normalisation, and a list of layers from a fixed
// set (Conv2D, ReLU, MaxPool, AvgPool, GlobalAvgPool, BatchNorm, Dropout,
// Flatten, Dense, Softmax). The seed study's network is StudyArch; weights
// files that hold no architecture are of that network. The model returns
// the probabilities of the classes named in its metadata. Conv layers are
// numbered from 1 in order (1..5 for the study); their activations are
// taken after the batch norm and the ReLU that follow them, if they do
// (what a block of conv, batch norm and ReLU hands on).
// LayerGradient gives the gradient of one class's logit with respect to a
// conv layer's activations, for Grad-CAM (package explain).
//
// gorgonia builds each graph and differentiates it; the layers that carry
// the arithmetic are the package's own gorgonia ops (conv_op.go and its
// neighbours, see op_common.go), whose matrix products run in package
// internal/sgemm. Benchmarks: bench_test.go, and scripts/bench-vs-pytorch.sh
// for the comparison with PyTorch.
//
// The package imports no GUI code, so the command line, the tests and the
// desktop app share it.
package engine
