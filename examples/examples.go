package examples

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"

	"github.com/artlens/artlens/internal/atomicfile"
)

//go:embed pictures/*.jpg
var pictures embed.FS

// Example is one shipped artwork: its embedded file and what it is.
type Example struct {
	File   string // the file's name under pictures/
	Title  string
	Artist string
	Date   string
}

// Name is the file name an example is written under: its title, artist and
// date, so that the window's list and title say what the picture is.
func (e Example) Name() string {
	return fmt.Sprintf("%s, %s, %s.jpg", e.Title, e.Artist, e.Date)
}

// Bytes returns the example's JPEG file.
func (e Example) Bytes() ([]byte, error) {
	return pictures.ReadFile("pictures/" + e.File)
}

// All are the shipped examples, in the order the window lists them (the
// first is shown first). docs/pictures/README.md records where each came
// from.
var All = []Example{
	{"starry-night.jpg", "The Starry Night", "Vincent van Gogh", "1889"},
	{"cafe-terrace-at-night.jpg", "Café Terrace at Night", "Vincent van Gogh", "1888"},
	{"pere-tanguy.jpg", "Portrait of Père Tanguy", "Vincent van Gogh", "1887"},
	{"night-cafe.jpg", "The Night Café", "Vincent van Gogh", "1888"},
	{"langlois-bridge.jpg", "The Langlois Bridge at Arles", "Vincent van Gogh", "1888"},
	{"church-at-auvers.jpg", "The Church at Auvers", "Vincent van Gogh", "1890"},
}

// DefaultDir returns the folder the window writes the examples to, in the
// user's cache folder (for example ~/.cache/artlens/examples on Linux).
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "artlens", "examples"), nil
}

// Write writes the examples es into dir (created if needed) under their
// Names and returns their paths in the same order. A file already there
// with the same size is kept, so a second "Try an example" writes nothing.
func Write(dir string, es []Example) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	paths := make([]string, len(es))
	for i, e := range es {
		data, err := e.Bytes()
		if err != nil {
			return nil, fmt.Errorf("examples: %s: %w", e.File, err)
		}
		p := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(p); err != nil || fi.Size() != int64(len(data)) {
			if err := atomicfile.WriteFile(p, data, 0o644); err != nil {
				return nil, fmt.Errorf("examples: %w", err)
			}
		}
		paths[i] = p
	}
	return paths, nil
}
