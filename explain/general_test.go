package explain

import (
	"context"
	"image"
	"math"
	"testing"

	"github.com/artlens/artlens/engine"
)

// grayModel is a small model of another shape than the study's: grayscale
// 40x24 input, two conv layers, global average pooling and three classes.
func grayModel(t *testing.T) *engine.Model {
	t.Helper()
	arch := engine.Arch{Input: engine.Input{Channels: 1, Height: 24, Width: 40}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 6, Kernel: []int{3}, Padding: "same"},
		{Kind: engine.ReLU},
		{Kind: engine.MaxPool, Kernel: []int{2}},
		{Kind: engine.Conv2D, Filters: 8, Kernel: []int{3}},
		{Kind: engine.ReLU},
		{Kind: engine.GlobalAvgPool},
		{Kind: engine.Flatten},
		{Kind: engine.Dense},
		{Kind: engine.Softmax},
	}}
	m, err := engine.NewModelArch(arch, []string{"a", "b", "c"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOtherModels runs every method on a model of another input shape and
// depth than the study's.
func TestOtherModels(t *testing.T) {
	m := grayModel(t)
	in := make([]float32, m.Input().Len())
	for i := range in {
		in[i] = float32(math.Sin(float64(i)*0.37))*0.5 + 0.5
	}
	cam, err := GradCAM(m, in, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	if cam.Layer != 2 || cam.Width != 18 || cam.Height != 10 {
		t.Errorf("Grad-CAM at conv%d of %dx%d, want conv2 of 18x10", cam.Layer, cam.Width, cam.Height)
	}
	if _, err := GradCAM(m, in, 3, 0); err == nil {
		t.Error("a third conv layer gave no error")
	}
	occ, err := Occlusion(context.Background(), m, in, 1, OcclusionOptions{Patch: 8, Stride: 8})
	if err != nil {
		t.Fatal(err)
	}
	if occ.Width != 5 || occ.Height != 3 {
		t.Errorf("occlusion map %dx%d, want 5x3 (columns 0..32, rows 0, 8, 16)", occ.Width, occ.Height)
	}
	base, _ := m.Predict(in)
	p, _ := m.Predict(Occlude(in, 40, 24, 32, 16, 8, MeanColor(in, 1)))
	if got, want := occ.Values[2*5+4], base.Probabilities[1]-p.Probabilities[1]; math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("last cell %g, direct prediction %g", got, want)
	}
	img := image.NewGray(image.Rect(0, 0, 80, 50))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	probes, err := Probes(m, img)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range probes {
		names = append(names, p.Name)
		if len(p.Input) != m.Input().Len() {
			t.Errorf("%s: input of %d values", p.Name, len(p.Input))
		}
	}
	if len(probes) != 4 || names[1] != "mirrored" {
		t.Errorf("probes of a grayscale model: %q", names)
	}
}
