package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFeaturesFeedTheOutputLayer checks that Prediction.Features are the
// input of the output layer: the softmax of features·W + b, computed here
// by hand from dense3's weights, gives the predicted probabilities.
func TestFeaturesFeedTheOutputLayer(t *testing.T) {
	m, err := NewModel([]string{"a", "b", "c"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	input := make([]float32, 3*InputSize*InputSize)
	for i := range input {
		input[i] = rng.Float32()
	}
	p, err := m.Predict(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Features) != DenseUnits[1] {
		t.Fatalf("%d features, want %d", len(p.Features), DenseUnits[1])
	}
	var w, b []float32
	for _, prm := range m.Params() {
		switch prm.Name {
		case "dense3.weight":
			w = prm.Data // (256, classes)
		case "dense3.bias":
			b = prm.Data
		}
	}
	classes := len(b)
	logits := make([]float64, classes)
	sum := 0.0
	for c := range classes {
		v := float64(b[c])
		for i, f := range p.Features {
			if f < 0 {
				t.Fatalf("feature %d is %g: the ReLU should keep it >= 0", i, f)
			}
			v += float64(f) * float64(w[i*classes+c])
		}
		logits[c] = math.Exp(v)
		sum += logits[c]
	}
	for c := range classes {
		if got, want := float64(p.Probabilities[c]), logits[c]/sum; math.Abs(got-want) > 1e-5 {
			t.Errorf("class %d: probability %g, softmax of the features gives %g", c, got, want)
		}
	}
}
