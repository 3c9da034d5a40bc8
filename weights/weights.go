// Package weights holds the trained model that ArtLens ships, embedded in
// the binary so that the app works without any file beside it.
//
// model.safetensors is produced by `artlens train` (see README.md, "Training
// the shipped model"); its metadata carries the training history and the
// test metrics shown in the app.
package weights

import (
	_ "embed"

	"github.com/artlens/artlens/engine"
)

// Default is the shipped model file (safetensors).
//
//go:embed model.safetensors
var Default []byte

// Model decodes the shipped model. Each call returns a new Model.
func Model() (*engine.Model, error) {
	return engine.Load(Default)
}
