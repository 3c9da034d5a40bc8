package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/engine/nn"
	"github.com/artlens/artlens/internal/sgemm"
)

// Model is a network (an Arch) with its weights and metadata.
//
// Predict may be called from several goroutines; calls are serialised.
// Training (package training) changes the weights through Params, and
// says so with WeightsChanged.
type Model struct {
	// Meta describes the model; Meta.Classes fixes the number of outputs.
	Meta Metadata

	arch    Arch
	steps   []step          // arch resolved for the model's classes
	places  []placeSpec     // the places of steps
	weights []*tensor.Dense // in paramSpecs order
	// kernels holds the inference graphs' packed kernels, and the
	// version that moves whenever the weights may have changed: the
	// graphs keep their conv layers' kernels packed (and batch norms
	// folded into them) until it does. It is allocated apart, so that
	// the ops holding it do not hold the model: the last op that ran
	// stays referenced by an idle sgemm worker, and through it a model
	// no longer used kept its weights and graphs alive (ResNet-18's heap
	// grew from 118 to 209 MB and its predictions ran on fresh, faulting
	// memory, twice as slow).
	kernels *nn.KernelStore
	// borrowed: the weights (and kernels) are another model's, shared by
	// Share; own copies them before they are written.
	borrowed bool

	mu    sync.Mutex
	infer *network // batch-1 inference graph, built on first use
	// stepOut is the last step output that StepOutput gave, kept for the
	// next call on the same picture (the value view's neighbouring cells).
	stepOut *stepOutput
	// prefixes are ConvPrefix's graphs by place, height and width.
	prefixes map[[3]int]*ConvPrefix

	// PredictBatch's graphs, one per core, kept for the next call with
	// the same batch size; batchMu serialises their use.
	batchMu   sync.Mutex
	batchNets []*network
}

// Preprocessing is the input contract of the study's network, written into
// its weights files.
const Preprocessing = "RGB (alpha composited over white), resized to 64x64 with bilinear " +
	"interpolation (nfnt/resize) without keeping the aspect ratio, values scaled to [0,1], CHW order"

// PreprocessingOf says in words how a picture becomes the input of arch.
func PreprocessingOf(arch Arch) string {
	in := arch.Input
	colour := "RGB (alpha composited over white)"
	if in.Channels == 1 {
		colour = "grayscale (alpha composited over white, then 0.299 R + 0.587 G + 0.114 B)"
	}
	s := fmt.Sprintf("%s, resized to %dx%d with bilinear interpolation (nfnt/resize) without keeping the aspect ratio, "+
		"values scaled to [0,1], CHW order", colour, in.Width, in.Height)
	if len(arch.Mean) > 0 {
		s += fmt.Sprintf("; the network then normalises each channel with mean %v and std %v", arch.Mean, arch.Std)
	}
	return s
}

// NewModel returns a model of the study's architecture for the given
// classes (at least two) with Glorot-uniform kernels and zero biases drawn
// from seed, as Keras initialises the study's layers.
func NewModel(classes []string, seed uint64) (*Model, error) {
	return NewModelArch(StudyArch(), classes, seed)
}

// NewModelArch returns a model of arch for the given classes (at least
// two), initialised as NewModel does; batch norm layers start as the
// identity (scale and variance 1, bias and mean 0).
func NewModelArch(arch Arch, classes []string, seed uint64) (*Model, error) {
	m, err := newModel(arch, classes)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for _, s := range paramSpecs(m.steps) {
		data := make([]float32, s.Shape.TotalSize())
		if s.FanIn > 0 {
			limit := math.Sqrt(6 / float64(s.FanIn+s.FanOut))
			for i := range data {
				data[i] = float32((rng.Float64()*2 - 1) * limit)
			}
		} else if s.Init != 0 {
			for i := range data {
				data[i] = s.Init
			}
		}
		m.weights = append(m.weights, tensor.New(tensor.WithShape(s.Shape.Clone()...), tensor.WithBacking(data)))
	}
	return m, nil
}

// NewModelWeights returns a model of arch for classes with the given
// weights, one slice per tensor in ParamSpecs order (package importer
// fills them from another format). The slices become the model's.
func NewModelWeights(arch Arch, classes []string, weights [][]float32) (*Model, error) {
	m, err := newModel(arch, classes)
	if err != nil {
		return nil, err
	}
	specs := paramSpecs(m.steps)
	if len(weights) != len(specs) {
		return nil, fmt.Errorf("engine: %d weight tensors given, the architecture has %d", len(weights), len(specs))
	}
	for i, s := range specs {
		if len(weights[i]) != s.Shape.TotalSize() {
			return nil, fmt.Errorf("engine: tensor %s has %d values, want %d (shape %v)", s.Name, len(weights[i]), s.Shape.TotalSize(), []int(s.Shape))
		}
		m.weights = append(m.weights, tensor.New(tensor.WithShape(s.Shape.Clone()...), tensor.WithBacking(weights[i])))
	}
	return m, nil
}

