package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"github.com/artlens/artlens/collection"
)

// clearCacheDialog says how much the collection caches hold and, once
// confirmed, removes them all (clearCache).
func (c *collectionView) clearCacheDialog() {
	dir, err := collection.DefaultCacheDir()
	if err != nil {
		c.s.notice.show(noticeError, "The collection cache could not be found: "+err.Error())
		return
	}
	n, size, err := collection.CacheUsage(dir)
	switch {
	case err != nil:
		c.s.notice.show(noticeError, "The collection cache could not be read: "+err.Error())
		return
	case n == 0:
		c.s.notice.show(noticeInfo, "The collection cache is empty ("+dir+").")
		return
	}
	msg := fmt.Sprintf("Remove the results kept for %s (%s in %s)?\n\nA collection is analysed again the next time it is opened.",
		countNoun(n, "collection"), megabytes(size), dir)
	d := dialog.NewConfirm("Clear the collection cache", msg, func(ok bool) {
		if ok {
			c.clearCache(dir)
		}
	}, c.s.win)
	d.SetConfirmText("Clear")
	d.SetDismissText("Cancel")
	d.Show()
}

// clearCache removes every collection cache in dir and says what was
// freed.
func (c *collectionView) clearCache(dir string) {
	n, freed, err := collection.ClearCaches(dir)
	if err != nil {
		c.s.notice.show(noticeError, "The collection cache could not be cleared: "+err.Error())
		return
	}
	c.s.notice.show(noticeInfo, fmt.Sprintf("Cleared the collection cache: the results of %s removed, %s freed.",
		countNoun(n, "collection"), megabytes(freed)))
}

// megabytes writes a size as "36.0 MB" (or "0.4 MB").
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// sentence gives msg a capital first letter and a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + strings.TrimSuffix(msg[1:], ".") + "."
}
