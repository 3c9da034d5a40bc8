package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// network is one gorgonia expression graph of the model for a fixed batch
// size. Its weight nodes are bound to the Model's tensors themselves, so a
// training step that updates those tensors in place is seen by every graph.
type network struct {
	g      *G.ExprGraph
	batch  int
	input  *G.Node   // (batch, 3, 64, 64)
	params []*G.Node // in paramSpecs order
	convs  []*G.Node // conv layers 1..5 after ReLU
	logits *G.Node   // (batch, classes)
	probs  *G.Node   // softmax of logits

	// Training graphs only.
	masks  []*G.Node // dropout masks (see newDropoutMask)
	labels *G.Node   // one-hot (batch, classes)
	loss   *G.Node   // mean cross-entropy

	vm G.VM
}

// buildNetwork builds the graph for batch images. With train set, it adds
// dropout masks, one-hot labels, the loss and its gradients with respect to
// every weight.
//
// Dropout is a multiplication by a mask input that the trainer fills from
// its own seeded generator: gorgonia's Dropout op seeds itself from the
// clock, which would make training unrepeatable, and it has no inference
// switch.
func buildNetwork(params []*tensor.Dense, classes, batch int, train bool) (*network, error) {
	n := &network{g: G.NewGraph(), batch: batch}
	g := n.g
	n.input = G.NewTensor(g, tensor.Float32, 4, G.WithShape(batch, 3, InputSize, InputSize), G.WithName("input"))
	specs := paramSpecs(classes)
	for i, s := range specs {
		n.params = append(n.params, G.NewTensor(g, tensor.Float32, len(s.Shape), G.WithShape(s.Shape...), G.WithName(s.Name), G.WithValue(params[i])))
	}
	var err error
	must := func(x *G.Node, e error) *G.Node {
		if err == nil && e != nil {
			err = e
		}
		return x
	}
	dropout := func(x *G.Node, name string) *G.Node {
		if !train || err != nil {
			return x
		}
		m := G.NewTensor(g, tensor.Float32, x.Shape().Dims(), G.WithShape(x.Shape().Clone()...), G.WithName(name))
		n.masks = append(n.masks, m)
		return must(G.HadamardProd(x, m))
	}

	x := n.input
	drop := 0
	for i, filters := range ConvFilters {
		w, b := n.params[2*i], n.params[2*i+1]
		x = must(G.Conv2d(x, w, tensor.Shape{3, 3}, []int{0, 0}, []int{1, 1}, []int{1, 1}))
		if err != nil {
			return nil, fmt.Errorf("engine: conv%d: %w", i+1, err)
		}
		b4 := must(G.Reshape(b, tensor.Shape{1, filters, 1, 1}))
		x = must(G.BroadcastAdd(x, b4, nil, []byte{0, 2, 3}))
		x = must(G.Rectify(x))
		n.convs = append(n.convs, x)
		if poolAfter[i] {
			x = must(G.MaxPool2D(x, tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2}))
			drop++
			x = dropout(x, fmt.Sprintf("dropout%d", drop))
		}
		if err != nil {
			return nil, fmt.Errorf("engine: conv%d: %w", i+1, err)
		}
	}
	x = must(G.Reshape(x, tensor.Shape{batch, flatSize}))
	for i := 0; i < 3; i++ {
		w, b := n.params[10+2*i], n.params[11+2*i]
		x = must(G.Mul(x, w))
		units := w.Shape()[1]
		b2 := must(G.Reshape(b, tensor.Shape{1, units}))
		x = must(G.BroadcastAdd(x, b2, nil, []byte{0}))
		if i < 2 {
			x = must(G.Rectify(x))
		}
		if i == 0 {
			drop++
			x = dropout(x, fmt.Sprintf("dropout%d", drop))
		}
		if err != nil {
			return nil, fmt.Errorf("engine: dense%d: %w", i+1, err)
		}
	}
	n.logits = x
	if train {
		n.labels = G.NewMatrix(g, tensor.Float32, G.WithShape(batch, classes), G.WithName("labels"))
		logp := must(G.LogSoftMax(n.logits))
		picked := must(G.HadamardProd(logp, n.labels))
		sum := must(G.Sum(picked))
		n.loss = must(G.Div(must(G.Neg(sum)), G.NewScalar(g, tensor.Float32, G.WithValue(float32(batch)), G.WithName("batch"))))
		if err != nil {
			return nil, fmt.Errorf("engine: loss: %w", err)
		}
		if _, err := G.Grad(n.loss, n.params...); err != nil {
			return nil, fmt.Errorf("engine: gradients: %w", err)
		}
		n.vm = G.NewTapeMachine(g, G.BindDualValues(n.params...))
	} else {
		n.probs = must(G.SoftMax(n.logits))
		if err != nil {
			return nil, fmt.Errorf("engine: softmax: %w", err)
		}
		n.vm = G.NewTapeMachine(g)
	}
	return n, nil
}

// run binds the input (and, when training, labels and masks) and runs the
// graph once. input holds batch images in CHW order.
func (n *network) run(input []float32, labels []float32, masks [][]float32) error {
	if len(input) != n.batch*3*InputSize*InputSize {
		return fmt.Errorf("engine: input has %d values, want %d", len(input), n.batch*3*InputSize*InputSize)
	}
	if err := G.Let(n.input, tensor.New(tensor.WithShape(n.batch, 3, InputSize, InputSize), tensor.WithBacking(input))); err != nil {
		return err
	}
	if n.labels != nil {
		if err := G.Let(n.labels, tensor.New(tensor.WithShape(n.labels.Shape().Clone()...), tensor.WithBacking(labels))); err != nil {
			return err
		}
		for i, m := range n.masks {
			if err := G.Let(m, tensor.New(tensor.WithShape(m.Shape().Clone()...), tensor.WithBacking(masks[i]))); err != nil {
				return err
			}
		}
	}
	n.vm.Reset()
	if n.labels != nil {
		// gorgonia adds each run's gradients to the previous ones (Reset
		// does not clear them), so a training step starts from zero.
		for _, p := range n.params {
			g, err := p.Grad()
			if err != nil {
				return err
			}
			if d, ok := g.(*tensor.Dense); ok {
				d.Zero()
			}
		}
	}
	return n.vm.RunAll()
}

// values returns a node's current value as a float32 slice (the graph's own
// memory: copy it before the next run).
func values(n *G.Node) []float32 {
	return n.Value().Data().([]float32)
}
