package collection

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// labelledFolder writes a collection sorted by a curator into folders
// dark/ and bright/, with known mistakes: two bright pictures filed under
// dark, one dark picture under bright, and a picture in an unlabelled
// folder. It returns the root.
func labelledFolder(t *testing.T) string {
	root := t.TempDir()
	for _, f := range []struct {
		path string
		red  uint8
	}{
		{"dark/d1.png", 50}, {"dark/d2.png", 60}, {"dark/d3.png", 70},
		{"dark/wrong-b1.png", 220}, {"dark/wrong-b2.png", 230},
		{"bright/b1.png", 200}, {"bright/b2.png", 210}, {"bright/sub/b3.png", 240}, {"bright/b4.png", 250},
		{"bright/wrong-d1.png", 20},
		{"misc/m1.png", 100},
	} {
		writePNG(t, filepath.Join(root, f.path), 40, 30, uniform(f.red))
	}
	if err := os.WriteFile(filepath.Join(root, "notes.txt"), []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func names(items []*Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, filepath.Base(it.Path))
	}
	sort.Strings(out)
	return out
}

func TestLabelledCollectionConfusion(t *testing.T) {
	root := labelledFolder(t)
	m := redModel(t)
	items, _, _ := analyseAll(t, m, Options{Workers: 2}, root)
	if len(items) != 11 {
		t.Fatalf("%d items, want 11 (notes.txt is not a picture)", len(items))
	}
	ev, cells, err := Evaluate(items, m.Meta.Classes)
	if err != nil {
		t.Fatal(err)
	}
	// Rows: true dark, bright; columns: predicted dark, bright.
	want := [][]int{{3, 2}, {1, 4}}
	if !slices.EqualFunc(ev.Confusion, want, slices.Equal) {
		t.Errorf("confusion %v, want %v", ev.Confusion, want)
	}
	if ev.Total != 10 || math.Abs(ev.Accuracy-0.7) > 1e-9 {
		t.Errorf("total %d accuracy %g, want 10 and 0.7 (misc/ names no class)", ev.Total, ev.Accuracy)
	}
	wantCells := [][][]string{
		{{"d1.png", "d2.png", "d3.png"}, {"wrong-b1.png", "wrong-b2.png"}},
		{{"wrong-d1.png"}, {"b1.png", "b2.png", "b3.png", "b4.png"}},
	}
	for tr := range 2 {
		for p := range 2 {
			if got := names(cells[tr][p]); !slices.Equal(got, wantCells[tr][p]) {
				t.Errorf("cell (%d, %d): %v, want %v", tr, p, got, wantCells[tr][p])
			}
		}
	}
	for _, it := range items {
		if it.Folder == "bright/sub" && it.Truth != 1 {
			t.Errorf("%s: true class %d, want bright from its parent folder", it.Path, it.Truth)
		}
		if it.Folder == "misc" && (it.Truth != -1 || it.Right() || it.Wrong()) {
			t.Errorf("%s: true class %d, want none", it.Path, it.Truth)
		}
		if it.Class == it.Second {
			t.Errorf("%s: second choice is the first", it.Path)
		}
	}
}

func TestTrueClassMapping(t *testing.T) {
	classes := dataset.DefaultClasses
	for _, c := range []struct {
		labels []string
		want   string
	}{
		{[]string{"engraving", "validation_set", "art-images"}, "drawings"},
		{[]string{"Painting", "x"}, "painting"},
		{[]string{"2021", "sculpture"}, "sculpture"},
		{[]string{"iconography", "drawings"}, "iconography"}, // the deepest wins
		{[]string{"photos"}, ""},
	} {
		got := TrueClass(File{Labels: c.labels}, classes, dataset.DefaultClassMap)
		name := ""
		if got >= 0 {
			name = classes[got]
		}
		if name != c.want {
			t.Errorf("%v: %q, want %q", c.labels, name, c.want)
		}
	}
}

