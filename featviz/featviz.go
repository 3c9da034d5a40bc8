package featviz

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// Goal is what a visualization maximises.
type Goal struct {
	// Layer is a conv layer (1..len(ConvLayers())) and Filter one of its
	// filters (0-based); Layer 0 means the logit of class Class (0-based).
	Layer, Filter, Class int
	// Centre maximises the centre cell of the filter's map instead of the
	// map's mean: one instance of the pattern rather than a texture of it.
	Centre bool
}

// String names the goal as the app does (filters and classes from 1).
func (g Goal) String() string {
	if g.Layer == 0 {
		return fmt.Sprintf("class %d", g.Class+1)
	}
	s := fmt.Sprintf("conv %d filter %d", g.Layer, g.Filter+1)
	if g.Centre {
		s += " (centre)"
	}
	return s
}

// Options set the ascent. Zero values take the defaults (DefaultOptions).
type Options struct {
	// Steps of gradient ascent (256).
	Steps int
	// Rate is the step in the sigmoid's argument, per pixel (0.05).
	Rate float64
	// Jitter is the largest shift in pixels (the input side / 16: 4 on 64);
	// negative means none.
	Jitter int
	// Scale is the largest relative change of size (0.05); Rotate the
	// largest turn in degrees (5). Negative means none.
	Scale, Rotate float64
	// Seed draws the starting noise and the transformations.
	Seed uint64
	// Size is the side of the square canvas a filter's mean is drawn on
	// (the larger of 128 and the input's side); negative means the
	// input's own size. Its map is the layer's map of the whole canvas,
	// computed by the conv layers alone (engine.Model.ConvPrefix), so the
	// picture is a texture of several instances of what the filter looks
	// for rather than the few that fit the input. A class's logit needs
	// the dense layers, a centre is one instance, and a layer reached
	// through a global pooling (a squeeze-excitation's) needs the input's
	// size: those are drawn at the input's size.
	Size int
}

// MinCanvas is the smallest side of the canvas a filter's mean is drawn on
// by default: Lucid's for channels.
const MinCanvas = 128

// DefaultOptions returns the settings used when Options are zero, for a
// model whose input side is side pixels. The jitter is a sixteenth of the
// input, not of the canvas: it is set by the size of the patterns the
// network sees, which a larger canvas does not change.
func DefaultOptions(side int) Options {
	return Options{Steps: 256, Rate: 0.05, Jitter: max(1, side/16), Scale: 0.05, Rotate: 5, Seed: 1, Size: max(MinCanvas, side)}
}

