package ui

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
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
	h := newHarness(t, Options{Images: []string{keep}})
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
	h := newHarness(t, Options{Images: []string{dir}})
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

func TestModelFileDeletedWhileOpen(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, Options{Images: []string{img}})
	path := writeModel(t, []string{"ink", "oil", "stone"})
	h.s.openModel(path)
	h.settle()
	m := h.s.Model()
	if h.s.ModelName() != "other.safetensors" {
		t.Fatalf("model %q", h.s.ModelName())
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	// The model in use is in memory: it goes on working.
	h.open(writeJPEG(t, t.TempDir(), "b.jpg", 80, 120, 2))
	x := h.s.explore
	if x.current == nil || x.current.Name != "b.jpg" || !slices.Contains([]string{"ink", "oil", "stone"}, x.answer.Text) {
		t.Fatalf("after the model file was deleted: showing %v, answer %q", x.current, x.answer.Text)
	}
	answer := x.answer.Text

	want := "other.safetensors: the file does not exist (it was moved or deleted).\n\nArtLens keeps using the current model (other.safetensors)."
	check := func(how string) {
		t.Helper()
		d := h.topDialog()
		if d == nil {
			t.Fatalf("%s: no dialog", how)
		}
		if !hasText(d, "Could not open the model") || !hasText(d, want) {
			t.Errorf("%s: dialog says %q, want %q", how, texts(d), want)
		}
		h.w.Canvas().Overlays().Remove(d)
		if h.s.Model() != m || h.s.ModelName() != "other.safetensors" || x.answer.Text != answer || x.current.Name != "b.jpg" {
			t.Errorf("%s: the model or what is shown changed", how)
		}
	}
	// Opening it again, by name (a drop, the command line) ...
	h.s.dropped([]fyne.URI{storage.NewFileURI(path)})
	h.settle()
	check("dropped")
	// ... and choosing it in the file dialog, which opens the file itself.
	r, err := storage.Reader(storage.NewFileURI(path))
	h.s.Picked(r, err, h.s.modelPickFailed, h.s.openModel)
	h.settle()
	check("chosen in the dialog")
}

// failingWriter is a URIWriteCloser that writes to a file until limit
// bytes, then fails with err.
type failingWriter struct {
	*os.File
	uri   fyne.URI
	limit int
	err   error
}

func (w *failingWriter) URI() fyne.URI { return w.uri }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n, _ := w.File.Write(p[:w.limit])
		w.limit = 0
		return n, w.err
	}
	w.limit -= len(p)
	return w.File.Write(p)
}

