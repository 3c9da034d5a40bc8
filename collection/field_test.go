package collection

import (
	"fmt"
	"image"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
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

// TestGraphFieldsByHand works the fields of a small residual graph out by
// hand and checks them against the network by perturbation:
//
//	a     3x3, pad 1:             3 pixels from -1, jump 1
//	b     3x3, stride 2, pad 1:   3 + 2*1 = 5 from -2, jump 2
//	skip  4x4, stride 2, pads 0 before (2 after), on the input: 4 from 0, jump 2
//	join  b + skip: the union of -2..3 and 0..4: 6 from -2, jump 2
//	pool  3x3, stride 2, pad 1:   6 + 2*2 = 10 from -4, jump 4
//	d     3x3, pad 1:             10 + 2*4 = 18 from -8, jump 4
//	e     1x1:                    10 from -4, jump 4
//	cat   d and e: the union, 18 from -8, jump 4
func TestGraphFieldsByHand(t *testing.T) {
	pad := func(p ...int) []int { return p }
	arch := engine.Arch{Input: engine.Input{Channels: 3, Height: 16, Width: 16}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Name: "a", Filters: 4, Kernel: []int{3}, Padding: engine.PaddingExplicit, Pads: pad(1, 1, 1, 1)},
		{Kind: engine.ReLU, Name: "a.relu"},
		{Kind: engine.Conv2D, Name: "b", Filters: 4, Kernel: []int{3}, Stride: []int{2}, Padding: engine.PaddingExplicit, Pads: pad(1, 1, 1, 1)},
		{Kind: engine.Conv2D, Name: "skip", Inputs: []string{engine.InputName}, Filters: 4, Kernel: []int{4}, Stride: []int{2}, Padding: engine.PaddingExplicit, Pads: pad(0, 0, 2, 2)},
		{Kind: engine.Add, Name: "join", Inputs: []string{"b", "skip"}},
		{Kind: engine.ReLU, Name: "join.relu"},
		{Kind: engine.MaxPool, Name: "pool", Kernel: []int{3}, Stride: []int{2}, Padding: engine.PaddingExplicit, Pads: pad(1, 1, 1, 1)},
		{Kind: engine.Conv2D, Name: "d", Filters: 4, Kernel: []int{3}, Padding: engine.PaddingExplicit, Pads: pad(1, 1, 1, 1)},
		{Kind: engine.Conv2D, Name: "e", Inputs: []string{"pool"}, Filters: 4, Kernel: []int{1}},
		{Kind: engine.Concat, Name: "cat", Inputs: []string{"d", "e"}},
		{Kind: engine.GlobalAvgPool}, {Kind: engine.Flatten}, {Kind: engine.Dense},
	}}
	m, err := engine.NewModelArch(arch, []string{"a", "b"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Field{"a": {3, 1, -1}, "b": {5, 2, -2}, "skip": {4, 2, 0}, "d": {18, 4, -8}, "e": {10, 4, -4},
		"join": {6, 2, -2}, "cat": {18, 4, -8}}
	got := ModelFields(m)
	places := m.Places()
	if len(got) != len(places) || len(places) != len(want) {
		t.Fatalf("%d fields for %d places %v, want %d", len(got), len(places), places, len(want))
	}
	for i, p := range places {
		if got[i] != want[p.Name] {
			t.Errorf("%s: %+v, want %+v", p.Name, got[i], want[p.Name])
		}
	}
	checkFieldsByPerturbation(t, m, got)

	// A squeeze-excitation's scale is not followed: the Mul sees what its
	// maps see, and the 1x1 conv after the global pooling its whole map
	// (16 + 15*1 wide from -1, over all of the picture).
	arch.Layers = append(arch.Layers[:2:2],
		engine.Layer{Kind: engine.GlobalAvgPool, Name: "squeeze"},
		engine.Layer{Kind: engine.Conv2D, Name: "excite", Filters: 4, Kernel: []int{1}},
		engine.Layer{Kind: engine.Sigmoid, Name: "gate"},
		engine.Layer{Kind: engine.Mul, Name: "scale", Inputs: []string{"a.relu", "gate"}},
		engine.Layer{Kind: engine.Conv2D, Name: "f", Filters: 4, Kernel: []int{3}},
		engine.Layer{Kind: engine.Add, Name: "join", Inputs: []string{"f", "f"}},
		engine.Layer{Kind: engine.GlobalAvgPool}, engine.Layer{Kind: engine.Flatten}, engine.Layer{Kind: engine.Dense})
	m, err = engine.NewModelArch(arch, []string{"a", "b"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]Field{"a": {3, 1, -1}, "excite": {18, 16, -1}, "f": {5, 1, -1}, "join": {5, 1, -1}}
	got = ModelFields(m)
	places = m.Places()
	if len(got) != len(places) || len(places) != len(want) {
		t.Fatalf("%d fields for %d places %v, want %d", len(got), len(places), places, len(want))
	}
	for i, p := range places {
		if got[i] != want[p.Name] {
			t.Errorf("squeeze-excitation: %s: %+v, want %+v", p.Name, got[i], want[p.Name])
		}
	}
}

// TestResNet18Fields checks torchvision's ResNet-18 against the values
// worked out by hand (and published, e.g. 435 pixels for its layer4): a
// 7x7 conv of stride 2 (7, jump 2), a 3x3 max pooling of stride 2 (11,
// jump 4), then 3x3 convs, four per stage, the first of stages 2 to 4 of
// stride 2: 11 + 4*2*4 = 43 at layer1, 43 + 4*2*8 = 107 at layer2, 107 +
// 4*2*16 = 235 at layer3, 235 + 4*2*32 = 491... less the first conv of
// each later stage, which runs at the jump before its stride: 43 + 2*4 +
// 3*2*8 = 99 at layer2, 99 + 2*8 + 3*2*16 = 211 at layer3 and 211 + 2*16 +
// 3*2*32 = 435 at layer4. The downsampling 1x1 convs lie inside.
func TestResNet18Fields(t *testing.T) {
	a := engine.Arch{Input: engine.Input{Channels: 3, Height: 224, Width: 224}}
	add := func(l engine.Layer) string { a.Layers = append(a.Layers, l); return l.Name }
	conv := func(name string, f, k, s, p int, in ...string) string {
		add(engine.Layer{Kind: engine.Conv2D, Name: name, Inputs: in, Filters: f, Kernel: []int{k}, Stride: []int{s}, Padding: engine.PaddingExplicit, Pads: []int{p, p, p, p}, NoBias: true})
		return add(engine.Layer{Kind: engine.BatchNorm, Name: name + ".bn"})
	}
	conv("conv1", 4, 7, 2, 3)
	add(engine.Layer{Kind: engine.ReLU, Name: "relu"})
	x := add(engine.Layer{Kind: engine.MaxPool, Name: "maxpool", Kernel: []int{3}, Stride: []int{2}, Padding: engine.PaddingExplicit, Pads: []int{1, 1, 1, 1}})
	// Few filters: the fields do not depend on them.
	for stage := range 4 {
		for block := range 2 {
			name := fmt.Sprintf("layer%d.%d", stage+1, block)
			s := 1
			if stage > 0 && block == 0 {
				s = 2
			}
			conv(name+".conv1", 4, 3, s, 1, x)
			add(engine.Layer{Kind: engine.ReLU, Name: name + ".relu"})
			y := conv(name+".conv2", 4, 3, 1, 1)
			skip := x
			if s != 1 {
				skip = conv(name+".downsample", 4, 1, s, 0, x)
			}
			add(engine.Layer{Kind: engine.Add, Name: name, Inputs: []string{y, skip}})
			x = add(engine.Layer{Kind: engine.ReLU, Name: name + ".relu_1"})
		}
	}
	add(engine.Layer{Kind: engine.GlobalAvgPool, Name: "avgpool"})
	add(engine.Layer{Kind: engine.Flatten})
	add(engine.Layer{Kind: engine.Dense, Name: "fc"})
	m, err := engine.NewModelArch(a, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	fields := ModelFields(m)
	want := map[string]int{"conv1": 7, "layer1.0": 27, "layer1.1": 43, "layer2.1": 99, "layer3.1": 211, "layer4.1": 435}
	found := 0
	for i, p := range m.Places() {
		if size, ok := want[p.Name]; ok {
			found++
			if fields[i].Size != size {
				t.Errorf("%s: %d pixels, want %d", p.Name, fields[i].Size, size)
			}
		}
	}
	if found != len(want) {
		t.Errorf("%d of the places %v found", found, want)
	}
	// Each padding moves the start back by its pad times the jump: 3 at
	// conv1, 1*2 at the pooling, 1*4 for each conv of layer1 and the first
	// of layer2, 1*8, 1*16 and 1*32 likewise: -217, so that layer4's first
	// cell is centred on the picture's first pixel.
	if last := fields[len(fields)-1]; last != (Field{435, 32, -217}) {
		t.Errorf("layer4: %+v, want 435 pixels from -217, jump 32", last)
	}
}

// TestImportedFields works out the fields of every family of the
// importer's fixtures (ceil-mode poolings, depthwise convs,
// squeeze-excitation, concatenations), and checks the ResNet fixture (one
// block per stage) by hand and by perturbation: 7 and 11 as ResNet-18's,
// then 11 + 4*2*4 = 27 at layer1.0, 27 + 2*4 + 2*8 = 51 at layer2.0, 51 +
// 2*8 + 2*16 = 99 at layer3.0 and 99 + 2*16 + 2*32 = 195 at layer4.0.
func TestImportedFields(t *testing.T) {
	for _, name := range []string{"resnet-opset17-bn", "mobilenet-v2-opset13", "mobilenet-v3-small-opset13", "efficientnet-b0-opset13",
		"squeezenet1-1-opset13", "densenet-opset13", "googlenet-opset13", "regnet-y-opset13"} {
		m, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", name+".onnx"), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fields, places := ModelFields(m), m.Places()
		if len(fields) != len(places) {
			t.Errorf("%s: %d fields for %d places", name, len(fields), len(places))
			continue
		}
		for i, f := range fields {
			if f.Size < 1 || f.Jump < 1 || f.Start > 0 {
				t.Errorf("%s: %s: %+v", name, places[i].Name, f)
			}
		}
		if name != "resnet-opset17-bn" {
			continue
		}
		want := map[string]int{"conv1": 7, "layer1.0": 27, "layer2.0": 51, "layer3.0": 99, "layer4.0": 195}
		for i, p := range places {
			if size, ok := want[p.Name]; ok && fields[i].Size != size {
				t.Errorf("%s: %s: %d pixels, want %d", name, p.Name, fields[i].Size, size)
			}
		}
		checkFieldsByPerturbation(t, m, fields)
	}
}