// newModel returns a model of arch without weights, its metadata filled.
func newModel(arch Arch, classes []string) (*Model, error) {
	if len(classes) < 2 {
		return nil, fmt.Errorf("engine: a model needs at least 2 classes, got %d", len(classes))
	}
	arch = arch.clone() // the caller's slices stay the caller's
	steps, err := arch.plan(len(classes))
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	m := &Model{kernels: new(nn.KernelStore), arch: arch, steps: steps, places: placesOf(steps), Meta: Metadata{Classes: append([]string(nil), classes...), Preprocessing: PreprocessingOf(arch)}}
	if arch.Input.Height == arch.Input.Width {
		m.Meta.InputSize = arch.Input.Width
	}
	if !isStudy(arch) {
		a := arch
		m.Meta.Arch = &a
	} else {
		m.Meta.Preprocessing = Preprocessing
	}
	return m, nil
}

// isStudy says whether arch is the study's network, which files write
// without an architecture so that older ArtLens versions still read them.
func isStudy(arch Arch) bool {
	a, _ := json.Marshal(arch)
	b, _ := json.Marshal(StudyArch())
	return string(a) == string(b)
}

// Arch returns a copy of the model's architecture.
func (m *Model) Arch() Arch { return m.arch.clone() }

// Input returns the shape of the model's input image.
func (m *Model) Input() Input { return m.arch.Input }

// ConvLayers returns the number of filters of each conv layer, in order;
// conv layer i+1 (as Activation.Layer numbers it) has ConvLayers()[i].
func (m *Model) ConvLayers() []int {
	var out []int
	tg := tokenGridOf(m.steps)
	for i, s := range m.steps {
		if s.Kind == Conv2D && !tg.onTokens[i] { // a transformer's 1x1 projections on tokens are no places
			out = append(out, s.Filters)
		}
	}
	return out
}

// PlaceChannels returns the number of channels of each place (Places),
// in order: the conv layers' filters (ConvLayers) first. Place i+1 has
// PlaceChannels()[i] maps, as Activation.Layer numbers them.
func (m *Model) PlaceChannels() []int {
	out := make([]int, len(m.places))
	for i, p := range m.places {
		out[i] = p.Channels
	}
	return out
}

// Param is one weight tensor of a model.
type Param struct {
	Name  string
	Shape []int
	// Data is the model's own storage: writing to it changes the model.
	Data []float32
	// Frozen tensors (batch norm statistics) are not trained: their
	// gradient is always zero.
	Frozen bool
}

// Params returns the model's weight tensors in the order of its layers
// (for the study: conv1.weight, conv1.bias, ..., dense3.bias).
//
// Whoever writes through Data calls WeightsChanged before the next
// prediction (Params itself counts as a change, for writes made before
// it is called again).
func (m *Model) Params() []Param {
	m.own()
	m.kernels.WeightsChanged()
	return m.Weights()
}

// Weights returns the model's weight tensors as Params does, for reading
// only: unlike Params it is no change, so the graphs keep their packed
// kernels (a fingerprint or a drawing of the filters taken while the
// model predicts would otherwise have every graph pack them again, and
// the idle ones hold the old beside the new).
func (m *Model) Weights() []Param {
	specs := paramSpecs(m.steps)
	out := make([]Param, len(specs))
	for i, s := range specs {
		out[i] = Param{Name: s.Name, Shape: []int(s.Shape.Clone()), Data: m.weights[i].Data().([]float32), Frozen: s.Frozen}
	}
	return out
}

// WeightsChanged tells m that its weights were written through the slices
// Params returned: predictions made after it see the new weights (the
// graphs that predict keep their kernels prepared until then).
func (m *Model) WeightsChanged() { m.kernels.WeightsChanged() }

