package explain

import (
	"errors"
	"fmt"

	"github.com/artlens/artlens/engine"
)

// MethodRollout names attention rollout.
const MethodRollout = "rollout"

// RolloutOf computes attention rollout (Abnar and Zuidema, 2020) from a
// transformer's attention, block by block from the first: per block the
// heads' mean attention A, Â = (A + I)/2 with its rows renormalised to sum
// to 1, R = Â_L ⋯ Â_2 Â_1; the result is the row of query token q (0: a
// ViT's class token) over the patches, GridHeight rows of GridWidth,
// divided by its maximum so that it lies in [0, 1].
func RolloutOf(maps []engine.AttentionMap, q int) ([]float32, error) {
	if len(maps) == 0 {
		return nil, errors.New("explain: rollout needs a transformer's attention (the model has no attention layers)")
	}
	t := maps[0].Tokens
	for _, a := range maps {
		if a.Tokens != t || a.GridHeight*a.GridWidth == 0 || len(a.Probs) != a.Heads*t*t {
			return nil, fmt.Errorf("explain: attention layer %s is not over the tokens of one patch grid", a.Name)
		}
	}
	if q < 0 || q >= t {
		return nil, fmt.Errorf("explain: no token %d of %d", q, t)
	}
	// Only row q of R is needed: r = e_q Â_L ⋯ Â_1, computed from the
	// last block back, a row vector times each matrix.
	r := make([]float64, t)
	r[q] = 1
	next := make([]float64, t)
	a := make([]float64, t*t)
	for l := len(maps) - 1; l >= 0; l-- {
		mp := maps[l]
		clear(a)
		for h := 0; h < mp.Heads; h++ {
			for i, v := range mp.Probs[h*t*t : (h+1)*t*t] {
				a[i] += float64(v) / float64(mp.Heads)
			}
		}
		for i := 0; i < t; i++ {
			row := a[i*t : (i+1)*t]
			row[i]++
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			for j := range row {
				row[j] /= sum
			}
		}
		clear(next)
		for i, ri := range r {
			if ri == 0 {
				continue
			}
			for j, v := range a[i*t : (i+1)*t] {
				next[j] += ri * v
			}
		}
		r, next = next, r
	}
	last := maps[len(maps)-1]
	grid := r[last.Extra:]
	out := make([]float32, len(grid))
	hi := 0.0
	for _, v := range grid {
		hi = max(hi, v)
	}
	for i, v := range grid {
		if hi > 0 {
			out[i] = float32(v / hi)
		}
	}
	return out, nil
}

// Rollout explains a transformer's answer for a picture by attention
// rollout: where, through all its blocks, the class token gathers from
// (RolloutOf on the patch grid). It does not depend on the class; class
// (-1: the predicted one) is only recorded in the map.
func Rollout(m *engine.Model, input []float32, class int) (Map, error) {
	maps, p, err := m.Attention(input)
	if err != nil {
		return Map{}, err
	}
	if len(maps) == 0 {
		return Map{}, errors.New("explain: rollout needs a transformer's attention (the model has no attention layers)")
	}
	if class < 0 {
		class = p.Class
	}
	if class >= len(p.Probabilities) {
		return Map{}, fmt.Errorf("explain: class %d out of range 0..%d", class, len(p.Probabilities)-1)
	}
	v, err := RolloutOf(maps, 0)
	if err != nil {
		return Map{}, err
	}
	last := maps[len(maps)-1]
	return Map{Method: MethodRollout, Class: class, Width: last.GridWidth, Height: last.GridHeight, Values: v, Probabilities: p.Probabilities}, nil
}
