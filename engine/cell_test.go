package engine

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCellArithmetic checks, for every cell of every conv layer of the
// test networks (convolutions with padding and strides, grouped,
// depthwise, without bias, after max and average pooling with padding,
// with batch norms whose statistics are random, ReLU, ReLU6 and hard
// swish, the input's normalisation; graphs whose convolutions read a
// residual Add, a ReLU6 or a channel shuffle after a concat, and those
// that read no place's maps: a squeeze-excitation's global pooling and
// scaling (MobileNetV3's and RegNetY's, EfficientNet's with its SiLU), a
// batch norm and ReLU of a concat or of a pooling before the convolution
// (DenseNet's), a slice of channels (ShuffleNet's)) and of the study's
// network, that the arithmetic Cell shows gives the engine's value:
// products of window and kernel, their sum, the bias, the batch norm,
// the activation; and that From says what the window is read from.
func TestCellArithmetic(t *testing.T) {
	archs := opArchs()
	archs["study"] = StudyArch()
	archs["grouped"] = Arch{Input: Input{Channels: 3, Height: 9, Width: 9}, Layers: []Layer{
		{Kind: Conv2D, Filters: 4, Kernel: []int{3}, Padding: PaddingSame}, {Kind: ReLU},
		{Kind: AvgPool, Kernel: []int{2}, Padding: PaddingExplicit, Pads: []int{1, 1, 0, 0}, CountPad: true},
		{Kind: Conv2D, Filters: 6, Kernel: []int{2}, Groups: 2, Stride: []int{2}, NoBias: true}, {Kind: BatchNorm}, {Kind: ReLU},
		{Kind: Flatten}, {Kind: Dense}}}
	// MobileNet's layers in a chain: ReLU6 after a batch norm, a
	// depthwise convolution, a projection without activation, hard swish
	// (the clip's bounds low enough that random weights reach them).
	archs["mobile"] = Arch{Input: Input{Channels: 3, Height: 8, Width: 8}, Layers: []Layer{
		{Kind: Conv2D, Filters: 6, Kernel: []int{3}, Padding: PaddingSame, NoBias: true}, {Kind: BatchNorm}, {Kind: Clip, Max: 0.3},
		{Kind: Conv2D, Filters: 6, Groups: 6, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingSame, NoBias: true}, {Kind: BatchNorm}, {Kind: Clip, Min: -0.1, Max: 0.2},
		{Kind: Conv2D, Filters: 4, Kernel: []int{1}, NoBias: true}, {Kind: BatchNorm},
		{Kind: Conv2D, Filters: 4, Kernel: []int{2}}, {Kind: HardSwish},
		{Kind: Conv2D, Filters: 3, Kernel: []int{2}},
		{Kind: Flatten}, {Kind: Dense}}}
	archs["graph"] = graphArch()
	archs["shuffle"] = shuffleArch()
	// MobileNetV3's squeeze-excitation (a hard sigmoid of a pooled branch
	// scales the maps), then EfficientNet's SiLU (maps times their
	// sigmoid, as ONNX writes it) before a depthwise convolution.
	archs["squeeze"] = Arch{Input: Input{Channels: 3, Height: 8, Width: 8}, Layers: []Layer{
		{Kind: Conv2D, Name: "stem", Filters: 6, Kernel: []int{3}, Padding: PaddingSame, NoBias: true}, {Kind: BatchNorm, Name: "bn.stem"}, {Kind: HardSwish, Name: "stem.act"},
		{Kind: GlobalAvgPool, Name: "se.pool"}, {Kind: Conv2D, Name: "se.fc1", Filters: 3, Kernel: []int{1}}, {Kind: ReLU, Name: "se.relu"},
		{Kind: Conv2D, Name: "se.fc2", Filters: 6, Kernel: []int{1}}, {Kind: HardSigmoid, Name: "se.gate", Alpha: 1.0 / 6, Beta: 0.5},
		{Kind: Mul, Name: "se", Inputs: []string{"se.gate", "stem.act"}},
		{Kind: Conv2D, Name: "project", Filters: 4, Kernel: []int{1}, NoBias: true}, {Kind: BatchNorm, Name: "bn.project"},
		{Kind: Conv2D, Name: "expand", Filters: 6, Kernel: []int{1}, NoBias: true}, {Kind: BatchNorm, Name: "bn.expand"},
		{Kind: Sigmoid, Name: "expand.sigmoid"}, {Kind: Mul, Name: "expand.silu", Inputs: []string{"bn.expand", "expand.sigmoid"}},
		{Kind: Conv2D, Name: "dw", Filters: 6, Groups: 6, Kernel: []int{3}, Stride: []int{2}, Padding: PaddingSame},
		{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense}}}
	// DenseNet's layers: batch norm and ReLU before each convolution,
	// reading a pooling, a concat (the dense layer's input), the block's
	// concat (the transition) and an average pooling of a conv layer.
	archs["dense"] = Arch{Input: Input{Channels: 3, Height: 10, Width: 10}, Layers: []Layer{
		{Kind: Conv2D, Name: "conv0", Filters: 4, Kernel: []int{3}, Padding: PaddingSame, NoBias: true}, {Kind: BatchNorm, Name: "bn0"}, {Kind: ReLU, Name: "relu0"},
		{Kind: MaxPool, Name: "pool0", Kernel: []int{3}, Stride: []int{2}, Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}},
		{Kind: BatchNorm, Name: "bn.l1.1"}, {Kind: ReLU, Name: "l1.relu1"}, {Kind: Conv2D, Name: "l1.conv1", Filters: 4, Kernel: []int{1}, NoBias: true},
		{Kind: BatchNorm, Name: "bn.l1.2"}, {Kind: ReLU, Name: "l1.relu2"}, {Kind: Conv2D, Name: "l1.conv2", Filters: 2, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
		{Kind: Concat, Name: "l2", Inputs: []string{"pool0", "l1.conv2"}},
		{Kind: BatchNorm, Name: "bn.l2.1"}, {Kind: ReLU, Name: "l2.relu1"}, {Kind: Conv2D, Name: "l2.conv1", Filters: 3, Kernel: []int{3}, Padding: PaddingSame, NoBias: true},
		{Kind: Concat, Name: "block1", Inputs: []string{"l2", "l2.conv1"}},
		{Kind: BatchNorm, Name: "bn.t"}, {Kind: ReLU, Name: "t.relu"}, {Kind: Conv2D, Name: "t.conv", Filters: 4, Kernel: []int{1}, NoBias: true},
		{Kind: AvgPool, Name: "t.pool", Kernel: []int{2}, Stride: []int{2}},
		{Kind: BatchNorm, Name: "bn.after"}, {Kind: ReLU, Name: "after.relu"}, {Kind: Conv2D, Name: "after", Filters: 2, Kernel: []int{2}},
		{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense}}}
	// What the windows that are no place's maps are read from, in words.
	froms := map[string]map[string]string{
		"graph":   {"se.fc1": "the mean of each map of depthwise"},
		"shuffle": {"branch": "channels 3 to 4 of stem"},
		"squeeze": {"se.fc1": "the mean of each map of stem", "se.fc2": "se.fc1",
			"project": "stem, each channel scaled by the squeeze-excitation se",
			"expand":  "project", "dw": "the SiLU of expand (each value times its sigmoid)"},
		"dense": {"l1.conv1": "the batch norm and ReLU of the 3x3 max pooling with stride 2x2 of conv0",
			"l1.conv2": "l1.conv1", "l2.conv1": "the batch norm and ReLU of block l2's output",
			"t.conv": "the batch norm and ReLU of block block1's output",
			"after":  "the batch norm and ReLU of the 2x2 average pooling of t.conv"},
	}
	for name, arch := range archs {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 11)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			for _, p := range m.Params() {
				if strings.HasPrefix(p.Name, "bn") || strings.HasSuffix(p.Name, ".bias") {
					for i := range p.Data {
						p.Data[i] = float32(rng.NormFloat64() * 0.3)
						if strings.HasSuffix(p.Name, ".var") || strings.HasPrefix(p.Name, "bn") && strings.HasSuffix(p.Name, ".weight") {
							p.Data[i] = 0.5 + rng.Float32()
						}
					}
				}
			}
			x := make([]float32, arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			pred, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			cells, zero, pooled := 0, 0, 0
			activations := map[string]int{}
			for l := range m.ConvLayers() {
				a := pred.Activations[l]
				conv := m.Places()[l].Name
				if want, ok := froms[name][conv]; ok {
					if c, err := m.Cell(x, pred, l+1, 0, 0, 0); err != nil {
						t.Errorf("conv %d (%s): %v", l+1, conv, err)
					} else if c.From != want {
						t.Errorf("conv %d (%s): from %q, want %q", l+1, conv, c.From, want)
					}
					delete(froms[name], conv)
				}
				for f := range a.Channels {
					if name == "study" && f%17 != 0 {
						continue // every 17th filter is plenty
					}
					for y := range a.Height {
						for xx := range a.Width {
							c, err := m.Cell(x, pred, l+1, f, y, xx)
							if err != nil {
								t.Fatalf("conv %d (%s): %v", l+1, m.Places()[l].Name, err)
							}
							checkCell(t, c)
							cells++
							if c.Value == 0 {
								zero++
							}
							if c.Activation != "" && c.PreReLU != c.Value {
								activations[c.Activation]++ // one that changed the value
							}
							for _, p := range c.Pooled {
								if p != nil {
									pooled++
								}
							}
						}
					}
				}
			}
			if len(froms[name]) > 0 {
				t.Errorf("no conv layers %v", froms[name])
			}
			if zero == cells || cells == 0 {
				t.Errorf("%d cells, %d of them zero: the test sees nothing", cells, zero)
			}
			if name == "mobile" && (activations[Clip] == 0 || activations[HardSwish] == 0) {
				t.Errorf("the clips and the hard swish changed %v values: the test sees nothing of them", activations)
			}
			t.Logf("%d cells, %d zero, %d pooled window values, values an activation changed %v", cells, zero, pooled, activations)
		})
	}
}

