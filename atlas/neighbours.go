package atlas

import (
	"context"
	"math"
	"runtime"
	"sync"

	"github.com/artlens/artlens/internal/sgemm"
)

// neighbours are each point's k nearest others, nearest first: idx[i*k+j]
// is the j-th neighbour of point i and dist[i*k+j] its distance.
type neighbours struct {
	k    int
	idx  []int32
	dist []float64
}

// normalised returns the features as one n×d matrix of rows of unit length
// (all-zero rows stay zero), so that Euclidean distance orders pairs as
// cosine similarity does, as collection.Similar ranks them.
func normalised(features [][]float32) ([]float32, int) {
	d := 0
	if len(features) > 0 {
		d = len(features[0])
	}
	x := make([]float32, len(features)*d)
	for i, f := range features {
		s := 0.0
		for _, v := range f {
			s += float64(v) * float64(v)
		}
		row := x[i*d : (i+1)*d]
		if s == 0 {
			continue
		}
		inv := float32(1 / math.Sqrt(s))
		for j, v := range f {
			row[j] = v * inv
		}
	}
	return x, d
}

// nearest finds the k nearest neighbours of every row of x (n×d, rows of
// unit length) exactly: dot products of a block of rows with all rows by
// one matrix product, then the k largest of each row. It costs n²d
// multiply-adds, a few seconds for ten thousand 256-value rows, and
// returns ctx.Err() if cancelled. progress, if not nil, is given rows done.
func nearest(ctx context.Context, x []float32, n, d, k int, progress func(done int)) (*neighbours, error) {
	k = min(k, n-1)
	nb := &neighbours{k: k, idx: make([]int32, n*k), dist: make([]float64, n*k)}
	if k <= 0 {
		return nb, nil
	}
	const block = 256
	dots := make([]float32, block*n)
	workers := runtime.GOMAXPROCS(0)
	for r0 := 0; r0 < n; r0 += block {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := min(block, n-r0)
		sgemm.Mul(false, true, m, n, d, x[r0*d:], d, x, d, false, dots, n, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				best := make([]int32, 0, k)
				for r := w; r < m; r += workers {
					i := r0 + r
					best = topDots(dots[r*n:(r+1)*n], i, k, best[:0])
					for j, o := range best {
						// |a-b|² = 2 - 2a·b for unit rows; zero rows
						// are at distance 1 from everything.
						dd := 2 - 2*float64(dots[r*n+int(o)])
						if dd < 0 {
							dd = 0
						}
						nb.idx[i*k+j] = o
						nb.dist[i*k+j] = math.Sqrt(dd)
					}
				}
			}()
		}
		wg.Wait()
		if progress != nil {
			progress(r0 + m)
		}
	}
	return nb, nil
}

// topDots returns, largest first, the indices of the k largest values of
// row other than self (ties: the smaller index first), appended to best.
func topDots(row []float32, self, k int, best []int32) []int32 {
	for j, v := range row {
		if j == self {
			continue
		}
		if len(best) == k && v <= row[best[k-1]] {
			continue
		}
		if len(best) < k {
			best = append(best, int32(j))
		} else {
			best[k-1] = int32(j)
		}
		// Insertion: move the new one up past smaller values.
		for p := len(best) - 1; p > 0 && row[best[p]] > row[best[p-1]]; p-- {
			best[p], best[p-1] = best[p-1], best[p]
		}
	}
	return best
}
