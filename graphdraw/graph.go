package graphdraw

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/artlens/artlens/engine"
)

// Node is one layer of a graph.
type Node struct {
	Name string
	// Kind is the layer's type as the layer table writes it ("Conv2D").
	Kind string
	// Shape is the output of one picture: height, width and channels, or
	// one length for a flat layer.
	Shape  []int
	Params int
	// Inputs names the layers read, engine.InputName for the picture.
	Inputs []string
}

// Graph is a network's layers in the order they run, each reading layers
// before it.
type Graph struct {
	Input engine.Input
	Nodes []Node
}

// FromModel returns m's graph, one node per row of its layer table (a
// chain's ReLUs are part of the conv or dense layer before them, as in the
// table); a chain's layers read the one before.
func FromModel(m *engine.Model) Graph {
	g := Graph{Input: m.Input()}
	prev := engine.InputName
	for _, l := range m.Summary() {
		in := l.Inputs
		if len(in) == 0 {
			in = []string{prev}
		}
		g.Nodes = append(g.Nodes, Node{Name: l.Name, Kind: l.Type, Shape: l.OutputShape, Params: l.Params, Inputs: in})
		prev = l.Name
	}
	return g
}

// ShapeText writes a shape as "56×56×64" (height, width, channels) or
// "512" for a flat one.
func ShapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// Block is a group of layers named under one prefix.
type Block struct {
	Name string
	// Kind says what joins it: "residual block" (an Add), "concatenation"
	// (a Concat), or "block".
	Kind string
	// Members are the indices of its nodes, in order.
	Members []int
}

var digits = regexp.MustCompile(`[0-9]+`)

// Blocks returns the blocks of g (see the package comment), in the order
// of their first node; a block has two nodes or more.
func Blocks(g Graph) []Block {
	// A join names a block, and so does every name of its pattern (its
	// digits aside): "features.2" beside a join "features.3".
	joins := map[string]bool{}
	patterns := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Kind == "Add" || n.Kind == "Concatenate" {
			joins[n.Name] = true
			if digits.MatchString(n.Name) {
				patterns[digits.ReplaceAllString(n.Name, "#")] = true
			}
		}
	}
	isBlock := func(prefix string) bool {
		return joins[prefix] || patterns[digits.ReplaceAllString(prefix, "#")]
	}
	var blocks []Block
	index := map[string]int{}
	for i, n := range g.Nodes {
		segs := strings.Split(n.Name, ".")
		for k := 1; k <= len(segs); k++ {
			prefix := strings.Join(segs[:k], ".")
			if !isBlock(prefix) {
				continue
			}
			b, ok := index[prefix]
			if !ok {
				b = len(blocks)
				index[prefix] = b
				blocks = append(blocks, Block{Name: prefix, Kind: "block"})
			}
			blocks[b].Members = append(blocks[b].Members, i)
			break
		}
	}
	var out []Block
	for _, b := range blocks {
		if len(b.Members) < 2 {
			continue
		}
		for _, i := range b.Members {
			if k := g.Nodes[i].Kind; k == "Add" && b.Kind != "residual block" {
				b.Kind = "residual block"
			} else if k == "Concatenate" && b.Kind == "block" {
				b.Kind = "concatenation"
			}
		}
		out = append(out, b)
	}
	return out
}
