package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Place is a point of the network whose feature maps ArtLens shows and
// explains: a conv layer (after the batch norm and activation that alone
// follow it) or, in a graph network, a block's output (an Add or Concat,
// after the activation or channel shuffle that alone follows it) and the maps that enter the
// global pooling (Grad-CAM's default).
type Place struct {
	// Layer numbers the place from 1: the conv layers first, in order (so
	// conv layer 5 is place 5, as in a chain), then the others in the
	// order of the graph.
	Layer int
	// Name is the name of its layer: a conv layer's, or the block's join
	// ("layer3.1" in an imported ResNet).
	Name string
	// Conv says whether it is a conv layer.
	Conv                    bool
	Channels, Height, Width int
	// Tokens is set on a transformer's places (a block's output, the
	// LayerNorm Grad-CAM explains): the layer's output is tokens, shown
	// as maps of the patch tokens on their grid (Height×Width), and
	// Tokens tokens (a ViT's class token) come before the grid, not in
	// the maps.
	Tokens int
	// OnTokens says that the place is tokens shown on their grid (Tokens
	// may then be 0).
	OnTokens bool
}

// placeSpec is a place resolved against the steps: the step whose output
// is its activation.
type placeSpec struct {
	Place
	step int
}

// tokenGrid describes a transformer's tokens in steps: which steps give
// tokens (onTokens), the patch grid (gh×gw, the input of the Tokens
// layer), how many tokens come before it (extra: the class tokens), and
// the LayerNorm before the last attention (cam, Grad-CAM's default
// place: pytorch-grad-cam's choice for a ViT), -1 when none.
type tokenGrid struct {
	onTokens      []bool
	gh, gw, extra int
	cam           int
	hasTokens     bool
}

func tokenGridOf(steps []step) tokenGrid {
	g := tokenGrid{onTokens: make([]bool, len(steps)), cam: -1}
	for i, s := range steps {
		switch {
		case s.Kind == Tokens:
			g.onTokens[i], g.hasTokens = true, true
			g.gh, g.gw = s.in.h, s.in.w
		case s.Kind == Token || s.out.flat:
		default:
			for _, j := range s.ins {
				if j >= 0 && g.onTokens[j] {
					g.onTokens[i] = true
				}
			}
		}
		if s.Kind == ClassToken && g.onTokens[i] {
			g.extra++
		}
		if s.Kind == Attention {
			if j := s.ins[0]; j >= 0 && steps[j].Kind == Conv2D {
				if k := steps[j].ins[0]; k >= 0 && steps[k].Kind == LayerNorm {
					g.cam = k
				}
			}
		}
	}
	for i, on := range g.onTokens {
		// Tokens that are no longer the grid and its class tokens (a
		// model ArtLens does not show on a grid).
		if on && steps[i].out.h != g.extra+g.gh*g.gw {
			g.onTokens[i] = false
		}
	}
	return g
}

// isGraph says whether steps form a graph rather than a chain: some layer
// reads another than the one before it.
func isGraph(steps []step) bool {
	for i, s := range steps {
		if len(s.ins) != 1 || s.ins[0] != i-1 {
			return true
		}
	}
	return false
}

// placesOf returns the places of steps: every conv layer and, in a graph,
// every Add and Concat and the input of the last global pooling.
func placesOf(steps []step) []placeSpec {
	readers := make([][]int, len(steps))
	for i, s := range steps {
		for _, j := range s.ins {
			if j >= 0 {
				readers[j] = append(readers[j], i)
			}
		}
	}
	// after follows step i through the batch norm (after a conv) and the
	// activation that alone read it.
	activation := map[string]bool{ReLU: true, Clip: true, HardSwish: true}
	after := func(i int) int {
		if steps[i].Kind == Conv2D && len(readers[i]) == 1 && steps[readers[i][0]].Kind == BatchNorm {
			i = readers[i][0]
		}
		if len(readers[i]) == 1 && activation[steps[readers[i][0]].Kind] {
			i = readers[i][0]
		}
		return i
	}
	var places []placeSpec
	tg := tokenGridOf(steps)
	add := func(i, at int) {
		for _, p := range places {
			if p.step == at {
				return // the same maps
			}
		}
		o := steps[at].out
		pl := Place{Layer: len(places) + 1, Name: steps[i].Name, Conv: steps[i].Kind == Conv2D, Channels: o.c, Height: o.h, Width: o.w}
		if tg.onTokens[at] {
			pl.Height, pl.Width, pl.Tokens, pl.OnTokens = tg.gh, tg.gw, tg.extra, true
		}
		places = append(places, placeSpec{Place: pl, step: at})
	}
	for i, s := range steps {
		if s.Kind == Conv2D && !tg.onTokens[i] {
			add(i, after(i))
		}
	}
	if tg.hasTokens {
		// A transformer's places: its blocks' outputs (the residual
		// Adds) and the LayerNorm that Grad-CAM explains, on the grid.
		for i, s := range steps {
			if tg.onTokens[i] && (s.Kind == Add || i == tg.cam) {
				add(i, i)
			}
		}
		return places
	}
	if !isGraph(steps) {
		return places
	}
	for i, s := range steps {
		if s.Kind == Add || s.Kind == Concat {
			// A channel shuffle that alone reads a concat (ShuffleNet's
			// block) gives the block's output: the same maps in the
			// order the next block reads, under the block's name.
			if len(readers[i]) == 1 && steps[readers[i][0]].Kind == ChannelShuffle {
				i = readers[i][0]
			}
			add(i, after(i))
		}
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if j := steps[i].ins[0]; steps[i].Kind == GlobalAvgPool && j >= 0 {
			add(j, j)
			break
		}
	}
	return places
}

// Places returns the model's places in their order (see Place).
func (m *Model) Places() []Place {
	out := make([]Place, len(m.places))
	for i, p := range m.places {
		out[i] = p.Place
	}
	return out
}

// CAMPlace returns the place that Grad-CAM explains unless told another:
// the last conv layer of a chain; in a graph, the maps that enter the
// global pooling (ResNet's layer4, MobileNet's features), as
// pytorch-grad-cam's documentation advises.
func (m *Model) CAMPlace() int {
	n := len(m.places)
	if tg := tokenGridOf(m.steps); tg.cam >= 0 {
		for _, p := range m.places {
			if p.step == tg.cam {
				return p.Layer
			}
		}
	}
	if !isGraph(m.steps) {
		return len(m.ConvLayers())
	}
	for i := len(m.steps) - 1; i >= 0; i-- {
		if j := m.steps[i].ins[0]; m.steps[i].Kind == GlobalAvgPool && j >= 0 {
			for _, p := range m.places {
				if p.step == j {
					return p.Layer
				}
			}
		}
	}
	return n
}

// PlaceNumber returns the place that s names: its number ("5") or its
// name ("layer3.1").
func (m *Model) PlaceNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if k, err := strconv.Atoi(s); err == nil {
		if k < 1 || k > len(m.places) {
			return 0, fmt.Errorf("there is no layer %d; the layers are 1 to %d", k, len(m.places))
		}
		return k, nil
	}
	for _, p := range m.places {
		if p.Name == s {
			return p.Layer, nil
		}
	}
	var names []string
	for _, p := range m.places {
		names = append(names, p.Name)
	}
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return 0, fmt.Errorf("there is no layer %q; the layers are %s", s, strings.Join(names, ", "))
}
