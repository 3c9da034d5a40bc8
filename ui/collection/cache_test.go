package collection

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// button finds the button labelled text in o, or fails the test.
func button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	return uitest.Button(t, o, text)
}

// cacheGobs lists the cache files under $XDG_CACHE_HOME.
func cacheGobs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "artlens", "collections", "*.gob"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestClearCache: the Collection view's "Clear cache…" asks first, says
// how much the cache holds, keeps it when cancelled, and removes it when
// confirmed, with a notice of what was freed; an empty cache is said to
// be empty.
func TestClearCache(t *testing.T) {
	root, _ := curatedFolder(t)
	h, c := openCollection(t, root)
	if len(cacheGobs(t)) != 1 {
		t.Fatalf("after the analysis the cache holds %q, want one file", cacheGobs(t))
	}
	clearBtn := button(t, c.content, "Clear cache…")

	test.Tap(clearBtn)
	d := h.TopDialog()
	if d == nil || !hasText(d, "Remove the results kept for 1 collection") {
		t.Fatalf("no confirmation with the cache's size: %q", texts(d))
	}
	test.Tap(button(t, d, "Cancel"))
	if len(cacheGobs(t)) != 1 {
		t.Error("cancelled, the cache was removed anyway")
	}

	test.Tap(clearBtn)
	test.Tap(button(t, h.TopDialog(), "Clear"))
	if files := cacheGobs(t); len(files) != 0 {
		t.Errorf("cleared, the cache still holds %q", files)
	}
	if !h.Host.Notice.Visible() || !strings.HasPrefix(h.Host.Notice.Text(), "Cleared the collection cache: the results of 1 collection removed") {
		t.Errorf("notice %q", h.Host.Notice.Text())
	}

	test.Tap(clearBtn)
	if !strings.HasPrefix(h.Host.Notice.Text(), "The collection cache is empty") {
		t.Errorf("an empty cache: notice %q", h.Host.Notice.Text())
	}

	// Reopened, the collection is analysed again and cached again.
	c.open([]string{root})
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) > 0 })
	h.Settle()
	if len(cacheGobs(t)) != 1 {
		t.Errorf("reanalysed, the cache holds %q", cacheGobs(t))
	}
}
