package engine

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
)

// ConvPrefix is the part of a model that leads to one place, built for
// pictures of another size than the model's input. Convolutions,
// poolings, batch norms, activations and joins take maps of any size;
// only a flatten, a dense layer or a global pooling ties a network to its
// input's size. So a place that only such layers lead to can be computed
// on a larger canvas, as feature visualization does (Olah et al.'s
// channel objectives are drawn on canvases of any size).
//
// Its graph is bound to the model's own weight tensors (nothing is
// copied): it reads them under the model's lock, as Predict does, so it
// follows the weights as they are trained. Its runs are serialised.
type ConvPrefix struct {
	m     *Model
	in    Input
	place Place // its channels, height and width at this input
	net   *network

	selector *G.Node // weights of the maps' cells in the target
	target   *G.Node // sum(selector * maps)
	grad     *G.Node // d target / d input
	vm       G.VM
}

// ConvOnly says whether only layers that take maps of any size lead to
// place (1..len(Places())): no flatten, dense layer or global pooling
// (a squeeze-excitation's among them) is among the layers its maps are
// computed from. ConvPrefix builds such places for any input size.
func (m *Model) ConvOnly(place int) bool {
	if place < 1 || place > len(m.places) {
		return false
	}
	return m.sizeBound(m.places[place-1].step) == ""
}

// sizeBound returns the name of a flatten, dense, global pooling,
// position embedding or window attention that step i is computed from
// (itself included), or "".
func (m *Model) sizeBound(i int) string {
	seen := make([]bool, len(m.steps))
	todo := []int{i}
	for len(todo) > 0 {
		j := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if j < 0 || seen[j] {
			continue
		}
		seen[j] = true
		switch m.steps[j].Kind {
		case Flatten, Dense, GlobalAvgPool, PosEmbed, // a position embedding fixes the number of tokens
			WindowAttention: // a window attention's roll and mask depend on the maps' size
			return m.steps[j].Name
		}
		todo = append(todo, m.steps[j].ins...)
	}
	return ""
}

// ConvPrefix returns the layers of m that lead to place (1..len(Places()))
// built for pictures of height×width pixels (the model's channels). The
// place must be ConvOnly. Where the layers have no padding, the maps of
// a larger picture hold, in their top-left corner, the maps of the
// picture's top-left corner at the model's size; with padding, the cells
// whose windows stay inside that corner.
//
// The model keeps the prefixes it built (the last few places and sizes),
// so that a page of a layer's filters builds its graph once.
func (m *Model) ConvPrefix(place, height, width int) (*ConvPrefix, error) {
	key := [3]int{place, height, width}
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.prefixes[key]; p != nil {
		return p, nil
	}
	p, err := m.newConvPrefix(place, height, width)
	if err != nil {
		return nil, err
	}
	if len(m.prefixes) >= maxPrefixes || m.prefixes == nil {
		m.prefixes = map[[3]int]*ConvPrefix{}
	}
	m.prefixes[key] = p
	return p, nil
}

// maxPrefixes is the most prefixes a model keeps: each holds its maps and
// their gradients (megabytes for the study's layers at 128 pixels).
const maxPrefixes = 8

