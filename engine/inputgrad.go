package engine

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Target is what InputGradient differentiates with respect to the input:
// a class's logit, or a filter's activation at a conv layer.
type Target struct {
	// Layer is the conv layer (1..len(ConvLayers())) of the filter Filter
	// (0-based); 0 means the logit (before softmax) of class Class.
	Layer, Filter, Class int
	// Weights, for a filter, weigh the cells of its map (Height*Width
	// values, row-major): the target is the sum of Weights times the map
	// (a one-hot Weights picks one cell). nil means the mean of the map.
	Weights []float32
}

// inputGradNet is a batch-1 graph whose every op passes its gradient down
// to the input, with the target sum(selector * node): node is the logits
// or one conv layer's activations.
type inputGradNet struct {
	net      *network
	own      []*tensor.Dense // the graph's copy of the weights
	selector *G.Node
	grad     *G.Node // d target / d input
	target   *G.Node
	vm       G.VM
}

// inputGradCache keeps, for the last model asked, the graphs of each
// target layer (0 for the logits), built on first use: one for
// InputGradient, more for InputGradients' workers; its mutex serialises
// calls, since a gorgonia graph is not reentrant.
var inputGradCache struct {
	mu   sync.Mutex
	m    *Model
	nets map[int][]*inputGradNet
}

// gradientWorkerBytes is the size of weights above which InputGradients
// runs one graph only: each worker's graph holds its own copy of the
// weights (a ViT-B/16's 330 MB would be copied once per core).
const gradientWorkerBytes = 64 << 20

// newInputGradNet builds the graph of m for targets at layer (0: logits).
// Like the gradient graph, it runs on its own copy of the weights.
func newInputGradNet(m *Model, layer int) (*inputGradNet, error) {
	own := make([]*tensor.Dense, len(m.weights))
	for i, w := range m.weights {
		own[i] = w.Clone().(*tensor.Dense)
	}
	n, err := buildNetwork(m.arch, m.steps, own, networkOptions{Classes: len(m.Meta.Classes), Batch: 1, ToInput: true})
	if err != nil {
		return nil, err
	}
	node := n.logits
	if layer > 0 {
		node = n.places[layer-1]
	}
	g := &inputGradNet{net: n, own: own}
	if g.selector, g.target, g.grad, err = selectedGradient(n, node); err != nil {
		return nil, err
	}
	g.vm = G.NewTapeMachine(n.g)
	return g, nil
}

// selectedGradient adds to n's graph a target, the sum of node's values
// each weighted by a selector (a tensor of node's shape, set before each
// run), and the target's gradient with respect to n's input.
func selectedGradient(n *network, node *G.Node) (selector, target, grad *G.Node, err error) {
	selector = G.NewTensor(n.g, tensor.Float32, node.Dims(), G.WithShape(node.Shape().Clone()...), G.WithName("selector"))
	// The selector first: gorgonia may write a product over its first
	// operand once nothing else reads it, and node is read after.
	picked, err := G.HadamardProd(selector, node)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("engine: input gradient target: %w", err)
	}
	if target, err = G.Sum(picked); err != nil {
		return nil, nil, nil, fmt.Errorf("engine: input gradient target: %w", err)
	}
	one := n.g.AddNode(G.NewConstant(float32(1), G.WithName("one")))
	grads, err := G.Backpropagate(G.Nodes{target}, G.Nodes{one}, G.Nodes{n.input})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("engine: gradient of the input: %w", err)
	}
	return selector, target, grads[0], nil
}

// InputGradient runs one image (m.Input().Len() values in CHW order, as
// Predict takes) and returns the value of the target t, its gradient with
// respect to the image (same layout and length as input) and the class
// probabilities. The returned slices are the caller's.
//
// The graph of a target layer is built on its first call for a model and
// kept for the last model used; calls are serialised. Each call starts
// from the model's current weights.
func (m *Model) InputGradient(input []float32, t Target) (value float32, grad, probs []float32, err error) {
	in := m.Input()
	if len(input) != in.Len() {
		return 0, nil, nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), in.Len(), in.Channels, in.Height, in.Width)
	}
	if err := m.checkTarget(t); err != nil {
		return 0, nil, nil, err
	}
	inputGradCache.mu.Lock()
	defer inputGradCache.mu.Unlock()
	nets, err := m.inputGradNets(t.Layer, 1)
	if err != nil {
		return 0, nil, nil, err
	}
	sel, err := nets[0].selectorFor(t)
	if err != nil {
		return 0, nil, nil, err
	}
	return nets[0].run(input, sel)
}

