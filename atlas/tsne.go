package atlas

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// The t-SNE settings: van der Maaten's perplexity and Barnes-Hut angle,
// and openTSNE's schedule: 750 iterations of which the first 250
// exaggerate the attractions 12 times.
const (
	tsnePerplexity   = 30
	tsneTheta        = 0.5
	tsneIterations   = 750
	tsneExaggerating = 250
	tsneExaggeration = 12
)

// pEdge is one pair of neighbours with its joint probability p_ij.
type pEdge struct {
	a, b int32
	p    float64
}

// tsneAffinities returns t-SNE's joint probabilities over the neighbour
// pairs: each point's Gaussian over its neighbours with the width that
// gives perplexity tsnePerplexity, symmetrised, (p_j|i + p_i|j) / 2n.
func tsneAffinities(nb *neighbours, n int) []pEdge {
	k := nb.k
	type pair struct{ p float64 }
	weights := make(map[uint64]*pair, n*k)
	keys := make([]uint64, 0, n*k)
	cond := make([]float64, k)
	target := math.Log(float64(min(tsnePerplexity, k)))
	for i := range n {
		d := nb.dist[i*k : (i+1)*k]
		beta, lo, hi := 1.0, math.Inf(-1), math.Inf(1)
		for range 200 {
			sum, sumDP := 0.0, 0.0
			for j, x := range d {
				// Distances of unit rows are at most 2: exp does not underflow
				// before beta is huge.
				cond[j] = math.Exp(-beta * (x*x - d[0]*d[0]))
				sum += cond[j]
				sumDP += x * x * cond[j]
			}
			h := math.Log(sum) + beta*(sumDP/sum-d[0]*d[0])
			if math.Abs(h-target) < 1e-5 {
				break
			}
			if h > target {
				lo = beta
				if math.IsInf(hi, 1) {
					beta *= 2
				} else {
					beta = (beta + hi) / 2
				}
			} else {
				hi = beta
				if math.IsInf(lo, -1) {
					beta /= 2
				} else {
					beta = (beta + lo) / 2
				}
			}
		}
		sum := 0.0
		for _, c := range cond {
			sum += c
		}
		for j, o := range nb.idx[i*k : (i+1)*k] {
			a, b := int32(i), o
			if a > b {
				a, b = b, a
			}
			key := uint64(a)<<32 | uint64(uint32(b))
			w := weights[key]
			if w == nil {
				w = &pair{}
				weights[key] = w
				keys = append(keys, key)
			}
			w.p += cond[j] / sum / float64(2*n)
		}
	}
	slices.Sort(keys)
	edges := make([]pEdge, len(keys))
	for e, key := range keys {
		edges[e] = pEdge{int32(key >> 32), int32(uint32(key)), weights[key].p}
	}
	return edges
}

// tsne moves y (n points interleaved, the principal components) by
// Barnes-Hut t-SNE (van der Maaten 2014): gradient descent with momentum
// and per-coordinate gains, the attractions summed over the neighbour
// pairs, the repulsions of far groups of points taken at their centre
// through a quadtree. It returns ctx.Err() if cancelled; progress, if not
// nil, is given iterations done.
func tsne(ctx context.Context, nb *neighbours, y []float64, rng *rand.Rand, progress func(int)) error {
	n := len(y) / 2
	edges := tsneAffinities(nb, n)
	// Start small (standard deviation 1e-4 along the first component, as
	// openTSNE does), with a little noise to part identical rows.
	sd := 0.0
	for i := range n {
		sd += y[2*i] * y[2*i]
	}
	sd = math.Sqrt(sd / float64(n))
	for i := range y {
		if sd > 0 {
			y[i] *= 1e-4 / sd
		}
		y[i] += 1e-6 * rng.NormFloat64()
	}
	rate := max(float64(n)/tsneExaggeration, 200)
	update := make([]float64, 2*n)
	gains := make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	attr := make([]float64, 2*n)
	rep := make([]float64, 2*n)
	var tree quadtree
	for it := range tsneIterations {
		if it%10 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(it)
			}
		}
		exag, momentum := 1.0, 0.8
		if it < tsneExaggerating {
			exag, momentum = tsneExaggeration, 0.5
		}
		clear(attr)
		for _, e := range edges {
			a, b := 2*int(e.a), 2*int(e.b)
			dx, dy := y[a]-y[b], y[a+1]-y[b+1]
			f := e.p / (1 + dx*dx + dy*dy)
			attr[a] += f * dx
			attr[a+1] += f * dy
			attr[b] -= f * dx
			attr[b+1] -= f * dy
		}
		tree.build(y)
		z := tree.repulsions(y, rep)
		for i := range y {
			g := 4 * (exag*attr[i] - rep[i]/z)
			if (g > 0) != (update[i] > 0) {
				gains[i] += 0.2
			} else {
				gains[i] = max(gains[i]*0.8, 0.01)
			}
			update[i] = momentum*update[i] - rate*gains[i]*g
			y[i] += update[i]
		}
		centre(y)
	}
	if progress != nil {
		progress(tsneIterations)
	}
	return nil
}

