package trust

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// Spearman returns the rank correlation of a and b (of equal length):
// Pearson's correlation of their ranks, tied values given the mean of
// their ranks. It is 0 when either is constant (a map that went flat
// keeps no order of the original's) or when they have fewer than two
// values.
func Spearman(a, b []float32) float64 {
	if len(a) != len(b) || len(a) < 2 {
		return 0
	}
	ra, rb := Ranks(a), Ranks(b)
	mean := float64(len(a)+1) / 2 // ranks from 1, ties averaged: the mean is fixed
	var sab, saa, sbb float64
	for i := range ra {
		da, db := ra[i]-mean, rb[i]-mean
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

// Ranks returns the rank of each value of v, from 1 for the smallest;
// equal values share the mean of the ranks they span.
func Ranks(v []float32) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case v[i] < v[j]:
			return -1
		case v[i] > v[j]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			r[idx[k]] = float64(i+j+1) / 2 // mean of ranks i+1 .. j
		}
		i = j
	}
	return r
}

// SanityThreshold is the mean |similarity| over the sanity check's steps
// below which a map is said to follow what the network learnt. Adebayo et
// al. read their figures by eye; 0.5 is about where their "passing"
// methods (Grad-CAM, plain gradients) fall through by the middle layers
// while the failing ones (Guided Backprop) stay near 1.
const SanityThreshold = 0.5

// The sanity check's verdicts.
const (
	VerdictFollows = "the map changes when the network is scrambled: it follows what the network learnt"
	VerdictIgnores = "the map barely changes when the network is scrambled: it shows the picture more than the network's reasons"
)

// Sanity is the result of the cascading randomisation check.
type Sanity struct {
	// Layers names the layers randomised at each step, top first: after
	// step i, Layers[0..i] hold random weights.
	Layers []string `json:"layers"`
	// Similarity is the Spearman rank correlation of the map after each
	// step with the original map.
	Similarity []float64 `json:"similarity"`
	// MeanAbs is the mean of |Similarity|; Follows is MeanAbs <
	// SanityThreshold.
	MeanAbs float64 `json:"mean_abs_similarity"`
	Follows bool    `json:"follows_network"`
	// Verdict says in one sentence what the result means.
	Verdict string `json:"verdict"`
}

// Last returns the similarity after the last step (every layer random).
func (s Sanity) Last() float64 {
	if len(s.Similarity) == 0 {
		return 0
	}
	return s.Similarity[len(s.Similarity)-1]
}

// layerGroup is one step of the randomisation: a layer with a kernel
// (conv or dense), with the layers without one that follow it (a batch
// norm's scale and shift) before the next layer with a kernel.
type layerGroup struct {
	name   string
	params []int // indexes into Params
}

// groups returns m's randomisation steps, top first.
func groups(ps []engine.Param) []layerGroup {
	var gs []layerGroup
	for i, p := range ps {
		if p.Frozen {
			continue // running statistics are not learnt by gradient
		}
		layer := p.Name
		if k := strings.LastIndexByte(layer, '.'); k > 0 {
			layer = layer[:k]
		}
		if len(gs) > 0 && (gs[len(gs)-1].name == layer || len(p.Shape) < 2) {
			g := &gs[len(gs)-1]
			if g.name != layer && !strings.Contains(g.name, layer) {
				g.name += "+" + layer
			}
			g.params = append(g.params, i)
			continue
		}
		gs = append(gs, layerGroup{name: layer, params: []int{i}})
	}
	slices.Reverse(gs)
	return gs
}

// randomise gives the tensors of g random values: kernels (two or more
// dimensions) a normal with mean 0 and the trained kernel's standard
// deviation, biases and shifts 0 and a batch norm's scale 1, as a fresh
// model starts (engine.NewModelArch).
func randomise(ps []engine.Param, g layerGroup, rng *rand.Rand) {
	for _, i := range g.params {
		p := ps[i]
		if len(p.Shape) >= 2 {
			var s, ss float64
			for _, v := range p.Data {
				s += float64(v)
				ss += float64(v) * float64(v)
			}
			n := float64(len(p.Data))
			std := math.Sqrt(max(ss/n-(s/n)*(s/n), 0))
			for k := range p.Data {
				p.Data[k] = float32(rng.NormFloat64() * std)
			}
			continue
		}
		fill := float32(0)
		if strings.HasSuffix(p.Name, ".weight") { // a 1-D weight is a scale
			fill = 1
		}
		for k := range p.Data {
			p.Data[k] = fill
		}
	}
}

// SanityCheck runs the cascading randomisation check of map original,
// which method made for req on m: on a copy of m (m is never changed),
// the layers' weights are randomised from the top down, seeded by seed,
// and after each step the map is made again for the same class and
// compared with original. progress, when not nil, is called with the
// steps done and their count. It stops with ctx's error when ctx is
// cancelled.
func SanityCheck(ctx context.Context, m *engine.Model, method explain.Method, req explain.Request, original explain.Map, seed uint64, progress func(done, total int)) (Sanity, error) {
	if method.Run == nil {
		return Sanity{}, errors.New("trust: the method has no Run")
	}
	r := m.Share()
	ps := r.Params() // the share's own copy from here on
	gs := groups(ps)
	if len(gs) == 0 {
		return Sanity{}, errors.New("trust: the model has no weights to randomise")
	}
	req.Class = original.Class // the random network may predict another class
	rng := rand.New(rand.NewPCG(seed, 0x5a17c8ec))
	s := Sanity{}
	for i, g := range gs {
		if err := ctx.Err(); err != nil {
			return Sanity{}, err
		}
		randomise(ps, g, rng)
		r.WeightsChanged()
		mp, err := method.Run(ctx, r, req)
		if err != nil {
			return Sanity{}, fmt.Errorf("trust: %s with %s random: %w", method.Name, g.name, err)
		}
		if len(mp.Values) != len(original.Values) {
			return Sanity{}, fmt.Errorf("trust: %s gave a %dx%d map with %s random, %dx%d before", method.Name, mp.Width, mp.Height, g.name, original.Width, original.Height)
		}
		s.Layers = append(s.Layers, g.name)
		s.Similarity = append(s.Similarity, Spearman(original.Values, mp.Values))
		if progress != nil {
			progress(i+1, len(gs))
		}
	}
	for _, v := range s.Similarity {
		s.MeanAbs += math.Abs(v)
	}
	s.MeanAbs /= float64(len(s.Similarity))
	s.Follows = s.MeanAbs < SanityThreshold
	s.Verdict = VerdictIgnores
	if s.Follows {
		s.Verdict = VerdictFollows
	}
	return s, nil
}
