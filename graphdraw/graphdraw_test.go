package graphdraw

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// residualArch is a small residual network: a stem, a block with an
// identity skip and a block that halves the maps with a downsampling
// branch.
func residualArch() engine.Arch {
	p1 := []int{1, 1, 1, 1}
	conv := func(name string, f, s int, in ...string) engine.Layer {
		return engine.Layer{Kind: engine.Conv2D, Name: name, Inputs: in, Filters: f, Kernel: []int{3}, Stride: []int{s}, Padding: engine.PaddingExplicit, Pads: p1}
	}
	return engine.Arch{Input: engine.Input{Channels: 3, Height: 32, Width: 32}, Layers: []engine.Layer{
		conv("stem", 8, 2), {Kind: engine.ReLU, Name: "stem.relu"},
		conv("block1.conv1", 8, 1), {Kind: engine.ReLU, Name: "block1.relu"}, conv("block1.conv2", 8, 1),
		{Kind: engine.Add, Name: "block1", Inputs: []string{"block1.conv2", "stem.relu"}}, {Kind: engine.ReLU, Name: "block1.relu_1"},
		conv("block2.conv1", 16, 2), {Kind: engine.ReLU, Name: "block2.relu"}, conv("block2.conv2", 16, 1),
		{Kind: engine.Conv2D, Name: "block2.downsample", Inputs: []string{"block1.relu_1"}, Filters: 16, Kernel: []int{1}, Stride: []int{2}},
		{Kind: engine.Add, Name: "block2", Inputs: []string{"block2.conv2", "block2.downsample"}}, {Kind: engine.ReLU, Name: "block2.relu_1"},
		{Kind: engine.GlobalAvgPool, Name: "pool"}, {Kind: engine.Flatten}, {Kind: engine.Dense, Name: "fc"},
	}}
}

// resNet18 is the graph of torchvision's ResNet-18 (1,000 classes).
func resNet18(t testing.TB) Graph {
	t.Helper()
	arch, err := engine.ReadArch(filepath.Join("testdata", "resnet18.json"), 1000)
	if err != nil {
		t.Fatal(err)
	}
	classes := make([]string, 1000)
	for i := range classes {
		classes[i] = "c"
	}
	return FromModel(model(t, arch, classes))
}

