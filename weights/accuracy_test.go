package weights

import (
	"os"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/training"
)

// realData is where the Art Images download sits in this project's
// workspace (and in CI, beside the clone).
const realData = "../../shared/data/art-images"

// minAccuracy is what each shipped model must reach on the de-duplicated
// test set: the study reports 87 %; issue 20 asks 92 % of the companion,
// which reached 92.30 % (695 of 753), above the 90.0 % of the same network
// trained in PyTorch by the reference recipe.
var minAccuracy = map[string]float64{"study": 0.87, "resnet": 0.92}

// TestShippedAccuracy evaluates each shipped model on the real test set
// and checks the metrics stored in its file: the figures the app and the
// README show are the ones a user gets. Skipped without the data set.
func TestShippedAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the whole test set")
	}
	if _, err := os.Stat(realData); err != nil {
		t.Skipf("no data set at %s", realData)
	}
	for _, e := range Shipped {
		t.Run(e.Name, func(t *testing.T) {
			min, ok := minAccuracy[e.Name]
			if !ok {
				t.Fatalf("no accuracy target for the shipped model %s", e.Name)
			}
			m, err := e.Load()
			if err != nil {
				t.Fatal(err)
			}
			data, err := dataset.Load(dataset.Config{Root: realData, Classes: m.Meta.Classes, Size: m.Input().Width, CacheDir: t.TempDir()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if data.Fingerprint != m.Meta.DataFingerprint {
				t.Errorf("the data's fingerprint %s differs from the one the model was trained on, %s", data.Fingerprint, m.Meta.DataFingerprint)
			}
			ev, err := training.Evaluate(m, data.Test)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Total != m.Meta.Test.Total || ev.Accuracy != m.Meta.Test.Accuracy {
				t.Errorf("test accuracy %.4f on %d images, the file says %.4f on %d", ev.Accuracy, ev.Total, m.Meta.Test.Accuracy, m.Meta.Test.Total)
			}
			if ev.Accuracy < min {
				t.Errorf("test accuracy %.2f%%, below %.0f%%", 100*ev.Accuracy, 100*min)
			}
			t.Logf("test accuracy %.2f%% on %d images", 100*ev.Accuracy, ev.Total)
		})
	}
}
