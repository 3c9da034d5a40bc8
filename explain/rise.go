package explain

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/artlens/artlens/engine"
)

// MethodRISE is RISE's name on the command line and in JSON.
const MethodRISE = "rise"

// RISE's defaults: the paper's p = 0.5 and cells of 1/8 of the side, and
// 2,000 masks (the paper used 4,000 to 8,000 for ResNet-50 at 224 px; a
// 64-pixel input needs fewer).
const (
	DefaultRISEMasks = 2000
	riseP            = 0.5
	riseCells        = 8
	riseChunk        = 256 // masked inputs per PredictBatch call: 12 MB for a 64x64 input
)

// RISEOptions configures RISE. The zero value gives the default.
type RISEOptions struct {
	// Masks is the number of random masks N; 0 means DefaultRISEMasks.
	Masks int
}

// riseAxis is the bilinear enlargement of RISE's grid along one side:
// output pixel o of the side reads grid cells i0 and i1 with weights 1-f
// and f.
type riseAxis struct {
	i0, i1 []int
	f      []float64
	cell   int // the cell's size in pixels, ceil(side/s): the shifts' range
}

// newRiseAxis lays out skimage.transform.resize(order=1, mode="reflect",
// anti_aliasing=False) of s cells to (s+1)*cell pixels, as eclique/RISE
// calls it: pixel centres, source position (o+0.5)*s/((s+1)*cell) - 0.5,
// reflected about the first and last cells' centres (scipy's "mirror").
func newRiseAxis(side, s int) riseAxis {
	cell := (side + s - 1) / s
	up := (s + 1) * cell
	a := riseAxis{i0: make([]int, up), i1: make([]int, up), f: make([]float64, up), cell: cell}
	for o := 0; o < up; o++ {
		p := (float64(o)+0.5)*float64(s)/float64(up) - 0.5
		if p < 0 {
			p = -p
		}
		if last := float64(s - 1); p > last {
			p = 2*last - p
		}
		i0 := min(int(math.Floor(p)), s-1)
		a.i0[o], a.i1[o], a.f[o] = i0, min(i0+1, s-1), p-float64(i0)
	}
	return a
}

// riseDraws is how many stream values one mask takes: s*s cells, then the
// row shift and the column shift.
const riseDraws = riseCells*riseCells + 2

// RISEMask writes mask k (from 0) of seed into out (height*width values,
// row-major, for an input of width x height), as eclique/RISE's generate_masks makes one: an s x s grid
// (s = 8) whose cell is 1 where its uniform draw is below p = 0.5, enlarged
// bilinearly to (s+1)*cell pixels a side (cell = ceil(side/s)) and cropped
// at a random shift of 0 to cell-1 pixels down and across. Mask k reads
// values k*(s*s+2) to (k+1)*(s*s+2)-1 of seed's stream (random.go): the
// cells row by row, the row shift, the column shift (floor(u*cell)).
func RISEMask(out []float32, width, height int, seed uint64, k int) {
	riseMask(out, width, height, seed, k, newRiseAxis(height, riseCells), newRiseAxis(width, riseCells))
}

func riseMask(out []float32, width, height int, seed uint64, k int, rows, cols riseAxis) {
	base := uint64(k) * riseDraws
	var grid [riseCells * riseCells]float64
	for i := range grid {
		if uniform(seed, base+uint64(i)) < riseP {
			grid[i] = 1
		}
	}
	dy := int(uniform(seed, base+riseCells*riseCells) * float64(rows.cell))
	dx := int(uniform(seed, base+riseCells*riseCells+1) * float64(cols.cell))
	for y := 0; y < height; y++ {
		oy := y + dy
		r0, r1, fy := rows.i0[oy], rows.i1[oy], rows.f[oy]
		row := out[y*width : (y+1)*width]
		for x := range row {
			ox := x + dx
			c0, c1, fx := cols.i0[ox], cols.i1[ox], cols.f[ox]
			top := grid[r0*riseCells+c0]*(1-fx) + grid[r0*riseCells+c1]*fx
			bot := grid[r1*riseCells+c0]*(1-fx) + grid[r1*riseCells+c1]*fx
			row[x] = float32(top*(1-fy) + bot*fy)
		}
	}
}

// RISE explains input for class (-1: the predicted one) as Petsiuk et al.
// (2018) and their code eclique/RISE do: N random masks (RISEMask, seeded
// by seed), the network's probability of the class for the input
// multiplied by each (every colour channel; the input as ArtLens gives it
// to the model, in [0, 1]), and the map
// sum over masks of P(class | input * mask_i) * mask_i / (N * p), at the
// input's resolution: the expected probability when a pixel is kept,
// about the class's probability where nothing matters. Batched over the
// cores; it stops with ctx's error when ctx is cancelled.
func RISE(ctx context.Context, m *engine.Model, input []float32, class int, opt RISEOptions, seed uint64) (Map, error) {
	in := m.Input()
	if len(input) != in.Len() {
		return Map{}, fmt.Errorf("explain: input has %d values, want %d", len(input), in.Len())
	}
	n := opt.Masks
	if n == 0 {
		n = DefaultRISEMasks
	}
	if n < 1 {
		return Map{}, fmt.Errorf("explain: RISE needs at least 1 mask, not %d", n)
	}
	c, probs, err := resolveClass(m, input, class)
	if err != nil {
		return Map{}, err
	}
	rows, cols := newRiseAxis(in.Height, riseCells), newRiseAxis(in.Width, riseCells)
	plane := in.Width * in.Height
	sal := make([]float64, plane)
	masks := make([]float32, riseChunk*plane)
	batch := make([]float32, riseChunk*len(input))
	for first := 0; first < n; first += riseChunk {
		if err := ctx.Err(); err != nil {
			return Map{}, err
		}
		k := min(riseChunk, n-first)
		// The masks and masked inputs, shared among the cores.
		workers := min(runtime.GOMAXPROCS(0), k)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < k; i += workers {
					mk := masks[i*plane : (i+1)*plane]
					riseMask(mk, in.Width, in.Height, seed, first+i, rows, cols)
					dst := batch[i*len(input) : (i+1)*len(input)]
					for ch := 0; ch < in.Channels; ch++ {
						src := input[ch*plane : (ch+1)*plane]
						d := dst[ch*plane : (ch+1)*plane]
						for j, v := range src {
							d[j] = v * mk[j]
						}
					}
				}
			}()
		}
		wg.Wait()
		out, err := m.PredictBatch(batch[:k*len(input)], k)
		if err != nil {
			return Map{}, err
		}
		for i, p := range out {
			pc := float64(p[c])
			for j, v := range masks[i*plane : (i+1)*plane] {
				sal[j] += pc * float64(v)
			}
		}
	}
	vals := make([]float32, plane)
	for j, v := range sal {
		vals[j] = float32(v / (float64(n) * riseP))
	}
	return Map{Method: MethodRISE, Class: c, Width: in.Width, Height: in.Height, Values: vals, Probabilities: probs}, nil
}