func TestSaveChartFailures(t *testing.T) {
	h := newHarness(t, Options{View: "history"})
	c := charts(h.s.tabs.Selected().Content)[0]
	shown := c.Image().Image
	if shown == nil {
		t.Fatal("the chart is not drawn")
	}
	dir := t.TempDir()
	// Tests may run as root, whom no permission bits stop: a folder that
	// cannot be written is made as a path whose parent is a regular file.
	blocker := writeFile(t, dir, "figures", []byte("a file, not a folder"))
	save := func(path string) {
		t.Helper()
		h.s.Notice.Dismiss()
		// What the save dialog does with the chosen file.
		wc, err := storage.Writer(storage.NewFileURI(path))
		widgets.SaveChartTo(h.s.Host, wc, err, c.Build(), widgets.SavePxW, widgets.SavePxH)
		h.settle()
	}
	expect := func(what, want string) {
		t.Helper()
		n := h.s.Notice
		if !n.Visible() || n.Kind() != host.NoticeError || n.Text() != want {
			t.Errorf("%s: notice %q (visible %v, kind %v), want %q", what, n.Text(), n.Visible(), n.Kind(), want)
		}
		if d := h.topDialog(); d != nil {
			t.Errorf("%s: a dialog covers the window: %q", what, texts(d))
		}
		if c.Image().Image != shown || !c.Image().Visible() {
			t.Errorf("%s: the chart shown changed", what)
		}
	}

	save(filepath.Join(blocker, "accuracy.png"))
	expect("parent is a file", "Could not save the chart: “"+blocker+"” is not a folder (a file of that name is in the way); choose another folder.")

	missing := filepath.Join(dir, "no such folder")
	save(filepath.Join(missing, "accuracy.png"))
	expect("missing folder", "Could not save the chart: the folder “"+missing+"” does not exist; choose another folder.")
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("saving created the folder %s", missing)
	}

	// The disk fills up while the PNG is written: the partial file goes.
	path := filepath.Join(dir, "accuracy.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h.s.Notice.Dismiss()
	widgets.SaveChartTo(h.s.Host, &failingWriter{File: f, uri: storage.NewFileURI(path), limit: 5000, err: syscall.ENOSPC}, nil, c.Build(), widgets.SavePxW, widgets.SavePxH)
	h.settle()
	expect("disk full", "Could not save the chart: the disk is full; “accuracy.png” was not written.")
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the partly written %s was left behind (%v)", path, err)
	}

	// And a good folder still works afterwards.
	save(path)
	if n := h.s.Notice; n.Kind() != host.NoticeInfo || n.Text() != "Saved the chart as "+path+"." {
		t.Errorf("notice %q after a good save", n.Text())
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
	h := newHarness(t, Options{Images: []string{shown}})
	x := h.s.explore

	release := make(chan struct{})
	var once sync.Once
	var reads atomic.Int64
	hookOpen(t, func(string) {
		reads.Add(1)
		<-release
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })

	x.open([]string{folder})
	h.waitFor("the first open to start", func() bool { return reads.Load() == 1 })
	x.open([]string{folder + string(filepath.Separator)}) // the same folder, written otherwise
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
	h := newHarness(t, Options{Images: []string{shown}})
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	// What the file dialog does with the chosen file.
	r, err := storage.Reader(storage.NewFileURI(gone))
	h.s.Picked(r, err, h.s.imagePickFailed, h.s.openPicked)
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
	h := newHarness(t, Options{Images: []string{first}})
	x := h.s.explore
	x.open([]string{dir})
	h.s.openModel(other)
	h.s.zoomBy(1)
	h.s.toggleTheme()
	for i := 0; i < 20 && len(x.entries) < n+1; i++ {
		h.q.drain()
		x.step(1)
		h.s.showView(Views[i%len(Views)])
	}
	h.s.useShippedModel(weights.Shipped[0].Name)
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

func TestSaveErrorWording(t *testing.T) {
	path := filepath.Join("/home/ann/figures", "accuracy.png")
	for _, c := range []struct {
		err  error
		want string
	}{
		{syscall.EACCES, "permission to write “accuracy.png” in “/home/ann/figures” was denied; choose another folder"},
		{syscall.ENOTDIR, "“/home/ann/figures” is not a folder (a file of that name is in the way); choose another folder"},
		{syscall.ENOENT, "the folder “/home/ann/figures” does not exist; choose another folder"},
		{syscall.ENOSPC, "the disk is full; “accuracy.png” was not written"},
		{syscall.EROFS, "the disk of “/home/ann/figures” is read-only; choose another folder"},
		{errors.New("the plot has no data"), "the plot has no data"},
	} {
		err := c.err
		if _, ok := err.(syscall.Errno); ok {
			err = &os.PathError{Op: "open", Path: path, Err: c.err}
		}
		if got := host.SaveError(path, err); got != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
	}
}

func TestSaveChartInFolderWithoutPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, whom permission bits do not stop (TestSaveChartFailures covers a folder that cannot be written)")
	}
	h := newHarness(t, Options{View: "history"})
	c := charts(h.s.tabs.Selected().Content)[0]
	dir := filepath.Join(t.TempDir(), "locked")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	path := filepath.Join(dir, "accuracy.png")
	wc, err := storage.Writer(storage.NewFileURI(path))
	widgets.SaveChartTo(h.s.Host, wc, err, c.Build(), widgets.SavePxW, widgets.SavePxH)
	h.settle()
	want := "Could not save the chart: permission to write “accuracy.png” in “" + dir + "” was denied; choose another folder."
	if n := h.s.Notice; n.Text() != want || n.Kind() != host.NoticeError {
		t.Errorf("notice %q, want %q", n.Text(), want)
	}
}
