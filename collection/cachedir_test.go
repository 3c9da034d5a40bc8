package collection

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// cacheFiles writes files of the given sizes into dir, each modified age
// ago.
func cacheFiles(t *testing.T, dir string, age time.Duration, sizes map[string]int) {
	t.Helper()
	when := time.Now().Add(-age)
	for name, size := range sizes {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
}

// dirNames lists dir's file names, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

const (
	cacheA = "00000000000000aa-00000000000000aa" // unused for 100 days
	cacheB = "00000000000000bb-00000000000000bb" // 2 days, with a map
	cacheC = "00000000000000cc-00000000000000cc" // 1 day
	cacheD = "00000000000000dd-00000000000000dd" // the one in use, old and large
)

func pruneFixture(t *testing.T) string {
	dir := t.TempDir()
	cacheFiles(t, dir, 100*24*time.Hour, map[string]int{cacheA + ".gob": 10})
	cacheFiles(t, dir, 48*time.Hour, map[string]int{cacheB + ".gob": 600, cacheB + "-map-umap.gob": 100})
	cacheFiles(t, dir, 24*time.Hour, map[string]int{cacheC + ".gob": 500})
	cacheFiles(t, dir, 200*24*time.Hour, map[string]int{cacheD + ".gob": 2000, "notes.txt": 5000})
	cacheFiles(t, dir, 2*time.Hour, map[string]int{".tmp-123": 7000, "." + cacheA + ".gob.tmp-789": 7000}) // interrupted saves
	cacheFiles(t, dir, time.Minute, map[string]int{".tmp-456": 7000})                                      // a save under way
	return dir
}

// TestPruneCachesBySizeAndAge: with a limit of 1,000 bytes, the cache
// unused for 100 days goes for its age, then the least recently used go
// (B with its map, then C) while more than the limit is left; the one in
// use stays although it alone is over the limit, and is marked as used;
// other files and a save under way are left alone.
func TestPruneCachesBySizeAndAge(t *testing.T) {
	dir := pruneFixture(t)
	keep := filepath.Join(dir, cacheD+".gob")
	removed, freed, err := PruneCaches(dir, 1000, keep)
	if err != nil {
		t.Fatal(err)
	}
	if removed != 3 || freed != 10+600+100+500 {
		t.Errorf("removed %d caches, %d bytes; want 3 and 1210", removed, freed)
	}
	if got, want := dirNames(t, dir), []string{".tmp-456", cacheD + ".gob", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
	if info, err := os.Stat(keep); err != nil || time.Since(info.ModTime()) > time.Minute {
		t.Errorf("the cache in use is not marked as used now: %v", err)
	}
	if n, size, err := CacheUsage(dir); n != 1 || size != 2000 || err != nil {
		t.Errorf("usage %d caches, %d bytes, %v; want 1 and 2000", n, size, err)
	}
}

// TestPruneCachesWithinLimit: within the limit only the cache unused for
// longer than CacheMaxAge goes.
func TestPruneCachesWithinLimit(t *testing.T) {
	dir := pruneFixture(t)
	removed, freed, err := PruneCaches(dir, CacheLimit, "")
	if err != nil {
		t.Fatal(err)
	}
	// D is 200 days old and not in use this time.
	if removed != 2 || freed != 2010 {
		t.Errorf("removed %d caches, %d bytes; want 2 and 2010", removed, freed)
	}
	want := []string{".tmp-456", cacheB + "-map-umap.gob", cacheB + ".gob", cacheC + ".gob", "notes.txt"}
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
	// A folder that does not exist yet has nothing to prune.
	if n, _, err := PruneCaches(filepath.Join(dir, "none"), 0, ""); n != 0 || err != nil {
		t.Errorf("missing folder: %d, %v", n, err)
	}
}

func TestClearCaches(t *testing.T) {
	dir := pruneFixture(t)
	removed, freed, err := ClearCaches(dir)
	if err != nil {
		t.Fatal(err)
	}
	if removed != 4 || freed != 10+700+500+2000 {
		t.Errorf("cleared %d caches, %d bytes; want 4 and 3210", removed, freed)
	}
	if got, want := dirNames(t, dir), []string{".tmp-456", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
}

// TestCachePrunesGoneFiles: after a complete analysis, the records of
// files removed from the collection leave the cache file; a real cache
// file is found by PruneCaches and kept when in use.
func TestCachePrunesGoneFiles(t *testing.T) {
	root := labelledFolder(t)
	dir := t.TempDir()
	m := redModel(t)
	fp := Fingerprint(m)
	cache := OpenCache(dir, fp, []string{root})
	analyseAll(t, m, Options{Cache: cache}, root)
	if err := cache.Save(true); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"d1.png", "d2.png"} {
		if err := os.Remove(filepath.Join(root, "dark", name)); err != nil {
			t.Fatal(err)
		}
	}
	cache = OpenCache(dir, fp, []string{root})
	analyseAll(t, m, Options{Cache: cache}, root)
	if err := cache.Save(true); err != nil {
		t.Fatal(err)
	}
	if n := OpenCache(dir, fp, []string{root}).Len(); n != 9 {
		t.Errorf("the cache holds %d records, want 9 (two files gone)", n)
	}
	if n, size, err := CacheUsage(dir); n != 1 || size == 0 || err != nil {
		t.Errorf("usage: %d caches of %d bytes (%v), want the one", n, size, err)
	}
	if n, _, err := PruneCaches(dir, 1, cache.Path()); n != 0 || err != nil {
		t.Errorf("the cache in use was pruned (%d, %v)", n, err)
	}
}
