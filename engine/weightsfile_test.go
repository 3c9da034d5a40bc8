package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"
)

func testModel(t *testing.T) *Model {
	t.Helper()
	m, err := NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 42)
	if err != nil {
		t.Fatal(err)
	}
	m.Meta.History = []Epoch{{Epoch: 1, TrainLoss: 1.2, TrainAccuracy: 0.5, ValLoss: 1.1, ValAccuracy: 0.55, LearningRate: 0.001, Seconds: 80}}
	m.Meta.BestEpoch = 1
	ev, _ := NewEvaluation(m.Meta.Classes, []int{0, 1, 2, 3, 3}, []int{0, 1, 2, 3, 0})
	m.Meta.Test = &ev
	m.Meta.DataFingerprint = "abc123"
	m.Meta.Training = map[string]string{"epochs": "1"}
	return m
}

func TestWeightsRoundTrip(t *testing.T) {
	m := testModel(t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		q := got.Params()[i]
		if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) || !slices.Equal(p.Data, q.Data) {
			t.Fatalf("tensor %s changed in the round trip", p.Name)
		}
	}
	a, _ := json.Marshal(m.Meta)
	b, _ := json.Marshal(got.Meta)
	if string(a) != string(b) {
		t.Errorf("metadata changed:\n%s\n%s", a, b)
	}
	x, _ := randomBatch(1, 4, 3)
	p1, _ := m.Predict(x)
	p2, _ := got.Predict(x)
	if !slices.Equal(p1.Probabilities, p2.Probabilities) {
		t.Errorf("predictions differ after the round trip: %v vs %v", p1.Probabilities, p2.Probabilities)
	}
	if info, _ := os.Stat(path); info.Mode().Perm()&0o044 == 0 {
		t.Errorf("weights file mode %v is not readable by others", info.Mode())
	}
}

// rewrite re-serialises a model's tensors after edit changes them.
func rewrite(t *testing.T, m *Model, meta *Metadata, edit func(map[string]safetensors.TensorView)) []byte {
	t.Helper()
	views := map[string]safetensors.TensorView{}
	for _, p := range m.Params() {
		buf := make([]byte, 4*len(p.Data))
		for i, v := range p.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		dims := make([]uint64, len(p.Shape))
		for i, d := range p.Shape {
			dims[i] = uint64(d)
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, dims, buf)
		if err != nil {
			t.Fatal(err)
		}
		views[p.Name] = tv
	}
	edit(views)
	info := map[string]string{}
	if meta != nil {
		js, _ := json.Marshal(meta)
		info[metadataKey] = string(js)
	}
	data, err := safetensors.Serialize(views, info)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestLoadRefusesBadFiles(t *testing.T) {
	m := testModel(t)
	good, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(good); err != nil {
		t.Fatalf("a good file was refused: %v", err)
	}
	meta := m.Meta
	fiveClasses := m.Meta
	fiveClasses.Classes = append(slices.Clone(m.Meta.Classes), "engraving")
	otherSize := m.Meta
	otherSize.InputSize = 128
	nan := func(v map[string]safetensors.TensorView) {
		tv := v["conv2.bias"]
		data := slices.Clone(tv.Data())
		binary.LittleEndian.PutUint32(data[8:], math.Float32bits(float32(math.NaN())))
		v["conv2.bias"], _ = safetensors.NewTensorView(safetensors.F32, tv.Shape(), data)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty or too short"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"text", []byte("<html><body>not a model</body></html>"), "truncated or not a safetensors"},
		{"damaged header", append(append([]byte{}, good[:8]...), make([]byte, len(good)-8)...), "damaged"},
		{"no metadata", rewrite(t, m, nil, func(map[string]safetensors.TensorView) {}), "no ArtLens metadata"},
		{"missing tensor", rewrite(t, m, &meta, func(v map[string]safetensors.TensorView) { delete(v, "conv3.weight") }), `missing tensor "conv3.weight"`},
		{"wrong shape", rewrite(t, m, &meta, func(v map[string]safetensors.TensorView) {
			v["conv1.bias"], _ = safetensors.NewTensorView(safetensors.F32, []uint64{16}, make([]byte, 64))
		}), `"conv1.bias" has shape [16], want [32]`},
		{"other class count", rewrite(t, m, &fiveClasses, func(map[string]safetensors.TensorView) {}), "names 5 classes"},
		{"other input size", rewrite(t, m, &otherSize, func(map[string]safetensors.TensorView) {}), "128x128"},
		{"non-finite weight", rewrite(t, m, &meta, nan), "non-finite"},
		{"extra tensor", rewrite(t, m, &meta, func(v map[string]safetensors.TensorView) {
			v["conv6.weight"], _ = safetensors.NewTensorView(safetensors.F32, []uint64{1}, make([]byte, 4))
		}), "tensors this network does not have"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.data)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrBadWeights) {
				t.Errorf("error %v does not wrap ErrBadWeights", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "absent.safetensors")); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("missing file: %v", err)
	}
}