func model(t testing.TB, arch engine.Arch, classes []string) *engine.Model {
	t.Helper()
	m, err := engine.NewModelArch(arch, classes, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkEdges checks that every input of every node is drawn once, and
// nothing else, in a drawing without folds.
func checkEdges(t *testing.T, g Graph, d Drawing) {
	t.Helper()
	want := map[[2]string]bool{}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			want[[2]string{in, n.Name}] = true
		}
	}
	got := map[[2]string]bool{}
	for _, e := range d.Edges {
		k := [2]string{d.Boxes[e.From].Name, d.Boxes[e.To].Name}
		if got[k] {
			t.Errorf("edge %v drawn twice", k)
		}
		got[k] = true
		if !want[k] {
			t.Errorf("edge %v is no input", k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d edges drawn, %d inputs", len(got), len(want))
	}
	if len(d.Boxes) != len(g.Nodes)+1 {
		t.Errorf("%d boxes for %d nodes and the input", len(d.Boxes), len(g.Nodes))
	}
}

func TestStudyChain(t *testing.T) {
	m := model(t, engine.StudyArch(), dataset.DefaultClasses)
	g := FromModel(m)
	d := Lay(g, Options{})
	checkEdges(t, g, d)
	for _, e := range d.Edges {
		if e.Kind != Straight {
			t.Errorf("a chain has a %v edge %d->%d", e.Kind, e.From, e.To)
		}
	}
	for _, b := range d.Boxes {
		if b.Column != 0 {
			t.Errorf("%s in column %d", b.Name, b.Column)
		}
	}
	if len(d.Frames) != 0 || len(Blocks(g)) != 0 {
		t.Errorf("a chain has blocks: %v", Blocks(g))
	}
	golden(t, "study", d)
}

func TestResidual(t *testing.T) {
	g := FromModel(model(t, residualArch(), []string{"a", "b"}))
	d := Lay(g, Options{})
	checkEdges(t, g, d)
	kinds := map[string]EdgeKind{}
	for _, e := range d.Edges {
		kinds[d.Boxes[e.From].Name+">"+d.Boxes[e.To].Name] = e.Kind
	}
	for k, want := range map[string]EdgeKind{"stem.relu>block1": Skip, "block1.conv2>block1": Straight,
		"block1.relu_1>block2.downsample": Branch, "block2.downsample>block2": Branch, "block2.conv2>block2": Straight} {
		if kinds[k] != want {
			t.Errorf("%s: kind %d, want %d", k, kinds[k], want)
		}
	}
	var names []string
	for _, b := range Blocks(g) {
		names = append(names, b.Name+" "+b.Kind)
	}
	if !slices.Equal(names, []string{"block1 residual block", "block2 residual block"}) {
		t.Errorf("blocks %v", names)
	}
	if len(d.Frames) != 2 {
		t.Errorf("%d frames", len(d.Frames))
	}
	golden(t, "residual", d)
	folded := Lay(g, Options{Fold: true})
	var rows []string
	for _, b := range folded.Boxes {
		rows = append(rows, b.Name)
	}
	if !slices.Equal(rows, []string{"input", "stem", "stem.relu", "block1", "block2", "pool", "flatten", "fc"}) {
		t.Errorf("folded rows %v", rows)
	}
	if len(folded.Edges) != 7 || len(folded.Frames) != 0 {
		t.Errorf("folded: %d edges, %d frames", len(folded.Edges), len(folded.Frames))
	}
	golden(t, "residual-folded", folded)
}

// TestResNet18 draws torchvision's ResNet-18 (its architecture as
// 'artlens summary --arch' writes it from the ONNX file that
// scripts/export-resnet18.py writes): its 8 Add nodes each get one edge
// that is not the straight one, 5 identity skips and 3 downsampling
// branches.
func TestResNet18(t *testing.T) {
	g := resNet18(t)
	d := Lay(g, Options{})
	checkEdges(t, g, d)
	adds, skips, branches := 0, 0, 0
	for i, b := range d.Boxes {
		if b.Kind != "Add" {
			continue
		}
		adds++
		for _, e := range d.Edges {
			if e.To == i && e.Kind == Skip {
				skips++
			}
			if e.To == i && e.Kind == Branch {
				branches++
			}
		}
	}
	if adds != 8 || skips != 5 || branches != 3 {
		t.Errorf("%d Add nodes, %d skip connections and %d branches into them; want 8, 5 and 3", adds, skips, branches)
	}
	if len(Blocks(g)) != 8 || len(d.Frames) != 8 {
		t.Errorf("%d blocks, %d frames", len(Blocks(g)), len(d.Frames))
	}
	folded := Lay(g, Options{Fold: true})
	var rows []string
	for _, b := range folded.Boxes {
		rows = append(rows, b.Name)
	}
	if want := []string{"input", "conv1", "relu", "maxpool", "layer1.0", "layer1.1", "layer2.0", "layer2.1",
		"layer3.0", "layer3.1", "layer4.0", "layer4.1", "avgpool", "flatten", "fc"}; !slices.Equal(rows, want) {
		t.Errorf("folded rows %v, want %v", rows, want)
	}
	for _, e := range folded.Edges {
		if e.Kind != Straight {
			t.Errorf("folded ResNet-18: a %d edge %s -> %s", e.Kind, folded.Boxes[e.From].Name, folded.Boxes[e.To].Name)
		}
	}
}

// TestFixtureBlocks checks the blocks found in the importer's fixtures:
// residual blocks, inverted residuals, dense blocks and inceptions.
func TestFixtureBlocks(t *testing.T) {
	for _, c := range []struct {
		file        string
		n           int
		first, last string
	}{
		{"resnet-opset17-bn", 4, "layer1.0", "layer4.0"},
		{"mobilenet-v2-opset13", 19, "features.0", "features.18"},
		{"densenet-opset13", 3, "features.denseblock1", "features.denseblock3"},
		{"googlenet-opset13", 9, "inception3a", "inception5b"},
		{"squeezenet1-1-opset13", 8, "features.3", "features.12"},
	} {
		m, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", c.file+".onnx"), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := FromModel(m)
		b := Blocks(g)
		if len(b) != c.n || b[0].Name != c.first || b[len(b)-1].Name != c.last {
			var names []string
			for _, x := range b {
				names = append(names, x.Name)
			}
			t.Errorf("%s: blocks %v, want %d from %s to %s", c.file, names, c.n, c.first, c.last)
		}
		checkEdges(t, g, Lay(g, Options{}))
	}
}

// golden compares d's SVG (byte for byte) and PNG (pixel by pixel, within
// a rounding step) with testdata/NAME.svg and .png, or writes them with
// -update.
func golden(t *testing.T, name string, d Drawing) {
	t.Helper()
	svg, err := SVG(d)
	if err != nil {
		t.Fatal(err)
	}
	pngData, err := PNG(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	svgPath, pngPath := filepath.Join("testdata", name+".svg"), filepath.Join("testdata", name+".png")
	if *update {
		if err := os.WriteFile(svgPath, svg, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pngPath, pngData, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatalf("%v (go test ./graphdraw -update writes it)", err)
	}
	if !bytes.Equal(svg, want) {
		t.Errorf("%s differs from the golden file; look at the new drawing and run with -update if it is right", svgPath)
	}
	wantPNG, err := os.ReadFile(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	a, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	b, err := png.Decode(bytes.NewReader(wantPNG))
	if err != nil {
		t.Fatal(err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatalf("%s: size %v, golden %v", pngPath, a.Bounds(), b.Bounds())
	}
	if n := differing(a, b); n > a.Bounds().Dx()*a.Bounds().Dy()/1000 {
		t.Errorf("%s: %d pixels differ; look at the new drawing and run with -update if it is right", pngPath, n)
	}
}

// differing counts the pixels whose channels differ by more than 3 in 8
// bits (anti-aliasing may vary a little between processors).
func differing(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d > 3 || d < -3 {
					n++
					break
				}
			}
		}
	}
	return n
}

func BenchmarkLayResNet18(b *testing.B) {
	g := resNet18(b)
	for b.Loop() {
		if _, err := PNG(Lay(g, Options{}), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// TestViTRepeat folds the ViT fixture's two encoder blocks, which repeat
// each other, into one row with Repeat, and each into its own row
// without; ResNet-18's blocks (a downsampling one in each stage) are
// runs of two where they repeat.
func TestViTRepeat(t *testing.T) {
	m, err := importer.ImportFile(filepath.Join("..", "importer", "testdata", "vit-opset17.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := FromModel(m)
	cases := []struct {
		name string
		g    Graph
		opt  Options
		rows []string
	}{
		{"vit folded", g, Options{Fold: true}, []string{"input", "conv_proj", "tokens1", "class_token1", "encoder.pos_embedding",
			"encoder.layers.encoder_layer_0", "encoder.layers.encoder_layer_1", "encoder.ln", "token1", "heads.head"}},
		{"vit repeats", g, Options{Fold: true, Repeat: true}, []string{"input", "conv_proj", "tokens1", "class_token1", "encoder.pos_embedding",
			"encoder.layers.encoder_layer_0", "encoder.ln", "token1", "heads.head"}},
		{"resnet-18 repeats", resNet18(t), Options{Fold: true, Repeat: true}, []string{"input", "conv1", "relu", "maxpool", "layer1.0",
			"layer2.0", "layer2.1", "layer3.0", "layer3.1", "layer4.0", "layer4.1", "avgpool", "flatten", "fc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Lay(c.g, c.opt)
			var rows []string
			for _, b := range d.Boxes {
				rows = append(rows, b.Name)
			}
			if !slices.Equal(rows, c.rows) {
				t.Errorf("rows %v, want %v", rows, c.rows)
			}
			for _, e := range d.Edges {
				if e.From >= e.To {
					t.Errorf("an edge from row %d back to row %d", e.From, e.To)
				}
			}
		})
	}
	d := Lay(g, Options{Fold: true, Repeat: true})
	b := d.Boxes[5]
	if b.Title != "encoder.layers.encoder_layer_0 … encoder_layer_1 (×2)" || b.Detail != "2 × residual block · 10 layers each · 17×1×32" {
		t.Errorf("the encoder's row %q, %q", b.Title, b.Detail)
	}
}
