package collection

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/artlens/artlens/internal/walk"

	"github.com/artlens/artlens/picture"
)

// File is one picture file of a collection.
type File struct {
	Path string
	// Folder is the file's folder relative to the folder that was opened
	// ("" for a file directly in it, or for a file opened by itself).
	Folder string
	// Labels are the names of the folders that hold the file, deepest
	// first, from the opened folder down (the opened folder's own name
	// included): where a true class is looked for.
	Labels []string
}

// Scan lists the picture files of paths: a folder stands for all the
// pictures in it and its subfolders (hidden entries left out), a file for
// itself. Files are recognised by their content (the first bytes), not
// their name. The result is sorted by path within each given path;
// skipped says, one line each, what was left out and why.
//
// Scan fails only when a given path cannot be read at all.
func Scan(paths []string) (files []File, skipped []string, err error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open %s: %w", p, err)
		}
		if !info.IsDir() {
			dir := filepath.Dir(p)
			files = append(files, File{Path: p, Labels: []string{filepath.Base(absOr(dir))}})
			continue
		}
		var found []File
		// The files of a folder share its labels, and the root's name is
		// found once: filepath.Abs asks the system for the working folder
		// each time (two stats), 8,577 times for the data set.
		rootName := filepath.Base(absOr(p))
		folderLabels := map[string][]string{}
		err = walk.Dir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				skipped = append(skipped, fmt.Sprintf("%s: could not be read (%v)", path, err))
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if !picture.LooksLikeImage(path) {
				skipped = append(skipped, path+": not an image file")
				return nil
			}
			rel, _ := filepath.Rel(p, filepath.Dir(path))
			if rel == "." {
				rel = ""
			}
			l, ok := folderLabels[rel]
			if !ok {
				l = labels(rootName, rel)
				folderLabels[rel] = l
			}
			found = append(found, File{Path: path, Folder: filepath.ToSlash(rel), Labels: l})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read the folder %s: %w", p, err)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
		files = append(files, found...)
	}
	return files, skipped, nil
}

// labels returns the folder names from rel (relative to a root called
// rootName) up to rootName, deepest first.
func labels(rootName, rel string) []string {
	var out []string
	if rel != "" {
		parts := strings.Split(filepath.ToSlash(rel), "/")
		for i := len(parts) - 1; i >= 0; i-- {
			out = append(out, parts[i])
		}
	}
	return append(out, rootName)
}

func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// TrueClass returns the index in classes of the class that a file's
// folders name, or -1. The deepest folder that names a class wins; a name
// is matched case-insensitively, directly or through classMap (folder name
// -> class name, such as dataset.DefaultClassMap's engraving -> drawings).
func TrueClass(f File, classes []string, classMap map[string]string) int {
	for _, name := range f.Labels {
		n := strings.ToLower(name)
		if mapped, ok := classMap[n]; ok {
			n = mapped
		}
		for i, c := range classes {
			if strings.EqualFold(c, n) {
				return i
			}
		}
	}
	return -1
}
