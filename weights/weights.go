// Package weights holds the trained models that ArtLens ships, embedded in
// the binary so that the app works without any file beside it.
//
// model.safetensors, the study's network and the default, and
// resnet.safetensors, the companion, are produced by `artlens train` (see
// README.md, "Training the shipped model" and "The companion"); their
// metadata carries the training history and the test metrics shown in the
// app. Every .safetensors file of this folder is embedded; Shipped says
// which of them are offered, under which names.
package weights

import (
	"embed"
	"fmt"
	"strings"

	"github.com/artlens/artlens/engine"
)

//go:embed *.safetensors
var files embed.FS

// Entry is one shipped model: the name that `--model` and the window's
// File menu know it by, its file in this folder, and what it is.
type Entry struct {
	Name  string
	File  string
	About string
}

// Shipped lists the shipped models; the first is the default. A new model
// is its .safetensors file in this folder and one line here.
var Shipped = []Entry{
	{Name: "study", File: "model.safetensors", About: "the seed study's CNN (five conv layers, 64x64 pictures)"},
	{Name: "resnet", File: "resnet.safetensors", About: "a half-width ResNet-18 trained by ArtLens (batch norm, skip connections, 128x128 pictures)"},
}

// Default is the default model's file (safetensors).
var Default = mustRead(Shipped[0].File)

func mustRead(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		panic("weights: " + err.Error()) // the embed pattern and Shipped disagree: a build error
	}
	return data
}

// Model decodes the default shipped model. Each call returns a new Model.
func Model() (*engine.Model, error) {
	return engine.Load(Default)
}

// Names returns the names of the shipped models, the default first.
func Names() []string {
	names := make([]string, len(Shipped))
	for i, e := range Shipped {
		names[i] = e.Name
	}
	return names
}

// Find returns the shipped model named name (case-insensitive).
func Find(name string) (Entry, bool) {
	for _, e := range Shipped {
		if strings.EqualFold(e.Name, name) {
			return e, true
		}
	}
	return Entry{}, false
}

// Load decodes the shipped model named name; a name that is not one says
// which are. Each call returns a new Model.
func Load(name string) (*engine.Model, error) {
	e, ok := Find(name)
	if !ok {
		return nil, fmt.Errorf("no shipped model is named %q (shipped: %s)", name, strings.Join(Names(), ", "))
	}
	return e.Load()
}

// Load decodes the entry's model. Each call returns a new Model.
func (e Entry) Load() (*engine.Model, error) {
	data, err := files.ReadFile(e.File)
	if err != nil {
		return nil, fmt.Errorf("shipped model %s: %w", e.Name, err)
	}
	m, err := engine.Load(data)
	if err != nil {
		return nil, fmt.Errorf("shipped model %s: %w", e.Name, err)
	}
	return m, nil
}
