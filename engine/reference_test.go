package engine

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// buildGorgonia is the graph builder as it was before the engine's own ops
// (engine/nn: conv_op.go, pool_op.go, dense_op.go): gorgonia's Conv2d, MaxPool2D, Mul
// and broadcast ops. Tests check the new ops against it.
//
// It builds the graph of arch (resolved in steps) for batch
// images, with params the weight tensors in paramSpecs order. With train
// set, it adds dropout masks, one-hot labels, the loss and its gradients
// with respect to every weight but batch norm statistics.
//
// Dropout is a multiplication by a mask input that the trainer fills from
// its own seeded generator: gorgonia's Dropout op seeds itself from the
// clock, which would make training unrepeatable, and it has no inference
// switch.
func buildGorgonia(arch Arch, steps []step, params []*tensor.Dense, classes, batch int, train bool) (*network, error) {
	n := &network{g: G.NewGraph(), batch: batch, in: arch.Input}
	g := n.g
	in := arch.Input
	n.input = G.NewTensor(g, tensor.Float32, 4, G.WithShape(batch, in.Channels, in.Height, in.Width), G.WithName("input"))
	specs := paramSpecs(steps)
	if len(specs) != len(params) {
		return nil, fmt.Errorf("engine: %d weight tensors for %d in the architecture", len(params), len(specs))
	}
	for i, s := range specs {
		n.params = append(n.params, G.NewTensor(g, tensor.Float32, len(s.Shape), G.WithShape(s.Shape...), G.WithName(s.Name), G.WithValue(params[i])))
		n.frozen = append(n.frozen, s.Frozen)
	}
	var err error
	must := func(x *G.Node, e error) *G.Node {
		if err == nil && e != nil {
			err = e
		}
		return x
	}
	constant := func(name string, shape tensor.Shape, data []float32) *G.Node {
		return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(data))))
	}
	// channelAffine returns x*a+b with a and b (1, C, 1, 1) broadcast over
	// the batch and the maps.
	channelAffine := func(x, a, b *G.Node) *G.Node {
		x = must(G.BroadcastHadamardProd(x, a, nil, []byte{0, 2, 3}))
		return must(G.BroadcastAdd(x, b, nil, []byte{0, 2, 3}))
	}

	x := n.input
	if len(arch.Mean) > 0 {
		c := in.Channels
		scale, shift := make([]float32, c), make([]float32, c)
		for i := range scale {
			scale[i] = 1 / arch.Std[i]
			shift[i] = -arch.Mean[i] / arch.Std[i]
		}
		x = channelAffine(x, constant("input.scale", tensor.Shape{1, c, 1, 1}, scale), constant("input.shift", tensor.Shape{1, c, 1, 1}, shift))
		if err != nil {
			return nil, fmt.Errorf("engine: input normalisation: %w", err)
		}
	}
	p := 0 // next param
	next := func() *G.Node { p++; return n.params[p-1] }
	lastDense := -1
	for i, s := range steps {
		if s.Kind == Dense {
			lastDense = i
		}
	}
	for i, s := range steps {
		switch s.Kind {
		case Conv2D:
			w := next()
			sym := s.pads[0] == s.pads[2] && s.pads[1] == s.pads[3]
			pad := []int{s.pads[0], s.pads[1]}
			if !sym {
				x = must(refPadNode(g, x, s.pads, 0))
				pad = []int{0, 0}
			}
			x = must(G.Conv2d(x, w, tensor.Shape{s.kh, s.kw}, pad, []int{s.sh, s.sw}, []int{1, 1}))
			if !s.NoBias {
				b4 := must(G.Reshape(next(), tensor.Shape{1, s.Filters, 1, 1}))
				x = must(G.BroadcastAdd(x, b4, nil, []byte{0, 2, 3}))
			}
			if !s.relu {
				n.places = append(n.places, x)
			}
		case ReLU:
			x = must(G.Rectify(x))
			if i > 0 && steps[i-1].Kind == Conv2D {
				n.places = append(n.places, x)
			} else if i > 1 && steps[i-1].Kind == BatchNorm && steps[i-2].Kind == Conv2D {
				n.places[len(n.places)-1] = x
			}
		case MaxPool:
			if s.pads[0] == s.pads[2] && s.pads[1] == s.pads[3] {
				// gorgonia's max pooling skips padded cells, as -inf padding would.
				x = must(G.MaxPool2D(x, tensor.Shape{s.kh, s.kw}, []int{s.pads[0], s.pads[1]}, []int{s.sh, s.sw}))
			} else {
				// Its explicit asymmetric padding offsets windows by the
				// bottom pad, so pad by hand with the lowest float.
				x = must(refPadNode(g, x, s.pads, -math.MaxFloat32))
				x = must(G.MaxPool2D(x, tensor.Shape{s.kh, s.kw}, []int{0, 0}, []int{s.sh, s.sw}))
			}
		case AvgPool:
			x = must(refAvgPool(g, x, s, batch))
		case GlobalAvgPool:
			c, h, w := s.in.c, s.in.h, s.in.w
			x = must(G.Reshape(x, tensor.Shape{batch, c, h * w}))
			x = must(G.Mean(x, 2))
			x = must(G.Reshape(x, tensor.Shape{batch, c, 1, 1}))
		case BatchNorm:
			// Inference form: y = (x-mean)/sqrt(var+eps)*scale + bias,
			// computed as x*a + (bias - mean*a).
			scale, bias, mean, variance := next(), next(), next(), next()
			c := s.in.c
			a, b := batchNormCoefficients(must, s, scale, bias, mean, variance)
			if s.in.flat {
				// After a dense layer (PyTorch's BatchNorm1d): one
				// statistic per unit.
				x = must(G.BroadcastHadamardProd(x, must(G.Reshape(a, tensor.Shape{1, c})), nil, []byte{0}))
				x = must(G.BroadcastAdd(x, must(G.Reshape(b, tensor.Shape{1, c})), nil, []byte{0}))
			} else {
				x = channelAffine(x, must(G.Reshape(a, tensor.Shape{1, c, 1, 1})), must(G.Reshape(b, tensor.Shape{1, c, 1, 1})))
			}
			if i > 0 && steps[i-1].Kind == Conv2D {
				n.places[len(n.places)-1] = x
			}
		case Dropout:
			if train && err == nil {
				m := G.NewTensor(g, tensor.Float32, x.Shape().Dims(), G.WithShape(x.Shape().Clone()...), G.WithName(s.Name))
				n.masks = append(n.masks, m)
				n.rates = append(n.rates, s.Rate)
				x = must(G.HadamardProd(x, m))
			}
		case Flatten:
			if !s.in.flat {
				x = must(G.Reshape(x, tensor.Shape{batch, s.out.c}))
			}
		case Dense:
			w := next()
			if i == lastDense {
				n.features = x
			}
			x = must(G.Mul(x, w))
			if !s.NoBias {
				b2 := must(G.Reshape(next(), tensor.Shape{1, s.Units}))
				x = must(G.BroadcastAdd(x, b2, nil, []byte{0}))
			}
		case Softmax:
			// The last layer: logits are its input, probabilities are
			// taken below for every model.
		}
		if err != nil {
			return nil, fmt.Errorf("engine: %s: %w", s.Name, err)
		}
	}
	n.logits = x
	if train {
		if err := n.addLoss(classes); err != nil {
			return nil, err
		}
	} else {
		n.probs = must(G.SoftMax(n.logits))
		if err != nil {
			return nil, fmt.Errorf("engine: softmax: %w", err)
		}
		n.vm = G.NewTapeMachine(g)
	}
	return n, nil
}

