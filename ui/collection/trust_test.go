package collection

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/explain"
)

// TestCollectionTrust checks the "Which map to trust" table: a row per
// method with the count of pictures.
func TestCollectionTrust(t *testing.T) {
	root := t.TempDir()
	for i, name := range []string{"dark", "bright", "misc"} {
		if err := os.Mkdir(filepath.Join(root, name), 0o755); err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(root, name), "p.png", 48, 36, i+1)
	}
	h, c := openCollection(t, root)
	tt := c.trust
	names := []string{explain.MethodGradCAM, explain.MethodEigenCAM} // quick to make again in the sanity check
	tt.methods.Set(names...)
	tt.sample.SetSelected("all")
	for i, it := range c.side.Items {
		if it.Text == "Trust" {
			c.side.SelectIndex(i)
		}
	}
	start := time.Now()
	test.Tap(tt.runBtn)
	h.Settle()
	if len(tt.result) != len(names) || len(tt.files) != 3 {
		t.Fatalf("%d rows, %d files: %q", len(tt.result), len(tt.files), tt.status.Text)
	}
	t.Logf("%d methods on %d pictures in %v", len(names), len(tt.files), time.Since(start))
	if len(tt.grid.Objects) != len(trustColumns)*(1+len(names)) {
		t.Errorf("%d cells", len(tt.grid.Objects))
	}
	for i, ms := range tt.result {
		if ms.Method != names[i] || ms.Pictures != 3 || ms.Deletion.N != ms.Pictures-ms.Failed {
			t.Errorf("row %d: %+v", i, ms)
		}
	}
	if !strings.Contains(tt.status.Text, "all 3 pictures") || !hasText(tt.content, "Grad-CAM") || !hasText(tt.content, "Follows the network") {
		t.Errorf("status %q, cells %q", tt.status.Text, texts(tt.grid))
	}
	if c.tableBox.Visible() {
		t.Error("the picture table did not step aside for the Trust tab")
	}
	// Stop leaves no table half made.
	test.Tap(tt.runBtn)
	test.Tap(tt.stopBtn)
	h.Settle()
	if tt.cancel != nil || tt.runBtn.Disabled() {
		t.Error("not stopped")
	}
}

func TestSampleOf(t *testing.T) {
	files := []string{"e", "a", "d", "c", "b", "f"}
	for _, c := range []struct {
		n    int
		want []string
		step int
	}{
		{0, []string{"a", "b", "c", "d", "e", "f"}, 1},
		{6, []string{"a", "b", "c", "d", "e", "f"}, 1},
		{9, []string{"a", "b", "c", "d", "e", "f"}, 1},
		{3, []string{"a", "c", "e"}, 2},
		{2, []string{"a", "d"}, 3},
	} {
		got, step := sampleOf(files, c.n)
		if !slices.Equal(got, c.want) || step != c.step {
			t.Errorf("sampleOf(%d) = %q, %d; want %q, %d", c.n, got, step, c.want, c.step)
		}
	}
}
