package fynefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/internal/fynefile"
)

func TestSaveDialogWriterIsAtomic(t *testing.T) {
	test.NewTempApp(t) // registers Fyne's file: repository, as the app's driver does
	fynefile.Install()
	fynefile.Install() // twice does not wrap twice
	path := filepath.Join(t.TempDir(), "table.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := storage.NewFileURI(path)

	wc, err := storage.Writer(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := wc.(*fynefile.Writer); !ok {
		t.Fatalf("storage.Writer gave a %T, not the atomic writer", wc)
	}
	wc.Write([]byte("new, half"))
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("while writing, the file holds %q, want the old content", got)
	}
	if err := fynefile.Finish(wc, errors.New("export failed")); err == nil {
		t.Fatal("Finish lost the error")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("after a failed write the file holds %q, want the old content", got)
	}

	wc, err = storage.Writer(u)
	if err != nil {
		t.Fatal(err)
	}
	wc.Write([]byte("new"))
	if err := fynefile.Finish(wc, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("after Close the file holds %q, want the new content", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d entries, want the file alone", len(entries))
	}
	// Released, the writer leaves the file as it was, for a caller that
	// writes it itself.
	wc, err = storage.Writer(u)
	if err != nil {
		t.Fatal(err)
	}
	fynefile.Release(wc)
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("after Release the file holds %q", got)
	}
	// The rest of the repository still works (the dialogs list folders).
	if ok, err := storage.CanList(storage.NewFileURI(filepath.Dir(path))); !ok || err != nil {
		t.Fatalf("CanList on a folder: %v, %v", ok, err)
	}
}
