package ui

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/picture"
)

// TestLiveTab: the Live view is a tab of the window, opened by
// Options.View "live"; a frozen frame sent to Explore arrives there as a
// picture kept in a PNG file.
func TestLiveTab(t *testing.T) {
	h := newHarness(t, Options{View: "live"})
	if h.s.live == nil || h.s.tabs.Selected().Content != h.s.live.Content() {
		t.Fatal("the Live tab is not shown for --view live")
	}
	frame := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range frame.Pix {
		frame.Pix[i] = 200
	}
	frame.Set(3, 4, color.NRGBA{10, 20, 30, 255})
	liveHost{h.s}.Show("explain", "frame 7", frame)
	h.settle()
	if got := h.s.tabs.Selected().Text; got != "Explain" {
		t.Errorf("view after Show: %s, want Explain", got)
	}
	if n := len(h.s.Pictures()); n != 1 {
		t.Fatalf("%d pictures in Explore, want the frame", n)
	}
	path := h.s.Pictures()[0].Path
	defer os.RemoveAll(filepath.Dir(path))
	img, _, err := picture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 30 {
		t.Errorf("kept frame is %v, want 40x30", b)
	}
}