// checkCell checks that c's arithmetic adds up to its value.
func checkCell(t *testing.T, c *Cell) {
	t.Helper()
	n := c.Channels * c.KH * c.KW
	if len(c.Window) != n || len(c.Kernel) != n || len(c.Products) != n || len(c.Padding) != n || len(c.Pooled) != n {
		t.Fatalf("conv %d filter %d (%d,%d): %d values for a %dx%dx%d window", c.Layer, c.Filter, c.Y, c.X, len(c.Window), c.Channels, c.KH, c.KW)
	}
	var sum float64
	for i := range n {
		if c.Products[i] != c.Window[i]*c.Kernel[i] || c.Padding[i] && c.Window[i] != 0 {
			t.Fatalf("conv %d filter %d (%d,%d): product %d", c.Layer, c.Filter, c.Y, c.X, i)
		}
		if !c.Padding[i] && (c.Window[i] < c.MapsMin || c.Window[i] > c.MapsMax) {
			t.Fatalf("conv %d filter %d (%d,%d): window value %v outside the maps' range [%v, %v]", c.Layer, c.Filter, c.Y, c.X, c.Window[i], c.MapsMin, c.MapsMax)
		}
		if p := c.Pooled[i]; p != nil && p.Result != c.Window[i] {
			t.Fatalf("conv %d filter %d (%d,%d): pooled %v, window %v", c.Layer, c.Filter, c.Y, c.X, p.Result, c.Window[i])
		}
		sum += float64(c.Products[i])
	}
	z := sum + float64(c.Bias)
	if c.HasBatchNorm {
		z = z*float64(c.BNScale) + float64(c.BNShift)
	}
	if math.Abs(z-float64(c.PreReLU)) > 1e-4*(1+math.Abs(z)) {
		t.Errorf("conv %d filter %d (%d,%d): before the activation %g, shown %g", c.Layer, c.Filter, c.Y, c.X, z, c.PreReLU)
	}
	z = float64(c.Activate(float32(z)))
	if math.Abs(sum-float64(c.Sum)) > 1e-5*(1+math.Abs(sum)) || math.Abs(z-float64(c.Value)) > 1e-4*(1+math.Abs(z)) {
		t.Errorf("conv %d filter %d (%d,%d): sum %g (shown %g), result %g, the engine's value %g", c.Layer, c.Filter, c.Y, c.X, sum, c.Sum, z, c.Value)
	}
}

