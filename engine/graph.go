package engine

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/engine/nn"
)

// network is one gorgonia expression graph of the model for a fixed batch
// size. Its weight nodes are bound to the given tensors, so a training step
// that updates those tensors in place is seen by the graph.
type network struct {
	g      *G.ExprGraph
	batch  int
	in     Input
	input  *G.Node   // (batch, channels, height, width)
	params []*G.Node // in paramSpecs order
	frozen []bool    // per param: no gradient (batch norm statistics)
	places []*G.Node // the places' maps in order (placesOf): conv layers after the batch norm and activation that follow them, then blocks
	// outs are the steps' outputs: a conv layer's that a batch norm is
	// folded into is the batch norm's (and its Clip's), as are theirs.
	outs   []*G.Node
	logits *G.Node // (batch, classes): the output before any softmax
	// features is the input of the last dense layer (for the study, the
	// 256 values after dense2's ReLU): the network's own description of an
	// image, used for similarity. nil when the model has no dense layer.
	features *G.Node
	probs    *G.Node // softmax (or sigmoid, Arch.Output) of logits (inference graphs)
	// maps is the output of a graph of the layers up to a place
	// (ConvPrefix), which has no logits, probabilities or machine.
	maps *G.Node

	// Training graphs only.
	masks  []*G.Node // dropout masks (see newDropoutMask)
	rates  []float64 // dropout rate of each mask
	labels *G.Node   // one-hot (batch, classes)
	loss   *G.Node   // mean cross-entropy
	// norms are the batch norms that normalise by batch statistics.
	norms []batchNormStats

	// attention are the Attention layers' ops, whose last run's
	// probabilities the window shows.
	attention []attentionAt
	// windows are the WindowAttention layers' ops, likewise.
	windows []windowAttentionAt

	vm    G.VM
	bound map[*G.Node]*tensor.Dense // the inputs' tensors (see let)
}

// networkOptions say what graph buildNetwork builds.
type networkOptions struct {
	// Classes is the number of outputs; Batch the number of images.
	Classes, Batch int
	// Train adds dropout masks, one-hot labels, the loss and its
	// gradients with respect to every weight but batch norm statistics.
	Train bool
	// BatchStats (training only): batch norms normalise by the
	// statistics of the batch, as PyTorch's train mode does, and the
	// network keeps them for the running averages (norms); otherwise by
	// their running averages, which are then constants of the graph.
	BatchStats bool
	// ToInput: every op passes a gradient down to the input, so that the
	// input can be differentiated (InputGradient); otherwise the first
	// layer with weights skips that work.
	ToInput bool
	// Store (inference graphs that nothing differentiates: Predict's and
	// PredictBatch's): the weights are constants for as long as the
	// store's version stays as it is: each conv layer keeps its kernels
	// packed in the store, shared with the model's other graphs, and
	// folds into them the batch norm that alone reads it (its output is
	// then the batch norm's, the activation its place shows, and the
	// convolution's own output is not kept).
	Store *nn.KernelStore
}

