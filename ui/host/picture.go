package host

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// Sizes, in pixels, of the images kept for each opened picture.
const (
	PreviewSide = 768 // the picture "as given", as shown in the window
	ThumbSide   = 96  // the list's thumbnail
)

// OpenPicture reads an image file (picture.Open; tests slow it down or
// make it fail).
var OpenPicture = picture.Open

// Picture is one picture opened in the window (the Explore view's list):
// what the views that explain or compare it read. Its fields are set when
// it is made off the UI goroutine and afterwards changed on the UI
// goroutine only.
type Picture struct {
	Path, Name string
	Format     string      // "jpeg", "png", ...
	Size       image.Point // of the file's picture
	Input      []float32   // the network's input (CHW, [0,1]) for a model taking Shape
	Shape      engine.Input
	Seen       *image.NRGBA
	Thumb      image.Image
	// Stamp is the file's size and modification time when it was read,
	// to notice a file replaced since.
	Stamp FileStamp

	// Preview is the picture scaled to fit PreviewSide; nil once dropped
	// to save memory (it is read again from the file when needed).
	Preview image.Image
	// Pred is the prediction of PredModel. Only the most recently viewed
	// pictures keep its Activations (the Explore view drops the others').
	Pred      *engine.Prediction
	PredModel *engine.Model

	// Lazy marks a picture of a large folder opened through
	// collection.Analyse (the Explore view's): it keeps only its answer
	// and its thumbnail's JPEG (ThumbJPEG); its picture, input and maps
	// are read and made again when it is shown, and dropped when it
	// leaves the recently viewed. Size and Format are known once it was
	// shown. Roots are the files and folders opened, naming the cache.
	Lazy      bool
	ThumbJPEG []byte
	Roots     []string
}

// Full reports whether p holds all that the Explore view's detail shows
// for model m.
func (p *Picture) Full(m *engine.Model) bool {
	return p.Preview != nil && (m == nil || p.Pred != nil && p.PredModel == m && p.Pred.Activations != nil)
}

// Answer returns the prediction of p for model m, or nil.
func (p *Picture) Answer(m *engine.Model) *engine.Prediction {
	if m == nil || p.PredModel != m {
		return nil
	}
	return p.Pred
}

// FileStamp is what tells a file apart from one put in its place.
type FileStamp struct {
	size int64
	mod  time.Time
}

// StampOf returns the stamp of the file at path (the zero stamp when it
// cannot be read).
func StampOf(path string) FileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return FileStamp{}
	}
	return FileStamp{fi.Size(), fi.ModTime()}
}

// ErrChanged is returned by LoadPreview, InputFor and ReadAgain for a
// file that is no longer the one that was analysed.
var ErrChanged = errors.New("the file has changed since it was opened")

// LoadPicture reads and analyses one image file: decoding, the network's
// input, the preview and thumbnail, and, when m is not nil, the
// prediction. It runs off the UI goroutine.
func LoadPicture(path string, m *engine.Model) (*Picture, error) {
	// The stamp is taken first: a file replaced while it is read is then
	// seen as changed when it is read again, never the other way round.
	stamp := StampOf(path)
	img, format, err := OpenPicture(path)
	if err != nil {
		return nil, FileError(path, err)
	}
	e := &Picture{Path: path, Name: filepath.Base(path), Format: format, Size: img.Bounds().Size(), Stamp: stamp}
	e.Shape = engine.StudyArch().Input
	if m != nil {
		e.Shape = m.Input()
	}
	e.Input = picture.ToInputShape(img, e.Shape.Channels, e.Shape.Width, e.Shape.Height)
	e.Seen = picture.FromInputShape(e.Input, e.Shape.Channels, e.Shape.Width, e.Shape.Height)
	e.Preview = picture.Thumbnail(img, PreviewSide)
	e.Thumb = picture.Thumbnail(e.Preview, ThumbSide)
	if m != nil {
		if e.Pred, err = m.Predict(e.Input); err != nil {
			return nil, fmt.Errorf("%s: the network could not analyse it: %w", e.Name, err)
		}
		e.PredModel = m
	}
	return e, nil
}

