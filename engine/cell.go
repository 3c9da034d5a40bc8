package engine

import (
	"fmt"
	"math"
	"slices"
)

// Cell is how one value of a conv layer's feature map comes about, step by
// step, as a teacher writes it on the board: the window of the input the
// cell sees, the kernel, their products and sum, the bias, a batch norm
// that follows, the ReLU. Value is what the engine computed for the cell.
type Cell struct {
	// Layer (1..), Filter (0-based), Y and X (the cell's row and column).
	Layer, Filter, Y, X int
	// From says what the window is read from: "the picture", "the
	// normalised picture", or a conv layer's maps, maybe pooled ("conv1,
	// max-pooled 2x2"), or a block's ("block layer1.0's output"), or
	// what layers that are no place make of them ("the batch norm and
	// ReLU of block features.denseblock1's output").
	From string
	// Channels, KH, KW: the window's shape; Window, Kernel and Products
	// hold Channels*KH*KW values each, channel by channel, row by row.
	Channels, KH, KW int
	// FirstChannel is the input channel of the window's channel 0 (not 0
	// in a grouped convolution); Top and Left the window's first row and
	// column in the input (negative in the padding).
	FirstChannel, Top, Left int
	// Groups is the convolution's groups: 1 when each filter reads every
	// channel, the channels' number in a depthwise convolution.
	Groups                   int
	Window, Kernel, Products []float32
	// Padding marks the window's values that lie in the padding (zero).
	Padding []bool
	// MapsMin and MapsMax are the range of all the maps the window is
	// read from (before a pooling), which the view colours it by.
	MapsMin, MapsMax float32
	// Pooled, when the window is read through a pooling, gives for each
	// window value the cells it pools (nil for a value in the padding).
	Pooled []*Pool
	// Sum is the sum of the products; Bias the filter's bias (HasBias
	// false: the layer has none).
	Sum, Bias float32
	HasBias   bool
	// A batch norm after the convolution, in its inference form:
	// Sum+Bias times BNScale plus BNShift.
	HasBatchNorm     bool
	BNScale, BNShift float32
	// PreReLU is the value before the activation (after the batch norm);
	// ReLU says whether a ReLU follows.
	PreReLU float32
	ReLU    bool
	// Activation is the activation that follows, if any: ReLU, Clip (to
	// ClipMin..ClipMax; ReLU6 is 0..6) or HardSwish; Activate applies it.
	Activation       string
	ClipMin, ClipMax float32
	// Value is the engine's value of the cell (Activate(PreReLU), up to
	// float32 rounding).
	Value float32
}

// Activate returns the cell's activation of z, as the engine computes it.
func (c *Cell) Activate(z float32) float32 {
	switch c.Activation {
	case ReLU:
		return max(z, 0)
	case Clip:
		return min(max(z, c.ClipMin), c.ClipMax)
	case HardSwish:
		return z * min(max(z/6+0.5, 0), 1)
	}
	return z
}

// Pool is one value of a pooled map: the cells of the map before pooling
// that its window covers (inside the map) and, for a max, the one that won.
type Pool struct {
	Max bool
	// Values, with Rows and Cols, are the covered cells, row by row;
	// Top and Left the first one's row and column in the map.
	Values     []float32
	Rows, Cols int
	Top, Left  int
	Won        int // index in Values of the maximum (max pooling)
	Divisor    float32
	Result     float32
}

