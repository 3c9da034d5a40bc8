package classset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/artlens/artlens/internal/walk"

	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/picture"
)

// MarkerName is the hidden file that marks a folder as a set made by
// ArtLens.
const MarkerName = ".artlens-classes"

// DefaultName is the name suggested for a new set's folder.
const DefaultName = "ArtLens classes"

// Set is a folder of class folders made in the window.
type Set struct {
	Dir string
}

// Class is one class of a set: its name (its folder's) and the number of
// pictures in its folder.
type Class struct {
	Name     string
	Pictures int
}

// Create makes a new set in dir: the folder is created (with its parents)
// or, when it exists, must be empty or already a set.
func Create(dir string) (*Set, error) {
	if IsSet(dir) {
		return &Set{Dir: dir}, nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot make the folder %s: %w", dir, unwrapPath(err))
		}
	case err != nil:
		return nil, fmt.Errorf("cannot use %s: %w", dir, unwrapPath(err))
	case slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return !strings.HasPrefix(e.Name(), ".") }):
		return nil, fmt.Errorf("the folder %s is not empty: choose a new or empty folder for the classes", dir)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, MarkerName), []byte("A set of classes made in ArtLens's Train view: one folder per class.\n"), 0o644); err != nil {
		return nil, err
	}
	return &Set{Dir: dir}, nil
}

// IsSet reports whether dir is a set made by ArtLens (it holds the
// marker).
func IsSet(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, MarkerName))
	return err == nil && fi.Mode().IsRegular()
}

// SuggestDir is where a new set is suggested: a folder named DefaultName
// (numbered when taken) in the user's Pictures folder, else Documents, else
// home.
func SuggestDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return DefaultName
	}
	parent := home
	for _, d := range []string{"Pictures", "Documents"} {
		if fi, err := os.Stat(filepath.Join(home, d)); err == nil && fi.IsDir() {
			parent = filepath.Join(home, d)
			break
		}
	}
	return freeName(parent, DefaultName, "")
}

// freeName is dir/base+ext, or dir/base N+ext with the first N from 2 that
// is not taken.
func freeName(dir, base, ext string) string {
	p := filepath.Join(dir, base+ext)
	for n := 2; exists(p); n++ {
		p = filepath.Join(dir, fmt.Sprintf("%s %d%s", base, n, ext))
	}
	return p
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return !errors.Is(err, fs.ErrNotExist)
}

// Classes lists the set's classes, sorted by name (the order a model
// trained on the set gets them), with the number of pictures in each.
func (s *Set) Classes() ([]Class, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the folder of the classes %s is gone (moved or deleted)", s.Dir)
		}
		return nil, unwrapPath(err)
	}
	var out []Class
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !e.IsDir() {
			continue
		}
		out = append(out, Class{Name: e.Name(), Pictures: countPictures(filepath.Join(s.Dir, e.Name()))})
	}
	slices.SortFunc(out, func(a, b Class) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// countPictures counts the files under dir that start like a picture,
// hidden ones (unfinished copies) left out.
func countPictures(dir string) int {
	n := 0
	walk.Dir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && picture.LooksLikeImage(p) {
			n++
		}
		return nil
	})
	return n
}

// CheckName says why name cannot be a new class of the set (nil when it
// can): empty, a path, hidden, a name some systems refuse, or a class the
// set has already (letter case aside, as on macOS and Windows, where Cats
// and cats are one folder).
func (s *Set) CheckName(name string) error {
	classes, err := s.Classes()
	if err != nil {
		return err
	}
	return checkName(name, classes, "")
}

func checkName(name string, classes []Class, except string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("a class needs a name")
	case name != strings.TrimSpace(name):
		return fmt.Errorf("the class name %q starts or ends with a space", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("the class name %q holds a / or \\: a class is one folder, name it without them", name)
	case strings.ContainsAny(name, `<>:"|?*`) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' }):
		return fmt.Errorf("the class name %q holds one of < > : \" | ? * or a control character, which Windows refuses in folder names", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("the class name %q starts with a dot: such folders are hidden and not read as classes", name)
	case strings.HasSuffix(name, "."):
		return fmt.Errorf("the class name %q ends with a dot, which Windows drops from folder names", name)
	case len(name) > 100:
		return fmt.Errorf("the class name is %d bytes long: keep it under 100", len(name))
	}
	for _, c := range classes {
		if strings.EqualFold(c.Name, name) && !strings.EqualFold(c.Name, except) {
			return fmt.Errorf("there is a class %s already", c.Name)
		}
	}
	return nil
}

// Add makes a new, empty class name (see CheckName).
func (s *Set) Add(name string) error {
	if err := s.CheckName(name); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(s.Dir, name), 0o755); err != nil {
		return fmt.Errorf("cannot make the class folder: %w", unwrapPath(err))
	}
	return nil
}

