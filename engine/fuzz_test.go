package engine

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// maxFuzzPad caps the zero bytes a FuzzLoad input appends: a little more
// than a model of the study's architecture needs.
const maxFuzzPad = 8 << 20

// fuzzBuf holds the file of the FuzzLoad input being run; its bytes past
// fuzzUsed are zero. Reusing it spares clearing megabytes per input (the
// inputs of one process run one at a time, and Load only reads its data).
var (
	fuzzBuf  []byte
	fuzzUsed int
)

// fuzzFile is the weights file of a FuzzLoad input: prefix, then pad zero
// bytes (at most maxFuzzPad). It is valid until the next call.
func fuzzFile(prefix []byte, pad uint32) []byte {
	n := len(prefix) + min(int(pad), maxFuzzPad)
	if n > len(fuzzBuf) {
		fuzzBuf, fuzzUsed = make([]byte, max(n, maxFuzzPad+64<<10)), 0
	}
	clear(fuzzBuf[:fuzzUsed])
	fuzzUsed = copy(fuzzBuf, prefix)
	return fuzzBuf[:n]
}

// FuzzLoad feeds Load arbitrary weights files. An input is the file's
// first bytes and a count of zero bytes after them, so that the seeds in
// testdata/fuzz/FuzzLoad (made by testdata/mkcorpus) hold whole models, the
// header followed by megabytes of zero weights, in a few kilobytes, and
// the fuzzer mutates the header, where the structure is. Run it with
//
//	go test -run='^$' -fuzz='^FuzzLoad$' -fuzztime=20s ./engine
//
// Load must never panic; it either refuses the file with an error wrapping
// ErrBadWeights, or returns a model that has every tensor of its
// architecture, finite, that predicts (a model describing layers too large
// to run once ended the process for want of memory), and that writes
// itself back to a file Load reads to the same weights.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"), uint32(0))
	f.Fuzz(func(t *testing.T, prefix []byte, pad uint32) {
		m, err := Load(fuzzFile(prefix, pad))
		if err != nil {
			if !errors.Is(err, ErrBadWeights) {
				t.Fatalf("error %q does not wrap ErrBadWeights", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q has several lines", err)
			}
			return
		}
		checkLoaded(t, m)
		// What the window and the commands do at once with a model.
		p, err := m.Predict(make([]float32, m.Input().Len()))
		if err != nil {
			t.Fatalf("a loaded model cannot predict: %v", err)
		}
		if len(p.Probabilities) != len(m.Meta.Classes) {
			t.Fatalf("%d probabilities for %d classes", len(p.Probabilities), len(m.Meta.Classes))
		}
		data, err := m.Marshal()
		if err != nil {
			t.Fatalf("a loaded model does not marshal: %v", err)
		}
		again, err := Load(data)
		if err != nil {
			t.Fatalf("a loaded model, written back, does not load: %v", err)
		}
		for i, p := range m.Params() {
			if !slices.Equal(p.Data, again.Params()[i].Data) {
				t.Fatalf("tensor %s changed when written back", p.Name)
			}
		}
	})
}

// checkLoaded fails t unless m has the classes, an input ArtLens can
// read pictures into, and finite tensors of the shapes its architecture
// plans, which the rest of ArtLens relies on.
func checkLoaded(t *testing.T, m *Model) {
	t.Helper()
	in := m.Input()
	if len(m.Meta.Classes) < 2 || (in.Channels != 1 && in.Channels != 3) || in.Width < 1 || in.Height < 1 {
		t.Fatalf("loaded a model with %d classes and input %+v", len(m.Meta.Classes), in)
	}
	steps, err := m.arch.plan(len(m.Meta.Classes))
	if err != nil {
		t.Fatalf("loaded a model whose architecture does not plan: %v", err)
	}
	specs := paramSpecs(steps)
	params := m.Params()
	if len(params) != len(specs) {
		t.Fatalf("loaded %d tensors, want %d", len(params), len(specs))
	}
	for i, p := range params {
		if p.Name != specs[i].Name || !slices.Equal(p.Shape, []int(specs[i].Shape)) || len(p.Data) != specs[i].Shape.TotalSize() {
			t.Fatalf("tensor %d is %s %v with %d values, want %s %v", i, p.Name, p.Shape, len(p.Data), specs[i].Name, specs[i].Shape)
		}
		for j, v := range p.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("tensor %s holds %v at %d", p.Name, v, j)
			}
		}
	}
}

