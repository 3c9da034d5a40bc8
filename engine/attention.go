package engine

import "fmt"

// AttentionMap is one Attention layer's attention for one picture: for
// each head, each token (a query, a row) spreads weights that sum to 1
// over all tokens (the keys, the columns). Tokens are the Extra tokens
// before the patch grid (a ViT's class token is token 0), then the
// GridH×GridW patches row by row.
//
// A WindowAttention layer's (Swin's) is the same on the positions of its
// maps (Tokens = GridHeight·GridWidth, Extra 0; the maps padded to whole
// windows when the layer pads them), but a position looks
// only within its window: Window and Shift are set (height, width), and
// Probs holds the windows' attention, windows×Heads×N×N values (N the
// window's positions, window k and its token t as
// WindowPosition gives them), not Heads×Tokens×Tokens. Row and OnGrid
// read both kinds; rollout (global attention only) reads neither.
type AttentionMap struct {
	// Name is the Attention layer's name
	// ("encoder.layers.encoder_layer_3.self_attention" in an imported ViT).
	Name                         string
	Heads, Tokens                int
	Extra, GridHeight, GridWidth int
	// Probs holds Heads×Tokens×Tokens values: head h, query q, key k at
	// (h·Tokens + q)·Tokens + k (a window attention's: see above).
	Probs []float32
	// Window and Shift are a window attention's windows and shift, nil
	// for attention over all tokens.
	Window, Shift []int
}

// Row returns the attention of query token q in head h over the keys
// (sharing Probs' memory; for a window attention, a new slice, zero
// outside q's window).
func (a AttentionMap) Row(h, q int) []float32 {
	if a.Window != nil {
		return a.windowRow(h, q)
	}
	at := (h*a.Tokens + q) * a.Tokens
	return a.Probs[at : at+a.Tokens : at+a.Tokens]
}

// OnGrid returns the weights that query token q of head h (h = -1: the
// heads' mean) gives the patches, as GridHeight rows of GridWidth: where
// it looks on the picture.
func (a AttentionMap) OnGrid(h, q int) []float32 {
	out := make([]float32, a.GridHeight*a.GridWidth)
	heads := []int{h}
	if h < 0 {
		heads = heads[:0]
		for k := range a.Heads {
			heads = append(heads, k)
		}
	}
	for _, k := range heads {
		row := a.Row(k, q)[a.Extra:]
		for i := range out {
			out[i] += row[i] / float32(len(heads))
		}
	}
	return out
}

// HasAttention says whether the model has Attention layers (a
// transformer).
func (m *Model) HasAttention() bool {
	for _, s := range m.steps {
		if s.Kind == Attention {
			return true
		}
	}
	return false
}

// Attention runs one picture (m.Input().Len() values in CHW order, as
// Predict takes) and returns every Attention layer's attention in the
// order of the network, with the prediction. The slices are copies.
func (m *Model) Attention(input []float32) ([]AttentionMap, *Prediction, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return nil, nil, fmt.Errorf("engine: input has %d values, want %d (%dx%dx%d)", len(input), in.Len(), in.Channels, in.Height, in.Width)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, err := m.predictLocked(input)
	if err != nil {
		return nil, nil, err
	}
	n := m.infer
	tg := tokenGridOf(m.steps)
	var maps []AttentionMap
	maps = append(maps, m.windowMaps(n)...)
	for _, a := range n.attention {
		s := m.steps[a.step]
		t := s.out.h
		mp := AttentionMap{Name: s.Name, Heads: s.Heads, Tokens: t, Extra: tg.extra, GridHeight: tg.gh, GridWidth: tg.gw,
			Probs: append([]float32(nil), a.op.Probs()[:s.Heads*t*t]...)}
		if !tg.hasTokens || t != tg.extra+tg.gh*tg.gw {
			mp.Extra, mp.GridHeight, mp.GridWidth = t, 0, 0 // no grid to show it on
		}
		maps = append(maps, mp)
	}
	return maps, p, nil
}
