package walk

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree makes files (paths ending in a name with a dot) and folders under a
// temporary folder, then the links (name -> target, relative to the
// folder), and returns the folder.
func tree(t *testing.T, paths []string, links [][2]string) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.Contains(filepath.Base(p), ".") {
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if err := os.MkdirAll(full, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range links {
		if err := os.Symlink(l[1], filepath.Join(root, filepath.FromSlash(l[0]))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	return root
}

// files returns the regular files Dir finds under start (relative to root,
// slashed), and the paths it reported errors for.
func files(t *testing.T, root, start string) (found, failed []string) {
	t.Helper()
	err := Dir(filepath.Join(root, start), func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, path)
		if err != nil {
			failed = append(failed, filepath.ToSlash(rel))
			return nil
		}
		if d.Type().IsRegular() {
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found, failed
}

func TestDir(t *testing.T) {
	for _, tc := range []struct {
		name          string
		paths         []string
		links         [][2]string
		start         string
		found, failed []string
	}{
		{name: "plain tree", paths: []string{"data/a/1.jpg", "data/b/2.jpg", "data/3.jpg"}, start: "data",
			found: []string{"data/3.jpg", "data/a/1.jpg", "data/b/2.jpg"}},
		{name: "the folder given is a link", paths: []string{"real/a/1.jpg"}, links: [][2]string{{"data", "real"}}, start: "data",
			found: []string{"data/a/1.jpg"}},
		{name: "linked class folders", paths: []string{"store/painting/1.jpg", "store/icons/2.jpg", "data"},
			links: [][2]string{{"data/painting", "../store/painting"}, {"data/iconography", "../store/icons"}}, start: "data",
			found: []string{"data/iconography/2.jpg", "data/painting/1.jpg"}},
		{name: "a linked file", paths: []string{"elsewhere/x.jpg", "data"}, links: [][2]string{{"data/x.jpg", "../elsewhere/x.jpg"}}, start: "data",
			found: []string{"data/x.jpg"}},
		{name: "a link back up the tree does not loop", paths: []string{"data/a/1.jpg"}, links: [][2]string{{"data/a/up", ".."}}, start: "data",
			found: []string{"data/a/1.jpg"}},
		{name: "two links to one folder: its pictures once", paths: []string{"store/p/1.jpg", "data"},
			links: [][2]string{{"data/one", "../store/p"}, {"data/two", "../store/p"}}, start: "data",
			found: []string{"data/one/1.jpg"}},
		{name: "a broken link is reported, the rest listed", paths: []string{"data/a/1.jpg"}, links: [][2]string{{"data/gone", "nowhere"}}, start: "data",
			found: []string{"data/a/1.jpg"}, failed: []string{"data/gone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t, tc.paths, tc.links)
			found, failed := files(t, root, tc.start)
			if !slices.Equal(found, tc.found) {
				t.Errorf("found %q, want %q", found, tc.found)
			}
			if !slices.Equal(failed, tc.failed) {
				t.Errorf("errors for %q, want %q", failed, tc.failed)
			}
		})
	}
}

func TestDirSkip(t *testing.T) {
	root := tree(t, []string{"data/.hidden/1.jpg", "data/a/2.jpg", "data/a/3.jpg", "data/b/4.jpg"}, nil)
	var got []string
	err := Dir(filepath.Join(root, "data"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			got = append(got, d.Name())
			if d.Name() == "2.jpg" {
				return filepath.SkipDir // the rest of folder a
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2.jpg", "4.jpg"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDirMissingRoot(t *testing.T) {
	err := Dir(filepath.Join(t.TempDir(), "none"), func(path string, d fs.DirEntry, err error) error { return err })
	if !os.IsNotExist(err) {
		t.Errorf("error %v, want not-exist", err)
	}
}
