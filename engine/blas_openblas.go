//go:build openblas

package engine

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag (and CGO_LDFLAGS=-lopenblas, Debian's
// libopenblas-dev), matrix products run on OpenBLAS: about twice as fast
// for training. The default build stays pure Go so that the app
// cross-compiles without a C BLAS.
func init() {
	G.Use(netlib.Implementation{})
	tensor.Use(netlib.Implementation{})
}

// BLAS names the matrix-product library in use.
const BLAS = "OpenBLAS"

// blas32 runs the engine's own matrix products (conv_op.go, dense_op.go).
var blas32 float32BLAS = netlib.Implementation{}
