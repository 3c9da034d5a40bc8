package engine

import "fmt"

// InputSize is the side of the square RGB image the study's network takes.
// Other models take their own size: use Model.Input.
const InputSize = 64

// ConvFilters holds the number of filters of the study's conv layers 1..5.
var ConvFilters = [5]int{32, 64, 64, 128, 128}

// DenseUnits holds the sizes of the study's two hidden dense layers; the
// output layer has one unit per class.
var DenseUnits = [2]int{512, 256}

// Dropout rates of the study: after each pooling, and between the dense layers.
const (
	PoolDropout  = 0.25
	DenseDropout = 0.3
)

// poolAfter says after which of the study's conv layers (0-based) a 2x2
// max pooling and a dropout follow.
var poolAfter = [5]bool{true, false, true, false, true}

// ResNet18Arch returns torchvision's ResNet-18 for side×side RGB pictures
// with widths filters in its four stages (64, 128, 256, 512 in
// torchvision; the output layer has one unit per class): a 7x7 stride-2
// conv and 3x3 max pooling, then two residual blocks a stage, each two 3x3
// convs with a skip connection around them (a 1x1 conv where the shape
// changes), a batch norm after every conv, global pooling and the output
// layer, under torchvision's layer names (layer3.1.conv2, ...).
func ResNet18Arch(side int, widths [4]int) Arch {
	a := Arch{Input: Input{Channels: 3, Height: side, Width: side}}
	add := func(l Layer) string { a.Layers = append(a.Layers, l); return l.Name }
	conv := func(name string, f, k, s, p int, in ...string) string {
		add(Layer{Kind: Conv2D, Name: name, Inputs: in, Filters: f, Kernel: []int{k, k}, Stride: []int{s, s},
			Padding: PaddingExplicit, Pads: []int{p, p, p, p}, NoBias: true})
		return add(Layer{Kind: BatchNorm, Name: name + ".bn"})
	}
	conv("conv1", widths[0], 7, 2, 3)
	add(Layer{Kind: ReLU, Name: "relu"})
	x := add(Layer{Kind: MaxPool, Name: "maxpool", Kernel: []int{3, 3}, Stride: []int{2, 2},
		Padding: PaddingExplicit, Pads: []int{1, 1, 1, 1}})
	in := widths[0]
	for stage, f := range widths {
		for block := range 2 {
			name := fmt.Sprintf("layer%d.%d", stage+1, block)
			s := 1
			if stage > 0 && block == 0 {
				s = 2
			}
			conv(name+".conv1", f, 3, s, 1, x)
			add(Layer{Kind: ReLU, Name: name + ".relu"})
			y := conv(name+".conv2", f, 3, 1, 1)
			skip := x
			if s != 1 || in != f {
				skip = conv(name+".downsample", f, 1, s, 0, x)
			}
			add(Layer{Kind: Add, Name: name, Inputs: []string{y, skip}})
			x = add(Layer{Kind: ReLU, Name: name + ".relu_1"})
			in = f
		}
	}
	add(Layer{Kind: GlobalAvgPool, Name: "avgpool"})
	add(Layer{Kind: Flatten})
	add(Layer{Kind: Dense, Name: "fc"})
	return a
}

// StudyArch returns the seed study's network: five 3x3 conv layers with
// ReLU (32, 64, 64, 128, 128 filters), 2x2 max pooling and dropout 0.25
// after conv layers 1, 3 and 5, then dense layers of 512 (ReLU, dropout
// 0.3) and 256 (ReLU) units and a softmax output, on 64x64 RGB pictures.
// Weights files that hold no architecture are of this network.
func StudyArch() Arch {
	a := Arch{Input: Input{Channels: 3, Height: InputSize, Width: InputSize}}
	for i, f := range ConvFilters {
		a.Layers = append(a.Layers, Layer{Kind: Conv2D, Filters: f, Kernel: []int{3, 3}}, Layer{Kind: ReLU})
		if poolAfter[i] {
			a.Layers = append(a.Layers, Layer{Kind: MaxPool, Kernel: []int{2, 2}}, Layer{Kind: Dropout, Rate: PoolDropout})
		}
	}
	a.Layers = append(a.Layers, Layer{Kind: Flatten},
		Layer{Kind: Dense, Units: DenseUnits[0]}, Layer{Kind: ReLU}, Layer{Kind: Dropout, Rate: DenseDropout},
		Layer{Kind: Dense, Units: DenseUnits[1]}, Layer{Kind: ReLU},
		Layer{Kind: Dense}, Layer{Kind: Softmax})
	return a
}
