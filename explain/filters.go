package explain

import (
	"fmt"
	"sort"

	"github.com/artlens/artlens/engine"
)

// DistinctFilters returns the k filters (0-based) of one conv layer whose
// mean activation differs most between pictures: acts holds that layer's
// activation for each picture (at least one, all of the same shape). The
// score of a filter is the range (largest minus smallest) of its mean
// activation over the pictures; ties go to the lower filter number, and
// the result is sorted by score, highest first.
func DistinctFilters(acts []engine.Activation, k int) ([]int, error) {
	if len(acts) == 0 {
		return nil, fmt.Errorf("explain: no activations")
	}
	c := acts[0].Channels
	for _, a := range acts {
		if a.Channels != c || a.Height != acts[0].Height || a.Width != acts[0].Width || len(a.Data) != a.Channels*a.Height*a.Width {
			return nil, fmt.Errorf("explain: activations of different shapes")
		}
	}
	score := make([]float64, c)
	for f := 0; f < c; f++ {
		lo, hi := 0.0, 0.0
		for i, a := range acts {
			var s float64
			for _, v := range a.Map(f) {
				s += float64(v)
			}
			s /= float64(a.Height * a.Width)
			if i == 0 || s < lo {
				lo = s
			}
			if i == 0 || s > hi {
				hi = s
			}
		}
		score[f] = hi - lo
	}
	idx := make([]int, c)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return score[idx[i]] > score[idx[j]] })
	return idx[:min(k, c)], nil
}
