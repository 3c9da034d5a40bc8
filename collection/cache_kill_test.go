package collection

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/killtest"
)

// TestCacheSaveKilled kills a process saving a growing collection cache at
// random moments: the file then decodes whole, with every record intact.
func TestCacheSaveKilled(t *testing.T) {
	record := func(i int) ([32]byte, *Record) {
		var h [32]byte
		h[0], h[1] = byte(i), byte(i>>8)
		return h, &Record{Probabilities: []float32{float32(i)}, Thumb: bytes.Repeat([]byte{byte(i)}, 256<<10)}
	}
	open := func(dir string) *Cache { return OpenCache(dir, "fingerprint", []string{"/pictures"}) }
	most := 0
	killtest.Run(t, 12, 600*time.Millisecond,
		func(dir string) {
			os.RemoveAll(dir)
			c := open(dir)
			c.put(record(0))
			if err := c.Save(false); err != nil {
				t.Fatal(err)
			}
		},
		func(dir string, i int) {
			c := open(dir)
			c.put(record(i + 1))
			if err := c.Save(false); err != nil {
				panic(err)
			}
		},
		func(dir string) {
			records, _, ok := readCache(open(dir).Path(), "fingerprint")
			if !ok {
				t.Fatal("after a kill the cache file does not read")
			}
			for h, r := range records {
				i := int(h[0]) | int(h[1])<<8
				if want := bytes.Repeat([]byte{byte(i)}, 256<<10); r.Probabilities[0] != float32(i) || !bytes.Equal(r.Thumb, want) {
					t.Fatalf("record %d is damaged", i)
				}
			}
			most = max(most, len(records))
			entries, _ := filepath.Glob(filepath.Join(dir, "*.gob"))
			if len(entries) != 1 {
				t.Fatalf("%d cache files, want 1", len(entries))
			}
		})
	t.Logf("at most %d records in the cache after a kill", most)
}
