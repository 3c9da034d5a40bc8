//go:build !amd64

package sgemm

const useAsm = false

func kernel(depth int, a, b []float32, tile *[mr * nr]float32) { kernelGo(depth, a, b, tile) }
