package atomicfile_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/internal/killtest"
)

// version returns the content of the i-th write: a few megabytes, so that
// a kill often lands in the middle of one.
func version(i int) []byte {
	return bytes.Repeat([]byte{byte('a' + i%26)}, 3<<20+i%7)
}

func TestKilledWriterLeavesOneVersion(t *testing.T) {
	seen := map[byte]bool{}
	killtest.Run(t, 20, 400*time.Millisecond,
		func(dir string) {
			if err := atomicfile.WriteFile(filepath.Join(dir, "f"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		func(dir string, i int) {
			if err := atomicfile.WriteFile(filepath.Join(dir, "f"), version(i+1), 0o644); err != nil {
				panic(err)
			}
		},
		func(dir string) {
			got, err := os.ReadFile(filepath.Join(dir, "f"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) == "old" {
				seen['-'] = true
				return
			}
			for i := 1; i <= 26*7; i++ {
				if bytes.Equal(got, version(i)) {
					seen[got[0]] = true
					return
				}
			}
			t.Fatalf("after a kill the file holds %d bytes that are neither the old version nor a new one", len(got))
		})
	t.Logf("versions found after the kills: %d distinct", len(seen))
}

func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := atomicfile.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		w.Write([]byte("half of the new"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("the file holds %q after a failed write", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d entries after a failed write, want the file alone", len(entries))
	}
}

func TestWriteSetsPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := atomicfile.WriteFile(path, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.PathSeparator == '/' && fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", fi.Mode().Perm())
	}
}

func TestMissingFolder(t *testing.T) {
	err := atomicfile.WriteFile(filepath.Join(t.TempDir(), "no", "f"), []byte("x"), 0o644)
	if err == nil {
		t.Fatal("a write into a missing folder succeeded")
	}
}
