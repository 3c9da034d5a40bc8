package train

import (
	"fmt"
	"testing"

	"github.com/artlens/artlens/ui/internal/uitest"
)

// trainHarness builds the Train view alone on a host in a test window
// (the test model loaded) and opens dir with the small network and batches
// of 8, with no data cache.
func trainHarness(t testing.TB, dir string, epochs int) (*uitest.Harness, *View) {
	t.Helper()
	h := uitest.New(t)
	return h, newTestView(h, dir, epochs)
}

// newTestView builds the view on h's host, shows it in h's window and sets
// it up as trainHarness says.
func newTestView(h *uitest.Harness, dir string, epochs int) *View {
	h.T.Helper()
	v := New(h.Host)
	h.Show(v.Content())
	h.Settle()
	v.cacheDir = "-"
	v.network.SetSelected(netSmall)
	v.batch.SetSelected("8")
	v.epochs.SetText(fmt.Sprint(epochs))
	if dir != "" {
		v.openFolder(dir)
		h.Settle()
	}
	return v
}