// withDefaults fills o's zero fields from DefaultOptions.
func (o Options) withDefaults(side int) Options {
	d := DefaultOptions(side)
	if o.Steps == 0 {
		o.Steps = d.Steps
	}
	if o.Rate == 0 {
		o.Rate = d.Rate
	}
	if o.Jitter == 0 {
		o.Jitter = d.Jitter
	}
	if o.Scale == 0 {
		o.Scale = d.Scale
	}
	if o.Rotate == 0 {
		o.Rotate = d.Rotate
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	if o.Size == 0 {
		o.Size = d.Size
	}
	o.Jitter, o.Scale, o.Rotate = max(o.Jitter, 0), max(o.Scale, 0), max(o.Rotate, 0)
	return o
}

// Result is one visualization.
type Result struct {
	Goal Goal
	// Input is the picture (CHW, in [0,1]) and Image the same picture: at
	// the input's size, or the canvas's (Options.Size) for a filter's mean.
	Input []float32
	Image *image.NRGBA
	// Peak is, for a filter, the highest value of its feature map on the
	// picture (what `artlens top` ranks pictures by); PeakAt its cell
	// (row-major index in the map, MapWidth cells a row).
	Peak     float32
	PeakAt   int
	MapWidth int
	// Probability is the probability of the goal's class (for a filter,
	// of the class the network gives the picture, Class below).
	Probability float32
	// Class is the class the network gives the picture (a canvas resized
	// to the input, as any picture opened is).
	Class int
	// Value is the goal's value at the end (the map's mean or centre, or
	// the logit).
	Value float32
}

// colour is Lucid's square root of ImageNet's colour correlation (its
// columns normalised to at most 1): the picture's RGB is colour times
// three decorrelated channels, so a step in one of them moves colours
// the way natural pictures vary.
var colour = func() [3][3]float64 {
	c := [3][3]float64{{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}}
	norm := 0.0
	for j := range 3 {
		norm = max(norm, math.Sqrt(c[0][j]*c[0][j]+c[1][j]*c[1][j]+c[2][j]*c[2][j]))
	}
	for i := range 3 {
		for j := range 3 {
			c[i][j] /= norm
		}
	}
	return c
}()

// Visualize runs the ascent for goal on m and returns its picture.
// progress, when not nil, is called after each step with the steps done
// and the total. It stops with ctx's error when ctx ends.
func Visualize(ctx context.Context, m *engine.Model, goal Goal, opt Options, progress func(done, total int)) (*Result, error) {
	in := m.Input()
	convs := m.ConvLayers()
	switch {
	case goal.Layer < 0 || goal.Layer > len(convs):
		return nil, fmt.Errorf("there is no conv layer %d; the layers are 1 to %d", goal.Layer, len(convs))
	case goal.Layer > 0 && (goal.Filter < 0 || goal.Filter >= convs[goal.Layer-1]):
		return nil, fmt.Errorf("conv layer %d has filters 1 to %d, not %d", goal.Layer, convs[goal.Layer-1], goal.Filter+1)
	case goal.Layer == 0 && (goal.Class < 0 || goal.Class >= len(m.Meta.Classes)):
		return nil, fmt.Errorf("there is no class %d; the classes are 1 to %d", goal.Class+1, len(m.Meta.Classes))
	}
	opt = opt.withDefaults(min(in.Height, in.Width))
	o, err := newObjective(m, goal, opt)
	if err != nil {
		return nil, err
	}

	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	c, h, w := in.Channels, o.h, o.w
	n := h * w
	z := make([]float64, c*n) // the sigmoid's argument, decorrelated
	pre := newPreconditioner(h, w)
	redraws := 0
	noise := func() {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		if redraws%2 == 0 {
			// The first draw, and every other one, is smooth: deep
			// filters answer shapes, and pixel noise would stay in the
			// picture. White noise, the others, lights up filters of
			// fine detail that smooth noise leaves dead.
			for k := range c {
				ch := z[k*n : (k+1)*n]
				pre.filter(ch) // twice: amplitudes fall as 1/f²
				pre.filter(ch)
				rms := 0.0
				for _, v := range ch {
					rms += v * v
				}
				rms = math.Sqrt(rms / float64(n))
				for i := range ch {
					ch[i] /= rms
				}
			}
		}
		redraws++
	}
	noise()
	x := make([]float32, c*n)     // the picture
	shown := make([]float32, c*n) // the picture transformed
	gx := make([]float64, c*n)
	for step := 0; step < opt.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		render(x, z, c, n)
		tr := randomWarp(rng, opt, h, w)
		tr.apply(shown, x, c)
		_, g, err := o.gradient(shown, o.weights)
		if err != nil {
			return nil, err
		}
		if goal.Centre && !slices.ContainsFunc(g, func(v float32) bool { return v != 0 }) {
			// The centre is below its ReLU's zero: lift the whole map
			// until it is not.
			if _, g, err = o.gradient(shown, nil); err != nil {
				return nil, err
			}
		}
		tr.adjoint(gx, g, c)
		// Back through the sigmoid and the colour matrix.
		for i := range n {
			var d [3]float64
			for k := range c {
				xv := float64(x[k*n+i])
				d[k] = gx[k*n+i] * xv * (1 - xv)
			}
			if c == 3 {
				for j := range 3 {
					gx[j*n+i] = colour[0][j]*d[0] + colour[1][j]*d[1] + colour[2][j]*d[2]
				}
			} else {
				gx[i] = d[0]
			}
		}
		for k := range c {
			pre.filter(gx[k*n : (k+1)*n])
		}
		rms := 0.0
		for _, v := range gx {
			rms += v * v
		}
		rms = math.Sqrt(rms / float64(len(gx)))
		if rms == 0 {
			// No cell of the map is above its ReLU's zero on this
			// noise: nothing to follow, so draw other noise.
			noise()
		} else {
			for i := range z {
				z[i] += opt.Rate * gx[i] / rms
			}
		}
		if progress != nil {
			progress(step+1, opt.Steps)
		}
	}
	render(x, z, c, n)
	return o.measure(x)
}

