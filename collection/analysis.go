package collection

import (
	"container/heap"
	"image"
	"math"
	"sort"

	"github.com/artlens/artlens/engine"
)

// Evaluate returns the accuracy and confusion matrix of the items that have
// a true class, and the items of each cell: cells[t][p] lists those of true
// class t predicted as p, in the order of items. classes are the model's
// classes; labelled counts the items evaluated.
func Evaluate(items []*Item, classes []string) (ev engine.Evaluation, cells [][][]*Item, err error) {
	n := len(classes)
	cells = make([][][]*Item, n)
	for i := range cells {
		cells[i] = make([][]*Item, n)
	}
	var truth, pred []int
	for _, it := range items {
		if it.Truth < 0 || it.Truth >= n || it.Class >= n {
			continue
		}
		truth = append(truth, it.Truth)
		pred = append(pred, it.Class)
		cells[it.Truth][it.Class] = append(cells[it.Truth][it.Class], it)
	}
	ev, err = engine.NewEvaluation(classes, truth, pred)
	return ev, cells, err
}

// Labelled reports how many items have a true class.
func Labelled(items []*Item) int {
	n := 0
	for _, it := range items {
		if it.Truth >= 0 {
			n++
		}
	}
	return n
}

// Hit is one picture of a ranking with its score.
type Hit struct {
	Item  *Item
	Score float32
	// Region is, for TopK, the part of the network's input (in its pixels)
	// that the peak of the filter sees: its receptive field.
	Region image.Rectangle
}

// TopK returns the k items whose feature map of (layer, filter) peaks
// highest, highest first (ties by item order), each with the receptive
// field of its peak. layer and filter are 1-based and must exist in layout
// (Layout.Check); rf gives the receptive fields of the layers (nil: the
// whole input). Copies of one content (the data set has pictures in both
// of its splits) count once, under the first of their items.
func TopK(items []*Item, layout Layout, rf []Field, inW, inH, layer, filter, k int) []Hit {
	if k <= 0 || len(items) == 0 {
		return nil
	}
	idx := layout.Offset(layer) + filter - 1
	h := &hitHeap{}
	seen := make(map[[32]byte]bool, len(items))
	for i, it := range items {
		if idx >= len(it.Peaks) || seen[it.Hash] {
			continue
		}
		seen[it.Hash] = true
		v := it.Peaks[idx]
		h.offer(rankHit{v, i}, k)
	}
	out := h.best()
	shape := layout[layer-1]
	hits := make([]Hit, len(out))
	for i, r := range out {
		it := items[r.i]
		at := int(it.PeakAt[idx])
		region := image.Rect(0, 0, inW, inH)
		if layer-1 < len(rf) {
			region = rf[layer-1].Region(at/shape.Width, at%shape.Width, inW, inH)
		}
		hits[i] = Hit{Item: it, Score: r.v, Region: region}
	}
	return hits
}

type rankHit struct {
	v float32
	i int
}

// worse reports whether a ranks below b: a lower value, or an equal value
// from a later item.
func worse(a, b rankHit) bool {
	if a.v != b.v {
		return a.v < b.v
	}
	return a.i > b.i
}

// hitHeap keeps the k best so far with the worst on top.
type hitHeap struct{ s []rankHit }

func (h *hitHeap) Len() int           { return len(h.s) }
func (h *hitHeap) Less(i, j int) bool { return worse(h.s[i], h.s[j]) }
func (h *hitHeap) Swap(i, j int)      { h.s[i], h.s[j] = h.s[j], h.s[i] }
func (h *hitHeap) Push(x any)         { h.s = append(h.s, x.(rankHit)) }
func (h *hitHeap) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}

// offer adds r to h when h holds fewer than k or r ranks above the worst.
func (h *hitHeap) offer(r rankHit, k int) {
	if h.Len() < k {
		heap.Push(h, r)
	} else if worse(h.s[0], r) {
		h.s[0] = r
		heap.Fix(h, 0)
	}
}

// best returns what h holds, best first.
func (h *hitHeap) best() []rankHit {
	out := append([]rankHit(nil), h.s...)
	sort.Slice(out, func(a, b int) bool { return worse(out[b], out[a]) })
	return out
}

// Similar returns the k items whose features are closest to target's by
// cosine similarity, most similar first; target itself and items of the
// same content are left out. Items without features are skipped.
func Similar(items []*Item, target *Item, k int) []Hit {
	if k <= 0 || target == nil || len(target.Features) == 0 {
		return nil
	}
	tn := norm(target.Features)
	h := &hitHeap{}
	for i, it := range items {
		if it == target || it.Hash == target.Hash || len(it.Features) != len(target.Features) {
			continue
		}
		v := cosine(target.Features, it.Features, tn)
		h.offer(rankHit{v, i}, k)
	}
	out := h.best()
	hits := make([]Hit, len(out))
	for i, r := range out {
		hits[i] = Hit{Item: items[r.i], Score: r.v}
	}
	return hits
}

func norm(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// cosine returns the cosine similarity of a (of norm an) and b; 0 when
// either is all zeros.
func cosine(a, b []float32, an float64) float32 {
	dot, bn := 0.0, 0.0
	for i, x := range a {
		y := float64(b[i])
		dot += float64(x) * y
		bn += y * y
	}
	if an == 0 || bn == 0 {
		return 0
	}
	return float32(dot / (an * math.Sqrt(bn)))
}

// Distinct keeps one item per picture content, the first by path, as
// package dataset keeps one copy of each picture of its test split (so
// that a collection of validation_set counts what 'artlens eval' counts).
// Items may be added in any order, as the analysis finishes them. The
// zero value is empty and ready.
type Distinct struct {
	// Items are the kept items, in the order their contents first came.
	Items []*Item
	// Dropped counts the copies left out.
	Dropped int
	at      map[[32]byte]int
}

// Add adds it, or counts it as a copy: when an item of the same content
// is kept already, the one of the smaller path stays.
func (d *Distinct) Add(it *Item) {
	if d.at == nil {
		d.at = map[[32]byte]int{}
	}
	i, ok := d.at[it.Hash]
	if !ok {
		d.at[it.Hash] = len(d.Items)
		d.Items = append(d.Items, it)
		return
	}
	d.Dropped++
	if it.Path < d.Items[i].Path {
		d.Items[i] = it
	}
}

// EvaluateOther returns the accuracy and confusion matrix of the second
// model's answers (Item.Other) on the items that have a true class among
// its classes.
func EvaluateOther(items []*Item, classes []string) (engine.Evaluation, error) {
	var truth, pred []int
	for _, it := range items {
		a := it.Other
		if a == nil || a.Truth < 0 || a.Truth >= len(classes) || a.Class >= len(classes) {
			continue
		}
		truth = append(truth, a.Truth)
		pred = append(pred, a.Class)
	}
	return engine.NewEvaluation(classes, truth, pred)
}

// Disagreements counts the items on which the two models answer
// different classes.
func Disagreements(items []*Item) int {
	n := 0
	for _, it := range items {
		if it.Other != nil && it.Other.Disagree {
			n++
		}
	}
	return n
}
