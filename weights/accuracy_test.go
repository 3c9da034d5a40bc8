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

// TestShippedAccuracy evaluates the shipped model on the real test set and
// checks the metrics stored in the file: the figures the app and the README
// show are the ones a user gets. Skipped without the data set.
func TestShippedAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the whole test set")
	}
	if _, err := os.Stat(realData); err != nil {
		t.Skipf("no data set at %s", realData)
	}
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	data, err := dataset.Load(dataset.Config{Root: realData, Classes: m.Meta.Classes, CacheDir: t.TempDir()}, nil)
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
	// The seed study reports 87 %; the shipped model must match it on the
	// de-duplicated test set.
	if ev.Accuracy < 0.87 {
		t.Errorf("test accuracy %.2f%%, below the study's 87%%", 100*ev.Accuracy)
	}
	t.Logf("test accuracy %.2f%% on %d images", 100*ev.Accuracy, ev.Total)
}
