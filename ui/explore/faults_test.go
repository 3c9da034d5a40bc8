package explore

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/weights"
)

// hookOpen makes host.OpenPicture call before(path) first, for the rest of the
// test.
func hookOpen(t *testing.T, before func(path string)) {
	t.Helper()
	host.OpenPicture = func(path string) (image.Image, string, error) {
		before(path)
		return picture.Open(path)
	}
	t.Cleanup(func() { host.OpenPicture = picture.Open })
}

func TestPictureGoneOrReplacedBeforeDecoding(t *testing.T) {
	keep := writeJPEG(t, t.TempDir(), "keep.jpg", 100, 80, 9)
	folder := filepath.Join(t.TempDir(), "pics")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"} {
		writeJPEG(t, folder, name, 90, 70, i)
	}
	h := newHarness(t, harnessOptions{Images: []string{keep}})
	x := h.s.explore
	// Between the listing of the folder and the decoding of each file:
	// b is deleted, c replaced by text, d by a folder, e by another
	// picture.
	hookOpen(t, func(path string) {
		switch filepath.Base(path) {
		case "b.jpg":
			os.Remove(path)
		case "c.jpg":
			os.WriteFile(path, []byte("a note, not a picture"), 0o644)
		case "d.jpg":
			os.Remove(path)
			os.Mkdir(path, 0o755)
		case "e.jpg":
			writePNG(t, folder, "e.jpg", 40, 50, 7)
		}
	})
	h.open(folder)

	var names []string
	for _, e := range x.entries {
		names = append(names, e.Name)
	}
	if fmt.Sprint(names) != "[keep.jpg a.jpg e.jpg]" {
		t.Fatalf("entries %v; want the image shown before and the two that could be read", names)
	}
	if e := x.entries[2]; e.Size != image.Pt(40, 50) || e.Format != "png" {
		t.Errorf("e.jpg, replaced by a 40×50 PNG, was read as %v %s", e.Size, e.Format)
	}
	n := h.s.Notice
	if !n.Visible() || n.Kind() != host.NoticeWarning {
		t.Fatalf("notice visible %v kind %v: %q", n.Visible(), n.Kind(), n.Text())
	}
	for _, want := range []string{
		"Opened 2 images from “pics”. Skipped:",
		"b.jpg: the file does not exist (it was moved or deleted)",
		"c.jpg: not an image file (it looks like text)",
		"d.jpg: this is a folder, not an image file",
	} {
		if !strings.Contains(n.Text(), want) {
			t.Errorf("notice %q does not say %q", n.Text(), want)
		}
	}
	if strings.Contains(n.Text(), "stat ") {
		t.Errorf("notice %q repeats the system's message", n.Text())
	}
}

