package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// loadModel returns the model that --model names: the weights file at
// path, or, when no file is there, the shipped model of that name
// (`artlens models` lists them); the default shipped model when path is
// empty. An .onnx file is imported on the fly, with generic class names
// (artlens import writes a file with real ones).
func loadModel(path string) (*engine.Model, error) {
	if path == "" {
		return weights.Model()
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if e, ok := weights.Find(path); ok {
			return e.Load()
		}
		if !strings.ContainsAny(path, `/\.`) {
			return nil, fmt.Errorf("%s: no such file, and no shipped model of that name (shipped: %s)", path, strings.Join(weights.Names(), ", "))
		}
	}
	if strings.EqualFold(filepath.Ext(path), ".onnx") {
		return importer.ImportFile(path, importer.Options{})
	}
	return engine.LoadFile(path)
}

// modelName is how the output names the model that --model gave: the
// shipped model's name, or the file's base name.
func modelName(path string) string {
	if path == "" {
		return weights.Shipped[0].Name
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if e, ok := weights.Find(path); ok {
			return e.Name
		}
	}
	return filepath.Base(path)
}

// modelUsage is the help of the commands' --model flag.
const modelUsage = "weights `file` to use, or the name of a shipped model ('artlens models'; default: the study's)"

// modelFlags is a --model flag that may be given twice, to set two models
// side by side (predict, eval).
type modelFlags []string

func (m *modelFlags) String() string { return strings.Join(*m, ", ") }

func (m *modelFlags) Set(v string) error {
	*m = append(*m, v) // more than two: see tooMany
	return nil
}

// tooMany is the usage error of more than two models, "" when there are
// not.
func (m modelFlags) tooMany() string {
	if len(m) > 2 {
		return fmt.Sprintf("--model is given %d times: at most two models side by side", len(m))
	}
	return ""
}

// one returns the single model given ("" for the default).
func (m modelFlags) one() string {
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// isShipped says whether --model's path names a shipped model (no file
// of that name exists).
func isShipped(path string) bool {
	_, err := os.Stat(path)
	_, ok := weights.Find(path)
	return ok && errors.Is(err, fs.ErrNotExist)
}
