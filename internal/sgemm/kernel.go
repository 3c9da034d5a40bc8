package sgemm

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

// biasReLUGo sets each x[i] to max(x[i]+add, 0).
func biasReLUGo(add float32, x []float32) {
	for i, v := range x {
		x[i] = max(v+add, 0)
	}
}
