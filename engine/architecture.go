package engine

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"gorgonia.org/tensor"
)

// InputSize is the side of the square RGB image the network takes.
const InputSize = 64

// ConvFilters holds the number of filters of conv layers 1..5.
var ConvFilters = [5]int{32, 64, 64, 128, 128}

// DenseUnits holds the sizes of the two hidden dense layers; the output
// layer has one unit per class.
var DenseUnits = [2]int{512, 256}

// Dropout rates of the study: after each pooling, and between the dense layers.
const (
	PoolDropout  = 0.25
	DenseDropout = 0.3
)

// poolAfter says after which conv layers (0-based) a 2x2 max pooling follows.
var poolAfter = [5]bool{true, false, true, false, true}

// flatSize is the length of the flattened output of the last pooling (4*4*128).
const flatSize = 2048

// paramSpec names one weight tensor and gives its shape.
type paramSpec struct {
	Name  string
	Shape tensor.Shape
	// FanIn and FanOut are those of Glorot initialisation (zero for biases).
	FanIn, FanOut int
}

// paramSpecs returns the weight tensors of the network for n classes, in a
// fixed order. Conv kernels are (out, in, 3, 3) as gorgonia's Conv2d wants;
// dense kernels are (in, out), as Keras stores them.
func paramSpecs(n int) []paramSpec {
	var specs []paramSpec
	in := 3
	for i, out := range ConvFilters {
		name := fmt.Sprintf("conv%d", i+1)
		specs = append(specs,
			paramSpec{name + ".weight", tensor.Shape{out, in, 3, 3}, in * 9, out * 9},
			paramSpec{name + ".bias", tensor.Shape{out}, 0, 0})
		in = out
	}
	units := []int{DenseUnits[0], DenseUnits[1], n}
	in = flatSize
	for i, out := range units {
		name := fmt.Sprintf("dense%d", i+1)
		specs = append(specs,
			paramSpec{name + ".weight", tensor.Shape{in, out}, in, out},
			paramSpec{name + ".bias", tensor.Shape{out}, 0, 0})
		in = out
	}
	return specs
}

// LayerInfo is one row of the layer table (the study's Figure 1).
type LayerInfo struct {
	Name string
	Type string
	// OutputShape is the output of one image, height-width-channels as in
	// the study's table (a flat layer has one dimension).
	OutputShape []int
	Params      int
}

// Summary returns the layer table of the model, in the form of the study's
// Figure 1.
func (m *Model) Summary() []LayerInfo {
	return summary(len(m.Meta.Classes))
}

func summary(classes int) []LayerInfo {
	var rows []LayerInfo
	side, in := InputSize, 3
	pool, drop := 0, 0
	for i, out := range ConvFilters {
		side -= 2
		rows = append(rows, LayerInfo{fmt.Sprintf("conv%d", i+1), "Conv2D", []int{side, side, out}, (in*9 + 1) * out})
		if poolAfter[i] {
			side /= 2
			pool++
			drop++
			rows = append(rows,
				LayerInfo{fmt.Sprintf("pool%d", pool), "MaxPooling2D", []int{side, side, out}, 0},
				LayerInfo{fmt.Sprintf("dropout%d", drop), "Dropout", []int{side, side, out}, 0})
		}
		in = out
	}
	rows = append(rows, LayerInfo{"flatten", "Flatten", []int{flatSize}, 0})
	units := []int{DenseUnits[0], DenseUnits[1], classes}
	prev := flatSize
	for i, u := range units {
		rows = append(rows, LayerInfo{fmt.Sprintf("dense%d", i+1), "Dense", []int{u}, (prev + 1) * u})
		if i == 0 {
			drop++
			rows = append(rows, LayerInfo{fmt.Sprintf("dropout%d", drop), "Dropout", []int{u}, 0})
		}
		prev = u
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
	fmt.Fprintln(tw, "Layer (type)\tOutput shape\tParams")
	for _, l := range layers {
		dims := make([]string, len(l.OutputShape))
		for i, d := range l.OutputShape {
			dims[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(tw, "%s (%s)\t(None, %s)\t%s\n", l.Name, l.Type, strings.Join(dims, ", "), thousands(l.Params))
	}
	fmt.Fprintf(tw, "Total params: %s\n", thousands(TotalParams(layers)))
	return tw.Flush()
}

// thousands formats n with comma separators (1459204 -> "1,459,204").
func thousands(n int) string {
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
