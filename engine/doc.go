// Package engine runs convolutional networks on gorgonia, chains of layers
// (the seed study's network) and graphs (residual joins, concatenations,
// squeeze-excitation: every torchvision CNN family that package importer
// opens): the model, its forward pass with every place's activations, its
// training graph, its weights file (safetensors with JSON metadata) and the
// layer summary.
//
// A network is described by an Arch: its input (1 or 3 channels, any
// height and width, values in [0,1] in CHW order, see package picture),
// an optional per-channel normalisation, and a list of layers, each reading
// the one before or the layers its Inputs name, from a fixed set of kinds
// (the Conv2D, pooling, BatchNorm, Dense and Softmax of a chain, and the
// joins, activations, shuffles and slices of a graph: see the constants
// beside Conv2D). The seed study's network is StudyArch; weights
// files that hold no architecture are of that network. The model returns
// the probabilities of the classes named in its metadata. Places (the
// conv layers of a chain, numbered from 1 in order, 1..5 for the study; a
// graph's block outputs and the global pooling's input) hold the maps a
// user sees; a conv layer's activations are
// taken after the batch norm and the ReLU that follow them, if they do
// (what a block of conv, batch norm and ReLU hands on).
// LayerGradient gives the gradient of one class's logit with respect to a
// conv layer's activations, for Grad-CAM (package explain).
//
// gorgonia builds each graph (graph.go) and differentiates it; the layers
// that carry the arithmetic are the gorgonia ops of package engine/nn,
// whose matrix products run in package internal/sgemm. Benchmarks: bench_test.go, and scripts/bench-vs-pytorch.sh
// for the comparison with PyTorch.
//
// The package imports no GUI code, so the command line, the tests and the
// desktop app share it.
package engine
