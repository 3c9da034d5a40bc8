package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shardFolder writes 24 small pictures in class folders (and one that is
// not a picture).
func shardFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i := range 24 {
		sub := filepath.Join(dir, []string{"painting", "sculpture", "drawings/sketches"}[i%3])
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeTestImage(t, sub, fmt.Sprintf("p%02d.png", i), 30+7*i, 20+5*(i%4))
	}
	os.WriteFile(filepath.Join(dir, "painting", "notes.txt"), []byte("not a picture"), 0o644)
	return dir
}

// mergeCSV joins the shards' tables as the README says (the first header,
// every other line) and sorts the rows, as a table's order may differ.
func mergeCSV(t *testing.T, tables ...string) (header string, rows []string) {
	t.Helper()
	for i, table := range tables {
		lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
		if i == 0 {
			header = lines[0]
		} else if lines[0] != header {
			t.Fatalf("shard %d's header %q differs from %q", i+1, lines[0], header)
		}
		rows = append(rows, lines[1:]...)
	}
	slices.Sort(rows)
	return header, rows
}

// N shards of predict --csv, run one after another, give the same table as
// one run: every picture once, with the same values.
func TestPredictShardsMakeOneTable(t *testing.T) {
	dir := shardFolder(t)
	code, whole, stderr := runArtlens("predict", "--csv", "--recursive", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	wantHeader, want := mergeCSV(t, whole)
	if len(want) != 24 {
		t.Fatalf("one run: %d rows, want 24", len(want))
	}
	for _, n := range []int{2, 3, 5} {
		var parts []string
		for i := 1; i <= n; i++ {
			code, out, stderr := runArtlens("predict", "--csv", "--recursive", "--shard", fmt.Sprintf("%d/%d", i, n), dir)
			if code != 0 {
				t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
			}
			if strings.Count(out, "\n") == 1 {
				t.Logf("shard %d/%d is empty", i, n)
			}
			parts = append(parts, out)
		}
		header, got := mergeCSV(t, parts...)
		if header != wantHeader || !slices.Equal(got, want) {
			t.Errorf("%d shards: %d rows, not the %d of one run:\n%s", n, len(got), len(want), strings.Join(got, "\n"))
		}
	}
	// --json lines concatenate.
	code, whole, _ = runArtlens("predict", "--json", "--recursive", dir)
	var joined string
	for i := 1; i <= 3; i++ {
		_, out, _ := runArtlens("predict", "--json", "--recursive", "--shard", fmt.Sprintf("%d/3", i), dir)
		joined += out
	}
	w, g := strings.Split(strings.TrimSpace(whole), "\n"), strings.Split(strings.TrimSpace(joined), "\n")
	slices.Sort(w)
	slices.Sort(g)
	if code != 0 || !slices.Equal(w, g) {
		t.Errorf("3 shards of --json: %d lines, one run %d", len(g), len(w))
	}
}

// N shards of analyse, each into its own cache file in one cache folder,
// give the same table as one run, and the whole collection then opens
// from their caches without analysing a picture again.
func TestAnalyseShardsMergeIntoOneCollection(t *testing.T) {
	dir := shardFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, whole, stderr := runArtlens("analyse", "--csv", "--no-cache", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	wantHeader, want := mergeCSV(t, whole)
	if len(want) != 24 || !strings.HasPrefix(wantHeader, "path,folder,predicted") {
		t.Fatalf("one run: %d rows, header %q", len(want), wantHeader)
	}

	cacheDir := filepath.Join(os.Getenv("XDG_CACHE_HOME"), "artlens", "collections")
	const n = 4
	var parts []string
	for i := 1; i <= n; i++ {
		code, out, stderr := runArtlens("analyse", "--csv", "--shard", fmt.Sprintf("%d/%d", i, n), dir)
		if code != 0 {
			t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
		}
		if !strings.Contains(stderr, fmt.Sprintf("(part %d/%d: ", i, n)) || !strings.Contains(stderr, ", 0 from the cache, kept in "+cacheDir) {
			t.Errorf("shard %d/%d: stderr %q", i, n, stderr)
		}
		parts = append(parts, out)
	}
	header, got := mergeCSV(t, parts...)
	if header != wantHeader || !slices.Equal(got, want) {
		t.Errorf("%d shards: %d rows, not the %d of one run", n, len(got), len(want))
	}
	shardFiles, _ := filepath.Glob(filepath.Join(cacheDir, "*-shard-*-of-4.gob"))
	if len(shardFiles) != n {
		t.Fatalf("%d shard caches in %s, want %d", len(shardFiles), cacheDir, n)
	}

	// The whole collection: every picture from the shards' caches, which
	// merge into the collection's own cache file.
	code, out, stderr := runArtlens("analyse", dir)
	if code != 0 || !strings.HasPrefix(out, "analysed 24 pictures, 24 of them from the cache\n") {
		t.Fatalf("whole collection after the shards: exit %d, %q, %s", code, out, stderr)
	}
	entries, _ := os.ReadDir(cacheDir)
	if len(entries) != 1 || strings.Contains(entries[0].Name(), "shard") {
		t.Errorf("cache folder after the merge: %v, want the collection's file alone", entries)
	}
	code, again, _ := runArtlens("analyse", "--csv", dir)
	if _, rows := mergeCSV(t, again); code != 0 || !slices.Equal(rows, want) {
		t.Errorf("the merged cache gives another table")
	}
}

func TestShardBadValue(t *testing.T) {
	for _, v := range []string{"0/4", "5/4", "4", "a/b"} {
		code, _, stderr := runArtlens("predict", "--shard", v, "x.png")
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "I/N") {
			t.Errorf("--shard %s: exit %d, %q", v, code, stderr)
		}
	}
}