// newConvPrefix builds what ConvPrefix returns.
func (m *Model) newConvPrefix(place, height, width int) (*ConvPrefix, error) {
	if place < 1 || place > len(m.places) {
		return nil, fmt.Errorf("engine: there is no layer %d; the layers are 1 to %d", place, len(m.places))
	}
	last := m.places[place-1].step
	if name := m.sizeBound(last); name != "" {
		return nil, fmt.Errorf("engine: layer %d (%s) is computed through %s, which needs the model's input size (%dx%d)",
			place, m.places[place-1].Name, name, m.arch.Input.Width, m.arch.Input.Height)
	}
	a := m.arch.clone()
	a.Input.Height, a.Input.Width = height, width
	a.Layers = a.Layers[:last+1]
	steps, err := a.resolve(len(m.Meta.Classes))
	if err != nil {
		return nil, fmt.Errorf("engine: layer %d at %dx%d: %w", place, width, height, err)
	}
	// The ReLUs fused as in the whole network: a conv read by its ReLU
	// and by a layer after the place keeps its own output.
	for i := range steps {
		steps[i].relu, steps[i].fused = m.steps[i].relu, m.steps[i].fused
	}
	if err := checkLayerSizes(steps); err != nil {
		return nil, fmt.Errorf("engine: at %dx%d: %w", width, height, err)
	}
	specs := paramSpecs(steps)
	for i, s := range specs {
		if !slices.Equal(s.Shape, m.weights[i].Shape()) {
			return nil, fmt.Errorf("engine: %s is %v at %dx%d, %v at the model's size", s.Name, s.Shape, width, height, m.weights[i].Shape())
		}
	}
	n, err := buildNetwork(a, steps, m.weights[:len(specs)], networkOptions{Classes: len(m.Meta.Classes), Batch: 1, ToInput: true})
	if err != nil {
		return nil, err
	}
	o := steps[last].out
	p := &ConvPrefix{m: m, in: a.Input, net: n, place: m.places[place-1].Place}
	p.place.Channels, p.place.Height, p.place.Width = o.c, o.h, o.w
	if p.selector, p.target, p.grad, err = selectedGradient(n, n.maps); err != nil {
		return nil, err
	}
	// Only what the picture's gradient needs: the ops' derivatives
	// also put the kernels' gradients in the graph, which would double
	// the work.
	p.vm = G.NewTapeMachine(n.g.ExactSubgraphRoots(p.target, p.grad))
	return p, nil
}

// Input returns the shape of the pictures the prefix takes.
func (p *ConvPrefix) Input() Input { return p.in }

// Place returns the place the prefix computes, its maps' size at the
// prefix's input.
func (p *ConvPrefix) Place() Place { return p.place }

// Run runs one picture (p.Input().Len() values in CHW order, in [0,1] as
// Predict takes) and returns the place's maps, the target (the sum of
// weights times filter's map, or its mean when weights is nil) and its
// gradient with respect to the picture. The returned values are the
// caller's.
func (p *ConvPrefix) Run(input []float32, filter int, weights []float32) (act Activation, value float32, grad []float32, err error) {
	pl := p.place
	cells := pl.Height * pl.Width
	switch {
	case len(input) != p.in.Len():
		return act, 0, nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), p.in.Len(), p.in.Channels, p.in.Height, p.in.Width)
	case filter < 0 || filter >= pl.Channels:
		return act, 0, nil, fmt.Errorf("engine: layer %d has filters 1 to %d, not %d", pl.Layer, pl.Channels, filter+1)
	case weights != nil && len(weights) != cells:
		return act, 0, nil, fmt.Errorf("engine: %d weights for a %dx%d map", len(weights), pl.Width, pl.Height)
	}
	sel := make([]float32, pl.Channels*cells)
	w := sel[filter*cells : (filter+1)*cells]
	if weights == nil {
		for i := range w {
			w[i] = 1 / float32(cells)
		}
	} else {
		copy(w, weights)
	}
	n := p.net
	p.m.mu.Lock() // the model's weights, read while nothing else writes them
	defer p.m.mu.Unlock()
	if err := n.let(n.input, input); err != nil {
		return act, 0, nil, err
	}
	if err := n.let(p.selector, sel); err != nil {
		return act, 0, nil, err
	}
	p.vm.Reset()
	if err := p.vm.RunAll(); err != nil {
		return act, 0, nil, fmt.Errorf("engine: layer %d at %dx%d: %w", pl.Layer, p.in.Width, p.in.Height, err)
	}
	switch v := p.target.Value().Data().(type) {
	case float32:
		value = v
	case []float32:
		value = v[0]
	}
	act = Activation{Layer: pl.Layer, Channels: pl.Channels, Height: pl.Height, Width: pl.Width, Data: append([]float32(nil), values(n.maps)...)}
	return act, value, append([]float32(nil), values(p.grad)...), nil
}
