package collection

import (
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// clearCacheDialog says how much the collection caches hold and, once
// confirmed, removes them all (clearCache).
func (c *View) clearCacheDialog() {
	dir, err := collection.DefaultCacheDir()
	if err != nil {
		c.h.Notice.Post(host.NoticeError, "The collection cache could not be found: "+err.Error())
		return
	}
	n, size, err := collection.CacheUsage(dir)
	switch {
	case err != nil:
		c.h.Notice.Post(host.NoticeError, "The collection cache could not be read: "+err.Error())
		return
	case n == 0:
		c.h.Notice.Post(host.NoticeInfo, "The collection cache is empty ("+dir+").")
		return
	}
	msg := fmt.Sprintf("Remove the results kept for %s (%s in %s)?\n\nA collection is analysed again the next time it is opened.",
		widgets.CountNoun(n, "collection"), megabytes(size), dir)
	d := dialog.NewConfirm("Clear the collection cache", msg, func(ok bool) {
		if ok {
			c.clearCache(dir)
		}
	}, c.h.Window())
	d.SetConfirmText("Clear")
	d.SetDismissText("Cancel")
	d.Show()
}

// clearCache removes every collection cache in dir and says what was
// freed.
func (c *View) clearCache(dir string) {
	n, freed, err := collection.ClearCaches(dir)
	if err != nil {
		c.h.Notice.Post(host.NoticeError, "The collection cache could not be cleared: "+err.Error())
		return
	}
	c.h.Notice.Post(host.NoticeInfo, fmt.Sprintf("Cleared the collection cache: the results of %s removed, %s freed.",
		widgets.CountNoun(n, "collection"), megabytes(freed)))
}

// megabytes writes a size as "36.0 MB" (or "0.4 MB").
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
