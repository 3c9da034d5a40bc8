package app

import (
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// loadModel returns the model in the weights file at path, or the shipped
// model when path is empty. An .onnx file is imported on the fly, with
// generic class names (artlens import writes a file with real ones).
func loadModel(path string) (*engine.Model, error) {
	if path == "" {
		return weights.Model()
	}
	if strings.EqualFold(filepath.Ext(path), ".onnx") {
		return importer.ImportFile(path, importer.Options{})
	}
	return engine.LoadFile(path)
}