// refPadNode pads the maps of x (B, C, H, W) by pads (top, left, bottom,
// right) cells of value, by concatenation: gorgonia's conv takes only
// symmetric padding.
func refPadNode(g *G.ExprGraph, x *G.Node, pads [4]int, value float32) (*G.Node, error) {
	fill := func(shape tensor.Shape) *G.Node {
		data := make([]float32, shape.TotalSize())
		for i := range data {
			data[i] = value
		}
		return g.AddNode(G.NewConstant(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))))
	}
	s := x.Shape()
	b, c, h, w := s[0], s[1], s[2], s[3]
	var err error
	if pads[0] > 0 || pads[2] > 0 {
		parts := G.Nodes{}
		if pads[0] > 0 {
			parts = append(parts, fill(tensor.Shape{b, c, pads[0], w}))
		}
		parts = append(parts, x)
		if pads[2] > 0 {
			parts = append(parts, fill(tensor.Shape{b, c, pads[2], w}))
		}
		if x, err = G.Concat(2, parts...); err != nil {
			return nil, err
		}
		h += pads[0] + pads[2]
	}
	if pads[1] > 0 || pads[3] > 0 {
		parts := G.Nodes{}
		if pads[1] > 0 {
			parts = append(parts, fill(tensor.Shape{b, c, h, pads[1]}))
		}
		parts = append(parts, x)
		if pads[3] > 0 {
			parts = append(parts, fill(tensor.Shape{b, c, h, pads[3]}))
		}
		if x, err = G.Concat(3, parts...); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// avgPool is average pooling as a convolution of each map, on its own,
// with a constant kernel of 1/(kh*kw): gorgonia has no average pooling op
// with gradients. Without CountPad, cells near a padded border are
// rescaled to divide by the cells inside the image only.
func refAvgPool(g *G.ExprGraph, x *G.Node, s step, batch int) (*G.Node, error) {
	c, h, w := s.in.c, s.in.h, s.in.w
	oh, ow := s.out.h, s.out.w
	y, err := G.Reshape(x, tensor.Shape{batch * c, 1, h, w})
	if err != nil {
		return nil, err
	}
	if s.pads != [4]int{} {
		if y, err = refPadNode(g, y, s.pads, 0); err != nil {
			return nil, err
		}
	}
	k := make([]float32, s.kh*s.kw)
	for i := range k {
		k[i] = 1 / float32(len(k))
	}
	kern := g.AddNode(G.NewConstant(tensor.New(tensor.WithShape(1, 1, s.kh, s.kw), tensor.WithBacking(k))))
	if y, err = G.Conv2d(y, kern, tensor.Shape{s.kh, s.kw}, []int{0, 0}, []int{s.sh, s.sw}, []int{1, 1}); err != nil {
		return nil, err
	}
	if y, err = G.Reshape(y, tensor.Shape{batch, c, oh, ow}); err != nil {
		return nil, err
	}
	if s.CountPad || s.pads == [4]int{} {
		return y, nil
	}
	factor := make([]float32, oh*ow)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			y0, x0 := oy*s.sh-s.pads[0], ox*s.sw-s.pads[1]
			y1, x1 := min(y0+s.kh, h), min(x0+s.kw, w)
			y0, x0 = max(y0, 0), max(x0, 0)
			factor[oy*ow+ox] = float32(s.kh*s.kw) / float32((y1-y0)*(x1-x0))
		}
	}
	f := g.AddNode(G.NewConstant(tensor.New(tensor.WithShape(1, 1, oh, ow), tensor.WithBacking(factor))))
	return G.BroadcastHadamardProd(y, f, nil, []byte{0, 1})
}
