package graphdraw

import (
	"fmt"
	"sort"
	"strings"

	"github.com/artlens/artlens/engine"
)

// Options choose how a graph is drawn.
type Options struct {
	// Fold draws every block as one row (its name, kind, number of layers
	// and output shape) instead of a frame around its layers.
	Fold bool
	// Repeat, with Fold, draws a run of blocks that follow each other
	// with the same layers (a transformer's encoder blocks, "encoder
	// block ×12") as one row.
	Repeat bool
}

// Point is a position in points, y growing downwards.
type Point struct{ X, Y float64 }

// Box is one row of the drawing: a layer, the input picture, or a folded
// block.
type Box struct {
	// X, Y (top left), W and H place it, in points.
	X, Y, W, H float64
	// Title is the first line (the layer's name, relative to its block's
	// frame), Detail the second (kind, output shape, parameters).
	Title, Detail string
	// Kind is the layer's kind, "input", or "block" for a folded block.
	Kind string
	// Name is the layer's or the folded block's full name.
	Name   string
	Column int
}

// Frame is an unfolded block drawn around its layers.
type Frame struct {
	Name, Kind string
	X, Y, W, H float64
}

// EdgeKind tells how an edge is drawn.
type EdgeKind int

const (
	// Straight joins a box to the next box of its column.
	Straight EdgeKind = iota
	// Skip jumps over boxes of its column, curved on the column's side:
	// a skip connection.
	Skip
	// Branch goes from one column to the other.
	Branch
)

// Edge is one input of a box: a cubic Bézier curve from P[0] to P[3] (a
// line for Straight), ending in an arrow.
type Edge struct {
	From, To int // indices in Drawing.Boxes
	Kind     EdgeKind
	P        [4]Point
}

// Drawing is a laid-out graph, W by H points.
type Drawing struct {
	W, H   float64
	Boxes  []Box
	Frames []Frame
	Edges  []Edge
}

// Sizes of the drawing, in points.
const (
	titleSize   = 9.0
	detailSize  = 7.5
	boxH        = 28.0
	rowGap      = 12.0
	headerH     = 16.0
	framePad    = 6.0
	columnGap   = 44.0
	laneW       = 9.0
	margin      = 12.0
	legendH     = 22.0
	minBoxW     = 170.0
	maxBoxW     = 330.0
	textPadding = 7.0
)

// sameBlock says whether block b follows block prev straight (no layer
// between them) and repeats block first: the same name but for its
// numbers, the same layers' kinds in the same order.
func sameBlock(g Graph, first, prev, b Block) bool {
	if b.Members[0] != prev.Members[len(prev.Members)-1]+1 || len(b.Members) != len(first.Members) ||
		digits.ReplaceAllString(b.Name, "#") != digits.ReplaceAllString(first.Name, "#") {
		return false
	}
	for k, i := range b.Members {
		if g.Nodes[i].Kind != g.Nodes[first.Members[k]].Kind {
			return false
		}
	}
	return true
}

// lastSegment is a name's last dotted part.
func lastSegment(name string) string {
	return name[strings.LastIndex(name, ".")+1:]
}

