package explain

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/weights"
)

// TestMethodsEveryModelAndPlace runs every method on every kind of model
// ArtLens opens (a grayscale 40x24 chain, the study's network, the shipped
// graph network, imported torchvision ResNet, MobileNetV2 and Swin) and the CAMs
// at every place: each map has the place's or the input's size, finite
// values, and the CAMs lie in [0, 1]. Score-CAM, one prediction per
// channel, runs at the first place and the CAM place only.
func TestMethodsEveryModelAndPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("every place of five networks")
	}
	models := []struct {
		name string
		open func() (*engine.Model, error)
	}{
		{"gray", func() (*engine.Model, error) { return grayModel(t), nil }},
		{"study", weights.Model},
		{"shipped resnet", func() (*engine.Model, error) { return weights.Load("resnet") }},
		{"onnx resnet", func() (*engine.Model, error) {
			return importer.ImportFile(filepath.Join("..", "importer", "testdata", "resnet-opset17-bn.onnx"), importer.Options{})
		}},
		{"onnx mobilenet-v2", func() (*engine.Model, error) {
			return importer.ImportFile(filepath.Join("..", "importer", "testdata", "mobilenet-v2-opset13.onnx"), importer.Options{})
		}},
		{"onnx swin", func() (*engine.Model, error) {
			return importer.ImportFile(filepath.Join("..", "importer", "testdata", "swin-opset13.onnx"), importer.Options{})
		}},
	}
	for _, mc := range models {
		m, err := mc.open()
		if err != nil {
			t.Fatalf("%s: %v", mc.name, err)
		}
		in := m.Input()
		input := make([]float32, in.Len())
		for i := range input {
			input[i] = float32(math.Sin(float64(i)*0.37))*0.5 + 0.5
		}
		places := m.Places()
		for _, me := range MethodsFor(m) {
			var at []int
			switch {
			case !me.ReadsPlace:
				at = []int{0}
			case me.Name == MethodScoreCAM:
				at = []int{1, m.CAMPlace()}
			default:
				for p := range places {
					at = append(at, p+1)
				}
			}
			for _, place := range at {
				req := Request{Input: input, Class: -1, Place: place, Seed: 5, RISE: RISEOptions{Masks: 24},
					Occlusion: OcclusionOptions{Stride: max(in.Width, in.Height) / 4}}
				mp, err := me.Run(context.Background(), m, req)
				what := fmt.Sprintf("%s: %s at place %d", mc.name, me.Name, place)
				if err != nil {
					t.Errorf("%s: %v", what, err)
					continue
				}
				if me.ReadsPlace {
					p := places[place-1]
					if mp.Layer != place || mp.Width != p.Width || mp.Height != p.Height {
						t.Errorf("%s: layer %d, %dx%d, want the place's %dx%d", what, mp.Layer, mp.Width, mp.Height, p.Width, p.Height)
					}
				} else if me.Name != MethodOcclusion && (mp.Width != in.Width || mp.Height != in.Height) {
					t.Errorf("%s: %dx%d, want the input's %dx%d", what, mp.Width, mp.Height, in.Width, in.Height)
				}
				for _, v := range mp.Values {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || me.ReadsPlace && (v < 0 || v > 1) {
						t.Errorf("%s: value %g", what, v)
						break
					}
				}
			}
		}
	}
}

// TestSlowMethodsCancel checks that the methods that run the network many
// times stop with the context's error once it is cancelled.
func TestSlowMethodsCancel(t *testing.T) {
	m := grayModel(t)
	input := make([]float32, m.Input().Len())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{MethodScoreCAM, MethodIntegratedGradients, MethodSmoothGrad, MethodRISE, MethodOcclusion} {
		me, err := LookupMethod(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := me.Run(ctx, m, Request{Input: input, Class: -1}); err != context.Canceled {
			t.Errorf("%s: error %v, want context.Canceled", name, err)
		}
	}
}

// TestRISEMask checks a mask's range and that the same seed gives the same
// mask and another seed another.
func TestRISEMask(t *testing.T) {
	a, b, c := make([]float32, 40*24), make([]float32, 40*24), make([]float32, 40*24)
	RISEMask(a, 40, 24, 9, 3)
	RISEMask(b, 40, 24, 9, 3)
	RISEMask(c, 40, 24, 10, 3)
	same, differ := true, false
	for i := range a {
		if a[i] < 0 || a[i] > 1 {
			t.Fatalf("mask value %g", a[i])
		}
		same = same && a[i] == b[i]
		differ = differ || a[i] != c[i]
	}
	if !same || !differ {
		t.Errorf("same seed same mask %v, other seed other mask %v", same, differ)
	}
}

// TestMethodsFor: rollout reads a transformer's attention, so a CNN is
// not offered it; every other method has a meaning for every model.
func TestMethodsFor(t *testing.T) {
	m, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, me := range MethodsFor(m) {
		names = append(names, me.Name)
	}
	if len(names) != len(Methods())-1 || slices.Contains(names, MethodRollout) {
		t.Errorf("methods for the study's CNN: %v", names)
	}
}
