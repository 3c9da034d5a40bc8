package engine

// windowMaps returns the attention of network n's WindowAttention layers
// from its last run, in the order of the network (AttentionMap's window
// form). The caller holds the model's lock.
func (m *Model) windowMaps(n *network) []AttentionMap {
	var maps []AttentionMap
	for _, a := range n.windows {
		s := m.steps[a.step]
		g := a.op.g
		nt := g.tokens()
		k := g.windows() * s.Heads * nt * nt
		maps = append(maps, AttentionMap{Name: s.Name, Heads: s.Heads, Tokens: g.h * g.w, GridHeight: g.h, GridWidth: g.w,
			Probs: append([]float32(nil), a.op.probs[:k]...), Window: []int{g.wh, g.ww}, Shift: []int{g.sh, g.sw}})
	}
	return maps
}

// windowRow is Row for a window attention: the row of the window that
// holds position q, put at its keys' positions.
func (a AttentionMap) windowRow(h, q int) []float32 {
	g := windowGeom{h: a.GridHeight, w: a.GridWidth, wh: a.Window[0], ww: a.Window[1], sh: a.Shift[0], sw: a.Shift[1]}
	out := make([]float32, a.Tokens)
	// Position q lies in the rolled maps at (q/w - sh, q%w - sw).
	y := (q/g.w - g.sh + g.h) % g.h
	x := (q%g.w - g.sw + g.w) % g.w
	k := (y/g.wh)*(g.w/g.ww) + x/g.ww
	t := (y%g.wh)*g.ww + x%g.ww
	nt := g.tokens()
	row := a.Probs[((k*a.Heads+h)*nt+t)*nt:][:nt]
	for u, v := range row {
		out[g.pos(k, u)] = v
	}
	return out
}