func TestCacheReusedAndInvalidated(t *testing.T) {
	root := labelledFolder(t)
	dir := t.TempDir()
	m := redModel(t)
	fp := Fingerprint(m)
	cache := OpenCache(dir, fp, []string{root})
	first, _, _ := analyseAll(t, m, Options{Cache: cache}, root)
	if err := cache.Save(true); err != nil {
		t.Fatal(err)
	}

	// Reopened: every result comes from the cache, the same as before.
	cache = OpenCache(dir, fp, []string{root})
	if cache.Len() != 11 {
		t.Fatalf("cache holds %d records, want 11", cache.Len())
	}
	again, results, _ := analyseAll(t, m, Options{Cache: cache}, root)
	for _, r := range results {
		if !r.Cached {
			t.Errorf("%s analysed again", r.File.Path)
		}
	}
	for i := range first {
		if !slices.Equal(first[i].Probabilities, again[i].Probabilities) || !bytes.Equal(first[i].Thumb, again[i].Thumb) {
			t.Errorf("%s: cached result differs", first[i].Path)
		}
	}

	// A changed file is analysed again, and its new content counts.
	changed := filepath.Join(root, "dark", "d1.png")
	writePNG(t, changed, 40, 30, uniform(255))
	third, results, _ := analyseAll(t, m, Options{Cache: cache}, root)
	for _, r := range results {
		if r.Cached == (r.File.Path == changed) {
			t.Errorf("%s: cached %v", r.File.Path, r.Cached)
		}
	}
	for _, it := range third {
		if it.Path == changed && it.Class != 1 {
			t.Errorf("changed picture still predicted %d", it.Class)
		}
	}
	if err := cache.Save(true); err != nil {
		t.Fatal(err)
	}
	if n := OpenCache(dir, fp, []string{root}).Len(); n != 11 {
		t.Errorf("after pruning the cache holds %d records, want 11 (the old d1 dropped)", n)
	}

	// Another model does not see this model's results.
	other := redModel(t)
	other.Params()[0].Data[5] = 0.5
	if fp2 := Fingerprint(other); fp2 == fp {
		t.Fatal("a changed weight keeps the fingerprint")
	} else if n := OpenCache(dir, fp2, []string{root}).Len(); n != 0 {
		t.Errorf("another model's cache holds %d records", n)
	}

	// A damaged cache file is an empty cache, not an error.
	if err := os.WriteFile(cache.Path(), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := OpenCache(dir, fp, []string{root}).Len(); n != 0 {
		t.Errorf("damaged cache gives %d records", n)
	}
}

func TestAnalyseCancel(t *testing.T) {
	root := t.TempDir()
	for i := range 30 {
		writePNG(t, filepath.Join(root, "p", string(rune('a'+i%26))+string(rune('a'+i/26))+".png"), 64, 64, noise(uint64(i)))
	}
	files, _, err := Scan([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := 0
	_, err = Analyse(ctx, redModel(t), files, Options{Workers: 2}, func(r Result) {
		done++
		if done == 3 {
			cancel()
		}
	})
	if err != context.Canceled {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if done >= len(files) || done < 3 {
		t.Errorf("%d of %d files done after cancelling at 3", done, len(files))
	}
}

func TestFailedFileReported(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "ok.png"), 10, 10, uniform(9))
	// Starts like a PNG, so the scan takes it, but is cut short.
	if err := os.WriteFile(filepath.Join(root, "cut.png"), []byte("\x89PNG\r\n\x1a\nrest"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _, _ := Scan([]string{root})
	var failed []Result
	_, err := Analyse(context.Background(), redModel(t), files, Options{}, func(r Result) {
		if r.Err != nil {
			failed = append(failed, r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || !strings.HasPrefix(failed[0].Err.Error(), "cut.png: ") || failed[0].Progress.Failed != 1 {
		t.Fatalf("failures %v", failed)
	}
}

// TestTopKMatchesBruteForce ranks pictures by a filter's peak from the kept
// peaks and compares with running the network on each picture and taking
// the maximum of the whole feature map.
func TestTopKMatchesBruteForce(t *testing.T) {
	root := t.TempDir()
	for i := range 14 {
		writePNG(t, filepath.Join(root, string(rune('a'+i))+".png"), 50+i, 60, noise(uint64(i)))
	}
	// A copy of every picture: each content must be ranked once.
	for i := range 14 {
		data, _ := os.ReadFile(filepath.Join(root, string(rune('a'+i))+".png"))
		os.WriteFile(filepath.Join(root, "z-copy-"+string(rune('a'+i))+".png"), data, 0o644)
	}
	m, err := engine.NewModel(dataset.DefaultClasses, 5)
	if err != nil {
		t.Fatal(err)
	}
	items, _, layout := analyseAll(t, m, Options{Workers: 2}, root)
	preds := map[string]*engine.Prediction{}
	for _, it := range items {
		img, _, err := picture.Open(it.Path)
		if err != nil {
			t.Fatal(err)
		}
		if preds[it.Path], err = m.Predict(picture.ToInput(img, engine.InputSize)); err != nil {
			t.Fatal(err)
		}
	}
	rf := Fields(StudySteps)
	for layer := 1; layer <= 5; layer++ {
		for _, filter := range []int{1, 2, 7, layout[layer-1].Channels} {
			type brute struct {
				path string
				v    float32
				at   int
			}
			var all []brute
			for _, it := range items {
				if strings.Contains(it.Path, "z-copy-") {
					continue
				}
				a := preds[it.Path].Activations[layer-1]
				mp := a.Map(filter - 1)
				best, at := mp[0], 0
				for i, v := range mp {
					if v > best {
						best, at = v, i
					}
				}
				all = append(all, brute{it.Path, best, at})
			}
			sort.SliceStable(all, func(i, j int) bool { return all[i].v > all[j].v })
			hits := TopK(items, layout, rf, 64, 64, layer, filter, 5)
			if len(hits) != 5 {
				t.Fatalf("layer %d filter %d: %d hits", layer, filter, len(hits))
			}
			for i, h := range hits {
				b := all[i]
				if h.Score != b.v || h.Item.Path != b.path {
					t.Errorf("layer %d filter %d rank %d: %s %g, brute force %s %g", layer, filter, i+1, h.Item.Path, h.Score, b.path, b.v)
					continue
				}
				w := layout[layer-1].Width
				if want := rf[layer-1].Region(b.at/w, b.at%w, 64, 64); h.Region != want {
					t.Errorf("layer %d filter %d rank %d: region %v, want %v", layer, filter, i+1, h.Region, want)
				}
			}
		}
	}
	if err := layout.Check(6, 1); err == nil {
		t.Error("layer 6 accepted")
	}
	if err := layout.Check(1, 33); err == nil {
		t.Error("filter 33 of layer 1 accepted")
	}
}

func TestSimilarMatchesBruteForce(t *testing.T) {
	root := t.TempDir()
	for i := range 12 {
		writePNG(t, filepath.Join(root, string(rune('a'+i))+".png"), 32, 32, noise(uint64(100+i)))
	}
	// A copy of a.png: same content, never its own neighbour.
	data, _ := os.ReadFile(filepath.Join(root, "a.png"))
	os.WriteFile(filepath.Join(root, "copy-of-a.png"), data, 0o644)
	m, err := engine.NewModel(dataset.DefaultClasses, 9)
	if err != nil {
		t.Fatal(err)
	}
	items, _, _ := analyseAll(t, m, Options{}, root)
	target := items[0]
	type scored struct {
		path string
		v    float64
	}
	var all []scored
	for _, it := range items {
		if it.Hash == target.Hash {
			continue
		}
		var dot, a, b float64
		for i := range it.Features {
			x, y := float64(target.Features[i]), float64(it.Features[i])
			dot, a, b = dot+x*y, a+x*x, b+y*y
		}
		all = append(all, scored{it.Path, dot / math.Sqrt(a*b)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	hits := Similar(items, target, 4)
	if len(hits) != 4 {
		t.Fatalf("%d hits", len(hits))
	}
	for i, h := range hits {
		if h.Item.Path != all[i].path || math.Abs(float64(h.Score)-all[i].v) > 1e-5 {
			t.Errorf("rank %d: %s %g, want %s %g", i+1, h.Item.Path, h.Score, all[i].path, all[i].v)
		}
	}
}

func TestExport(t *testing.T) {
	root := labelledFolder(t)
	m := redModel(t)
	items, _, _ := analyseAll(t, m, Options{}, root)
	var buf bytes.Buffer
	if err := (Export{Classes: m.Meta.Classes}).WriteCSV(&buf, items); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(items)+1 || strings.Join(rows[0], ",") != "path,folder,predicted,probability,second,second_probability,true,right,p_dark,p_bright" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[filepath.Base(r[0])] = r
	}
	for name, want := range map[string][]string{
		"wrong-b1.png": {"dark", "bright", "1.0000", "dark", "0.0000", "dark", "false", "0.0000", "1.0000"},
		"d2.png":       {"dark", "dark", "1.0000", "bright", "0.0000", "dark", "true", "1.0000", "0.0000"},
		"m1.png":       {"misc", "dark", "1.0000", "bright", "0.0000", "", "", "1.0000", "0.0000"},
	} {
		if got := byName[name][1:]; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	buf.Reset()
	if err := (Export{Classes: m.Meta.Classes}).WriteJSON(&buf, items); err != nil {
		t.Fatal(err)
	}
	var back []ExportRow
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != len(items) {
		t.Fatalf("%d JSON rows", len(back))
	}
	for i, r := range back {
		if r.Path != items[i].Path || r.Predicted != m.Meta.Classes[items[i].Class] || (r.Right == nil) != (items[i].Truth < 0) {
			t.Errorf("row %d: %+v", i, r)
		}
	}
}

// TestDistinct keeps the first path of each content whatever the order
// the items come in, as dataset's test split does.
func TestDistinct(t *testing.T) {
	h := func(b byte) [32]byte { return [32]byte{b} }
	items := []*Item{
		{Path: "v/painting/b.jpg", Hash: h(1)},
		{Path: "v/drawings/z.jpg", Hash: h(2)},
		{Path: "v/drawings/a.jpg", Hash: h(1)}, // a copy of b under another class: the first path wins
		{Path: "v/sculpture/c.jpg", Hash: h(1)},
		{Path: "v/sculpture/d.jpg", Hash: h(3)},
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {3, 0, 4, 2, 1}} {
		var d Distinct
		for _, i := range order {
			d.Add(items[i])
		}
		var got []string
		for _, it := range d.Items {
			got = append(got, it.Path)
		}
		sort.Strings(got)
		if want := "v/drawings/a.jpg v/drawings/z.jpg v/sculpture/d.jpg"; strings.Join(got, " ") != want || d.Dropped != 2 {
			t.Errorf("order %v: kept %v, dropped %d; want %s, 2", order, got, d.Dropped, want)
		}
	}
}

// TestBatchPerCore checks that Analyse's graphs run 16 pictures of the
// study's network at once and fewer of a network with larger maps: 2 of
// one whose first conv layer alone has 64 maps of 224x224 (3.2 million
// values, as many as ResNet-18's places at that size), 1 of one with
// twice those.
func TestBatchPerCore(t *testing.T) {
	study, err := engine.NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := batchPerCore(study); n != 16 {
		t.Errorf("the study's network: %d pictures a graph, want 16", n)
	}
	for _, c := range []struct{ filters, want int }{{64, 2}, {128, 1}} {
		a := engine.Arch{Input: engine.Input{Channels: 3, Height: 224, Width: 224}, Layers: []engine.Layer{
			{Kind: engine.Conv2D, Filters: c.filters, Kernel: []int{3}, Padding: engine.PaddingSame},
			{Kind: engine.GlobalAvgPool}, {Kind: engine.Flatten}, {Kind: engine.Dense}}}
		m, err := engine.NewModelArch(a, []string{"a", "b"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := batchPerCore(m); n != c.want {
			t.Errorf("%d maps of 224x224: %d pictures a graph, want %d", c.filters, n, c.want)
		}
	}
}

// TestModelLayoutIsPredictions checks that the layout read from the
// architecture is the shapes of a prediction's maps.
func TestModelLayoutIsPredictions(t *testing.T) {
	m, err := engine.NewModel([]string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ModelLayout(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(make([]float32, m.Input().Len()))
	if err != nil {
		t.Fatal(err)
	}
	if want := layoutOf(p); !slices.Equal(l, want) {
		t.Errorf("layout %v, a prediction's maps %v", l, want)
	}
}

// TestBatchPerCoreTransformer checks that a ViT's batch counts what its
// graph keeps, not its places alone: the ViT fixture (32x32, 17 tokens of
// 32 channels, 2 blocks) keeps few values and runs 16 pictures a graph,
// and ViT-B/16's sizes (197 tokens of 768 channels, 12 blocks of 12
// heads, about 38 million values) 1.
func TestBatchPerCoreTransformer(t *testing.T) {
	vit := func(size, patch, channels, blocks, heads int) *engine.Model {
		layers := []engine.Layer{
			{Kind: engine.Conv2D, Name: "patch", Filters: channels, Kernel: []int{patch}, Stride: []int{patch}},
			{Kind: engine.Tokens}, {Kind: engine.ClassToken, Name: "cls"}, {Kind: engine.PosEmbed, Name: "pos"}}
		prev := "pos"
		for b := range blocks {
			name := func(s string) string { return fmt.Sprintf("b%d.%s", b, s) }
			layers = append(layers,
				engine.Layer{Kind: engine.LayerNorm, Name: name("ln1")},
				engine.Layer{Kind: engine.Conv2D, Name: name("in"), Filters: 3 * channels, Kernel: []int{1}},
				engine.Layer{Kind: engine.Attention, Name: name("attn"), Heads: heads},
				engine.Layer{Kind: engine.Conv2D, Name: name("out"), Filters: channels, Kernel: []int{1}},
				engine.Layer{Kind: engine.Add, Name: name("add"), Inputs: []string{name("out"), prev}},
				engine.Layer{Kind: engine.LayerNorm, Name: name("ln2")},
				engine.Layer{Kind: engine.Conv2D, Name: name("mlp1"), Filters: 4 * channels, Kernel: []int{1}},
				engine.Layer{Kind: engine.GELU, Name: name("gelu")},
				engine.Layer{Kind: engine.Conv2D, Name: name("mlp2"), Filters: channels, Kernel: []int{1}},
				engine.Layer{Kind: engine.Add, Name: name("block"), Inputs: []string{name("mlp2"), name("add")}})
			prev = name("block")
		}
		layers = append(layers, engine.Layer{Kind: engine.LayerNorm, Name: "ln"}, engine.Layer{Kind: engine.Token, Name: "class"},
			engine.Layer{Kind: engine.Dense, Name: "head"})
		m, err := engine.NewModelArch(engine.Arch{Input: engine.Input{Channels: 3, Height: size, Width: size}, Layers: layers}, []string{"a", "b"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if n := batchPerCore(vit(32, 8, 32, 2, 2)); n != 16 {
		t.Errorf("the small ViT: %d pictures a graph, want 16", n)
	}
	if n := batchPerCore(vit(224, 16, 768, 12, 12)); n != 1 {
		t.Errorf("ViT-B/16: %d pictures a graph, want 1", n)
	}
}