// TestCellKnownValues checks a cell worked by hand: a 2x2 kernel on a 3x3
// picture, its bias, the ReLU, and a max pooling before the second layer.
func TestCellKnownValues(t *testing.T) {
	arch := Arch{Input: Input{Channels: 1, Height: 3, Width: 3}, Layers: []Layer{
		{Kind: Conv2D, Filters: 1, Kernel: []int{2}}, {Kind: ReLU},
		{Kind: MaxPool, Kernel: []int{2}, Stride: []int{1}},
		{Kind: Conv2D, Filters: 1, Kernel: []int{1}}, {Kind: Flatten}, {Kind: Dense}}}
	// conv1: kernel [1 -1; 2 0], bias 0.5; conv2: 1x1 kernel 3, bias -1.
	weights := [][]float32{{1, -1, 2, 0}, {0.5}, {3}, {-1}, {1, 1}, {0, 0}}
	m, err := NewModelWeights(arch, []string{"a", "b"}, weights)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	c, err := m.Cell(x, nil, 1, 0, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	// window rows 1-2, columns 0-1: 0.4 0.5 / 0.7 0.8 -> 0.4 - 0.5 + 1.4 + 0 = 1.3, + 0.5 = 1.8
	if !closeTo(c.Window, []float32{0.4, 0.5, 0.7, 0.8}, 1e-7) || !closeTo(c.Products, []float32{0.4, -0.5, 1.4, 0}, 1e-7) ||
		math.Abs(float64(c.Sum)-1.3) > 1e-6 || c.Bias != 0.5 || !c.ReLU || math.Abs(float64(c.Value)-1.8) > 1e-6 || c.From != "the picture" {
		t.Errorf("conv1 (1,0): %+v", c)
	}
	// conv1's map: (0,0) 0.1-0.2+0.8+0.5 = 1.2, (0,1) 0.2-0.3+1.0+0.5 = 1.4,
	// (1,0) 1.8, (1,1) 0.5-0.6+1.6+0.5 = 2.0; pooled 2x2 with stride 1: one
	// cell, 2.0, the last of the four; conv2: 3*2.0 - 1 = 5.
	c, err = m.Cell(x, nil, 2, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pooled[0]
	if p == nil || !p.Max || p.Won != 3 || !closeTo(p.Values, []float32{1.2, 1.4, 1.8, 2.0}, 1e-6) ||
		math.Abs(float64(c.Value)-5) > 1e-5 || c.From != "conv1, max-pooled 2x2 with stride 1x1" {
		t.Errorf("conv2 (0,0): %+v, pool %+v", c, p)
	}
	if _, err := m.Cell(x, nil, 1, 0, 2, 0); err == nil {
		t.Error("cell (2,0) of a 2x2 map: no error")
	}
}
