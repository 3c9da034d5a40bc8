package importer

import (
	"math"
	"path/filepath"
	"testing"
)

// TestCellOnTorchvision checks the value view's arithmetic on torchvision's
// own networks (the fixtures of TestImportTorchvision, on PyTorch's test
// input): for the corner and centre cells of the first and last filter of
// every conv layer, the products of window and kernel, their sum, the
// bias, the batch norm and the activation (ReLU, ReLU6, hard swish) add
// up to the engine's value. Every conv layer is shown: those that read a
// conv layer's maps, a residual Add's or a concat's, directly or through
// a pooling (ResNet, MobileNetV2, SqueezeNet), and those that read what
// other layers make of them, from the engine's values: a squeeze-
// excitation's global pooling and scaling (MobileNetV3, EfficientNet,
// RegNetY), EfficientNet's SiLU, DenseNet's batch norm and ReLU before
// the convolution, ShuffleNet's slice of channels; From says which.
func TestCellOnTorchvision(t *testing.T) {
	// What some windows are read from, in words.
	froms := map[string]map[string]string{
		"mobilenet-v3-small-opset17-bn": {
			"features.1.block.1.fc1": "the mean of each map of features.1.block.0.0",
			"features.1.block.2.0":   "features.1.block.0.0, each channel scaled by the squeeze-excitation features.1.block.1"},
		"efficientnet-b0-opset17-bn": {
			"features.1.0.block.0.0": "the SiLU of features.0.0 (each value times its sigmoid)",
			"features.1.0.block.2.0": "the SiLU of features.1.0.block.0.0 (each value times its sigmoid), each channel scaled by the squeeze-excitation features.1.0.block.1"},
		"densenet-opset17-bn": {
			"features.denseblock1.denselayer1.conv1": "the batch norm and ReLU of the 3x3 max pooling with stride 2x2 of features.conv0",
			"features.denseblock1.denselayer2.conv1": "the batch norm and ReLU of block features.denseblock1.denselayer2's output",
			"features.transition1.conv":              "the batch norm and ReLU of block features.denseblock1's output"},
		"regnet-y-opset17-bn": {
			"trunk_output.block1.block1-0.f.c.0": "trunk_output.block1.block1-0.f.b.0, each channel scaled by the squeeze-excitation trunk_output.block1.block1-0.f.se"},
		"shufflenet-v2-x0-5-opset17-bn": {
			"stage2.1.branch2.0": "channels 25 to 48 of block stage2.0's output"},
	}
	for _, name := range []string{"resnet-opset17-bn", "mobilenet-v2-opset13", "mobilenet-v2-opset17-bn",
		"squeezenet1-1-opset17-bn", "mobilenet-v3-small-opset17-bn", "efficientnet-b0-opset17-bn",
		"densenet-opset17-bn", "regnet-y-opset17-bn", "shufflenet-v2-x0-5-opset17-bn",
		// PyTorch's exporter folds the batch norms into the convolutions.
		"mobilenet-v3-small-opset13", "efficientnet-b0-opset13", "densenet-opset13", "regnet-y-opset13",
		"shufflenet-v2-x0-5-opset13"} {
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
				conv := m.Places()[l].Name
				for _, f := range []int{0, filters - 1} {
					for _, at := range [][2]int{{0, 0}, {a.Height / 2, a.Width / 2}, {a.Height - 1, a.Width - 1}} {
						c, err := m.Cell(x, pred, l+1, f, at[0], at[1])
						if err != nil {
							unshown[conv] = err.Error()
							continue
						}
						if want, ok := froms[name][conv]; ok && c.From != want {
							t.Errorf("%s (conv %d): from %q, want %q", conv, l+1, c.From, want)
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
							t.Errorf("%s (conv %d) filter %d %v: the arithmetic gives %g, the engine %g (%+v)", conv, l+1, f, at, got, c.Value, c)
						}
						shown++
					}
				}
				delete(froms[name], conv)
			}
			t.Logf("%d cells of %d conv layers add up", shown, len(m.ConvLayers()))
			if shown == 0 || len(unshown) > 0 || len(froms[name]) > 0 {
				t.Errorf("%d cells shown; conv layers not shown: %v; not found: %v", shown, unshown, froms[name])
			}
		})
	}
}