// inputGradNets returns k graphs for targets at layer, built as needed,
// each with a fresh copy of the model's current weights. The caller holds
// inputGradCache.mu.
func (m *Model) inputGradNets(layer, k int) ([]*inputGradNet, error) {
	if inputGradCache.m != m {
		inputGradCache.m, inputGradCache.nets = m, map[int][]*inputGradNet{}
	}
	nets := inputGradCache.nets[layer]
	for len(nets) < k {
		g, err := newInputGradNet(m, layer)
		if err != nil {
			return nil, err
		}
		nets = append(nets, g)
		inputGradCache.nets[layer] = nets
	}
	m.mu.Lock() // the weights may be read while nothing else writes them
	for _, g := range nets[:k] {
		for i, w := range m.weights {
			copy(g.own[i].Float32s(), w.Float32s())
		}
	}
	m.mu.Unlock()
	return nets[:k], nil
}

// checkTarget says whether t names a class or a filter that m has.
func (m *Model) checkTarget(t Target) error {
	convs := m.PlaceChannels()
	classes := len(m.Meta.Classes)
	switch {
	case t.Layer < 0 || t.Layer > len(convs):
		return fmt.Errorf("engine: there is no conv layer %d; the layers are 1 to %d", t.Layer, len(convs))
	case t.Layer > 0 && (t.Filter < 0 || t.Filter >= convs[t.Layer-1]):
		return fmt.Errorf("engine: conv layer %d has filters 1 to %d, not %d", t.Layer, convs[t.Layer-1], t.Filter+1)
	case t.Layer == 0 && (t.Class < 0 || t.Class >= classes):
		return fmt.Errorf("engine: class %d out of range 0..%d", t.Class, classes-1)
	}
	return nil
}

// selectorFor returns the selector of t's target on g's graph: one-hot on
// the class's logit, or the filter's map weighted (t.Weights, or the
// mean).
func (g *inputGradNet) selectorFor(t Target) ([]float32, error) {
	sel := make([]float32, g.selector.Shape().TotalSize())
	if t.Layer == 0 {
		sel[t.Class] = 1
		return sel, nil
	}
	s := g.selector.Shape()
	cells := s[2] * s[3]
	w := sel[t.Filter*cells : (t.Filter+1)*cells]
	switch {
	case t.Weights == nil:
		for i := range w {
			w[i] = 1 / float32(cells)
		}
	case len(t.Weights) != cells:
		return nil, fmt.Errorf("engine: %d weights for a %dx%d map", len(t.Weights), s[3], s[2])
	default:
		copy(w, t.Weights)
	}
	return sel, nil
}

// run runs one image through g with the target's selector sel and returns
// the target's value, its gradient with respect to the image and the
// class probabilities, all the caller's.
func (g *inputGradNet) run(input, sel []float32) (value float32, grad, probs []float32, err error) {
	n := g.net
	if len(sel) != g.selector.Shape().TotalSize() {
		return 0, nil, nil, fmt.Errorf("engine: a selector of %d values for a target of %d", len(sel), g.selector.Shape().TotalSize())
	}
	if err := n.let(n.input, input); err != nil {
		return 0, nil, nil, err
	}
	if err := n.let(g.selector, sel); err != nil {
		return 0, nil, nil, err
	}
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return 0, nil, nil, fmt.Errorf("engine: input gradient pass: %w", err)
	}
	switch v := g.target.Value().Data().(type) {
	case float32:
		value = v
	case []float32:
		value = v[0]
	}
	grad = append([]float32(nil), values(g.grad)...)
	probs = append([]float32(nil), values(n.probs)...)
	return value, grad, probs, nil
}

// InputGradients returns, for each of inputs (images as InputGradient
// takes them), the gradient of the target t with respect to it: what
// InputGradient gives for each, computed on up to GOMAXPROCS graphs side
// by side (one when the weights are large), so that a method that needs
// fifty gradients (Integrated Gradients, SmoothGrad) keeps the cores busy.
// grads[i] is inputs[i]'s; no result depends on the number of cores. It
// stops with ctx's error when ctx is cancelled.
func (m *Model) InputGradients(ctx context.Context, inputs [][]float32, t Target) ([][]float32, error) {
	size := m.Input().Len()
	for i, x := range inputs {
		if len(x) != size {
			return nil, fmt.Errorf("engine: input %d has %d values, want %d", i, len(x), size)
		}
	}
	if err := m.checkTarget(t); err != nil {
		return nil, err
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(inputs), 4))
	var bytes int
	for _, w := range m.weights {
		bytes += 4 * w.Shape().TotalSize()
	}
	if bytes > gradientWorkerBytes {
		workers = 1
	}
	inputGradCache.mu.Lock()
	defer inputGradCache.mu.Unlock()
	nets, err := m.inputGradNets(t.Layer, workers)
	if err != nil {
		return nil, err
	}
	sel, err := nets[0].selectorFor(t)
	if err != nil {
		return nil, err
	}
	grads := make([][]float32, len(inputs))
	errs := make([]error, workers)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for w, g := range nets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= len(inputs) {
					return
				}
				_, grad, _, err := g.run(inputs[k], sel)
				if err != nil {
					errs[w] = err
					return
				}
				grads[k] = grad
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return grads, nil
}
