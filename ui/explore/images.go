package explore

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/artlens/artlens/engine"
	walkdir "github.com/artlens/artlens/internal/walk"
	"github.com/artlens/artlens/ui/host"
)

// entry is one opened image: the host's Picture, which the Explain and
// Compare views read.
type entry = host.Picture

// seenCaption describes the network's view of a picture for input in.
func seenCaption(in engine.Input) string {
	s := fmt.Sprintf("What the network sees: %d × %d pixels", in.Width, in.Height)
	if in.Channels == 1 {
		s += ", in grayscale"
	}
	return s
}

// isImageName reports whether a file name has an image extension; folders
// are opened by name so that unrelated large files are not read.
func isImageName(name string) bool {
	return slices.Contains(host.ImageExtensions, strings.ToLower(filepath.Ext(name)))
}

// expandPaths turns the given files and folders into the files to open:
// files as given, folders (recursively, hidden entries left out, symbolic
// links followed once each: walk.Dir) by image file name, sorted. skipped says, one sentence each, what was left out.
func expandPaths(paths []string) (files, skipped []string) {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			// picture.Open words the error for the user.
			files = append(files, p)
			continue
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		var found, others []string
		_ = walkdir.Dir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%s: could not be read (%v)", filepath.Base(path), err))
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if !isImageName(d.Name()) {
				others = append(others, d.Name())
				return nil
			}
			found = append(found, path)
			return nil
		})
		slices.Sort(found)
		for _, name := range others {
			skipped = append(skipped, name+": not an image file name")
		}
		files = append(files, found...)
	}
	return files, skipped
}