func TestPictureGoneOrReplacedBeforeShownAgain(t *testing.T) {
	dir := t.TempDir()
	for i := range keepFull + 3 {
		writeJPEG(t, dir, fmt.Sprintf("p%02d.jpg", i), 64, 48, i)
	}
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h.s.explore
	gone, changed, same := x.entries[1], x.entries[2], x.entries[3]
	for _, e := range []*entry{gone, changed, same} {
		if e.Preview != nil {
			t.Fatalf("%s kept its preview; the test needs it read again", e.Name)
		}
	}
	if err := os.Remove(gone.Path); err != nil {
		t.Fatal(err)
	}
	writePNG(t, dir, "p02.jpg", 30, 90, 5) // another picture under the same name

	for _, c := range []struct {
		e    *entry
		want string
	}{
		{gone, "Could not read p01.jpg: the file does not exist (it was moved or deleted). The picture as the network saw it when it was opened is shown instead."},
		{changed, "“p02.jpg” has changed since it was opened: the picture as the network saw it then is shown, with its answer. Open the file again to analyse the new picture."},
	} {
		h.s.Notice.Dismiss()
		x.list.Select(x.indexOf(c.e))
		h.settle()
		if x.current != c.e || x.title.Text != c.e.Name {
			t.Fatalf("showing %q, want %s", x.title.Text, c.e.Name)
		}
		if x.picture.Image != c.e.Seen || c.e.Preview != c.e.Seen {
			t.Errorf("%s: the picture shown is not the one the network saw", c.e.Name)
		}
		if !strings.Contains(x.picCap.Text, "64 × 48") || x.answer.Text == "—" || len(x.maps.shown) != 3 {
			t.Errorf("%s: caption %q, answer %q, %d layers; want what was analysed", c.e.Name, x.picCap.Text, x.answer.Text, len(x.maps.shown))
		}
		if n := h.s.Notice; !n.Visible() || n.Kind() != host.NoticeWarning || n.Text() != c.want {
			t.Errorf("%s: notice %q (visible %v), want %q", c.e.Name, n.Text(), n.Visible(), c.want)
		}
	}
	// A file left as it was is read again without a word.
	h.s.Notice.Dismiss()
	x.list.Select(x.indexOf(same))
	h.settle()
	if x.picture.Image != same.Preview || same.Preview == same.Seen || h.s.Notice.Visible() {
		t.Errorf("an unchanged file: preview read again %v, notice %q", same.Preview != same.Seen, h.s.Notice.Text())
	}
}

func TestOpenSameFolderTwiceAtOnce(t *testing.T) {
	folder := filepath.Join(t.TempDir(), "large")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 16
	for i := range n {
		writeJPEG(t, folder, fmt.Sprintf("img%02d.jpg", i), 48, 40, i)
	}
	shown := writeJPEG(t, t.TempDir(), "shown.jpg", 60, 60, 3)
	h := newHarness(t, harnessOptions{Images: []string{shown}})
	x := h.s.explore

	release := make(chan struct{})
	var once sync.Once
	var reads atomic.Int64
	hookOpen(t, func(string) {
		reads.Add(1)
		<-release
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })

	x.Open([]string{folder})
	h.waitFor("the first open to start", func() bool { return reads.Load() == 1 })
	x.Open([]string{folder + string(filepath.Separator)}) // the same folder, written otherwise
	h.s.dropped([]fyne.URI{storage.NewFileURI(folder)})
	if nt := h.s.Notice; !nt.Visible() || nt.Kind() != host.NoticeInfo || !strings.HasPrefix(nt.Text(), "Already opening “large”") {
		t.Errorf("second open: notice %q (visible %v)", nt.Text(), nt.Visible())
	}
	if x.current == nil || x.current.Name != "shown.jpg" {
		t.Errorf("while opening, showing %v; the image shown before should stay", x.current)
	}
	once.Do(func() { close(release) })
	h.settle()

	if got := reads.Load(); got != n {
		t.Errorf("%d files read for %d images: the folder was read more than once", got, n)
	}
	if len(x.entries) != n+1 {
		t.Errorf("%d entries, want the %d images and the one shown before", len(x.entries), n)
	}
	if x.current == nil || x.current.Name != "img00.jpg" || x.title.Text != "img00.jpg" {
		t.Errorf("showing %q, want the folder's first image", x.title.Text)
	}
	if x.activity.Visible() || len(x.opening) != 0 {
		t.Error("the activity bar or the pending open stays after all work is done")
	}
	if h.s.Notice.Visible() {
		t.Errorf("notice %q stays after the folder was opened", h.s.Notice.Text())
	}
	// Once done, opening it again reads it again.
	h.open(folder)
	if got := reads.Load(); got != 2*n || len(x.entries) != n+1 {
		t.Errorf("opened again: %d reads, %d entries", got, len(x.entries))
	}
}

