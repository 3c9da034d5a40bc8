// Package importer reads the small sequential CNNs that people train in
// PyTorch or Keras, exported to ONNX, as ArtLens models (package engine).
//
// ONNX is the one format both frameworks write: PyTorch with
// torch.onnx.export, Keras through tf2onnx. The file is a protobuf message;
// its Go types are generated from onnx.proto into internal/onnxpb. Import
// walks the graph as one chain of layers from the input picture to the
// class scores, folds the shape arithmetic PyTorch writes for
// x.view(x.size(0), -1), and maps each node onto an engine layer. A graph
// that is not such a chain, or uses an op outside the set (Supported), is
// refused before anything is written, with a message that names the op and
// the node. Nothing runs outside Go: no onnxruntime, no Python.
//
// The package imports no GUI code.
package importer
