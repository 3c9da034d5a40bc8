package atlas

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestOpenKeepsMapAndNames checks the map kept on disk: the second Open
// reads it, a renamed cluster keeps its name across a reload and across a
// new layout of a changed collection whose cluster has the same
// representative, and another model's fingerprint lays the map out again.
func TestOpenKeepsMapAndNames(t *testing.T) {
	items := blobs(3, 40, 32, 11)
	classes := []string{"a", "b", "c"}
	path := filepath.Join(t.TempDir(), "sub", "m.gob")
	ctx := context.Background()
	opt := Options{Clusters: 3}
	m, cached, err := Open(ctx, path, "model-1", items, classes, opt, nil)
	if err != nil || cached {
		t.Fatalf("first open: cached %v, %v", cached, err)
	}
	if err := m.Rename(1, "  my pictures ", classes); err != nil {
		t.Fatal(err)
	}
	if err := m.Rename(3, "x", classes); err == nil {
		t.Error("renaming cluster 3 of 3: no error")
	}
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	again, cached, err := Open(ctx, path, "model-1", items, classes, opt, nil)
	if err != nil || !cached {
		t.Fatalf("second open: cached %v, %v", cached, err)
	}
	if again.Clusters[1].Name != "my pictures" || !slices.Equal(again.Points, m.Points) {
		t.Errorf("reloaded map: cluster name %q, points equal %v", again.Clusters[1].Name, slices.Equal(again.Points, m.Points))
	}
	// One picture fewer: a new layout, the name kept.
	rep := m.Hashes[m.Clusters[1].Rep]
	fewer := items[1:]
	if items[0].Hash == rep {
		fewer = items[:len(items)-1]
	}
	changed, cached, err := Open(ctx, path, "model-1", fewer, classes, opt, nil)
	if err != nil || cached {
		t.Fatalf("changed collection: cached %v, %v", cached, err)
	}
	found := 0
	for _, c := range changed.Clusters {
		if c.Name == "my pictures" && c.Named && c.Class == m.Clusters[1].Class {
			found++
		}
	}
	if found != 1 {
		t.Errorf("the renamed cluster lost its name: %+v", changed.Clusters)
	}
	if _, cached, _ := Open(ctx, path, "model-2", fewer, classes, opt, nil); cached {
		t.Error("another model's map was used")
	}
	// No temporary files are left beside the map.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want the map alone", len(entries))
	}
	// A blank name restores the default.
	if err := changed.Rename(0, " ", classes); err != nil || changed.Clusters[0].Named || changed.Clusters[0].Name == "" {
		t.Errorf("blank name: %+v, %v", changed.Clusters[0], err)
	}
}

// TestLoadBadFiles checks that missing, damaged and foreign files are
// refused with an error, which Open answers by laying the map out again.
func TestLoadBadFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "none.gob")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.gob")
	os.WriteFile(bad, []byte("not a map"), 0o644)
	if _, err := Load(bad); err == nil {
		t.Error("damaged file: no error")
	}
	items := blobs(2, 10, 8, 1)
	m, cached, err := Open(context.Background(), bad, "f", items, nil, Options{}, nil)
	if err != nil || cached || len(m.Points) != 20 {
		t.Errorf("open over a damaged file: %v, cached %v", err, cached)
	}
	if _, err := Load(bad); err != nil {
		t.Errorf("the map was not saved over the damaged file: %v", err)
	}
	// A folder that cannot be made: the map comes back with the error.
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	m, _, err = Open(context.Background(), filepath.Join(file, "m.gob"), "f", items, nil, Options{}, nil)
	if m == nil || err == nil {
		t.Errorf("unsavable map: %v, %v", m, err)
	}
}

// TestGrid checks the grid: one point per cell, no two in one, and the
// map's order kept (the left-most point of the top row stays top left).
func TestGrid(t *testing.T) {
	pts := []Point{{0.9, 0.1}, {0.1, 0.1}, {0.5, 0.5}, {0.1, 0.9}, {0.9, 0.9}, {0.5, 0.12}, {0.5, 0.88}}
	g, cell := Grid(pts)
	if cell != 1.0/3 {
		t.Fatalf("cell %v, want 1/3 for 7 points", cell)
	}
	seen := map[[2]int]bool{}
	for _, p := range g {
		c := [2]int{int(p.X / cell), int(p.Y / cell)}
		if seen[c] {
			t.Fatalf("two points in cell %v: %v", c, g)
		}
		seen[c] = true
	}
	// Rows by y: {1, 5, 0}, {2, 6, 3} and {4}, each by x, the short last
	// row centred.
	want := []Point{{5. / 6, 1. / 6}, {1. / 6, 1. / 6}, {0.5, 0.5}, {1. / 6, 0.5}, {0.5, 5. / 6}, {0.5, 1. / 6}, {5. / 6, 0.5}}
	for i := range want {
		if d := g[i].dist2(want[i]); d > 1e-18 {
			t.Errorf("point %d at %v, want %v", i, g[i], want[i])
		}
	}
}

// TestCancel checks that a cancelled layout stops with the context's error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, method := range []Method{UMAP, TSNE} {
		if _, err := Build(ctx, blobs(2, 50, 8, 1), nil, Options{Method: method}, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", method, err)
		}
	}
}
