package weights

import (
	"os"
	"testing"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/dataset"
)

// TestShippedCalibration checks the temperature each shipped model carries
// (`artlens calibrate`, fitted on the validation share held out from
// training): on the real test split its ECE is lower with it than
// without, and the reliability stored in the file is what the test split
// gives. Skipped without the data set.
func TestShippedCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the whole test set")
	}
	if _, err := os.Stat(realData); err != nil {
		t.Skipf("no data set at %s", realData)
	}
	for _, e := range Shipped {
		t.Run(e.Name, func(t *testing.T) {
			m, err := e.Load()
			if err != nil {
				t.Fatal(err)
			}
			T, err := calibration.Temperature(m)
			if err != nil {
				t.Fatal(err)
			}
			c := m.Meta.Calibration
			data, err := dataset.Load(dataset.Config{Root: realData, Classes: m.Meta.Classes, Size: m.Input().Width, CacheDir: t.TempDir(), TestOnly: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			logits, probs, err := calibration.Outputs(m, data.Test.X)
			if err != nil {
				t.Fatal(err)
			}
			before, err := calibration.NewReliability("test", probs, data.Test.Y)
			if err != nil {
				t.Fatal(err)
			}
			after, err := calibration.NewReliability("test", calibration.Apply(logits, T), data.Test.Y)
			if err != nil {
				t.Fatal(err)
			}
			if after.ECE >= before.ECE {
				t.Errorf("ECE %.4f with T = %.4f, %.4f without: not lower", after.ECE, T, before.ECE)
			}
			for i, b := range before.Bins {
				if b.Count != c.Before.Bins[i].Count || after.Bins[i].Count != c.After.Bins[i].Count {
					t.Errorf("bin %d: %d and %d pictures, the file says %d and %d", i, b.Count, after.Bins[i].Count, c.Before.Bins[i].Count, c.After.Bins[i].Count)
				}
			}
			t.Logf("T = %.4f; test ECE %.4f without, %.4f with (%d pictures)", T, before.ECE, after.ECE, before.Count)
		})
	}
}
