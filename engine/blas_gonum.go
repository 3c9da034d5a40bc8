//go:build !openblas

package engine

import "gonum.org/v1/gonum/blas/gonum"

// BLAS names the matrix-product library in use: gonum's pure-Go BLAS unless
// built with the openblas tag.
const BLAS = "gonum (pure Go)"

// blas32 runs the engine's own matrix products (conv_op.go, dense_op.go).
var blas32 float32BLAS = gonum.Implementation{}
