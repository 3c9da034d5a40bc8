package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// prefixArchs are the networks ConvPrefix is tested on: the study's (no
// padding), the test chains (strides, "same" and explicit padding, a
// pooling first, the input's normalisation) and the graph (batch norms,
// a residual join, grouped and depthwise convolutions, a
// squeeze-excitation whose global pooling ties what follows to the size).
func prefixArchs() map[string]Arch {
	archs := opArchs()
	archs["study"] = StudyArch()
	archs["graph"] = graphArch()
	return archs
}

// stride returns the product of the strides of the spatial layers of m
// along rows (or columns): a picture larger by a multiple of it keeps
// every "same" padding's top and left pads.
func stride(m *Model, rows bool) int {
	s := 1
	for _, st := range m.steps {
		switch st.Kind {
		case Conv2D, MaxPool, AvgPool:
			if rows {
				s *= st.sh
			} else {
				s *= st.sw
			}
		}
	}
	return s
}

// reach returns the last picture row (or column) that cells up to row
// (column) y of step i's output read: a cell whose windows end inside the
// model's picture is the same in the top-left corner of a larger one.
func reach(steps []step, i, y int, rows bool) int {
	if i < 0 {
		return y
	}
	s := steps[i]
	switch s.Kind {
	case Conv2D, MaxPool, AvgPool:
		if rows {
			y = y*s.sh - s.pads[0] + s.kh - 1
		} else {
			y = y*s.sw - s.pads[1] + s.kw - 1
		}
	}
	last := math.MinInt
	for _, j := range s.ins {
		last = max(last, reach(steps, j, y, rows))
	}
	return last
}

// TestConvPrefixCrop checks, on every place that ConvOnly allows, that
// the prefix built for a larger picture gives, in the top-left corner of
// its maps, the model's own maps of the picture's top-left corner (every
// cell whose windows stay inside that corner: all of them without
// padding), and that it follows the model's weights as they change.
func TestConvPrefixCrop(t *testing.T) {
	for name, arch := range prefixArchs() {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 11)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			for _, p := range m.Params() { // biases and statistics away from their start
				if len(p.Shape) == 1 {
					for i := range p.Data {
						p.Data[i] += 0.3 * (rng.Float32() - 0.3)
					}
				}
			}
			in := m.Input()
			bh, bw := in.Height+2*stride(m, true), in.Width+3*stride(m, false)
			big := make([]float32, in.Channels*bh*bw)
			for i := range big {
				big[i] = rng.Float32()
			}
			small := make([]float32, in.Len())
			for c := range in.Channels {
				for y := range in.Height {
					copy(small[(c*in.Height+y)*in.Width:][:in.Width], big[(c*bh+y)*bw:][:in.Width])
				}
			}
			prefixes := map[int]*ConvPrefix{} // built once: the second round runs them on changed weights
			for _, pl := range m.Places() {
				if m.ConvOnly(pl.Layer) {
					if prefixes[pl.Layer], err = m.ConvPrefix(pl.Layer, bh, bw); err != nil {
						t.Fatalf("%s: %v", pl.Name, err)
					}
				}
			}
			checked := 0
			for round := range 2 {
				if round == 1 {
					p := m.Params()[0] // the first weights change: the prefix must follow
					for i := range p.Data {
						p.Data[i] *= -1.5
					}
				}
				pred, err := m.Predict(small)
				if err != nil {
					t.Fatal(err)
				}
				for _, pl := range m.Places() {
					pre := prefixes[pl.Layer]
					if pre == nil {
						continue
					}
					got, _, _, err := pre.Run(big, 0, nil)
					if err != nil {
						t.Fatal(err)
					}
					want := pred.Activations[pl.Layer-1]
					if got.Channels != want.Channels || got.Height <= want.Height || got.Width <= want.Width {
						t.Fatalf("%s: maps %dx%dx%d at %dx%d, %dx%dx%d at the model's size", pl.Name,
							got.Channels, got.Height, got.Width, bw, bh, want.Channels, want.Height, want.Width)
					}
					step := m.places[pl.Layer-1].step
					cells := 0
					for c := range want.Channels {
						for y := range want.Height {
							if reach(m.steps, step, y, true) >= in.Height {
								break
							}
							for x := range want.Width {
								if reach(m.steps, step, x, false) >= in.Width {
									break
								}
								g, w := got.Data[(c*got.Height+y)*got.Width+x], want.Data[(c*want.Height+y)*want.Width+x]
								if d := math.Abs(float64(g - w)); d > 1e-5*math.Max(1, math.Abs(float64(w))) {
									t.Fatalf("round %d, %s: channel %d cell (%d, %d) = %.7g at %dx%d, %.7g at the model's size",
										round, pl.Name, c, y, x, g, bw, bh, w)
								}
								cells++
							}
						}
					}
					if cells > 0 {
						checked++ // a small network's last maps may all read padding
					}
				}
			}
			if checked == 0 {
				t.Error("no cell of any place compared")
			}
		})
	}
}

