package atlas

import (
	"math"
	"slices"
)

// Grid returns points placed in a grid of square cells instead, one point
// per cell, keeping the map's order: the points sorted by y are cut into
// rows, and each row is sorted by x. The grid is about square; a point is
// the centre of its cell, in [0,1]², and Cell is the cell's side.
func Grid(points []Point) (grid []Point, cell float64) {
	n := len(points)
	if n == 0 {
		return nil, 1
	}
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	cell = 1 / float64(max(cols, rows))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	byY := func(a, b int) int {
		if c := cmpFloat(points[a].Y, points[b].Y); c != 0 {
			return c
		}
		return cmpFloat(points[a].X, points[b].X)
	}
	slices.SortStableFunc(order, byY)
	grid = make([]Point, n)
	x0 := (1 - float64(cols)*cell) / 2
	y0 := (1 - float64(rows)*cell) / 2
	for r := 0; r*cols < n; r++ {
		row := order[r*cols : min(n, (r+1)*cols)]
		slices.SortStableFunc(row, func(a, b int) int { return cmpFloat(points[a].X, points[b].X) })
		// A short last row is centred.
		off := x0 + float64(cols-len(row))*cell/2
		for c, i := range row {
			grid[i] = Point{off + (float64(c)+0.5)*cell, y0 + (float64(r)+0.5)*cell}
		}
	}
	return grid, cell
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
