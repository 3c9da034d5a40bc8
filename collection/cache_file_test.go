package collection

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"slices"
	"testing"
)

// fillCache puts n records and, for each, a stamp of two paths into c.
func fillCache(c *Cache, n int) {
	for i := range n {
		var h [32]byte
		h[0], h[1], h[2] = byte(i), byte(i>>8), byte(i>>16)
		c.put(h, &Record{Probabilities: []float32{float32(i), 1}, Features: []float32{float32(-i)},
			Peaks: []float32{0.5}, PeakAt: []uint32{uint32(i)}, Thumb: []byte(fmt.Sprint("thumb ", i))})
		for _, dir := range []string{"/a/", "/b/"} {
			c.stamps[fmt.Sprint(dir, i, ".jpg")] = stamp{Size: int64(i), ModTime: int64(7 * i), Hash: h}
		}
	}
}

// sameCache fails unless a and b hold the same records and stamps.
func sameCache(t *testing.T, a, b *Cache) {
	t.Helper()
	if len(a.records) != len(b.records) || len(a.stamps) != len(b.stamps) {
		t.Fatalf("%d records and %d stamps, want %d and %d", len(b.records), len(b.stamps), len(a.records), len(a.stamps))
	}
	for h, r := range a.records {
		g := b.records[h]
		if g == nil || !slices.Equal(g.Probabilities, r.Probabilities) || !slices.Equal(g.Features, r.Features) ||
			!slices.Equal(g.Peaks, r.Peaks) || !slices.Equal(g.PeakAt, r.PeakAt) || !bytes.Equal(g.Thumb, r.Thumb) {
			t.Fatalf("record %x: %+v, want %+v", h[:3], g, r)
		}
	}
	for p, s := range a.stamps {
		if b.stamps[p] != s {
			t.Fatalf("stamp of %s: %+v, want %+v", p, b.stamps[p], s)
		}
	}
}

// TestCacheChunks saves a cache of several chunks (records and stamps
// both past a chunk's size, neither a multiple of it) and reads it back.
func TestCacheChunks(t *testing.T) {
	dir := t.TempDir()
	c := OpenCache(dir, "fp", []string{"/pictures"})
	fillCache(c, 5*cacheChunk+17)
	if err := c.Save(false); err != nil {
		t.Fatal(err)
	}
	sameCache(t, c, OpenCache(dir, "fp", []string{"/pictures"}))

	// Messages after the header: ceil(2577/512) = 6 of records, ceil(5154/8192) = 1 of stamps.
	f, err := os.Open(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := gob.NewDecoder(f)
	var head cacheFile
	if err := dec.Decode(&head); err != nil || head.Version != cacheVersion || head.NRecords != 5*cacheChunk+17 || head.Records != nil {
		t.Fatalf("header %+v, %v", head, err)
	}
	chunks := 0
	for {
		var ch cacheChunks
		if err := dec.Decode(&ch); err != nil {
			break
		}
		if len(ch.Records) > cacheChunk {
			t.Errorf("a chunk of %d records, more than %d", len(ch.Records), cacheChunk)
		}
		chunks++
	}
	if chunks != 7 {
		t.Errorf("%d chunks, want 7", chunks)
	}

	// An empty cache saves and loads as empty.
	empty := OpenCache(dir, "fp", []string{"/other"})
	empty.dirty = true
	if err := empty.Save(false); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := readCache(empty.Path(), "fp"); !ok {
		t.Error("an empty cache file does not read")
	}
}

// TestCacheVersion1 reads a cache file that an earlier ArtLens wrote (one
// message of everything), and the next save writes the current version.
func TestCacheVersion1(t *testing.T) {
	dir := t.TempDir()
	want := OpenCache(dir, "fp", []string{"/pictures"})
	fillCache(want, 40)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(struct {
		Version     int
		Fingerprint string
		Records     map[[32]byte]*Record
		Stamps      map[string]stamp
	}{1, "fp", want.records, want.stamps}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want.Path(), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := OpenCache(dir, "fp", []string{"/pictures"})
	sameCache(t, want, got)
	got.dirty = true
	if err := got.Save(false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(want.Path())
	if err != nil {
		t.Fatal(err)
	}
	var head cacheFile
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil || head.Version != cacheVersion {
		t.Fatalf("saved again as version %d (%v), want %d", head.Version, err, cacheVersion)
	}
	sameCache(t, want, OpenCache(dir, "fp", []string{"/pictures"}))
}

// TestCacheCut reads cache files cut short at every chunk and in between,
// and one whose header promises more than follows: each is an empty cache,
// never a part of one.
func TestCacheCut(t *testing.T) {
	dir := t.TempDir()
	c := OpenCache(dir, "fp", []string{"/pictures"})
	fillCache(c, 3*cacheChunk)
	if err := c.Save(false); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 10, len(data) / 5, len(data) / 3, len(data) / 2, len(data) - 1} {
		if err := os.WriteFile(c.Path(), data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if got := OpenCache(dir, "fp", []string{"/pictures"}); got.Len() != 0 || len(got.stamps) != 0 {
			t.Errorf("cut at %d of %d bytes: %d records, %d stamps, want none", n, len(data), got.Len(), len(got.stamps))
		}
	}

	// A header that promises one record more.
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	enc.Encode(cacheFile{Version: cacheVersion, Fingerprint: "fp", NRecords: 2})
	enc.Encode(cacheChunks{Hashes: [][32]byte{{1}}, Records: []*Record{{Probabilities: []float32{1}}}})
	if err := os.WriteFile(c.Path(), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := OpenCache(dir, "fp", []string{"/pictures"}); got.Len() != 0 {
		t.Errorf("a header promising 2 records with 1 there gives %d", got.Len())
	}
}