// Share returns a model that predicts with m's weights, not copied, and
// with m's packed kernels (ResNet-18's 45 MB of weights and 43 MB of
// kernels once, not once per copy), and with graphs of its own, so that
// it can run at the same time as m, as a copy can (the collection's
// analysis beside the Explore view). It follows m: when m's weights
// change (WeightsChanged), its graphs repack them too. Writing its own
// weights gives it a copy of them first: Params (and training, which goes
// through it) and FoldBatchStatistics on the share leave m as it is.
func (m *Model) Share() *Model {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &Model{Meta: m.Meta, arch: m.arch, steps: m.steps, places: m.places, kernels: m.kernels, borrowed: true}
	s.Meta.Classes = slices.Clone(m.Meta.Classes)
	// Tensors of its own over the same values: building a graph sets
	// the engine of the tensors it binds, which two models building at
	// once must not both write.
	for _, w := range m.weights {
		s.weights = append(s.weights, tensor.New(tensor.WithShape(w.Shape().Clone()...), tensor.WithBacking(w.Float32s())))
	}
	return s
}

// own gives a model made by Share its own copy of the weights, and its
// own packed kernels, before they are written; its graphs, built on the
// weights it shared, are dropped.
func (m *Model) own() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.borrowed {
		return
	}
	m.batchMu.Lock()
	defer m.batchMu.Unlock()
	for i, w := range m.weights {
		m.weights[i] = w.Clone().(*tensor.Dense)
	}
	m.kernels = new(nn.KernelStore)
	m.infer, m.batchNets, m.prefixes = nil, nil, nil
	m.borrowed = false
}

// ParamCount returns the number of weights and biases.
func (m *Model) ParamCount() int {
	t := 0
	for _, w := range m.weights {
		t += w.Shape().TotalSize()
	}
	return t
}

// Predict runs one image through the network. input is the image as
// picture.ToInput returns it for m.Input(): channels*height*width values in
// CHW order, in [0,1].
func (m *Model) Predict(input []float32) (*Prediction, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), in.Len(), in.Channels, in.Height, in.Width)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.predictLocked(input)
}

// predictLocked is Predict with m.mu held.
func (m *Model) predictLocked(input []float32) (*Prediction, error) {
	if m.infer == nil {
		n, err := m.buildInference(1)
		if err != nil {
			return nil, err
		}
		m.infer = n
	}
	n := m.infer
	if err := n.run(input, nil, nil); err != nil {
		return nil, fmt.Errorf("engine: forward pass: %w", err)
	}
	p := &Prediction{Probabilities: append([]float32(nil), values(n.probs)...), Logits: append([]float32(nil), values(n.logits)...),
		Activations: make([]Activation, len(n.places))}
	if n.features != nil {
		p.Features = append([]float32(nil), values(n.features)...)
	}
	p.Class = Argmax(p.Probabilities)
	copyPlaces(p.Activations, n.places)
	return p, nil
}

// copyPlaces sets acts[i] to a copy of the maps of place i, the places
// shared among the cores in runs of about equal size: the copies are as
// many bytes as a prediction's maps (13 MB for ResNet-18, 28 MB for
// MobileNetV2), a tenth to a quarter of its time on one core.
func copyPlaces(acts []Activation, places G.Nodes) {
	total := 0
	for _, c := range places {
		total += len(values(c))
	}
	shares := min(runtime.GOMAXPROCS(0), len(places), max(1, total>>18))
	sgemm.Run(shares, func(share int) {
		at := 0
		for i, c := range places {
			v := values(c)
			// Place i goes to the share where its middle falls.
			mid := at + len(v)/2
			at += len(v)
			if min(mid*shares/max(total, 1), shares-1) != share {
				continue
			}
			s := c.Value().Shape()
			acts[i] = Activation{Layer: i + 1, Channels: s[1], Height: s[2], Width: s[3], Data: append([]float32(nil), v...)}
		}
	})
}

