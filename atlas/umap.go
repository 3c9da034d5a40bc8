package atlas

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// umapA and umapB shape UMAP's low-dimensional similarity 1/(1+a·d^2b):
// the values umap-learn fits for its defaults min_dist = 0.1, spread = 1.
const umapA, umapB = 1.5769434603113077, 0.8950608781227859

// umapNegatives is how many random points push a point away for every
// neighbour that pulls it (umap-learn's negative_sample_rate).
const umapNegatives = 5

// edge is one directed edge of UMAP's graph with how often it is sampled.
type edge struct {
	head, tail int32
	// every is the number of epochs between two samples of the edge
	// (1 for the heaviest edge).
	every float64
}

// umapGraph turns the neighbours into UMAP's fuzzy graph (McInnes et al.,
// section 3.1): each point's neighbour distances, less the nearest one,
// scaled so that their memberships add up to log2(k), then the union of
// the two directions, w = a + b - ab. It returns the directed edges (both
// directions of each pair) in a fixed order, those too light to be sampled
// in epochs epochs left out.
func umapGraph(nb *neighbours, n, epochs int) []edge {
	k := nb.k
	type pair struct{ ij, ji float64 }
	weights := make(map[uint64]*pair, n*k)
	keys := make([]uint64, 0, n*k)
	target := math.Log2(float64(k))
	for i := range n {
		d := nb.dist[i*k : (i+1)*k]
		rho, sigma := smoothDistances(d, target)
		for j, o := range nb.idx[i*k : (i+1)*k] {
			w := 1.0
			if x := d[j] - rho; x > 0 {
				w = math.Exp(-x / sigma)
			}
			a, b := int32(i), o
			swapped := a > b
			if swapped {
				a, b = b, a
			}
			key := uint64(a)<<32 | uint64(uint32(b))
			p := weights[key]
			if p == nil {
				p = &pair{}
				weights[key] = p
				keys = append(keys, key)
			}
			if swapped {
				p.ji = w
			} else {
				p.ij = w
			}
		}
	}
	slices.Sort(keys)
	ws := make([]float64, len(keys))
	top := 0.0
	for e, key := range keys {
		p := weights[key]
		ws[e] = p.ij + p.ji - p.ij*p.ji
		top = max(top, ws[e])
	}
	edges := make([]edge, 0, 2*len(keys))
	for e, key := range keys {
		if ws[e] < top/float64(epochs) {
			continue
		}
		a, b := int32(key>>32), int32(uint32(key))
		every := top / ws[e]
		edges = append(edges, edge{a, b, every}, edge{b, a, every})
	}
	return edges
}

// smoothDistances returns the distance to the nearest neighbour (rho) and
// the scale sigma for which the sum of exp(-(d-rho)/sigma) over the
// neighbours is target, found by bisection as umap-learn does.
func smoothDistances(d []float64, target float64) (rho, sigma float64) {
	for _, x := range d {
		if x > 0 {
			rho = x
			break
		}
	}
	lo, hi, mid := 0.0, math.Inf(1), 1.0
	for range 64 {
		s := 0.0
		for _, x := range d {
			if x -= rho; x > 0 {
				s += math.Exp(-x / mid)
			} else {
				s++
			}
		}
		if math.Abs(s-target) < 1e-5 {
			break
		}
		if s > target {
			hi = mid
			mid = (lo + hi) / 2
		} else {
			lo = mid
			if math.IsInf(hi, 1) {
				mid *= 2
			} else {
				mid = (lo + hi) / 2
			}
		}
	}
	mean := 0.0
	for _, x := range d {
		mean += x
	}
	mean /= float64(max(1, len(d)))
	// A floor keeps points whose neighbours are all at one distance
	// from getting an infinitely sharp scale.
	return rho, max(mid, 1e-3*mean, 1e-12)
}

// umapLayout moves y (n points, x and y interleaved, the start) by UMAP's
// stochastic gradient descent over epochs epochs (McInnes et al., section
// 3.2; umap-learn's optimize_layout_euclidean): every edge pulls its two
// ends together when its turn comes, and umapNegatives random points push
// its head away. The rate falls linearly from 1 to 0. It returns ctx.Err()
// if cancelled; progress, if not nil, is given epochs done.
func umapLayout(ctx context.Context, edges []edge, y []float64, epochs int, rng *rand.Rand, progress func(done int)) error {
	n := len(y) / 2
	next := make([]float64, len(edges))
	nextNeg := make([]float64, len(edges))
	for e, ed := range edges {
		next[e] = ed.every
		nextNeg[e] = ed.every / umapNegatives
	}
	clip := func(v float64) float64 { return max(-4, min(4, v)) }
	for epoch := 1; epoch <= epochs; epoch++ {
		if epoch%10 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(epoch)
			}
		}
		alpha := 1 - float64(epoch-1)/float64(epochs)
		fe := float64(epoch)
		for e := range edges {
			if next[e] > fe {
				continue
			}
			ed := &edges[e]
			h, t := int(ed.head)*2, int(ed.tail)*2
			dx, dy := y[h]-y[t], y[h+1]-y[t+1]
			d2 := dx*dx + dy*dy
			if d2 > 0 {
				pb := powB(d2)
				g := -2 * umapA * umapB * pb / d2 / (umapA*pb + 1)
				gx, gy := clip(g*dx)*alpha, clip(g*dy)*alpha
				y[h] += gx
				y[h+1] += gy
				y[t] -= gx
				y[t+1] -= gy
			}
			next[e] += ed.every
			perNeg := ed.every / umapNegatives
			negs := int((fe - nextNeg[e]) / perNeg)
			for range negs {
				o := rng.IntN(n) * 2
				if o == h {
					continue
				}
				dx, dy := y[h]-y[o], y[h+1]-y[o+1]
				d2 := dx*dx + dy*dy
				if d2 <= 0 {
					continue
				}
				g := 2 * umapB / ((0.001 + d2) * (umapA*powB(d2) + 1))
				y[h] += clip(g*dx) * alpha
				y[h+1] += clip(g*dy) * alpha
			}
			nextNeg[e] += float64(negs) * perNeg
		}
	}
	if progress != nil {
		progress(epochs)
	}
	return nil
}
