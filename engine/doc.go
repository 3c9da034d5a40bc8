// Package engine is the convolutional network of the seed study, built on
// gorgonia: the model, its forward pass with every layer's activations, its
// weights file (safetensors with JSON metadata) and the layer summary.
//
// The network takes one 64x64 RGB image as a float32 tensor in CHW order with
// values in [0,1] (see package picture for the conversion) and returns the
// probabilities of the classes named in its metadata. Conv layers are numbered
// 1..5 as in the study; their activations are taken after the ReLU.
//
// The package imports no GUI code, so the command line, the tests and the
// desktop app share it.
package engine
