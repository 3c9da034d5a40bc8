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
// architecture, finite, and that writes itself back to a file Load reads
// to the same weights.
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

// checkLoaded fails t unless m has the classes, input size and finite
// tensors of the right shapes that the rest of ArtLens relies on.
func checkLoaded(t *testing.T, m *Model) {
	t.Helper()
	if len(m.Meta.Classes) < 2 || m.Meta.InputSize != InputSize {
		t.Fatalf("loaded a model with %d classes and input size %d", len(m.Meta.Classes), m.Meta.InputSize)
	}
	specs := paramSpecs(len(m.Meta.Classes))
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
