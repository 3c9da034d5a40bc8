package atlas

import (
	"math"
	"math/rand/v2"
)

// kmeans splits points into k groups by Lloyd's algorithm from a k-means++
// start (Arthur and Vassilvitskii 2007) drawn from rng. It returns each
// point's group and the groups' centres; every group has a point.
func kmeans(points []Point, k int, rng *rand.Rand) ([]int, []Point) {
	n := len(points)
	k = max(1, min(k, n))
	centres := make([]Point, 0, k)
	if n == 0 {
		return nil, centres
	}
	centres = append(centres, points[rng.IntN(n)])
	d2 := make([]float64, n)
	for i, p := range points {
		d2[i] = p.dist2(centres[0])
	}
	for len(centres) < k {
		sum := 0.0
		for _, v := range d2 {
			sum += v
		}
		if sum == 0 {
			break // fewer distinct points than groups
		}
		r := rng.Float64() * sum
		pick := n - 1
		for i, v := range d2 {
			if r -= v; r < 0 {
				pick = i
				break
			}
		}
		c := points[pick]
		centres = append(centres, c)
		for i, p := range points {
			d2[i] = min(d2[i], p.dist2(c))
		}
	}
	k = len(centres)
	of := make([]int, n)
	for i := range of {
		of[i] = -1
	}
	for range 100 {
		changed := false
		for i, p := range points {
			best, bd := 0, math.Inf(1)
			for c, ctr := range centres {
				if d := p.dist2(ctr); d < bd {
					best, bd = c, d
				}
			}
			if of[i] != best {
				of[i], changed = best, true
			}
		}
		if !changed {
			break
		}
		sums := make([]Point, k)
		counts := make([]int, k)
		for i, p := range points {
			sums[of[i]].X += p.X
			sums[of[i]].Y += p.Y
			counts[of[i]]++
		}
		for c := range centres {
			if counts[c] > 0 {
				centres[c] = Point{sums[c].X / float64(counts[c]), sums[c].Y / float64(counts[c])}
			}
		}
	}
	// A group left empty (possible only with coincident points) is
	// dropped, so that every group has a representative.
	counts := make([]int, k)
	for _, c := range of {
		counts[c]++
	}
	renum := make([]int, k)
	var kept []Point
	for c := range centres {
		renum[c] = -1
		if counts[c] > 0 {
			renum[c] = len(kept)
			kept = append(kept, centres[c])
		}
	}
	for i := range of {
		of[i] = renum[of[i]]
	}
	return of, kept
}

// autoClusters is the number of clusters of a map of n pictures when none
// is asked for: about one per forty pictures' square root, from 2 to 20,
// so that a few hundred pictures give a handful and ten thousand a score.
func autoClusters(n int) int {
	return max(2, min(20, int(math.Round(math.Sqrt(float64(n)/40)))))
}
