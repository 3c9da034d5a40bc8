package dataset

import (
	"os"
	"testing"
	"time"
)

// realRoot is the working copy of the Art Images data set, relative to this
// package's folder.
const realRoot = "../../shared/data/art-images"

// TestRealData loads the real data set, if it is there, and checks the facts
// stated in its README.
func TestRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads the whole data set")
	}
	if _, err := os.Stat(realRoot); err != nil {
		t.Skipf("no data set at %s", realRoot)
	}
	cfg := Config{Root: realRoot, CacheDir: t.TempDir()}
	start := time.Now()
	d, err := Load(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	if d.FromCache {
		t.Error("first load came from the cache")
	}
	t.Logf("first load: %v\n%s", first, d.Report)

	r := d.Report
	kept := d.Train.Len() + d.Val.Len() + d.Test.Len()
	checks := []struct {
		name      string
		got, want int
	}{
		{"files", r.Files, 8577 + 108},
		{"images", r.Images, 8577},
		{"skipped", len(r.Skipped), 108},
		{"distinct images", kept, 7085},
		{"duplicates", r.Duplicates, 8577 - 7085},
		{"leaked", r.Leaked, 70},
		{"distinct images by report", r.Images - r.Duplicates, 7085},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}

	start = time.Now()
	again, err := Load(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cached := time.Since(start)
	t.Logf("cached load: %v", cached)
	if !again.FromCache {
		t.Error("second load did not use the cache")
	}
	if again.Fingerprint != d.Fingerprint {
		t.Errorf("fingerprint changed: %s, then %s", d.Fingerprint, again.Fingerprint)
	}
	// Its speed is reported above (about 0.2 s on an idle 2-core machine),
	// not asserted: a busy machine must not fail the test.
	t.Logf("fingerprint %s", d.Fingerprint)
}