// Rename renames class old to name (see CheckName; a change of letter case
// only is allowed).
func (s *Set) Rename(old, name string) error {
	classes, err := s.Classes()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(classes, func(c Class) bool { return c.Name == old }) {
		return s.gone(old)
	}
	if name == old {
		return nil
	}
	if err := checkName(name, classes, old); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(s.Dir, old), filepath.Join(s.Dir, name)); err != nil {
		return fmt.Errorf("cannot rename the class folder: %w", unwrapPath(err))
	}
	return nil
}

// Remove deletes class name's folder and the copies in it. Only a set
// made by ArtLens is edited (see the package comment); the pictures the
// copies were made from are elsewhere and stay.
func (s *Set) Remove(name string) error {
	if !IsSet(s.Dir) {
		return fmt.Errorf("%s was not made by ArtLens: remove its folders yourself", s.Dir)
	}
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return fmt.Errorf("%q is not a class", name)
	}
	dir := filepath.Join(s.Dir, name)
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return s.gone(name)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("cannot remove the class folder: %w", unwrapPath(err))
	}
	return nil
}

// gone is the error for a class whose folder is no longer there.
func (s *Set) gone(name string) error {
	return fmt.Errorf("the folder of class %s is gone (moved or deleted outside ArtLens)", name)
}

// Added is what AddPictures did.
type Added struct {
	Copied      int      // pictures copied into the class
	Renamed     int      // of them, copied under a new name (one of that name was there)
	Already     int      // pictures already in the class folder, left as they are
	NotPictures []string // files that are not pictures, not copied
	Failed      []string // pictures that could not be read or written, each with why
}

// AddPictures copies the pictures among paths (files, and the files in
// folders, hidden ones left out) into class's folder. A name taken there
// by another file gets a number (" 2"); a file whose content is there
// under its name already is left. Files that are not pictures (by their
// first bytes) are counted, not copied. The set's own files dropped again
// onto their class are left where they are.
func (s *Set) AddPictures(class string, paths []string) (Added, error) {
	var a Added
	dst := filepath.Join(s.Dir, class)
	if fi, err := os.Stat(dst); err != nil || !fi.IsDir() || class == "" || strings.ContainsAny(class, `/\`) {
		return a, s.gone(class)
	}
	files, err := expand(paths)
	if err != nil {
		return a, err
	}
	for _, f := range files {
		if !picture.LooksLikeImage(f) {
			a.NotPictures = append(a.NotPictures, f)
			continue
		}
		if inside(f, dst) {
			a.Already++
			continue
		}
		copied, renamed, err := copyInto(f, dst)
		switch {
		case err != nil:
			a.Failed = append(a.Failed, err.Error())
		case !copied:
			a.Already++
		default:
			a.Copied++
			if renamed {
				a.Renamed++
			}
		}
	}
	return a, nil
}

// expand lists the files of paths: files as given, folders walked (hidden
// entries left out), in order.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", p, unwrapPath(err))
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		err = walk.Dir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable subfolder is left out
			}
			if q != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				out = append(out, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inside reports whether the file f is in the folder dir.
func inside(f, dir string) bool {
	af, err1 := filepath.Abs(f)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, af)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// copyInto copies the file f into dir under its name, or a numbered one
// when the name is taken by another content; copied is false when the
// same content is there under its name already.
func copyInto(f, dir string) (copied, renamed bool, err error) {
	data, err := os.ReadFile(f)
	if err != nil {
		return false, false, fmt.Errorf("%s: %v", f, unwrapPath(err))
	}
	name := filepath.Base(f)
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	target := filepath.Join(dir, name)
	for n := 2; ; n++ {
		old, err := os.ReadFile(target)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err == nil && string(old) == string(data) {
			return false, false, nil
		}
		target = filepath.Join(dir, fmt.Sprintf("%s %d%s", base, n, ext))
		renamed = true
	}
	if err := atomicfile.Write(target, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return false, false, fmt.Errorf("%s: %v", f, err)
	}
	return true, renamed, nil
}

// unwrapPath is err without the operation and path of an fs.PathError
// (the message names the path itself).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
