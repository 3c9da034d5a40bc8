// Package sgemm multiplies float32 matrices for the engine's convolution
// and dense ops: C = A·B or C += A·B, row-major, either operand read
// transposed.
//
// It is the classic packed design (Goto's, as in BLIS and OpenBLAS): A is
// copied into panels of 6 rows and B into panels of 16 columns, 256
// values of the shared dimension at a time, so that a small kernel can
// keep a 6×16 block of C in registers while it streams both panels from
// the L1 cache. On amd64 with AVX2 and FMA the kernel is 40 lines of Go
// assembly (kernel_amd64.s); elsewhere it is the Go loop in kernel.go,
// which the tests also use to check the assembly.
//
// Two element-wise passes of the engine's ops that the products leave
// behind also have AVX2 loops here, beside Go loops they are tested
// against bit for bit: a convolution's bias and ReLU (BiasReLU) and a
// ReLU's backward pass (ReLUGrad). As scalar Go loops they took about 8%
// of a prediction's CPU time and 5% of a training step's.
//
// Why not gonum's pure-Go BLAS: its Sgemm runs SSE axpy loops over rows of
// C and reaches about a quarter of what this kernel does on the engine's
// shapes, and it was 80% of a prediction's time. Why not a C BLAS:
// the app must cross-compile without cgo.
package sgemm