// buildNetwork builds the graph of arch (resolved in steps) for o.Batch
// images, with params the weight tensors in paramSpecs order, as o says
// (see networkOptions).
//
// Dropout is a multiplication by a mask input that the trainer fills from
// its own seeded generator: gorgonia's Dropout op seeds itself from the
// clock, which would make training unrepeatable, and it has no inference
// switch.
func buildNetwork(arch Arch, steps []step, params []*tensor.Dense, o networkOptions) (*network, error) {
	n := &network{g: G.NewGraph(), batch: o.Batch, in: arch.Input}
	g := n.g
	in := arch.Input
	n.input = G.NewTensor(g, tensor.Float32, 4, G.WithShape(o.Batch, in.Channels, in.Height, in.Width), G.WithName("input"))
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
	x := n.input
	if len(arch.Mean) > 0 {
		c := in.Channels
		scale, shift := make([]float32, c), make([]float32, c)
		for i := range scale {
			scale[i] = 1 / arch.Std[i]
			shift[i] = -arch.Mean[i] / arch.Std[i]
		}
		x = must(nn.ChannelAffine("input", x, constant("input.scale", tensor.Shape{c}, scale), constant("input.shift", tensor.Shape{c}, shift), false, o.ToInput, false))
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
	outs := make([]*G.Node, len(steps))
	// weighted: the step's output depends on weights, so the gradient
	// with respect to it is needed (not for the picture's own path).
	weighted := make([]bool, len(steps))
	picture := x
	folded := make([]bool, len(steps)) // batch norms folded into the conv layer before
	// A transformer's places on tokens: their patch tokens on the grid
	// (gridPlace), kept as the place's maps.
	grids := map[int]*G.Node{}
	tg := tokenGridOf(steps)
	onGrid := map[int]bool{}
	for _, p := range placesOf(steps) {
		if p.OnTokens {
			onGrid[p.step] = true
		}
	}
	for i, s := range steps {
		ins := make([]*G.Node, len(s.ins))
		inputGrad := false
		for k, j := range s.ins {
			if j < 0 {
				ins[k] = picture
				inputGrad = inputGrad || o.ToInput
				continue
			}
			ins[k] = outs[j]
			inputGrad = inputGrad || weighted[j]
		}
		x := ins[0]
		switch s.Kind {
		case Conv2D:
			w, b := next(), (*G.Node)(nil)
			if !s.NoBias {
				b = next()
			}
			if bn := i + 1; o.Store != nil && !o.Train && bn < len(steps) && steps[bn].Kind == BatchNorm && s.uses == 1 && steps[bn].ins[0] == i {
				norm := [4]*G.Node{next(), next(), next(), next()}
				fn := nn.FoldedNorm{Name: steps[bn].Name, Epsilon: steps[bn].Epsilon}
				if c := clipAfter(steps, bn); c > 0 {
					a := activationOf(steps[c])
					fn.Clip = &a
					folded[c] = true
				}
				x = must(nn.FoldedConv2D(x, w, b, norm, convOf(s, i, steps[bn].relu, false, o.Store), fn))
				folded[bn] = true
				break
			}
			x = must(nn.Conv2D(x, w, b, convOf(s, i, s.relu, inputGrad, o.Store)))
		case ReLU:
			if !s.fused {
				x = must(G.Rectify(x))
			}
		case MaxPool:
			x = must(nn.MaxPool(s.Name, x, windowOf(s)))
		case AvgPool, GlobalAvgPool:
			win := windowOf(s)
			if s.Kind == GlobalAvgPool {
				win = nn.NewWindow(s.in.h, s.in.w, 1, 1, [4]int{})
			}
			x = must(nn.AvgPool(s.Name, x, win, s.CountPad))
		case BatchNorm:
			// Inference form: y = (x-mean)/sqrt(var+eps)*scale + bias,
			// computed as x*a + (bias - mean*a).
			// After a convolution, one statistic per channel; after
			// a dense layer (PyTorch's BatchNorm1d), one per unit.
			if folded[i] {
				break // done by the conv layer it reads
			}
			scale, bias, mean, variance := next(), next(), next(), next()
			if o.Train && o.BatchStats {
				y, op, e := nn.BatchNormTrain(s.Name, x, scale, bias, s.Epsilon, s.relu, inputGrad)
				x = must(y, e)
				n.norms = append(n.norms, batchNormStats{op: op, mean: p - 2, variance: p - 1})
			} else {
				a, b := batchNormCoefficients(must, s, scale, bias, mean, variance)
				x = must(nn.ChannelAffine(s.Name, x, a, b, s.relu, inputGrad, true))
			}
		case Tokens:
			x = must(nn.Tokens(s.Name, x))
		case ClassToken:
			x = must(nn.ClassToken(s.Name, x, next()))
		case PosEmbed:
			x = must(nn.PosEmbed(s.Name, x, next()))
		case Attention:
			scale := float32(s.Alpha)
			if scale == 0 {
				scale = float32(1 / math.Sqrt(float64(s.in.c/3/s.Heads)))
			}
			op, y, e := nn.Attention(s.Name, x, s.Heads, scale)
			x = must(y, e)
			n.attention = append(n.attention, attentionAt{op: op, step: i})
		case WindowAttention:
			scale := float32(s.Alpha)
			if scale == 0 {
				scale = float32(1 / math.Sqrt(float64(s.in.c/3/s.Heads)))
			}
			op, y, e := nn.WindowAttention(s.Name, x, next(), s.Heads, scale, s.Window, s.Shift, windowCrop(s.Layer, s.in.h, s.in.w))
			x = must(y, e)
			n.windows = append(n.windows, windowAttentionAt{op: op, step: i})
		case PatchMerge:
			x = must(nn.PatchMerge(s.Name, x))
		case Token:
			x = must(nn.PickToken(s.Name, x, s.Start))
		case LayerNorm:
			a, b := next(), next()
			x = must(nn.LayerNorm(s.Name, x, a, b, s.Epsilon))
		case Affine:
			a, b := next(), next()
			x = must(nn.ChannelAffine(s.Name, x, a, b, false, inputGrad, true))
		case Dropout:
			if o.Train && err == nil {
				m := G.NewTensor(g, tensor.Float32, x.Shape().Dims(), G.WithShape(x.Shape().Clone()...), G.WithName(s.Name))
				n.masks = append(n.masks, m)
				n.rates = append(n.rates, s.Rate)
				x = must(nn.Dropout(x, m))
			}
		case Flatten:
			if !s.in.flat {
				x = must(nn.Flatten(x))
			}
		case Dense:
			if i == lastDense {
				n.features = x
			}
			w, b := next(), (*G.Node)(nil)
			if !s.NoBias {
				b = next()
			}
			x = must(nn.Dense(x, w, b, s.Name, s.relu, inputGrad))
		case Softmax:
			// The last layer: logits are its input, probabilities are
			// taken below for every model.
		case Add, Mul:
			x = must(nn.Eltwise(s.Name, s.Kind == Mul, s.relu, ins[0], ins[1]))
		case Concat:
			x = must(nn.Concat(s.Name, ins))
		case ChannelShuffle:
			x = must(nn.Shuffle(s.Name, s.Groups, x))
		case Slice:
			x = must(nn.Slice(s.Name, s.Start, s.End, x))
		case Clip, Sigmoid, HardSigmoid, HardSwish, GELU:
			if folded[i] {
				break // done by the conv layer before its batch norm
			}
			x = must(nn.Unary(activationOf(s), x))
		}
		if err != nil {
			return nil, fmt.Errorf("engine: %s: %w", s.Name, err)
		}
		if onGrid[i] && err == nil {
			var grid *G.Node
			grid, x, err = nn.GridPlace(s.Name, x, tg.extra, tg.gh, tg.gw)
			if err != nil {
				return nil, fmt.Errorf("engine: %s: %w", s.Name, err)
			}
			grids[i] = grid
		}
		outs[i] = x
		weighted[i] = inputGrad || len(s.params) > 0
	}
	n.outs = outs
	for _, p := range placesOf(steps) {
		if g, ok := grids[p.step]; ok {
			n.places = append(n.places, g)
			continue
		}
		n.places = append(n.places, outs[p.step])
	}
	if !steps[len(steps)-1].out.flat {
		// The layers up to a place (ConvPrefix): their maps are the
		// output, and the caller adds what it computes from them.
		n.maps = outs[len(outs)-1]
		return n, nil
	}
	n.logits = outs[len(outs)-1]
	if o.Train {
		if err := n.addLoss(o.Classes); err != nil {
			return nil, err
		}
	} else {
		if arch.OutputKind() == OutputSigmoid {
			// Each score through its own sigmoid, as the model's file
			// gives them: never a softmax over them.
			n.probs = must(nn.Unary(nn.Activation{Kind: nn.Sigmoid, Name: "output"}, n.logits))
		} else {
			n.probs = must(nn.Softmax(n.logits))
		}
		if err != nil {
			return nil, fmt.Errorf("engine: %s: %w", arch.OutputKind(), err)
		}
		n.vm = G.NewTapeMachine(g)
	}
	return n, nil
}

// attentionAt is an Attention layer's op in a network, and its step.
type attentionAt struct {
	op   *nn.AttentionOp
	step int
}

// windowOf returns a step's window.
func windowOf(s step) nn.Window {
	return nn.NewWindow(s.kh, s.kw, s.sh, s.sw, s.pads)
}

// convOf describes conv layer s (step layer) for package nn, its ReLU
// fused when relu is set; store as buildNetwork takes it.
func convOf(s step, layer int, relu, inputGrad bool, store *nn.KernelStore) nn.Conv {
	return nn.Conv{Name: s.Name, Window: windowOf(s), Groups: s.Groups, ReLU: relu, InputGrad: inputGrad, Store: store, Layer: layer}
}

// activationOf describes an activation step (Clip, Sigmoid, HardSigmoid,
// HardSwish, GELU) for package nn, whose kinds are the layer kinds.
func activationOf(s step) nn.Activation {
	return nn.Activation{Kind: s.Kind, Name: s.Name, Min: s.Min, Max: s.Max, Alpha: s.Alpha, Beta: s.Beta}
}

// clipAfter returns the step of the Clip that alone reads step bn (a batch
// norm folded into its conv layer), which the conv layer then does too
// (MobileNet's ReLU6), or -1.
func clipAfter(steps []step, bn int) int {
	c := bn + 1
	if steps[bn].uses != 1 || c >= len(steps) || steps[c].Kind != Clip || len(steps[c].ins) != 1 || steps[c].ins[0] != bn {
		return -1
	}
	return c
}

// batchNormCoefficients returns the per-channel scale a and shift b of a
// batch norm in its inference form, y = (x-mean)/sqrt(var+eps)*scale +
// bias = x*a + (bias - mean*a), from the layer's tensors; must records the
// first error of gorgonia's ops (see buildNetwork).
func batchNormCoefficients(must func(*G.Node, error) *G.Node, s step, scale, bias, mean, variance *G.Node) (a, b *G.Node) {
	eps := G.NewScalar(scale.Graph(), tensor.Float32, G.WithValue(float32(s.Epsilon)), G.WithName(s.Name+".eps"))
	a = must(G.HadamardDiv(scale, must(G.Sqrt(must(G.Add(variance, eps))))))
	b = must(G.Sub(bias, must(G.HadamardProd(mean, a))))
	return a, b
}

// addLoss adds the training part of n's graph: the mean cross-entropy of
// its logits against one-hot labels (a batch×classes input), the
// gradients of every weight that is not frozen, and the machine that
// computes them.
func (n *network) addLoss(classes int) error {
	var err error
	must := func(x *G.Node, e error) *G.Node {
		if err == nil && e != nil {
			err = e
		}
		return x
	}
	g := n.g
	n.labels = G.NewMatrix(g, tensor.Float32, G.WithShape(n.batch, classes), G.WithName("labels"))
	logp := must(G.LogSoftMax(n.logits))
	picked := must(G.HadamardProd(logp, n.labels))
	sum := must(G.Sum(picked))
	n.loss = must(G.Div(must(G.Neg(sum)), G.NewScalar(g, tensor.Float32, G.WithValue(float32(n.batch)), G.WithName("batch"))))
	if err != nil {
		return fmt.Errorf("engine: loss: %w", err)
	}
	var wrt G.Nodes
	for i, p := range n.params {
		if !n.frozen[i] {
			wrt = append(wrt, p)
		}
	}
	if _, err := G.Grad(n.loss, wrt...); err != nil {
		return fmt.Errorf("engine: gradients: %w", err)
	}
	n.vm = G.NewTapeMachine(g, G.BindDualValues(wrt...))
	return nil
}

// run binds the input (and, when training, labels and masks) and runs the
// graph once. input holds batch images in CHW order.
func (n *network) run(input []float32, labels []float32, masks [][]float32) error {
	in := n.in
	if len(input) != n.batch*in.Len() {
		return fmt.Errorf("engine: input has %d values, want %d", len(input), n.batch*in.Len())
	}
	if err := n.let(n.input, input); err != nil {
		return err
	}
	if n.labels != nil {
		if err := n.let(n.labels, labels); err != nil {
			return err
		}
		for i, m := range n.masks {
			if err := n.let(m, masks[i]); err != nil {
				return err
			}
		}
	}
	n.vm.Reset()
	if n.labels != nil {
		// gorgonia adds each run's gradients to the previous ones (Reset
		// does not clear them), so a training step starts from zero.
		for i, p := range n.params {
			if n.frozen[i] {
				continue
			}
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

// let copies data into the tensor bound to the input node x, made on the
// first run and kept, so that a run allocates no input tensors.
func (n *network) let(x *G.Node, data []float32) error {
	if n.bound == nil {
		n.bound = map[*G.Node]*tensor.Dense{}
	}
	t := n.bound[x]
	if t == nil {
		t = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(x.Shape().Clone()...))
		n.bound[x] = t
	}
	if len(data) != len(t.Float32s()) {
		return fmt.Errorf("engine: %s has %d values, want %d", x.Name(), len(data), len(t.Float32s()))
	}
	copy(t.Float32s(), data)
	return G.Let(x, t)
}

// values returns a node's current value as a float32 slice (the graph's own
// memory: copy it before the next run).
func values(n *G.Node) []float32 {
	if d, ok := n.Value().(*tensor.Dense); ok && d.Dtype() == tensor.Float32 {
		return d.Float32s() // without the allocation of Data's interface
	}
	return n.Value().Data().([]float32)
}
