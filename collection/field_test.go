package collection

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
)

// TestStudyFieldsByHand checks the receptive fields against a hand
// computation on the study's path (3x3 convs without padding, 2x2 pools):
//
//	conv1: 3 pixels, jump 1
//	pool1: 3 + 1*1 = 4, jump 2
//	conv2: 4 + 2*2 = 8, jump 2   (cell i sees 2i..2i+7)
//	conv3: 8 + 2*2 = 12, jump 2
//	pool2: 12 + 1*2 = 14, jump 4
//	conv4: 14 + 2*4 = 22, jump 4
//	conv5: 22 + 2*4 = 30, jump 4
func TestStudyFieldsByHand(t *testing.T) {
	want := []Field{{3, 1, 0}, {8, 2, 0}, {12, 2, 0}, {22, 4, 0}, {30, 4, 0}}
	got := Fields(StudySteps)
	if len(got) != len(want) {
		t.Fatalf("%d fields, want 5", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("conv%d: %+v, want %+v", i+1, got[i], want[i])
		}
	}
	// The last cell of each layer ends at the input's edge or inside it:
	// conv1 has 62 cells (61+3 = 64), conv2 29 (2*28+8 = 64), conv3 27
	// (2*26+12 = 64), conv4 11 (4*10+22 = 62), conv5 9 (4*8+30 = 62).
	last := []int{61, 28, 26, 10, 8}
	ends := []int{64, 64, 64, 62, 62}
	for i, f := range got {
		if r := f.Region(last[i], last[i], 64, 64); r.Max.X != ends[i] {
			t.Errorf("conv%d: last cell ends at %d, want %d", i+1, r.Max.X, ends[i])
		}
	}
	// Padding moves the field back and clipping keeps it in the input.
	padded := Fields([]Step{{3, 1, 1, true}, {3, 2, 1, true}})
	if padded[1] != (Field{5, 2, -2}) {
		t.Errorf("padded: %+v", padded[1])
	}
	if r := padded[1].Region(0, 0, 10, 10); r != image.Rect(0, 0, 3, 3) {
		t.Errorf("clipped region %v", r)
	}
}

// TestFieldsAgainstTheNetwork perturbs the input of a random network: a
// cell's value must not move when only pixels outside its receptive field
// change, and must move when the pixels inside it change.
func TestFieldsAgainstTheNetwork(t *testing.T) {
	m, err := engine.NewModel(dataset.DefaultClasses, 11)
	if err != nil {
		t.Fatal(err)
	}
	checkFieldsByPerturbation(t, m, Fields(StudySteps))
}

// checkFieldsByPerturbation checks fields against m itself, one cell of
// each conv layer: its value stays when only pixels outside its field
// change and moves when those inside do. m's input is square RGB.
func checkFieldsByPerturbation(t *testing.T, m *engine.Model, fields []Field) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	size := m.Input().Width
	base := make([]float32, 3*size*size)
	for i := range base {
		base[i] = rng.Float32()
	}
	p0, err := m.Predict(base)
	if err != nil {
		t.Fatal(err)
	}
	for l, f := range fields {
		a := p0.Activations[l]
		y, x := a.Height/2, a.Width/3
		region := f.Region(y, x, size, size)
		// The filter whose cell is largest, so a ReLU does not hide changes.
		ch, best := 0, float32(-1)
		for c := range a.Channels {
			if v := a.Map(c)[y*a.Width+x]; v > best {
				ch, best = c, v
			}
		}
		value := func(in []float32) float32 {
			p, err := m.Predict(in)
			if err != nil {
				t.Fatal(err)
			}
			return p.Activations[l].Map(ch)[y*a.Width+x]
		}
		outside, inside := append([]float32(nil), base...), append([]float32(nil), base...)
		for c := range 3 {
			for py := range size {
				for px := range size {
					i := (c*size+py)*size + px
					if (image.Point{px, py}).In(region) {
						inside[i] = rng.Float32()
					} else {
						outside[i] = rng.Float32()
					}
				}
			}
		}
		if v := value(outside); v != best {
			t.Errorf("conv%d cell (%d,%d): %g became %g when only pixels outside %v changed", l+1, y, x, best, v, region)
		}
		if v := value(inside); v == best {
			t.Errorf("conv%d cell (%d,%d): %g did not move when the pixels of %v changed", l+1, y, x, best, region)
		}
	}
}

func TestModelFields(t *testing.T) {
	study, err := engine.NewModel(dataset.DefaultClasses, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, want := ModelFields(study), Fields(StudySteps)
	if len(got) != 5 {
		t.Fatalf("study: %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("study conv%d: %+v, want %+v", i+1, got[i], want[i])
		}
	}
	// "same" padding by hand: conv1 (3x3) pads 1 all round: 3 pixels from
	// -1; conv2 (3x3, stride 2) on 64 gives 32 cells, padding (31*2+3-64)
	// = 1 in all, 0 before: 3 + 2*1 = 5 pixels from -1, jump 2.
	arch := engine.Arch{Input: engine.Input{Channels: 3, Height: 64, Width: 64}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 4, Kernel: []int{3}, Padding: engine.PaddingSame}, {Kind: engine.ReLU},
		{Kind: engine.Conv2D, Filters: 4, Kernel: []int{3}, Stride: []int{2}, Padding: engine.PaddingSame}, {Kind: engine.ReLU},
		{Kind: engine.Flatten}, {Kind: engine.Dense},
	}}
	m, err := engine.NewModelArch(arch, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := ModelFields(m)
	if len(f) != 2 || f[0] != (Field{3, 1, -1}) || f[1] != (Field{5, 2, -1}) {
		t.Errorf("same padding: %v", f)
	}
	checkFieldsByPerturbation(t, m, f)
}
