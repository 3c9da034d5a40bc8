//go:build !openblas

package engine

// BLAS says how matrix products run, for the training log: the engine's
// ops use internal/sgemm in every build; with the openblas tag gorgonia's
// own few products run on OpenBLAS.
const BLAS = "internal/sgemm (pure Go build)"
