package engine

import "github.com/artlens/artlens/engine/nn"

// windowMaps returns the attention of network n's WindowAttention layers
// from its last run, in the order of the network (AttentionMap's window
// form). The caller holds the model's lock.
func (m *Model) windowMaps(n *network) []AttentionMap {
	var maps []AttentionMap
	for _, a := range n.windows {
		s := m.steps[a.step]
		g := a.op.Geom()
		h, w, window, shift := g.Size()
		nt := g.Tokens()
		k := g.Windows() * s.Heads * nt * nt
		maps = append(maps, AttentionMap{Name: s.Name, Heads: s.Heads, Tokens: h * w, GridHeight: h, GridWidth: w,
			Probs: append([]float32(nil), a.op.Probs()[:k]...), Window: window, Shift: shift})
	}
	return maps
}

// windowRow is Row for a window attention: the row of the window that
// holds position q, put at its keys' positions.
func (a AttentionMap) windowRow(h, q int) []float32 {
	g := nn.NewWindowGeom(a.GridHeight, a.GridWidth, a.Window, a.Shift, nil)
	out := make([]float32, a.Tokens)
	k, t := g.Locate(q)
	nt := g.Tokens()
	row := a.Probs[((k*a.Heads+h)*nt+t)*nt:][:nt]
	for u, v := range row {
		out[g.Pos(k, u)] = v
	}
	return out
}
