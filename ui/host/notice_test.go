package host

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestNoticeHeight: a notice of one line is as tall as before, a long list
// (a collection's skipped files) stops at noticeMaxLines lines and scrolls.
func TestNoticeHeight(t *testing.T) {
	test.NewTempApp(t)
	n := NewNoticeBar(func(string) {})
	w := test.NewTempWindow(t, n)
	w.Resize(fyne.NewSize(800, 600))
	n.Post(NoticeInfo, "One line.")
	one := n.MinSize().Height
	n.PostDetails(NoticeWarning, "10 files left out:"+strings.Repeat("\n• painting/0300.jpg: not an image file", 6), "all ten")
	long := n.MinSize().Height
	t.Logf("one line %v, seven lines %v", one, long)
	if long <= one || long > one+float32(noticeMaxLines-1)*30 {
		t.Errorf("one line %v tall, seven lines %v", one, long)
	}
	n.Post(NoticeInfo, "One line again.")
	if h := n.MinSize().Height; h != one {
		t.Errorf("one line is %v tall, was %v", h, one)
	}
}
