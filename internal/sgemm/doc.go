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
// which the tests also use to check the assembly. Where the processor
// has AVX-512, kernels in kernel512_amd64.s take two A panels and two B
// panels at once (a 12×32 block, 16 values a multiply-add): on processors
// with full-width 512-bit units, such as the project's AMD Zen 5 machine,
// that doubles the multiply-adds a cycle. Each entry of C is the same
// chain of multiply-adds in either kernel, so the results are the same
// bits (TestKernelsSameBits), and the engine's golden predictions do not
// depend on the processor.
//
// B can also be a Source, which packs its own panels: a convolution's
// im2col matrix is packed straight from the image (package engine), so
// it is never written out and read back. Gather packs such panels from
// the image written out with its padding: with AVX-512 one load or gather
// a panel row; with AVX2 (the project's Zen 3 machine since 2026-12-08) a
// panel of up to 4 runs of neighbouring cells, or of every other cell
// (stride 2), is two (four) loads a run, blended, and any other is
// written out value by value; on Zen 3 that took a ResNet-18 prediction's
// CPU time on one core from 91-114 ms to 71-82 ms.
//
// Three element-wise passes of the engine's ops that the products leave
// behind also have AVX2 loops here, beside Go loops they are tested
// against bit for bit: a scale, shift and ReLU (ScaleShift: a
// convolution's or dense layer's bias and ReLU, a batch norm), a ReLU's
// backward pass (ReLUGrad), and the additions of col2im (Add). As scalar
// Go loops the bias, ReLU and ReLU gradient took about 8% of a
// prediction's CPU time and 5% of a training step's, col2im's additions
// 7% of a training step's.
//
// Why not gonum's pure-Go BLAS: its Sgemm runs SSE axpy loops over rows of
// C and reaches about a quarter of what this kernel does on the engine's
// shapes, and it was 80% of a prediction's time. Why not a C BLAS:
// the app must cross-compile without cgo.
package sgemm