func TestPictureDeletedAfterTheDialogListedIt(t *testing.T) {
	dir := t.TempDir()
	shown := writeJPEG(t, dir, "shown.jpg", 80, 60, 1)
	gone := writeJPEG(t, dir, "gone.jpg", 80, 60, 2)
	h := newHarness(t, harnessOptions{Images: []string{shown}})
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	// What the file dialog does with the chosen file.
	r, err := storage.Reader(storage.NewFileURI(gone))
	h.s.Picked(r, err, h.s.explore.imagePickFailed, func(path string) { h.s.explore.Open([]string{path}) })
	h.settle()
	want := "Could not open gone.jpg: the file does not exist (it was moved or deleted)."
	if n := h.s.Notice; !n.Visible() || n.Kind() != host.NoticeError || n.Text() != want {
		t.Errorf("notice %q (visible %v), want %q", n.Text(), n.Visible(), want)
	}
	x := h.s.explore
	if len(x.entries) != 1 || x.current == nil || x.current.Name != "shown.jpg" || x.title.Text != "shown.jpg" {
		t.Errorf("what was shown changed: %d entries, title %q", len(x.entries), x.title.Text)
	}
}

// TestBusyWindowUnderChanges changes the model, the zoom, the theme and
// the selection while a folder is being opened, so that the race detector
// (go test -race) sees the background work meet every change.
func TestBusyWindowUnderChanges(t *testing.T) {
	dir := t.TempDir()
	const n = 10
	for i := range n {
		writeJPEG(t, dir, fmt.Sprintf("p%02d.jpg", i), 70, 50, i)
	}
	first := writeJPEG(t, t.TempDir(), "first.jpg", 60, 60, 1)
	other := writeModel(t, []string{"ink", "oil", "stone"})
	h := newHarness(t, harnessOptions{Images: []string{first}})
	x := h.s.explore
	x.Open([]string{dir})
	h.s.openModel(other)
	h.s.SetStyle(1.1, "")            // as View › Larger does
	h.s.SetStyle(h.s.Zoom(), "dark") // as the theme button does
	for i := 0; i < 20 && len(x.entries) < n+1; i++ {
		h.u.Q.Drain()
		x.Step(1)
		h.s.ShowView([]string{"explore", "explain", "compare", "collection"}[i%4])
	}
	useShippedModel(t, h, weights.Shipped[0].Name)
	h.s.openModel(other)
	h.settle()
	if len(x.entries) != n+1 {
		t.Fatalf("%d entries, want %d", len(x.entries), n+1)
	}
	if h.s.ModelName() != "other.safetensors" {
		t.Fatalf("model %q", h.s.ModelName())
	}
	for _, e := range x.entries {
		if p := e.Answer(h.s.Model()); p == nil || len(p.Probabilities) != 3 {
			t.Errorf("%s has no answer from the current model", e.Name)
		}
	}
	if x.current == nil || !x.current.Full(h.s.Model()) || x.title.Text != x.current.Name {
		t.Error("the image shown is not shown in full with the current model")
	}
}

// TestBusyBarStopsWhenHidden: Explore's busy bar animates only while it
// shows (hidden with its container and left running, Fyne repainted it
// sixty times a second: 2 % of a core for as long as the window was open).
func TestBusyBarStopsWhenHidden(t *testing.T) {
	h := newHarness(t, harnessOptions{View: "explore"})
	x := h.s.explore
	id := x.startActivity("Opening…")
	h.w.Canvas().Capture() // its renderer made while it shows
	bar := x.actBar
	if bar == nil || !bar.Running() {
		t.Fatal("no busy bar runs while it shows")
	}
	x.endActivity(id)
	h.w.Canvas().Capture()
	if bar.Running() || x.actBar != nil {
		t.Error("the busy bar still runs once hidden")
	}
	// A theme change refreshes every object, hidden ones too: no bar
	// starts.
	h.s.setStyle(h.s.Zoom(), "light")
	h.w.Canvas().Capture()
	if x.actBar != nil {
		t.Error("a busy bar appeared with nothing to do")
	}
}

// useShippedModel switches to the shipped model name, as the File menu does.
func useShippedModel(t *testing.T, h *harness, name string) {
	m, err := weights.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	h.s.SetModel(m, name)
}
