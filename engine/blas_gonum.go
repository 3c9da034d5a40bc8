//go:build !openblas

package engine

// BLAS names the matrix-product library of gorgonia's own ops (the few
// left in the graph): gonum's pure-Go BLAS unless built with the openblas
// tag. The engine's conv and dense ops use package sgemm in both builds.
const BLAS = "gonum (pure Go)"
