package history

import (
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

func TestHistorySummary(t *testing.T) {
	h := []engine.Epoch{{Epoch: 1, TrainAccuracy: 0.5, ValAccuracy: 0.6, Seconds: 60}, {Epoch: 2, TrainAccuracy: 0.7, ValAccuracy: 0.8, Seconds: 60}}
	for _, tc := range []struct {
		name     string
		training map[string]string
		want     []string
		not      []string
	}{
		{"plain", map[string]string{"averaging": "none"},
			[]string{"Trained for 2 epochs", "The weights of epoch 2 were kept: validation accuracy 80.0%, training accuracy 70.0%.", "Training took 2 min."},
			[]string{"moving average"}},
		{"averaged", map[string]string{"averaging": "exponential moving average of the weights, decay 0.998"},
			[]string{"epoch 2 were kept", "moving average of the weights"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := historySummary(engine.Metadata{History: h, BestEpoch: 2, Training: tc.training})
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("summary %q lacks %q", got, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("summary %q has %q", got, w)
				}
			}
		})
	}
}
