package app

import (
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/weights"
)

// loadModel returns the model in the weights file at path, or the shipped
// model when path is empty.
func loadModel(path string) (*engine.Model, error) {
	if path == "" {
		return weights.Model()
	}
	return engine.LoadFile(path)
}
