package atlas

import (
	"bufio"
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/internal/atomicfile"
)

// fileVersion changes whenever a map file's content changes meaning.
const fileVersion = 1

// mapFile is the gob-encoded content of a map file.
type mapFile struct {
	Version int
	Map     Map
}

// PathFor returns the file that keeps the maps (method) of the collection
// whose cache is c: beside the cache file, named after it, so that it
// belongs to the same model and folders.
func PathFor(c *collection.Cache, method Method) string {
	p := c.Path()
	return strings.TrimSuffix(p, filepath.Ext(p)) + "-map-" + string(method) + ".gob"
}

// Load reads the map kept at path. A missing file gives an error that
// errors.Is fs.ErrNotExist.
func Load(path string) (*Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mf mapFile
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&mf); err != nil {
		return nil, fmt.Errorf("%s: not a map file: %v", path, err)
	}
	if mf.Version != fileVersion {
		return nil, fmt.Errorf("%s: a map file of version %d, not %d", path, mf.Version, fileVersion)
	}
	m := &mf.Map
	n := len(m.Hashes)
	if len(m.Points) != n || len(m.Classes) != n || len(m.Of) != n {
		return nil, fmt.Errorf("%s: a damaged map file", path)
	}
	for i, c := range m.Of {
		if c < 0 || c >= len(m.Clusters) {
			return nil, fmt.Errorf("%s: a damaged map file (point %d in cluster %d)", path, i, c)
		}
	}
	for _, c := range m.Clusters {
		if c.Rep < 0 || c.Rep >= n {
			return nil, fmt.Errorf("%s: a damaged map file", path)
		}
	}
	return m, nil
}

// Save writes m to path atomically (package atomicfile), creating the
// folder if needed.
func (m *Map) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("the map could not be saved: %w", err)
	}
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(mapFile{Version: fileVersion, Map: *m})
	})
	if err != nil {
		return fmt.Errorf("the map could not be saved: %w", err)
	}
	return nil
}

// Open returns the map of items kept at path if it was made for the same
// model (fingerprint), contents and options; otherwise it builds it (see
// Build), gives its clusters the names the user gave to the clusters of
// the former map that they mostly match (keepNames), and saves it at
// path (path "": not kept). cached tells that it was read. A map that
// cannot be saved is still returned, with the error.
func Open(ctx context.Context, path, fingerprint string, items []*collection.Item, classes []string, opt Options, progress func(Progress)) (m *Map, cached bool, err error) {
	key := Key(fingerprint, items, opt)
	var old *Map
	if path != "" {
		old, err = Load(path)
		if err == nil && old.Key == key {
			return old, true, nil
		}
	}
	m, err = Build(ctx, items, classes, opt, progress)
	if err != nil {
		return nil, false, err
	}
	m.Key = key
	if old != nil {
		m.keepNames(old)
	}
	if path == "" {
		return m, false, nil
	}
	return m, false, m.Save(path)
}

// keepNames gives each cluster of m the name the user gave to a cluster of
// old when the two share more than half of the pictures of each, so that
// names survive a few pictures added or removed.
func (m *Map) keepNames(old *Map) {
	shared := make([]map[int]int, len(m.Clusters))
	for c := range shared {
		shared[c] = map[int]int{}
	}
	for i, h := range m.Hashes {
		if j, ok := old.Index(h); ok {
			shared[m.Of[i]][old.Of[j]]++
		}
	}
	for c, counts := range shared {
		for o, k := range counts {
			oc := old.Clusters[o]
			if oc.Named && 2*k > m.Clusters[c].Size && 2*k > oc.Size {
				m.Clusters[c].Name, m.Clusters[c].Named = oc.Name, true
			}
		}
	}
}
