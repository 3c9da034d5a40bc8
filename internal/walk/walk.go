package walk

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir walks the tree at root, calling fn for root and every entry below it
// in lexical order, as filepath.WalkDir does: fn may return
// filepath.SkipDir (for a folder: do not enter it; for a file: skip the
// rest of its folder) or filepath.SkipAll. Paths are under root as named
// (through a link's name, not its target). The DirEntry given for a link
// describes its target, so IsDir and Type().IsRegular() say what the link
// leads to; a link whose target cannot be read is given with the error. A
// folder already entered (the same file, by os.SameFile) is passed to fn
// but not entered again.
func Dir(root string, fn fs.WalkDirFunc) error {
	info, err := os.Stat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		w := walker{fn: fn}
		err = w.visit(root, fs.FileInfoToDirEntry(info), info)
	}
	if errors.Is(err, filepath.SkipDir) || errors.Is(err, filepath.SkipAll) {
		return nil
	}
	return err
}

type walker struct {
	fn fs.WalkDirFunc
	// entered holds the folders entered so far. A list searched with
	// os.SameFile rather than a map of device and inode numbers, which
	// Windows does not give through os.FileInfo; a collection has at most a
	// few thousand folders.
	entered []os.FileInfo
}

// visit calls fn for path and, for a folder not entered before, walks its
// entries.
func (w *walker) visit(path string, d fs.DirEntry, info os.FileInfo) error {
	if err := w.fn(path, d, nil); err != nil || !d.IsDir() {
		if err != nil && errors.Is(err, filepath.SkipDir) && d.IsDir() {
			return nil
		}
		return err
	}
	for _, seen := range w.entered {
		if os.SameFile(seen, info) {
			return nil
		}
	}
	w.entered = append(w.entered, info)
	entries, err := os.ReadDir(path)
	if err != nil {
		// As filepath.WalkDir: a second call with the error.
		if err := w.fn(path, d, err); err != nil {
			if errors.Is(err, filepath.SkipDir) {
				return nil
			}
			return err
		}
	}
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		var info os.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := os.Stat(p)
			if err != nil {
				if err := w.fn(p, e, err); err != nil {
					if errors.Is(err, filepath.SkipDir) {
						return nil
					}
					return err
				}
				continue
			}
			info, e = target, fs.FileInfoToDirEntry(target)
		} else if e.IsDir() {
			if info, err = e.Info(); err != nil {
				if err := w.fn(p, e, err); err != nil {
					if errors.Is(err, filepath.SkipDir) {
						return nil
					}
					return err
				}
				continue
			}
		}
		if err := w.visit(p, e, info); err != nil {
			if errors.Is(err, filepath.SkipDir) {
				// From a file: skip the rest of this folder.
				return nil
			}
			return err
		}
	}
	return nil
}
