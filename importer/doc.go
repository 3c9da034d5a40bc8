// Package importer reads the networks people export to ONNX from PyTorch
// (torch.onnx.export: every torchvision CNN family, and their own) as
// ArtLens models (package engine), chains or graphs.
//
// The file is a protobuf message; its Go types are generated from
// onnx.proto into internal/onnxpb. Import walks the graph from the input
// picture to the class scores, tracking each ONNX value with the layer that
// makes it, folds the shape arithmetic PyTorch writes (for
// x.view(x.size(0), -1), say), and maps each node onto an engine layer.
// Keras models exported through tf2onnx use the same ops but are not
// tested: TensorFlow and tf2onnx are not to be had where ArtLens is built. A graph
// that is not such a chain, or uses an op outside the set (Supported), is
// refused before anything is written, with a message that names the op and
// the node. Nothing runs outside Go: no onnxruntime, no Python.
//
// The package imports no GUI code.
package importer