// InputFor reads the picture of p's file again and returns it as the
// input of a model taking in, and the picture that input shows. A file
// replaced since p was analysed gives ErrChanged. It runs off the UI
// goroutine, reading only fields of p set before p was listed.
func InputFor(p *Picture, in engine.Input) ([]float32, *image.NRGBA, error) {
	img, err := ReadAgain(p)
	if err != nil {
		return nil, nil, err
	}
	x := picture.ToInputShape(img, in.Channels, in.Width, in.Height)
	return x, picture.FromInputShape(x, in.Channels, in.Width, in.Height), nil
}

// LoadPreview reads the picture of p's file again and scales it for
// display. A file replaced since p was analysed gives ErrChanged: its
// picture would not be the one the network saw.
func LoadPreview(p *Picture) (image.Image, error) {
	img, err := ReadAgain(p)
	if err != nil {
		return nil, err
	}
	return picture.Thumbnail(img, PreviewSide), nil
}

// ReadAgain reads the picture of p's file again: ErrChanged when the file
// is no longer the one p was made from (another size, time or picture
// size), or the error worded for the notice bar. It reads only fields of p
// set before p was listed, so it may run off the UI goroutine.
func ReadAgain(p *Picture) (image.Image, error) {
	if StampOf(p.Path) != p.Stamp {
		if _, err := os.Stat(p.Path); err != nil {
			return nil, FileError(p.Path, err)
		}
		return nil, ErrChanged
	}
	img, _, err := OpenPicture(p.Path)
	if err != nil {
		return nil, FileError(p.Path, err)
	}
	if p.Size != (image.Point{}) && img.Bounds().Size() != p.Size { // a lazy picture's size may not be known
		return nil, ErrChanged
	}
	return img, nil
}

// Picture is the picture the Explore view shows (nil before one is
// shown): the one the Explain view explains.
func (h *Host) Picture() *Picture { return h.picture }

// SetPicture makes p the picture shown and tells every OnPicture
// subscriber; the Explore view calls it each time it shows a picture
// (again after a model change).
func (h *Host) SetPicture(p *Picture) {
	h.picture = p
	for _, f := range h.onPicture {
		f(p)
	}
}

// OnPicture calls f with the picture each time one is shown.
func (h *Host) OnPicture(f func(*Picture)) { h.onPicture = append(h.onPicture, f) }

// Pictures are the pictures opened, in the Explore view's order: the
// ones the Compare view picks from.
func (h *Host) Pictures() []*Picture { return h.pictures }

// SetPictures makes ps the pictures opened and tells every OnPictures
// subscriber; the Explore view calls it when its list changed.
func (h *Host) SetPictures(ps []*Picture) {
	h.pictures = ps
	for _, f := range h.onPictures {
		f()
	}
}

// OnPictures calls each of fs after the list of opened pictures changed.
func (h *Host) OnPictures(fs ...func()) { h.onPictures = append(h.onPictures, fs...) }

// Second is the second opinion: a second model whose answer the Explore
// view shows beside the current model's, whose Grad-CAM the Explain view
// draws beside the first and which the Collection view runs too; nil for
// none. SecondName names it.
func (h *Host) Second() *engine.Model { return h.second }

// SecondName names the second model in the window.
func (h *Host) SecondName() string { return h.secondName }

// SetSecond makes m, named name, the second opinion (nil: none) and tells
// every OnSecond subscriber.
func (h *Host) SetSecond(m *engine.Model, name string) {
	h.second, h.secondName = m, name
	for _, f := range h.onSecond {
		f()
	}
}

// OnSecond calls each of fs after the second opinion changed.
func (h *Host) OnSecond(fs ...func()) { h.onSecond = append(h.onSecond, fs...) }
