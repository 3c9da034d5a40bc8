package importer

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// TestCellOnTorchvision checks the value view's arithmetic on torchvision's
// own networks (the fixtures of TestImportTorchvision, on PyTorch's test
// input): for the corner and centre cells of the first and last filter of
// every conv layer, the products of window and kernel, their sum, the
// bias, the batch norm and the activation (ReLU, ReLU6, hard swish) add
// up to the engine's value. Every conv layer of ResNet, MobileNetV2 and
// SqueezeNet is shown (their convolutions read a conv layer's maps, a
// residual Add's or a concat's, directly or through a pooling); in the
// others Cell says what it does not break down: a squeeze-excitation's
// global pooling and scaling (Mul, also EfficientNet's SiLU), DenseNet's
// batch norm before the convolution, ShuffleNet's slice of channels.
func TestCellOnTorchvision(t *testing.T) {
	for _, c := range []struct {
		name string
		all  bool // every conv layer shown
	}{
		{"resnet-opset17-bn", true}, {"mobilenet-v2-opset13", true}, {"mobilenet-v2-opset17-bn", true},
		{"squeezenet1-1-opset17-bn", true}, {"mobilenet-v3-small-opset17-bn", false}, {"efficientnet-b0-opset17-bn", false},
		{"densenet-opset17-bn", false}, {"regnet-y-opset17-bn", false}, {"shufflenet-v2-x0-5-opset17-bn", false},
	} {
		name := c.name
		t.Run(name, func(t *testing.T) {
			m, err := ImportFile(filepath.Join("testdata", name+".onnx"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			x := readReference(t, name).Input
			pred, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			shown, unshown := 0, map[string]string{}
			for l, filters := range m.ConvLayers() {
				a := pred.Activations[l]
				for _, f := range []int{0, filters - 1} {
					for _, at := range [][2]int{{0, 0}, {a.Height / 2, a.Width / 2}, {a.Height - 1, a.Width - 1}} {
						c, err := m.Cell(x, pred, l+1, f, at[0], at[1])
						if err != nil {
							unshown[m.Places()[l].Name] = err.Error()
							continue
						}
						var sum float64
						for i := range c.Products {
							sum += float64(c.Window[i]) * float64(c.Kernel[i])
						}
						z := sum + float64(c.Bias)
						if c.HasBatchNorm {
							z = z*float64(c.BNScale) + float64(c.BNShift)
						}
						got := float64(c.Activate(float32(z)))
						if math.Abs(got-float64(c.Value)) > 1e-4*(1+math.Abs(got)) {
							t.Errorf("%s (conv %d) filter %d %v: the arithmetic gives %g, the engine %g (%+v)", m.Places()[l].Name, l+1, f, at, got, c.Value, c)
						}
						shown++
					}
				}
			}
			t.Logf("%d cells of %d conv layers add up; %d conv layers not shown: %v", shown, len(m.ConvLayers()), len(unshown), unshown)
			if shown == 0 || c.all && len(unshown) > 0 {
				t.Errorf("%d cells shown, conv layers not shown: %v", shown, unshown)
			}
			for conv, why := range unshown {
				if !slices.ContainsFunc([]string{engine.GlobalAvgPool, engine.Mul, engine.BatchNorm, engine.Slice}, func(kind string) bool {
					return strings.Contains(why, "("+kind+")")
				}) {
					t.Errorf("%s not shown: %s", conv, why)
				}
			}
		})
	}
}