// objective is what the ascent follows: a filter's map computed by the
// conv layers alone (on a canvas of any size) or by the whole network, or
// a class's logit.
type objective struct {
	m    *engine.Model
	goal Goal
	// h, w is the size of the picture drawn.
	h, w int
	// prefix computes a filter's map when the conv layers alone lead to
	// it; nil for a class or a place after a global pooling.
	prefix *engine.ConvPrefix
	// weights weigh the map's cells (the centre's one-hot); nil is the
	// mean.
	weights []float32
}

// newObjective returns the objective of goal, on a canvas of opt.Size for
// a filter's mean that the conv layers alone compute.
func newObjective(m *engine.Model, goal Goal, opt Options) (*objective, error) {
	in := m.Input()
	o := &objective{m: m, goal: goal, h: in.Height, w: in.Width}
	if goal.Layer == 0 {
		return o, nil
	}
	mh, mw := 0, 0
	if m.ConvOnly(goal.Layer) {
		if !goal.Centre && opt.Size > 0 {
			o.h, o.w = opt.Size, opt.Size
		}
		var err error
		if o.prefix, err = m.ConvPrefix(goal.Layer, o.h, o.w); err != nil {
			return nil, err
		}
		mh, mw = o.prefix.Place().Height, o.prefix.Place().Width
	} else {
		p, err := m.Predict(make([]float32, in.Len()))
		if err != nil {
			return nil, err
		}
		a := p.Activations[goal.Layer-1]
		mh, mw = a.Height, a.Width
	}
	if goal.Centre {
		o.weights = make([]float32, mh*mw)
		o.weights[mh/2*mw+mw/2] = 1
	}
	return o, nil
}

// gradient returns the objective's value on picture x and its gradient
// with respect to x, the map's cells weighed by weights (nil: the mean).
func (o *objective) gradient(x, weights []float32) (float32, []float32, error) {
	if o.prefix != nil {
		_, v, g, err := o.prefix.Run(x, o.goal.Filter, weights)
		return v, g, err
	}
	v, g, _, err := o.m.InputGradient(x, engine.Target{Layer: o.goal.Layer, Filter: o.goal.Filter, Class: o.goal.Class, Weights: weights})
	return v, g, err
}

// measure runs the finished picture x and fills a Result.
func (o *objective) measure(x []float32) (*Result, error) {
	m, in := o.m, o.m.Input()
	r := &Result{Goal: o.goal, Input: x, Image: picture.FromInputShape(x, in.Channels, o.w, o.h)}
	seen := x
	if o.h != in.Height || o.w != in.Width {
		seen = picture.ToInputShape(r.Image, in.Channels, in.Width, in.Height)
	}
	p, err := m.Predict(seen)
	if err != nil {
		return nil, err
	}
	r.Class, r.Probability = p.Class, p.Probabilities[p.Class]
	var a engine.Activation
	switch {
	case o.goal.Layer == 0:
		r.Probability = p.Probabilities[o.goal.Class]
		r.Value = p.Logits[o.goal.Class]
		return r, nil
	case o.prefix != nil:
		if a, r.Value, _, err = o.prefix.Run(x, o.goal.Filter, o.weights); err != nil {
			return nil, err
		}
	default:
		a = p.Activations[o.goal.Layer-1]
		if r.Value, _, err = o.gradient(x, o.weights); err != nil {
			return nil, err
		}
	}
	mp := a.Map(o.goal.Filter)
	r.PeakAt, r.MapWidth = argmax(mp), a.Width
	r.Peak = mp[r.PeakAt]
	return r, nil
}

func argmax(v []float32) int {
	return slices.Index(v, slices.Max(v))
}

// render writes the picture of z into x: the sigmoid of the decorrelated
// colours.
func render(x []float32, z []float64, c, n int) {
	for i := range n {
		for k := range c {
			v := z[k*n+i]
			if c == 3 {
				v = colour[k][0]*z[i] + colour[k][1]*z[n+i] + colour[k][2]*z[2*n+i]
			}
			x[k*n+i] = float32(1 / (1 + math.Exp(-v)))
		}
	}
}