// TestConvPrefixPlaces checks which places ConvOnly allows in the test
// graph (none after its squeeze-excitation's global pooling) and that
// ConvPrefix refuses the others in one line.
func TestConvPrefixPlaces(t *testing.T) {
	m, err := NewModelArch(graphArch(), []string{"a", "b", "c"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var only, not []string
	for _, p := range m.Places() {
		if m.ConvOnly(p.Layer) {
			only = append(only, p.Name)
		} else {
			not = append(not, p.Name)
			if _, err := m.ConvPrefix(p.Layer, 20, 20); err == nil {
				t.Errorf("%s: ConvPrefix gives no error", p.Name)
			}
		}
	}
	if want := []string{"stem", "block.conv", "grouped", "depthwise", "block"}; !slices.Equal(only, want) {
		t.Errorf("ConvOnly places %v, want %v", only, want)
	}
	if want := []string{"se.fc1", "se.fc2", "join", "hardsigmoid1"}; !slices.Equal(not, want) {
		t.Errorf("other places %v, want %v", not, want)
	}
	if m.ConvOnly(0) || m.ConvOnly(99) {
		t.Error("places 0 and 99 are ConvOnly")
	}
	pre, err := m.ConvPrefix(1, 12, 14)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := m.ConvPrefix(1, 12, 14); again != pre {
		t.Error("the same place and size built again")
	}
	for _, c := range []struct {
		in      int
		filter  int
		weights []float32
	}{{5, 0, nil}, {pre.Input().Len(), 4, nil}, {pre.Input().Len(), 0, []float32{1}}} {
		if _, _, _, err := pre.Run(make([]float32, c.in), c.filter, c.weights); err == nil {
			t.Errorf("%d values, filter %d, %d weights: no error", c.in, c.filter, len(c.weights))
		}
	}
}

// TestConvPrefixGradient checks the prefix's target (a filter's mean, one
// cell) against its maps and its gradient with respect to the picture
// against central finite differences, at a larger size than the model's.
func TestConvPrefixGradient(t *testing.T) {
	for name, arch := range prefixArchs() {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 7)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			in := m.Input()
			var places []int
			for _, p := range m.Places() {
				if m.ConvOnly(p.Layer) {
					places = append(places, p.Layer)
				}
			}
			for _, layer := range []int{places[0], places[len(places)-1]} {
				pre, err := m.ConvPrefix(layer, in.Height+stride(m, true), in.Width+2*stride(m, false))
				if err != nil {
					t.Fatal(err)
				}
				x := make([]float32, pre.Input().Len())
				for i := range x {
					x[i] = rng.Float32()
				}
				pl := pre.Place()
				filter := pl.Channels - 1
				centre := make([]float32, pl.Height*pl.Width)
				centre[pl.Height/2*pl.Width+pl.Width/2] = 1
				for _, weights := range [][]float32{nil, centre} {
					act, v, grad, err := pre.Run(x, filter, weights)
					if err != nil {
						t.Fatal(err)
					}
					mp := act.Map(filter)
					want := float64(mp[pl.Height/2*pl.Width+pl.Width/2])
					if weights == nil {
						want = 0
						for _, a := range mp {
							want += float64(a)
						}
						want /= float64(len(mp))
					}
					if math.Abs(float64(v)-want) > 1e-5+1e-5*math.Abs(want) {
						t.Errorf("layer %d: target %g, its map gives %g", layer, v, want)
					}
					loss := func() float64 {
						_, v, _, err := pre.Run(x, filter, weights)
						if err != nil {
							t.Fatal(err)
						}
						return float64(v)
					}
					p := Param{Name: pl.Name + ": picture", Data: x}
					for _, j := range []int{argmaxAbs(grad), rng.IntN(len(x)), rng.IntN(len(x))} {
						checkFiniteDifferenceSteps(t, loss, p, j, grad[j])
					}
				}
			}
		})
	}
}

// BenchmarkConvPrefix times one run (forward and the picture's gradient)
// of the study's conv layers 1 to 3 on a 128-pixel picture, a step of
// featviz's default canvas.
func BenchmarkConvPrefix(b *testing.B) {
	m, err := NewModel([]string{"a", "b"}, 1)
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.ConvPrefix(3, 128, 128)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, p.Input().Len())
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	for b.Loop() {
		if _, _, _, err := p.Run(x, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
}
