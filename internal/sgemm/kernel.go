package sgemm

import "math"

// kernelGo sets tile (mr×nr, row-major) to the product of a packed A panel
// (depth values of mr) and a packed B panel (depth rows of nr).
func kernelGo(depth int, a, b []float32, tile *[mr * nr]float32) {
	clear(tile[:])
	for p := 0; p < depth; p++ {
		bp := b[p*nr : (p+1)*nr : (p+1)*nr]
		for r := 0; r < mr; r++ {
			v := a[p*mr+r]
			row := tile[r*nr : (r+1)*nr : (r+1)*nr]
			for j, x := range bp {
				row[j] += v * x
			}
		}
	}
}

// axpyGo adds alpha*x to y (of the same length).
func axpyGo(alpha float32, x, y []float32) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

// addGo adds x[i] to each y[i] (of the same length).
func addGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += v
	}
}

// scaleShiftGo sets each y[i] to x[i]*scale + shift, the product rounded
// before the sum (float32() keeps Go from fusing them), then to
// max(y[i], 0) with relu.
func scaleShiftGo(y, x []float32, scale, shift float32, relu bool) {
	x = x[:len(y)]
	if relu {
		for i, v := range x {
			y[i] = max(float32(v*scale)+shift, 0)
		}
		return
	}
	for i, v := range x {
		y[i] = float32(v*scale) + shift
	}
}

// reluGradGo sets g[i] to dy[i] where the bits of y[i] are not all zero
// (a ReLU's output is +0 or positive, or NaN), and to +0 elsewhere,
// masking instead of branching: half the values go each way.
func reluGradGo(g, dy, y []float32) {
	dy, g = dy[:len(y)], g[:len(y)]
	for i, v := range y {
		b := math.Float32bits(v)
		keep := uint32(int32(b|-b) >> 31)
		g[i] = math.Float32frombits(math.Float32bits(dy[i]) & keep)
	}
}

// clipGo is Clip in Go.
func clipGo(y, x []float32, lo, hi float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] = min(max(v, lo), hi)
	}
}
