package engine

import (
	"fmt"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gradNet is a batch-1 graph that computes, besides the forward pass, the
// gradient of one class's logit with respect to every conv layer's
// activations (after ReLU). The class is chosen by a one-hot selector input,
// so one graph serves every class: the target is sum(logits * selector).
type gradNet struct {
	net      *network
	own      []*tensor.Dense // the graph's copy of the weights
	selector *G.Node         // one-hot (1, classes)
	grads    []*G.Node       // d target / d conv layer 1..5
	vm       G.VM
}

// gradCache keeps the gradient graph of the last model asked, so that a
// click in the app does not rebuild it; the app uses one model at a time.
// Its mutex also serialises runs, since a gorgonia graph is not reentrant.
var gradCache struct {
	mu  sync.Mutex
	m   *Model
	net *gradNet
}

// newGradNet builds the gradient graph of m. It runs on its own copy of the
// weights: the backward pass of a matrix product transposes the weight
// tensors in place, which must not happen under a forward pass of another
// graph bound to the model's tensors (Predict, PredictBatch).
func newGradNet(m *Model) (*gradNet, error) {
	own := make([]*tensor.Dense, len(m.weights))
	for i, w := range m.weights {
		own[i] = w.Clone().(*tensor.Dense)
	}
	classes := len(m.Meta.Classes)
	n, err := m.build(own, 1, false)
	if err != nil {
		return nil, err
	}
	g := &gradNet{net: n, own: own}
	g.selector = G.NewMatrix(n.g, tensor.Float32, G.WithShape(1, classes), G.WithName("selector"))
	picked, err := G.HadamardProd(n.logits, g.selector)
	if err != nil {
		return nil, fmt.Errorf("engine: gradient target: %w", err)
	}
	target, err := G.Sum(picked)
	if err != nil {
		return nil, fmt.Errorf("engine: gradient target: %w", err)
	}
	// G.Grad accepts only input nodes as what to differentiate with
	// respect to; Backpropagate, which it calls, takes any node.
	one := n.g.AddNode(G.NewConstant(float32(1), G.WithName("one")))
	if g.grads, err = G.Backpropagate(G.Nodes{target}, G.Nodes{one}, G.Nodes(n.places)); err != nil {
		return nil, fmt.Errorf("engine: gradients of the conv layers: %w", err)
	}
	g.vm = G.NewTapeMachine(n.g)
	return g, nil
}

// LayerGradient runs one image (m.Input().Len() values in CHW order, as
// Predict takes) and returns the activations of conv layer layer
// (1..len(m.ConvLayers()), after the ReLU that follows it, if one does),
// the gradient of class's logit (before softmax; 0 <= class < number of
// classes) with respect to those activations (same CHW layout and length as
// act.Data), and the class probabilities. The returned slices are copies.
//
// The gradient graph is built on the first call for a model (about as long
// as a few predictions) and kept for the last model used; calls are
// serialised. It starts from the model's current weights on every call.
func (m *Model) LayerGradient(input []float32, layer, class int) (act Activation, grad []float32, probs []float32, err error) {
	in := m.Input()
	if len(input) != in.Len() {
		return act, nil, nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), in.Len(), in.Channels, in.Height, in.Width)
	}
	if convs := len(m.places); layer < 1 || layer > convs {
		return act, nil, nil, fmt.Errorf("engine: there is no conv layer %d; the layers are 1 to %d", layer, convs)
	}
	classes := len(m.Meta.Classes)
	if class < 0 || class >= classes {
		return act, nil, nil, fmt.Errorf("engine: class %d out of range 0..%d", class, classes-1)
	}
	gradCache.mu.Lock()
	defer gradCache.mu.Unlock()
	if gradCache.m != m {
		gradCache.m, gradCache.net = nil, nil
		g, err := newGradNet(m)
		if err != nil {
			return act, nil, nil, err
		}
		gradCache.m, gradCache.net = m, g
	}
	g := gradCache.net
	m.mu.Lock() // the weights may be read while nothing else writes them
	for i, w := range m.weights {
		copy(g.own[i].Data().([]float32), w.Data().([]float32))
	}
	m.mu.Unlock()

	onehot := make([]float32, classes)
	onehot[class] = 1
	n := g.net
	if err := G.Let(n.input, tensor.New(tensor.WithShape(1, in.Channels, in.Height, in.Width), tensor.WithBacking(append([]float32(nil), input...)))); err != nil {
		return act, nil, nil, err
	}
	if err := G.Let(g.selector, tensor.New(tensor.WithShape(1, classes), tensor.WithBacking(onehot))); err != nil {
		return act, nil, nil, err
	}
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return act, nil, nil, fmt.Errorf("engine: gradient pass: %w", err)
	}
	c := n.places[layer-1]
	s := c.Shape()
	act = Activation{Layer: layer, Channels: s[1], Height: s[2], Width: s[3], Data: append([]float32(nil), values(c)...)}
	grad = append([]float32(nil), values(g.grads[layer-1])...)
	probs = append([]float32(nil), values(n.probs)...)
	if len(grad) != len(act.Data) {
		return act, nil, nil, fmt.Errorf("engine: gradient of conv%d has %d values, want %d", layer, len(grad), len(act.Data))
	}
	return act, grad, probs, nil
}
