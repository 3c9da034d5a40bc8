package atlas

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/artlens/artlens/internal/sgemm"
)

// pca returns the coordinates of the n rows of x (n×d) on their first two
// principal components, x and y interleaved: the layouts start from them,
// so that the map keeps the features' large-scale arrangement and comes
// out the same on every run.
func pca(x []float32, n, d int) []float64 {
	y := make([]float64, 2*n)
	if n == 0 || d == 0 {
		return y
	}
	mean := make([]float64, d)
	for i := range n {
		for j, v := range x[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	xtx := make([]float32, d*d)
	sgemm.Mul(true, false, d, d, n, x, d, x, d, false, xtx, d, 1)
	cov := mat.NewSymDense(d, nil)
	for a := range d {
		for b := a; b < d; b++ {
			cov.SetSym(a, b, float64(xtx[a*d+b])/float64(n)-mean[a]*mean[b])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return y
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// The values come in ascending order: the last two columns.
	for c := range 2 {
		col := d - 1 - c
		if col < 0 {
			break
		}
		for i := range n {
			s := 0.0
			for j, v := range x[i*d : (i+1)*d] {
				s += (float64(v) - mean[j]) * vecs.At(j, col)
			}
			y[2*i+c] = s
		}
	}
	return y
}

// scaleTo scales y (interleaved points) about the origin so that its
// largest coordinate in absolute value is r.
func scaleTo(y []float64, r float64) {
	top := 0.0
	for _, v := range y {
		top = max(top, math.Abs(v))
	}
	if top == 0 {
		return
	}
	for i := range y {
		y[i] *= r / top
	}
}
