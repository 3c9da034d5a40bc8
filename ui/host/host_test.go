package host

import (
	"image"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/prefs"
)

// newTestHost is a host on a headless window whose Do runs at once.
func newTestHost(t *testing.T) *Host {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	return New(a, w, func(f func()) { f() }, prefs.Memory())
}

// TestShow selects the view asked for and hands the picture to the view
// that serves it; a view that serves nothing is only selected.
func TestShow(t *testing.T) {
	for _, tc := range []struct {
		view, path   string
		selected     string
		servedPath   string
		servedCalled bool
	}{
		{"explore", "a.jpg", "explore", "a.jpg", true},
		{"model", "b.jpg", "model", "", false},
	} {
		t.Run(tc.view, func(t *testing.T) {
			h := newTestHost(t)
			var selected, served string
			called := false
			h.SetViewShower(func(name string) { selected = name })
			h.Serve("explore", func(path string, _ image.Image) { served, called = path, true })
			h.Show(tc.view, tc.path, nil)
			if selected != tc.selected || served != tc.servedPath || called != tc.servedCalled {
				t.Errorf("Show(%q, %q): selected %q, served %q (called %v)", tc.view, tc.path, selected, served, called)
			}
		})
	}
}

// TestModelChange tells every subscriber of a new model, in the order they
// subscribed, and OnModelChange's with the model itself.
func TestModelChange(t *testing.T) {
	h := newTestHost(t)
	var order []string
	var got *engine.Model
	h.OnModel(func() { order = append(order, "first") })
	h.OnModelChange(func(m *engine.Model) { got = m; order = append(order, "second") })
	m := &engine.Model{}
	h.SetModel(m, "mine")
	if got != m || h.Model() != m || h.ModelName() != "mine" || len(order) != 2 || order[0] != "first" {
		t.Errorf("model %p (want %p), name %q, calls %v", got, m, h.ModelName(), order)
	}
}

// TestNotice posts, details and dismisses a notice.
func TestNotice(t *testing.T) {
	h := newTestHost(t)
	h.Notice.PostDetails(NoticeWarning, "short", "long story")
	if !h.Notice.Visible() || h.Notice.Text() != "short" || h.Notice.Kind() != NoticeWarning ||
		h.Notice.Details() != "long story" || !h.Notice.DetailsButton().Visible() {
		t.Errorf("notice %q (%v), details %q", h.Notice.Text(), h.Notice.Kind(), h.Notice.Details())
	}
	h.Notice.Dismiss()
	if h.Notice.Visible() || h.Notice.Text() != "" {
		t.Errorf("dismissed notice still shows %q", h.Notice.Text())
	}
}