// PredictBatch returns the class probabilities of many images at once
// (inputs concatenated, m.Input().Len() values each), batch images per
// graph run. It is the fast path for evaluation; it does not keep
// activations. The images are shared among GOMAXPROCS graphs run side by
// side (a batch of one image's arithmetic is too small to share well);
// each image's probabilities do not depend on the number of cores, and
// agree with Predict's within float32 rounding (a dense layer of one
// image sums in another order than one of several).
// Calls are serialised; the graphs are kept for the next call.
func (m *Model) PredictBatch(inputs []float32, batch int) ([][]float32, error) {
	size := m.Input().Len()
	if len(inputs)%size != 0 {
		return nil, errors.New("engine: inputs are not a whole number of images")
	}
	out := make([][]float32, len(inputs)/size)
	err := m.runBatch(inputs, batch, func(n *network, first, k int) {
		classes := len(m.Meta.Classes)
		probs := values(n.probs)
		for i := 0; i < k; i++ {
			out[first+i] = append([]float32(nil), probs[i*classes:(i+1)*classes]...)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictEach runs images as PredictBatch does (the same graphs, shared
// among the cores) and calls each(i, p) with image i's whole prediction:
// what Predict gives, activations included. Nothing is copied: p's slices
// are the graph's own and are rewritten by its next run, so each copies
// what it keeps (a collection keeps a few kilobytes of an image's
// megabyte of activations). each is called from several goroutines at
// once, once per image.
func (m *Model) PredictEach(inputs []float32, batch int, each func(i int, p *Prediction)) error {
	size := m.Input().Len()
	if len(inputs)%size != 0 {
		return errors.New("engine: inputs are not a whole number of images")
	}
	return m.runBatch(inputs, batch, func(n *network, first, k int) {
		classes := len(m.Meta.Classes)
		probs, logits := values(n.probs), values(n.logits)
		var feats []float32
		if n.features != nil {
			feats = values(n.features)
		}
		convs := make([][]float32, len(n.places))
		for j, c := range n.places {
			convs[j] = values(c)
		}
		for i := 0; i < k; i++ {
			p := &Prediction{Probabilities: probs[i*classes : (i+1)*classes : (i+1)*classes],
				Logits: logits[i*classes : (i+1)*classes : (i+1)*classes], Activations: make([]Activation, len(n.places))}
			if feats != nil {
				f := len(feats) / n.batch
				p.Features = feats[i*f : (i+1)*f : (i+1)*f]
			}
			p.Class = Argmax(p.Probabilities)
			for j, c := range n.places {
				s := c.Value().Shape()
				l := s[1] * s[2] * s[3]
				p.Activations[j] = Activation{Layer: j + 1, Channels: s[1], Height: s[2], Width: s[3], Data: convs[j][i*l : (i+1)*l : (i+1)*l]}
			}
			each(first+i, p)
		}
	})
}

// runBatch runs the images of inputs through GOMAXPROCS graphs of up to
// 32 images each, run side by side, and calls read(n, first, k) after
// graph n has run images [first, first+k) (from several goroutines at
// once; n's values are valid until read returns).
func (m *Model) runBatch(inputs []float32, batch int, read func(n *network, first, k int)) error {
	size := m.Input().Len()
	count := len(inputs) / size
	if count == 0 {
		return nil
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), count))
	// Each graph runs sub images at a time, so that the workers together
	// hold about batch images, and at most 32. Fewer leave a core idle
	// part of the time: each run of a gorgonia graph hands work between
	// threads, and on a virtual machine each handoff can leave a core
	// waiting (the two-core benchmark kept 1.6 cores busy at 8 images a
	// run, 1.8 at 16, 1.9 at 32). More only hold more memory (about 45 MB
	// a graph at 32 images for the study's network).
	sub := max(1, min((max(batch, 1)+workers-1)/workers, (count+workers-1)/workers, 32))
	m.batchMu.Lock()
	defer m.batchMu.Unlock()
	if len(m.batchNets) != workers || m.batchNets[0].batch != sub {
		m.batchNets = nil
		for range workers {
			n, err := m.buildInference(sub)
			if err != nil {
				return err
			}
			m.batchNets = append(m.batchNets, n)
		}
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	// The workers take the next sub images as they finish, so one that
	// the system slows down takes fewer.
	var next atomic.Int64
	for w, n := range m.batchNets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]float32, sub*size)
			for {
				first := int(next.Add(int64(sub))) - sub
				if first >= count || errs[w] != nil {
					return
				}
				last := min(first+sub, count)
				k := last - first
				clear(buf[k*size:])
				copy(buf, inputs[first*size:last*size])
				if err := n.run(buf, nil, nil); err != nil {
					errs[w] = fmt.Errorf("engine: forward pass: %w", err)
					return
				}
				read(n, first, k)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// build builds the model's graph on the given weight tensors.
func (m *Model) build(weights []*tensor.Dense, batch int, train bool) (*network, error) {
	return buildNetwork(m.arch, m.steps, weights, networkOptions{Classes: len(m.Meta.Classes), Batch: batch, Train: train})
}

// buildInference builds a graph that predicts with the model's weights,
// batch images a run: its kernels packed (in m.kernels, shared by the
// model's graphs) until their version moves, batch norms folded into the
// conv layers they follow.
func (m *Model) buildInference(batch int) (*network, error) {
	return buildNetwork(m.arch, m.steps, m.weights, networkOptions{Classes: len(m.Meta.Classes), Batch: batch, Store: m.kernels})
}

// Argmax returns the index of the largest value (the first one on ties).
func Argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
