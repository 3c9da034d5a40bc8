package ui

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/artlens/artlens/engine"
	walkdir "github.com/artlens/artlens/internal/walk"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// Sizes, in pixels, of the images kept for each opened picture.
const (
	previewSide = widgets.PreviewSide // the picture "as given", as shown in the window
	thumbSide   = 96                  // the list's thumbnail
)

// openPicture reads an image file (picture.Open; tests slow it down).
var openPicture = picture.Open

// entry is one opened image. Its fields are set when it is created off the
// UI goroutine and afterwards changed on the UI goroutine only.
type entry struct {
	path, name string
	format     string      // "jpeg", "png", ...
	size       image.Point // of the file's picture
	input      []float32   // the network's input (CHW, [0,1]) for a model taking shape
	shape      engine.Input
	seen       *image.NRGBA
	thumb      image.Image
	// stamp is the file's size and modification time when it was read,
	// to notice a file replaced since.
	stamp fileStamp

	// preview is the picture scaled to fit previewSide; nil once dropped
	// to save memory (it is read again from the file when needed).
	preview image.Image
	// pred is the prediction of predModel. Only the most recently viewed
	// entries keep its Activations (see exploreView.touch).
	pred      *engine.Prediction
	predModel *engine.Model

	// lazy marks an entry of a large folder opened through
	// collection.Analyse (explore_folder.go): it keeps only its answer
	// and its thumbnail's JPEG; its picture, input and maps are read
	// and made again when it is shown, and dropped when it leaves the
	// recently viewed. size and format are known once it was shown.
	lazy      bool
	thumbJPEG []byte
	roots     []string // the files and folders opened, naming the cache
}

// full reports whether e holds all that the detail view shows for model m.
func (e *entry) full(m *engine.Model) bool {
	return e.preview != nil && (m == nil || e.pred != nil && e.predModel == m && e.pred.Activations != nil)
}

// answer returns the prediction of e for model m, or nil.
func (e *entry) answer(m *engine.Model) *engine.Prediction {
	if m == nil || e.predModel != m {
		return nil
	}
	return e.pred
}

// fileStamp is what tells a file apart from one put in its place.
type fileStamp struct {
	size int64
	mod  time.Time
}

// stampOf returns the stamp of the file at path (the zero stamp when it
// cannot be read).
func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{fi.Size(), fi.ModTime()}
}

// errChanged is returned by loadPreview for a file that is no longer the
// one that was analysed.
var errChanged = errors.New("the file has changed since it was opened")

// loadEntry reads and analyses one image file: decoding, the network's
// input, the preview and thumbnail, and, when m is not nil, the prediction.
// It runs off the UI goroutine.
func loadEntry(path string, m *engine.Model) (*entry, error) {
	// The stamp is taken first: a file replaced while it is read is then
	// seen as changed when it is read again, never the other way round.
	stamp := stampOf(path)
	img, format, err := openPicture(path)
	if err != nil {
		return nil, host.FileError(path, err)
	}
	e := &entry{path: path, name: filepath.Base(path), format: format, size: img.Bounds().Size(), stamp: stamp}
	e.shape = engine.StudyArch().Input
	if m != nil {
		e.shape = m.Input()
	}
	e.input = picture.ToInputShape(img, e.shape.Channels, e.shape.Width, e.shape.Height)
	e.seen = picture.FromInputShape(e.input, e.shape.Channels, e.shape.Width, e.shape.Height)
	e.preview = picture.Thumbnail(img, previewSide)
	e.thumb = picture.Thumbnail(e.preview, thumbSide)
	if m != nil {
		if e.pred, err = m.Predict(e.input); err != nil {
			return nil, fmt.Errorf("%s: the network could not analyse it: %w", e.name, err)
		}
		e.predModel = m
	}
	return e, nil
}

// inputFor reads the picture of e's file again and returns it as the
// input of a model taking in, and the picture that input shows. A file
// replaced since e was analysed gives errChanged. It runs off the UI
// goroutine, reading only fields of e set before e was listed.
func inputFor(e *entry, in engine.Input) ([]float32, *image.NRGBA, error) {
	img, err := readAgain(e)
	if err != nil {
		return nil, nil, err
	}
	x := picture.ToInputShape(img, in.Channels, in.Width, in.Height)
	return x, picture.FromInputShape(x, in.Channels, in.Width, in.Height), nil
}

// seenCaption describes the network's view of a picture for input in.
func seenCaption(in engine.Input) string {
	s := fmt.Sprintf("What the network sees: %d × %d pixels", in.Width, in.Height)
	if in.Channels == 1 {
		s += ", in grayscale"
	}
	return s
}

// loadPreview reads the picture of e's file again and scales it for
// display. A file replaced since e was analysed gives errChanged: its
// picture would not be the one the network saw.
func loadPreview(e *entry) (image.Image, error) {
	img, err := readAgain(e)
	if err != nil {
		return nil, err
	}
	return picture.Thumbnail(img, previewSide), nil
}

// readAgain reads the picture of e's file again: errChanged when the file
// is no longer the one e was made from (another size, time or picture
// size), or the error worded for the notice bar. It reads only fields of e
// set before e was listed, so it may run off the UI goroutine.
func readAgain(e *entry) (image.Image, error) {
	if stampOf(e.path) != e.stamp {
		if _, err := os.Stat(e.path); err != nil {
			return nil, host.FileError(e.path, err)
		}
		return nil, errChanged
	}
	img, _, err := openPicture(e.path)
	if err != nil {
		return nil, host.FileError(e.path, err)
	}
	if e.size != (image.Point{}) && img.Bounds().Size() != e.size { // a lazy entry's size may not be known
		return nil, errChanged
	}
	return img, nil
}

// isImageName reports whether a file name has an image extension; folders
// are opened by name so that unrelated large files are not read.
func isImageName(name string) bool {
	return slices.Contains(imageExtensions, strings.ToLower(filepath.Ext(name)))
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
