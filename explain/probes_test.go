package explain

import (
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// pixel returns the RGB of pixel i of a CHW input of plane values per channel.
func pixel(in []float32, plane, i int) [3]float32 {
	return [3]float32{in[i], in[plane+i], in[2*plane+i]}
}

func TestColourProbes(t *testing.T) {
	// Four pixels: red, grey, orange, blue.
	in := []float32{1, 0.5, 1, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0, 1}
	tests := []struct {
		name string
		got  []float32
		want [][3]float32
	}{
		{"grayscale", Grayscale(in), [][3]float32{{0.299, 0.299, 0.299}, {0.5, 0.5, 0.5}, {0.5925, 0.5925, 0.5925}, {0.114, 0.114, 0.114}}},
		// Half the colour wheel: red to cyan, orange (hue 30) to azure
		// (hue 210), blue to yellow; grey has no hue.
		{"hue 180", RotateHue(in, 180), [][3]float32{{0, 1, 1}, {0.5, 0.5, 0.5}, {0, 0.5, 1}, {1, 1, 0}}},
		{"hue 360", RotateHue(in, 360), [][3]float32{{1, 0, 0}, {0.5, 0.5, 0.5}, {1, 0.5, 0}, {0, 0, 1}}},
		{"hue 120", RotateHue(in, 120), [][3]float32{{0, 1, 0}, {0.5, 0.5, 0.5}, {0, 1, 0.5}, {1, 0, 0}}},
	}
	for _, tc := range tests {
		for i, w := range tc.want {
			g := pixel(tc.got, 4, i)
			for c := range g {
				if !near(float64(g[c]), float64(w[c]), 1e-6) {
					t.Errorf("%s: pixel %d is %v, want %v", tc.name, i, g, w)
					break
				}
			}
		}
	}
}

func TestMirrorAndBlur(t *testing.T) {
	side := 5
	in := make([]float32, 3*side*side)
	for i := range in {
		in[i] = float32(i % 7)
	}
	mir := Mirror(in, 3, side, side)
	if mir[0] != in[4] || mir[side*side+side+1] != in[side*side+side+3] {
		t.Error("Mirror does not flip rows")
	}
	if !slices.Equal(Mirror(mir, 3, side, side), in) {
		t.Error("mirroring twice is not the identity")
	}
	flat := make([]float32, 3*side*side)
	for i := range flat {
		flat[i] = 0.25
	}
	for i, v := range Blur(flat, 3, side, side, 1.5) {
		if !near(float64(v), 0.25, 1e-6) {
			t.Fatalf("blur of a flat image changed value %d to %g", i, v)
		}
	}
	// A single bright pixel spreads symmetrically and keeps its peak in place.
	dot := make([]float32, 3*side*side)
	dot[2*side+2] = 1
	b := Blur(dot, 3, side, side, 1)
	if b[2*side+2] >= 1 || b[2*side+2] <= b[2*side+1] || !near(float64(b[2*side+1]), float64(b[2*side+3]), 1e-7) || !near(float64(b[1*side+2]), float64(b[2*side+1]), 1e-7) {
		t.Errorf("blurred dot: %v", b[:side*side])
	}
}

// TestProbes runs the probes on a picture whose centre is blue inside a red
// frame: the crop probe must be all blue, the others the frame's input
// transformed.
func TestProbes(t *testing.T) {
	m, err := engine.NewModel([]string{"a", "b", "c", "d"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 200, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 200; x++ {
			c := color.NRGBA{255, 0, 0, 255}
			if x >= 40 && x < 160 && y >= 24 && y < 96 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	probes, err := Probes(m, img)
	if err != nil {
		t.Fatal(err)
	}
	if len(probes) != len(ProbeNames) {
		t.Fatalf("%d probes", len(probes))
	}
	in := picture.ToInput(img, engine.InputSize)
	if !slices.Equal(probes[0].Input, in) || !slices.Equal(probes[3].Input, Mirror(in, 3, engine.InputSize, engine.InputSize)) {
		t.Error("original or mirrored probe input is wrong")
	}
	plane := engine.InputSize * engine.InputSize
	for i := 0; i < plane; i++ {
		if p := pixel(probes[5].Input, plane, i); p != [3]float32{0, 0, 1} {
			t.Fatalf("centre crop pixel %d is %v, want blue", i, p)
		}
	}
	for _, p := range probes {
		pred, err := m.Predict(p.Input)
		if err != nil {
			t.Fatal(err)
		}
		for c := range pred.Probabilities {
			if !near(float64(pred.Probabilities[c]), float64(p.Probabilities[c]), 1e-6) {
				t.Errorf("%s: probabilities %v, Predict says %v", p.Name, p.Probabilities, pred.Probabilities)
				break
			}
		}
		if p.Class != pred.Class {
			t.Errorf("%s: class %d, Predict says %d", p.Name, p.Class, pred.Class)
		}
	}
}

func TestDistinctFilters(t *testing.T) {
	mk := func(means ...float32) engine.Activation {
		a := engine.Activation{Layer: 1, Channels: len(means), Height: 1, Width: 2}
		for _, v := range means {
			a.Data = append(a.Data, v, v)
		}
		return a
	}
	acts := []engine.Activation{mk(1, 5, 0, 2), mk(1, 1, 0, 4), mk(1, 3, 0, 3)}
	got, err := DistinctFilters(acts, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Ranges: 0, 4, 0, 2; the tie between filters 0 and 2 goes to 0.
	if want := []int{1, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("DistinctFilters = %v, want %v", got, want)
	}
	if _, err := DistinctFilters([]engine.Activation{mk(1), mk(1, 2)}, 1); err == nil {
		t.Error("different shapes gave no error")
	}
}