// Lay lays out g: every node (or folded block) one row, in g's order.
func Lay(g Graph, opt Options) Drawing {
	blocks := Blocks(g)
	blockOf := make([]int, len(g.Nodes))
	for i := range blockOf {
		blockOf[i] = -1
	}
	for b, bl := range blocks {
		for _, i := range bl.Members {
			blockOf[i] = b
		}
	}
	runs := make([]int, len(blocks)) // the number of blocks a run's first holds
	if opt.Fold && opt.Repeat {
		for b, first := 0, 0; b < len(blocks); b++ {
			if b > first && !sameBlock(g, blocks[first], blocks[b-1], blocks[b]) {
				first = b
			}
			runs[first]++
			for _, i := range blocks[b].Members {
				blockOf[i] = first
			}
		}
	}
	// Units are the rows: the input, then each node or folded block at
	// its first node.
	var d Drawing
	unitOf := make([]int, len(g.Nodes))
	byName := map[string]int{engine.InputName: 0}
	d.Boxes = append(d.Boxes, Box{Title: engine.InputName, Detail: "picture " + ShapeText([]int{g.Input.Height, g.Input.Width, g.Input.Channels}),
		Kind: "input", Name: engine.InputName})
	unitBlock := []int{-1}
	folded := map[int]int{}
	for i, n := range g.Nodes {
		b := blockOf[i]
		if opt.Fold && b >= 0 {
			if u, ok := folded[b]; ok {
				unitOf[i] = u
				byName[n.Name] = u
				last := g.Nodes[blocks[b].Members[len(blocks[b].Members)-1]]
				d.Boxes[u].Detail = fmt.Sprintf("%s · %d layers · %s", blocks[b].Kind, len(blocks[b].Members), ShapeText(last.Shape))
				if k := runs[b]; k > 1 {
					last = g.Nodes[blocks[b+k-1].Members[len(blocks[b+k-1].Members)-1]]
					d.Boxes[u].Detail = fmt.Sprintf("%d × %s · %d layers each · %s", k, blocks[b].Kind, len(blocks[b].Members), ShapeText(last.Shape))
				}
				continue
			}
			folded[b] = len(d.Boxes)
			unitOf[i] = len(d.Boxes)
			byName[n.Name] = len(d.Boxes)
			title := blocks[b].Name
			if k := runs[b]; k > 1 {
				title = fmt.Sprintf("%s … %s (×%d)", title, lastSegment(blocks[b+k-1].Name), k)
			}
			d.Boxes = append(d.Boxes, Box{Title: title, Kind: "block", Name: blocks[b].Name})
			unitBlock = append(unitBlock, b)
			continue
		}
		title := n.Name
		if b >= 0 && n.Name != blocks[b].Name {
			title = strings.TrimPrefix(n.Name, blocks[b].Name)
		}
		detail := n.Kind + " · " + ShapeText(n.Shape)
		if n.Params > 0 {
			detail += " · " + engine.Thousands(n.Params) + " params"
		}
		unitOf[i] = len(d.Boxes)
		byName[n.Name] = len(d.Boxes)
		d.Boxes = append(d.Boxes, Box{Title: title, Detail: detail, Kind: n.Kind, Name: n.Name})
		unitBlock = append(unitBlock, b)
	}
	// The edges between units, once each.
	type pair struct{ from, to int }
	seen := map[pair]bool{}
	preds := make([][]int, len(d.Boxes))
	for i, n := range g.Nodes {
		for _, in := range n.Inputs {
			u, ok := byName[in]
			if !ok || u == unitOf[i] || seen[pair{u, unitOf[i]}] {
				continue
			}
			seen[pair{u, unitOf[i]}] = true
			preds[unitOf[i]] = append(preds[unitOf[i]], u)
			d.Edges = append(d.Edges, Edge{From: u, To: unitOf[i]})
		}
	}
	// The main path: the longest from the input to the last unit, first
	// inputs first among equals.
	best := make([]int, len(d.Boxes))
	for u := range d.Boxes {
		for _, p := range preds[u] {
			best[u] = max(best[u], best[p]+1)
		}
	}
	for u := len(d.Boxes) - 1; u >= 0; {
		d.Boxes[u].Column = -1 // marked, set to 0 below
		next := -1
		for _, p := range preds[u] {
			if next < 0 || best[p] > best[next] {
				next = p
			}
		}
		u = next
	}
	for u := range d.Boxes {
		if d.Boxes[u].Column == -1 {
			d.Boxes[u].Column = 0
		} else {
			d.Boxes[u].Column = 1
		}
	}
	// Box width: the widest text.
	w := minBoxW
	for _, b := range d.Boxes {
		w = max(w, textWidth(b.Title, titleSize, true)+2*textPadding, textWidth(b.Detail, detailSize, false)+2*textPadding)
	}
	w = min(w, maxBoxW)
	// Rows: each box below its inputs and below the box before it in its
	// column, so that a side branch runs beside the main path.
	row := make([]int, len(d.Boxes))
	last := [2]int{-1, -1}
	for u := range d.Boxes {
		r := last[d.Boxes[u].Column] + 1
		for _, p := range preds[u] {
			r = max(r, row[p]+1)
		}
		row[u] = r
		last[d.Boxes[u].Column] = r
	}
	nRows := 0
	for _, r := range row {
		nRows = max(nRows, r+1)
	}
	// The rows' tops, with a header above each unfolded block's first row
	// and a pad below its last.
	firstRow, lastRow := map[int]int{}, map[int]int{}
	for u := range d.Boxes {
		if b := unitBlock[u]; b >= 0 && !opt.Fold {
			if _, ok := firstRow[b]; !ok {
				firstRow[b] = row[u]
			}
			firstRow[b] = min(firstRow[b], row[u])
			lastRow[b] = max(lastRow[b], row[u])
		}
	}
	tops := make([]float64, nRows)
	headerAt := map[int]float64{}
	y := margin + legendH
	for r := range nRows {
		for b, fr := range firstRow {
			if fr == r {
				headerAt[b] = y
				y += headerH
				break
			}
		}
		tops[r] = y
		y += boxH + rowGap
		for _, lr := range lastRow {
			if lr == r {
				y += framePad
				break
			}
		}
	}
	frameOf := map[int]*Frame{}
	var order []int
	for u := range d.Boxes {
		d.Boxes[u].Y, d.Boxes[u].W, d.Boxes[u].H = tops[row[u]], w, boxH
		if b := unitBlock[u]; b >= 0 && !opt.Fold {
			if _, ok := frameOf[b]; !ok {
				frameOf[b] = &Frame{Name: blocks[b].Name, Kind: blocks[b].Kind, Y: headerAt[b] - framePad/2}
				order = append(order, b)
			}
		}
	}
	// Classify the edges; lanes for the skips, left of column 0 and right
	// of column 1, the shortest skips nearest the boxes.
	between := func(col, from, to int) bool {
		for u := range d.Boxes {
			if d.Boxes[u].Column == col && row[from] < row[u] && row[u] < row[to] {
				return true
			}
		}
		return false
	}
	var lanes [2][][][2]int // per column, per lane, the spans of its skips
	laneOf := make([]int, len(d.Edges))
	idx := make([]int, len(d.Edges))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ea, eb := d.Edges[idx[a]], d.Edges[idx[b]]
		return row[ea.To]-row[ea.From] < row[eb.To]-row[eb.From]
	})
	for _, i := range idx {
		e := &d.Edges[i]
		cf, ct := d.Boxes[e.From].Column, d.Boxes[e.To].Column
		switch {
		case cf != ct:
			e.Kind = Branch
		case between(cf, e.From, e.To):
			e.Kind = Skip
			lane := 0
		search:
			for ; lane < len(lanes[cf]); lane++ {
				for _, iv := range lanes[cf][lane] {
					if row[e.From] < iv[1] && iv[0] < row[e.To] {
						continue search
					}
				}
				break
			}
			if lane == len(lanes[cf]) {
				lanes[cf] = append(lanes[cf], nil)
			}
			lanes[cf][lane] = append(lanes[cf][lane], [2]int{row[e.From], row[e.To]})
			laneOf[i] = lane
		default:
			e.Kind = Straight
		}
	}
	// Columns.
	x0 := margin + float64(len(lanes[0]))*laneW + framePad
	x1 := x0 + w + columnGap
	hasSide := false
	for u := range d.Boxes {
		if d.Boxes[u].Column == 1 {
			d.Boxes[u].X = x1
			hasSide = true
		} else {
			d.Boxes[u].X = x0
		}
	}
	d.W = x0 + w + framePad + margin
	if hasSide {
		d.W = x1 + w + framePad + float64(len(lanes[1]))*laneW + margin
	}
	d.W = max(d.W, legendWidth()+2*margin)
	d.H = y - rowGap + margin
	// Frames span the columns of their boxes.
	for u := range d.Boxes {
		f := frameOf[unitBlock[u]]
		if f == nil {
			continue
		}
		b := d.Boxes[u]
		if f.W == 0 {
			f.X, f.W = b.X-framePad, b.W+2*framePad
		}
		left, right := min(f.X, b.X-framePad), max(f.X+f.W, b.X+b.W+framePad)
		f.X, f.W = left, right-left
		f.H = max(f.H, b.Y+b.H+framePad/2-f.Y)
	}
	for _, b := range order {
		d.Frames = append(d.Frames, *frameOf[b])
	}
	// Edge geometry.
	for i := range d.Edges {
		e := &d.Edges[i]
		f, t := d.Boxes[e.From], d.Boxes[e.To]
		switch e.Kind {
		case Straight:
			p, q := Point{f.X + f.W/2, f.Y + f.H}, Point{t.X + t.W/2, t.Y}
			e.P = [4]Point{p, p, q, q}
		case Skip:
			if f.Column == 0 {
				lx := f.X - framePad - float64(laneOf[i]+1)*laneW
				p, q := Point{f.X, f.Y + f.H/2}, Point{t.X, t.Y + t.H/2}
				e.P = [4]Point{p, {lx - laneW/2, p.Y}, {lx - laneW/2, q.Y}, q}
			} else {
				lx := f.X + f.W + framePad + float64(laneOf[i]+1)*laneW
				p, q := Point{f.X + f.W, f.Y + f.H/2}, Point{t.X + t.W, t.Y + t.H/2}
				e.P = [4]Point{p, {lx + laneW/2, p.Y}, {lx + laneW/2, q.Y}, q}
			}
		case Branch:
			if f.Column == 0 {
				p, q := Point{f.X + f.W, f.Y + f.H/2}, Point{t.X, t.Y + t.H/2}
				e.P = [4]Point{p, {p.X + columnGap/2, p.Y}, {q.X - columnGap/2, q.Y}, q}
			} else {
				p, q := Point{f.X, f.Y + f.H/2}, Point{t.X + t.W, t.Y + t.H/2}
				e.P = [4]Point{p, {p.X - columnGap/2, p.Y}, {q.X + columnGap/2, q.Y}, q}
			}
		}
	}
	return d
}
