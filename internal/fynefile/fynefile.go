package fynefile

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"

	"github.com/artlens/artlens/internal/atomicfile"
)

// fileRepository is what Fyne's file: repository implements; the wrapper
// keeps all of it but Writer.
type fileRepository interface {
	repository.AppendableRepository
	repository.HierarchicalRepository
	repository.ListableRepository
	repository.CopyableRepository
	repository.MovableRepository
	repository.DeleteAllRepository
}

type atomicRepository struct {
	fileRepository
}

// Install registers, for the file: scheme, the repository that the app's
// driver registered with its writers made atomic. It must be called after
// the Fyne app is created (the driver registers its repository then); it
// does nothing if that repository is not Fyne's usual one.
func Install() {
	r, err := repository.ForScheme("file")
	if err != nil {
		return
	}
	if _, ok := r.(atomicRepository); ok {
		return
	}
	if fr, ok := r.(fileRepository); ok {
		repository.Register("file", atomicRepository{fr})
	}
}

// Writer returns a writer to a temporary file beside u's; its Close puts
// the file in place, atomically, and Abort drops it.
func (r atomicRepository) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	f, err := atomicfile.Create(u.Path(), 0o644)
	if err != nil {
		return nil, err
	}
	return &Writer{f: f, uri: u}, nil
}

// Writer writes a file chosen in a save dialog; nothing is visible at its
// URI before Close.
type Writer struct {
	f   *atomicfile.File
	uri fyne.URI
}

// Write writes to the temporary file.
func (w *Writer) Write(p []byte) (int, error) { return w.f.Write(p) }

// URI is the file's final place.
func (w *Writer) URI() fyne.URI { return w.uri }

// Close puts the file in its place.
func (w *Writer) Close() error { return w.f.Commit() }

// Abort drops what was written: the file at URI stays as it was. Close
// after Abort returns an error and does nothing.
func (w *Writer) Abort() { w.f.Abort() }

// Finish ends a write into wc that ended with err: it commits the file
// when err is nil, and otherwise drops it (with an atomic Writer the old
// file stays; with another writer, such as the test driver's, the partly
// written file is removed). It returns err, or Close's error.
func Finish(wc fyne.URIWriteCloser, err error) error {
	if err == nil {
		return wc.Close()
	}
	if w, ok := wc.(*Writer); ok {
		w.Abort()
		return err
	}
	wc.Close()
	if wc.URI().Scheme() == "file" {
		os.Remove(wc.URI().Path())
	}
	return err
}

// Release gives up wc without writing, for a caller that writes the file at
// wc's URI itself (atomically): the atomic Writer leaves the file as it
// was; another writer (which already truncated it) is closed.
func Release(wc fyne.URIWriteCloser) {
	if w, ok := wc.(*Writer); ok {
		w.Abort()
		return
	}
	wc.Close()
}
