//go:build openblas

package engine

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag (and CGO_LDFLAGS=-lopenblas, Debian's
// libopenblas-dev), gorgonia's own matrix products run on OpenBLAS. The
// engine's conv and dense ops (conv_op.go, dense_op.go) use package sgemm
// in both builds.
func init() {
	G.Use(netlib.Implementation{})
	tensor.Use(netlib.Implementation{})
}

// BLAS says how matrix products run (see blas_gonum.go).
const BLAS = "internal/sgemm, gorgonia's own on OpenBLAS"
