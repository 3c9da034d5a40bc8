package collection

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"slices"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// ThumbSide is the longer side, in pixels, of the thumbnail kept for each
// picture.
const ThumbSide = 64

// Item is one analysed picture: what is kept of it, a few kilobytes. Its
// slices may be shared with the cache and with other Items of the same
// content; they must not be changed.
type Item struct {
	Path string
	// Folder is the picture's folder relative to the opened folder.
	Folder string
	// Truth is the index of the class its folders name, or -1.
	Truth int
	// Class and Second are the indices of the most and second most
	// probable classes.
	Class, Second int
	// Hash is the SHA-256 of the file's content.
	Hash [32]byte
	*Record
	// Other is the answer of the second model (Options.Other), nil
	// without one.
	Other *Answer
}

// Record is what the network made of one picture content; it does not
// depend on where the file lies.
type Record struct {
	// Probabilities holds one value per class of the model.
	Probabilities []float32
	// Features are the values entering the output layer (engine.Prediction.Features).
	Features []float32
	// Peaks holds, for every filter of every conv layer (layer by layer, in
	// the order of Layout), the highest value of its feature map; PeakAt the
	// position of that value in the map (y*width + x, the first on ties).
	Peaks  []float32
	PeakAt []uint32
	// Thumb is a JPEG of the picture, at most ThumbSide pixels on a side.
	Thumb []byte
}

// Right reports whether the item has a true class and the network found it.
func (it *Item) Right() bool { return it.Truth >= 0 && it.Truth == it.Class }

// Wrong reports whether the item has a true class and the network missed it.
func (it *Item) Wrong() bool { return it.Truth >= 0 && it.Truth != it.Class }

// Probability returns the probability of the predicted class.
func (it *Item) Probability() float32 { return it.Probabilities[it.Class] }

// Thumbnail decodes the item's thumbnail (nil if it cannot be decoded).
func (it *Item) Thumbnail() image.Image {
	img, err := jpeg.Decode(bytes.NewReader(it.Thumb))
	if err != nil {
		return nil
	}
	return img
}

// LayerShape is the size of one conv layer's output for one picture.
type LayerShape struct {
	Channels, Height, Width int
}

// Layout gives the conv layers of a model, in order (index 0 is conv
// layer 1), and so where each filter's peak lies in Record.Peaks.
type Layout []LayerShape

// Offset returns the index in Record.Peaks of filter 0 of layer (1-based).
// layer must be in 1..len(l).
func (l Layout) Offset(layer int) int {
	o := 0
	for _, s := range l[:layer-1] {
		o += s.Channels
	}
	return o
}

// Filters returns the total number of filters of all conv layers.
func (l Layout) Filters() int {
	n := 0
	for _, s := range l {
		n += s.Channels
	}
	return n
}

// Check reports whether (layer, filter) exists; both are 1-based, as the
// app and the command line number them.
func (l Layout) Check(layer, filter int) error {
	if layer < 1 || layer > len(l) {
		return fmt.Errorf("layer %d does not exist: the model has conv layers 1 to %d", layer, len(l))
	}
	if n := l[layer-1].Channels; filter < 1 || filter > n {
		return fmt.Errorf("filter %d does not exist: conv layer %d has filters 1 to %d", filter, layer, n)
	}
	return nil
}

// layoutOf returns the layout of a prediction's activations.
func layoutOf(p *engine.Prediction) Layout {
	l := make(Layout, len(p.Activations))
	for i, a := range p.Activations {
		l[i] = LayerShape{a.Channels, a.Height, a.Width}
	}
	return l
}

// newRecord keeps the small part of a prediction, with the picture's
// thumbnail. It copies what it keeps: p's slices may be the graph's own
// (engine.Model.PredictEach).
func newRecord(p *engine.Prediction, thumb []byte) *Record {
	r := &Record{Probabilities: slices.Clone(p.Probabilities), Features: slices.Clone(p.Features), Thumb: thumb}
	n := 0
	for _, a := range p.Activations {
		n += a.Channels
	}
	r.Peaks = make([]float32, 0, n)
	r.PeakAt = make([]uint32, 0, n)
	for _, a := range p.Activations {
		for ch := range a.Channels {
			m := a.Map(ch)
			best, at := float32(math.Inf(-1)), 0
			for i, v := range m {
				if v > best {
					best, at = v, i
				}
			}
			r.Peaks = append(r.Peaks, best+0) // +0: a ReLU gives -0, printed "-0"
			r.PeakAt = append(r.PeakAt, uint32(at))
		}
	}
	return r
}

// thumbnail is img as a JPEG of at most ThumbSide pixels on a side, in a
// slice of its own size (not a buffer's larger one).
func thumbnail(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture.Thumbnail(img, ThumbSide), &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// top2 returns the indices of the largest and second largest values.
func top2(v []float32) (first, second int) {
	first = engine.Argmax(v)
	second = -1
	for i, x := range v {
		if i != first && (second < 0 || x > v[second]) {
			second = i
		}
	}
	if second < 0 {
		second = first
	}
	return first, second
}

// Fingerprint identifies a model's computation: a hash of its classes, its
// layer table and all its weights. Two models with the same fingerprint
// give the same results, so cached results stay valid.
func Fingerprint(m *engine.Model) string {
	h := sha256.New()
	for _, c := range m.Meta.Classes {
		fmt.Fprintf(h, "class %q\n", c)
	}
	for _, l := range m.Summary() {
		fmt.Fprintf(h, "layer %s %s %v %d\n", l.Name, l.Type, l.OutputShape, l.Params)
	}
	for _, p := range m.Weights() {
		fmt.Fprintf(h, "param %s %v\n", p.Name, p.Shape)
		buf := make([]byte, 4*len(p.Data))
		for i, v := range p.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Answer is a second model's answer on a picture (Options.Other): a few
// bytes, not its features, so that a second model adds little to a
// collection's memory.
type Answer struct {
	// Class is the index of the most probable class among the other
	// model's classes, and Probability its probability.
	Class       int
	Probability float32
	// Truth is the index among the other model's classes of the class
	// the picture's folders name, or -1.
	Truth int
	// Disagree says the two models answer different classes, compared by
	// name (two models may order their classes differently).
	Disagree bool
}

// Right reports whether the picture has a true class and the other model
// found it.
func (a *Answer) Right() bool { return a.Truth >= 0 && a.Truth == a.Class }

// Wrong reports whether the picture has a true class and the other model
// missed it.
func (a *Answer) Wrong() bool { return a.Truth >= 0 && a.Truth != a.Class }

// newAnswer is other's answer on it (of file f) from its probabilities;
// m is the first model (nil: every answer disagrees).
func newAnswer(it *Item, m, other *engine.Model, f File, probs []float32, classMap map[string]string) *Answer {
	a := &Answer{Class: engine.Argmax(probs), Truth: TrueClass(f, other.Meta.Classes, classMap)}
	a.Probability = probs[a.Class]
	a.Disagree = m == nil || className(m.Meta.Classes, it.Class) != className(other.Meta.Classes, a.Class)
	return a
}