// centre moves interleaved points so that their mean is the origin.
func centre(y []float64) {
	n := len(y) / 2
	mx, my := 0.0, 0.0
	for i := range n {
		mx += y[2*i]
		my += y[2*i+1]
	}
	mx /= float64(n)
	my /= float64(n)
	for i := range n {
		y[2*i] -= mx
		y[2*i+1] -= my
	}
}

// quadtree holds points in square cells split in four until each holds
// one point (or the cell is too small to part them), with each cell's
// number of points and their sum, for Barnes-Hut's approximation.
type quadtree struct {
	nodes []qnode
}

type qnode struct {
	cx, cy, half float64 // the cell's centre and half side
	sx, sy       float64 // the sum of its points
	count        int32
	child        int32 // the first of its four children; 0 for a leaf
	point        int32 // a leaf's point (the first, if several)
}

func (t *quadtree) build(y []float64) {
	n := len(y) / 2
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range n {
		minX, maxX = min(minX, y[2*i]), max(maxX, y[2*i])
		minY, maxY = min(minY, y[2*i+1]), max(maxY, y[2*i+1])
	}
	half := max(maxX-minX, maxY-minY)/2 + 1e-9
	t.nodes = append(t.nodes[:0], qnode{cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, half: half, point: -1})
	for i := range n {
		t.insert(int32(i), y[2*i], y[2*i+1])
	}
}

func (t *quadtree) insert(i int32, x, y float64) {
	at := 0
	for {
		nd := &t.nodes[at]
		nd.count++
		nd.sx += x
		nd.sy += y
		if nd.child == 0 {
			if nd.count == 1 {
				nd.point = i
				return
			}
			if nd.half < 1e-12 {
				return // points that cannot be parted share a leaf
			}
			// Split: the point held moves into its quadrant.
			old := nd.point
			ox, oy := nd.sx-x, nd.sy-y // the leaf held one point: its position
			cx, cy, h := nd.cx, nd.cy, nd.half/2
			first := int32(len(t.nodes))
			nd.child, nd.point = first, -1
			for q := range 4 {
				qx, qy := cx-h, cy-h
				if q&1 != 0 {
					qx = cx + h
				}
				if q&2 != 0 {
					qy = cy + h
				}
				t.nodes = append(t.nodes, qnode{cx: qx, cy: qy, half: h, point: -1})
			}
			c := &t.nodes[int(first)+quadrant(cx, cy, ox, oy)]
			c.count, c.sx, c.sy, c.point = 1, ox, oy, old
			nd = &t.nodes[at]
		}
		at = int(nd.child) + quadrant(nd.cx, nd.cy, x, y)
	}
}

func quadrant(cx, cy, x, y float64) int {
	q := 0
	if x >= cx {
		q |= 1
	}
	if y >= cy {
		q |= 2
	}
	return q
}

// repulsions sets rep to each point's unnormalised repulsion,
// sum over j of q_ij² (y_i - y_j) with q_ij = 1/(1+|y_i-y_j|²), and
// returns Z, the sum of q_ij over all pairs, with Barnes-Hut's
// approximation. Points are shared among the cores in fixed blocks and the
// blocks' sums added in order, so the result does not depend on the number
// of cores.
func (t *quadtree) repulsions(y, rep []float64) float64 {
	n := len(y) / 2
	const block = 128
	blocks := (n + block - 1) / block
	zs := make([]float64, blocks)
	next := make(chan int, blocks)
	for b := range blocks {
		next <- b
	}
	close(next)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stack := make([]int32, 0, 64)
			for b := range next {
				z := 0.0
				for i := b * block; i < min(n, (b+1)*block); i++ {
					var fx, fy, zi float64
					fx, fy, zi, stack = t.force(int32(i), y[2*i], y[2*i+1], stack)
					rep[2*i], rep[2*i+1] = fx, fy
					z += zi
				}
				zs[b] = z
			}
		}()
	}
	wg.Wait()
	z := 0.0
	for _, v := range zs {
		z += v
	}
	return max(z, 1e-12)
}

func (t *quadtree) force(i int32, x, y float64, stack []int32) (fx, fy, z float64, _ []int32) {
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		nd := &t.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if nd.count == 0 || (nd.child == 0 && nd.count == 1 && nd.point == i) {
			continue
		}
		cnt := float64(nd.count)
		dx, dy := x-nd.sx/cnt, y-nd.sy/cnt
		d2 := dx*dx + dy*dy
		side := 2 * nd.half
		if nd.child == 0 || side*side < tsneTheta*tsneTheta*d2 {
			q := 1 / (1 + d2)
			m := cnt * q
			z += m
			m *= q
			fx += m * dx
			fy += m * dy
			continue
		}
		for c := range int32(4) {
			stack = append(stack, nd.child+c)
		}
	}
	return fx, fy, z, stack
}
