package ui

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

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
	if p := h.s.Picture(); p == nil || p.Name != "b.jpg" || !slices.Contains([]string{"ink", "oil", "stone"}, shownAnswer(h)) {
		t.Fatalf("after the model file was deleted: showing %v, answer %q", p, shownAnswer(h))
	}
	answer := shownAnswer(h)

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
		if h.s.Model() != m || h.s.ModelName() != "other.safetensors" || shownAnswer(h) != answer || h.s.Picture().Name != "b.jpg" {
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