// Cell returns how the value at (y, x) of filter filter (0-based) of conv
// layer layer (1-based) comes about for the image input, from pred, the
// prediction of input (nil: Cell predicts it). The window is read from
// the picture or from a place's maps (a conv layer's after its batch norm
// and activation, or a graph's block output), through poolings (the last
// one shown in Pooled) and dropouts. Where another layer comes between (a
// squeeze-excitation's scaling or global pooling, a SiLU, a batch norm
// before the convolution, a slice of channels), the window is read from
// that layer's output as the engine computed it for input, and From says
// in words what it is.
func (m *Model) Cell(input []float32, pred *Prediction, layer, filter, y, x int) (*Cell, error) {
	convs := m.ConvLayers()
	if layer < 1 || layer > len(convs) {
		return nil, fmt.Errorf("there is no conv layer %d; the layers are 1 to %d", layer, len(convs))
	}
	if filter < 0 || filter >= convs[layer-1] {
		return nil, fmt.Errorf("conv layer %d has filters 1 to %d, not %d", layer, convs[layer-1], filter+1)
	}
	if pred == nil {
		var err error
		if pred, err = m.Predict(input); err != nil {
			return nil, err
		}
	}
	// The conv step, its index among the conv layers, its params' offset.
	at, seen, first := -1, 0, 0
	offsets := make([]int, len(m.steps))
	tg := tokenGridOf(m.steps)
	for i, s := range m.steps {
		offsets[i] = first
		first += len(s.params)
		if s.Kind == Conv2D && !tg.onTokens[i] { // as ConvLayers counts them
			seen++
			if seen == layer {
				at = i
			}
		}
	}
	s := m.steps[at]
	act := pred.Activations[layer-1]
	if y < 0 || y >= act.Height || x < 0 || x >= act.Width {
		return nil, fmt.Errorf("conv layer %d's maps are %dx%d; there is no cell (%d, %d)", layer, act.Width, act.Height, y, x)
	}

	// What the convolution reads: walk back to the picture or a place
	// (whose maps the prediction holds, after their batch norm and
	// activation) through poolings.
	placeAt := map[int]int{} // step → place number
	for _, p := range m.places {
		placeAt[p.step] = p.Layer
	}
	if len(s.ins) != 1 {
		return nil, fmt.Errorf("%s reads %d layers; the arithmetic is shown for one", s.Name, len(s.ins))
	}
	var pools []*step // in the order they run
	src, computed := s.ins[0], false
walk:
	for src >= 0 && placeAt[src] == 0 {
		p := m.steps[src]
		switch {
		case p.Kind == Dropout || p.Kind == ReLU && p.fused:
			// Nothing at inference, or a ReLU the layer before did.
		case p.Kind == MaxPool || p.Kind == AvgPool:
			pools = append([]*step{&m.steps[src]}, pools...)
		default:
			computed = true // read from the engine's output of src
			break walk
		}
		src = p.ins[0]
	}
	var maps []float32 // the maps read, before the last pooling
	var mc, mh, mw int
	from := ""
	switch {
	case computed:
		out, data, err := m.stepValue(input, src)
		if err != nil {
			return nil, err
		}
		maps, mc, mh, mw = data, out.c, out.h, out.w
		from = m.describe(src, placeAt, 0)
	case src < 0:
		in := m.arch.Input
		maps, mc, mh, mw = input, in.Channels, in.Height, in.Width
		from = "the picture"
		if len(m.arch.Mean) > 0 {
			maps = make([]float32, len(input))
			n := in.Height * in.Width
			for i, v := range input {
				c := i / n
				maps[i] = (v - m.arch.Mean[c]) / m.arch.Std[c]
			}
			from = "the normalised picture"
		}
	default:
		k := placeAt[src] - 1
		a := pred.Activations[k]
		maps, mc, mh, mw = a.Data, a.Channels, a.Height, a.Width
		from = m.places[k].Name
		if !m.places[k].Conv {
			from = "block " + from + "'s output"
		}
	}
	mapsMin, mapsMax := slices.Min(maps), slices.Max(maps)
	for i, p := range pools {
		from += pooledName(p)
		if i < len(pools)-1 { // pooled whole; the last one is shown
			next := make([]float32, mc*p.out.h*p.out.w)
			for c := range mc {
				for r := range p.out.h {
					for q := range p.out.w {
						next[(c*p.out.h+r)*p.out.w+q] = poolCell(maps, mh, mw, p, c, r, q).Result
					}
				}
			}
			maps, mh, mw = next, p.out.h, p.out.w
		}
	}
	// read returns the value at (c, r, q) of what the convolution reads.
	read := func(c, r, q int) (float32, *Pool) {
		if len(pools) == 0 {
			return maps[(c*mh+r)*mw+q], nil
		}
		p := poolCell(maps, mh, mw, pools[len(pools)-1], c, r, q)
		return p.Result, p
	}

	groups := max(s.Groups, 1)
	cin := s.in.c / groups
	perGroup := s.Filters / groups
	cell := &Cell{Layer: layer, Filter: filter, Y: y, X: x, From: from, Channels: cin, KH: s.kh, KW: s.kw,
		FirstChannel: filter / perGroup * cin, Groups: groups, Top: y*s.sh - s.pads[0], Left: x*s.sw - s.pads[1], MapsMin: mapsMin, MapsMax: mapsMax, Value: act.Map(filter)[y*act.Width+x]}
	w := m.weights[offsets[at]].Float32s()
	k := cin * s.kh * s.kw
	cell.Kernel = append([]float32(nil), w[filter*k:(filter+1)*k]...)
	var sum float64
	for c := range cin {
		for dy := range s.kh {
			for dx := range s.kw {
				r, q := cell.Top+dy, cell.Left+dx
				var v float32
				var p *Pool
				pad := r < 0 || q < 0 || r >= s.in.h || q >= s.in.w
				if !pad {
					v, p = read(cell.FirstChannel+c, r, q)
				}
				i := (c*s.kh+dy)*s.kw + dx
				prod := v * cell.Kernel[i]
				cell.Window = append(cell.Window, v)
				cell.Padding = append(cell.Padding, pad)
				cell.Pooled = append(cell.Pooled, p)
				cell.Products = append(cell.Products, prod)
				sum += float64(prod)
			}
		}
	}
	cell.Sum = float32(sum)
	z := sum
	if !s.NoBias {
		cell.HasBias, cell.Bias = true, m.weights[offsets[at]+1].Float32s()[filter]
		z += float64(cell.Bias)
	}
	// What follows the convolution up to its place's maps: a batch norm
	// that reads only it, an activation.
	var after []int
	for j := m.places[layer-1].step; j != at; j = m.steps[j].ins[0] {
		after = append([]int{j}, after...)
	}
	for _, j := range after {
		b := m.steps[j]
		switch b.Kind {
		case BatchNorm:
			p := offsets[j]
			scale, bias := m.weights[p].Float32s()[filter], m.weights[p+1].Float32s()[filter]
			mean, variance := m.weights[p+2].Float32s()[filter], m.weights[p+3].Float32s()[filter]
			a := float64(scale) / math.Sqrt(float64(variance)+b.Epsilon)
			cell.HasBatchNorm, cell.BNScale, cell.BNShift = true, float32(a), float32(float64(bias)-float64(mean)*a)
			z = z*a + float64(cell.BNShift)
		case ReLU, Clip, HardSwish:
			cell.Activation, cell.ClipMin, cell.ClipMax = b.Kind, float32(b.Min), float32(b.Max)
		default:
			return nil, fmt.Errorf("%s is followed by %s (%s), which the arithmetic does not show", s.Name, b.Name, b.Kind)
		}
	}
	if s.relu || len(after) > 0 && m.steps[after[len(after)-1]].relu {
		cell.Activation = ReLU // fused into the layer
	}
	cell.ReLU = cell.Activation == ReLU
	cell.PreReLU = float32(z)
	return cell, nil
}

// poolCell returns the cell (r, q) of channel c of the pooling p of maps
// (each mh×mw), as the engine's pooling computes it.
func poolCell(maps []float32, mh, mw int, p *step, c, r, q int) *Pool {
	y0, y1, x0, x1 := windowOf(*p).Bounds(r, q, mh, mw)
	out := &Pool{Max: p.Kind == MaxPool, Rows: y1 - y0, Cols: x1 - x0, Top: y0, Left: x0, Divisor: float32((y1 - y0) * (x1 - x0))}
	if p.CountPad {
		out.Divisor = float32(p.kh * p.kw)
	}
	var sum float64
	for yy := y0; yy < y1; yy++ {
		for xx := x0; xx < x1; xx++ {
			v := maps[(c*mh+yy)*mw+xx]
			if len(out.Values) == 0 || v > out.Values[out.Won] {
				out.Won = len(out.Values)
			}
			out.Values = append(out.Values, v)
			sum += float64(v)
		}
	}
	if out.Max {
		out.Result = out.Values[out.Won]
	} else {
		out.Result = float32(sum / float64(out.Divisor))
	}
	return out
}
