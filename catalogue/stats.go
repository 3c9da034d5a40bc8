package catalogue

import (
	"math"
	"sort"
)

// LogFactorials holds log(n!) for n up to a bound, so that many
// hypergeometric tails over one collection share them.
type LogFactorials []float64

// NewLogFactorials returns log(k!) for k in 0..n.
func NewLogFactorials(n int) LogFactorials {
	lf := make(LogFactorials, n+1)
	for k := 2; k <= n; k++ {
		lf[k] = lf[k-1] + math.Log(float64(k))
	}
	return lf
}

func (lf LogFactorials) choose(n, k int) float64 {
	return lf[n] - lf[k] - lf[n-k]
}

// HypergeomSF returns P(X >= k) for X the number of marked items among n
// drawn without replacement from N items of which K are marked: the
// chance of seeing k or more of a value among a filter's top n by luck.
// It sums the exact terms in log space (log-sum-exp), so tails far below
// 1e-300 keep their order of magnitude as LogHypergeomSF; lf must reach N.
func (lf LogFactorials) HypergeomSF(k, N, K, n int) float64 {
	return math.Exp(lf.LogHypergeomSF(k, N, K, n))
}

// LogHypergeomSF is the natural log of HypergeomSF.
func (lf LogFactorials) LogHypergeomSF(k, N, K, n int) float64 {
	lo := max(k, 0, n-(N-K))
	hi := min(n, K)
	if lo > hi {
		return math.Inf(-1)
	}
	if k <= max(0, n-(N-K)) {
		return 0
	}
	total := lf.choose(N, n)
	// Terms fall away from the mode; sum from the largest.
	terms := make([]float64, 0, hi-lo+1)
	best := math.Inf(-1)
	for i := lo; i <= hi; i++ {
		t := lf.choose(K, i) + lf.choose(N-K, n-i) - total
		terms = append(terms, t)
		best = max(best, t)
	}
	s := 0.0
	for _, t := range terms {
		s += math.Exp(t - best)
	}
	return min(best+math.Log(s), 0)
}

// BH returns Benjamini-Hochberg's q-values (adjusted p-values) of p, in
// p's order: q_i = min over j with p_j >= p_i of p_j * m / rank(j), at most
// 1. Rejecting every q below a rate keeps the expected share of false
// discoveries among the rejected at or below it (independent or positively
// dependent tests).
func BH(p []float64) []float64 {
	m := len(p)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	q := make([]float64, m)
	run := 1.0
	for r := m - 1; r >= 0; r-- {
		i := idx[r]
		run = min(run, p[i]*float64(m)/float64(r+1))
		q[i] = run
	}
	return q
}

// Wilson returns the 95 % Wilson score interval of a proportion of k
// successes in n: right even for a handful of pictures or an accuracy of
// 0 or 1, where the normal approximation is not. n = 0 gives [0, 1].
func Wilson(k, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z / den * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn))
	return max(0, centre-half), min(1, centre+half)
}
