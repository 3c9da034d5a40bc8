// Package nn holds the gorgonia operations for neural networks that
// package engine builds its graphs from: convolution (grouped, with a
// batch norm and a Clip folded in for inference), max and average
// pooling, dense layers, batch norm in PyTorch's train mode, per-channel
// scale and shift, layer norm, dropout by a mask, flatten and softmax, the
// joins of a graph (Add and Mul with a per-channel spread, Concat,
// channel shuffles and slices), activations value by value (Clip,
// sigmoids, HardSwish, GELU), a transformer's tokens and multi-head
// self-attention, and a Swin's shifted-window attention. gorgonia keeps its own in ops/nn; these replace
// gorgonia's Conv2d, MaxPool2D, Mul and the broadcast additions and ReLUs
// around them.
//
// gorgonia allocates every op's output and scratch memory on every run
// (about 1,500 allocations and 10 MB per prediction); these ops keep
// their output and scratch buffers from run to run, fuse the bias and the
// ReLU into the layer, and run their matrix products through package
// internal/sgemm, one product per image (window.go: a convolution's
// im2col matrix read in place, never written out; packed.go: the kernels
// packed once per version of the weights and shared by a model's
// inference graphs, KernelStore). They differentiate symbolically
// (SymDiff) into more such ops, so gorgonia's Grad and Backpropagate work
// as before.
//
// An op's output tensor is its own and is rewritten by the next run of the
// graph: readers copy what they keep (engine's Predict does).
//
// Each file holds one family: conv_op.go, pool_op.go, dense_op.go
// (dense layers and the matrix product), batchnorm_op.go, affine_op.go,
// layernorm_op.go, dropout_op.go, flatten_op.go, softmax_op.go,
// graph_op.go (joins, shuffles, slices, activations), token_op.go
// (tokens and attention), swin.go (Swin's shifted-window attention and
// patch merge); op_common.go has what they share. The
// constructors take what a layer needs (a name, a Window, flags), not
// engine's layer types: nn imports nothing of engine. Their checks
// against PyTorch and against gorgonia's own ops are engine's tests
// (reference_test.go, ops_test.go), which build whole networks.
package nn