// TestFuzzLoadSeeds checks that the seed corpus holds what its names say:
// the models load, the damaged ones are refused for their damage.
func TestFuzzLoadSeeds(t *testing.T) {
	want := map[string]string{
		"empty":                      "too short",
		"text":                       "not a safetensors file",
		"zeros":                      "truncated or damaged",
		"model-zero-weights":         "",
		"model-some-weights":         "",
		"model-odd-evaluation":       "",
		"model-truncated":            "truncated",
		"model-trailing-bytes":       "truncated or damaged",
		"model-nan-weight":           "non-finite value",
		"header-cut":                 "truncated or damaged",
		"header-empty":               "no ArtLens metadata",
		"header-no-tensors":          "no ArtLens metadata",
		"model-no-metadata":          "no ArtLens metadata",
		"model-metadata-damaged":     "metadata is damaged",
		"model-class-count-mismatch": "metadata names 3 classes",
		"model-input-size":           "128x128",
		"model-f16-tensor":           "truncated or damaged",
		"model-huge-shape":           "truncated or damaged",
		"model-missing-tensor":       "truncated or damaged",
		"model-bad-offsets":          "truncated or damaged",
		"arch-small":                 "",
		"arch-huge-padding":          "would work on 1.32e+13 values",
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d seeds in %s, want %d", len(entries), dir, len(want))
	}
	for _, e := range entries {
		prefix, pad := readLoadSeed(t, filepath.Join(dir, e.Name()))
		m, err := Load(fuzzFile(prefix, pad))
		w, ok := want[e.Name()]
		switch {
		case !ok:
			t.Errorf("unexpected seed %s", e.Name())
		case w == "" && err != nil:
			t.Errorf("%s: %v", e.Name(), err)
		case w == "":
			checkLoaded(t, m)
		case err == nil || !strings.Contains(err.Error(), w):
			t.Errorf("%s: error %v, want one saying %q", e.Name(), err, w)
		}
	}
}

// readLoadSeed reads a FuzzLoad corpus file: a []byte and a uint32.
func readLoadSeed(t *testing.T, path string) ([]byte, uint32) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" ||
		!strings.HasPrefix(lines[1], "[]byte(") || !strings.HasPrefix(lines[2], "uint32(") {
		t.Fatalf("%s is not a FuzzLoad corpus file", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(lines[2], "uint32("), ")"), 10, 32)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s), uint32(n)
}

func TestLoadRefusesHugeLayers(t *testing.T) {
	// 900 bytes that describe a conv layer on maps of 2 million × 2
	// million: running it ended the process ("out of memory").
	huge := Arch{Input: Input{Channels: 3, Height: 8, Width: 8}, Layers: []Layer{
		{Kind: Conv2D, Filters: 1, Kernel: []int{1}, Padding: PaddingExplicit, Pads: []int{1 << 20, 1 << 20, 1 << 20, 1 << 20}},
		{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense}}}
	// An average pooling padded beyond any int: plan's sizes overflow.
	overflow := Arch{Input: Input{Channels: 3, Height: 8, Width: 8}, Layers: []Layer{
		{Kind: AvgPool, Kernel: []int{2}, Padding: PaddingExplicit, Pads: []int{1 << 61, 1 << 61, 1 << 61, 1 << 61}},
		{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense}}}
	// A large but usable input still loads.
	large := Arch{Input: Input{Channels: 3, Height: 512, Width: 512}, Layers: []Layer{
		{Kind: Conv2D, Filters: 8, Kernel: []int{3}, Padding: PaddingSame}, {Kind: ReLU},
		{Kind: GlobalAvgPool}, {Kind: Flatten}, {Kind: Dense}}}
	for _, c := range []struct {
		name string
		arch Arch
		want string
	}{
		{"huge padding", huge, "layer 1 (conv1) would work on 1.32e+13 values for each picture"},
		{"overflowing padding", overflow, "layer 1 (pool1) would work on"},
		{"large input", large, ""},
	} {
		// Every way in (a file, an ONNX import, an --arch file) plans the
		// architecture, and planning refuses it.
		if err := c.arch.Validate(2); c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: Validate: %v, want %q", c.name, err, c.want)
		}
		m, err := NewModelArch(c.arch, []string{"a", "b"}, 1)
		if err != nil {
			if c.want != "" && (strings.Contains(err.Error(), "does not fit") || strings.Contains(err.Error(), c.want)) {
				continue
			}
			t.Fatalf("%s: %v", c.name, err)
		}
		data, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := Load(data)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if _, err := got.Predict(make([]float32, got.Input().Len())); err != nil {
				t.Errorf("%s: predict: %v", c.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrBadWeights) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
