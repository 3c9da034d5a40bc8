package engine

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// LayerInfo is one row of the layer table (the study's Figure 1).
type LayerInfo struct {
	Name string
	Type string
	// OutputShape is the output of one image, height-width-channels as in
	// the study's table (a flat layer has one dimension).
	OutputShape []int
	Params      int
	// Inputs names the layers it reads ("input" for the picture), in a
	// graph network only (a chain's layers read the row above).
	Inputs []string
}

// kerasType names each kind as Keras' summary does.
var kerasType = map[string]string{Conv2D: "Conv2D", ReLU: "ReLU", MaxPool: "MaxPooling2D", AvgPool: "AveragePooling2D",
	GlobalAvgPool: "GlobalAveragePooling2D", BatchNorm: "BatchNormalization", Dropout: "Dropout", Flatten: "Flatten",
	Dense: "Dense", Softmax: "Softmax", Add: "Add", Mul: "Multiply", Concat: "Concatenate", Clip: "Clip",
	Sigmoid: "Sigmoid", HardSigmoid: "HardSigmoid", HardSwish: "HardSwish", Affine: "Affine",
	ChannelShuffle: "ChannelShuffle", Slice: "Slice", LayerNorm: "LayerNormalization", GELU: "GELU",
	Tokens: "Tokens", ClassToken: "ClassToken", PosEmbed: "PositionEmbedding", Attention: "MultiHeadAttention", Token: "Token",
	WindowAttention: "ShiftedWindowAttention", PatchMerge: "PatchMerging"}

// Summary returns the layer table of the model, in the form of the study's
// Figure 1. As in Keras, a ReLU right after a conv or dense layer, and a
// softmax right after the last dense layer, are part of that layer's row.
//
// A graph network's table has a row for every layer, with the layers it
// reads.
func (m *Model) Summary() []LayerInfo {
	var rows []LayerInfo
	graph := isGraph(m.steps)
	for _, s := range m.steps {
		if j := s.ins[0]; !graph && (s.Kind == ReLU || s.Kind == Softmax) && j >= 0 && (m.steps[j].Kind == Conv2D || m.steps[j].Kind == Dense) {
			continue
		}
		var inputs []string
		for _, j := range s.ins {
			if !graph {
				break
			}
			if j < 0 {
				inputs = append(inputs, InputName)
			} else {
				inputs = append(inputs, m.steps[j].Name)
			}
		}
		out := []int{s.out.c}
		if !s.out.flat {
			out = []int{s.out.h, s.out.w, s.out.c}
		}
		n := 0
		for _, p := range s.params {
			n += p.Shape.TotalSize()
		}
		rows = append(rows, LayerInfo{Name: s.Name, Type: kerasType[s.Kind], OutputShape: out, Params: n, Inputs: inputs})
	}
	return rows
}

// TotalParams sums the Params column of a layer table.
func TotalParams(layers []LayerInfo) int {
	t := 0
	for _, l := range layers {
		t += l.Params
	}
	return t
}

// WriteSummary writes the layer table as aligned text with a total line,
// like the study's Figure 1.
func WriteSummary(w io.Writer, layers []LayerInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	graph := slices.ContainsFunc(layers, func(l LayerInfo) bool { return len(l.Inputs) > 0 })
	if graph {
		fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams\tInputs")
	} else {
		fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams")
	}
	for _, l := range layers {
		dims := make([]string, len(l.OutputShape))
		for i, d := range l.OutputShape {
			dims[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(tw, "%s (%s)\t(None, %s)\t%s", l.Name, l.Type, strings.Join(dims, ", "), Thousands(l.Params))
		if graph {
			fmt.Fprintf(tw, "\t%s", strings.Join(l.Inputs, ", "))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "Total params: %s\n", Thousands(TotalParams(layers)))
	return tw.Flush()
}

// Thousands formats n, a count (n >= 0), with comma separators (1459204 ->
// "1,459,204"), as the study's Figure 1 writes parameter counts.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
