package importer

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzImport feeds damaged and crafted ONNX files to the importer: it must
// refuse them with an error or return a model that predicts, never crash
// or hang. The seed corpus is the small fixtures in testdata (the 5.8 MB
// study export is left out to keep each run quick).
//
//	go test -run='^$' -fuzz='^FuzzImport$' -fuzztime=20s ./importer
func FuzzImport(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.onnx"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte{})
	f.Add([]byte("not an onnx file"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Import(data, Options{})
		if err != nil {
			if m != nil {
				t.Fatalf("Import returned a model and an error: %v", err)
			}
			return
		}
		in := m.Input()
		if in.Len() <= 0 {
			t.Fatalf("imported model takes %d values", in.Len())
		}
		if in.Len() > 4096 {
			return // predicting a large picture is slow, not wrong; keep the fuzzer fast
		}
		p, err := m.Predict(make([]float32, in.Len()))
		if err != nil {
			return // refused at prediction with a reason: allowed
		}
		if len(p.Probabilities) != len(m.Meta.Classes) {
			t.Fatalf("%d probabilities for %d classes", len(p.Probabilities), len(m.Meta.Classes))
		}
	})
}
