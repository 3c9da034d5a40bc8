package training

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/artlens/artlens/engine"
)

// closeOnWrite closes stop at its first write: the first epoch's line.
type closeOnWrite struct {
	once sync.Once
	stop chan struct{}
	text strings.Builder
}

func (w *closeOnWrite) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.stop) })
	return w.text.Write(p)
}

// Closing Config.Stop (Ctrl-C) ends the run with a StoppedError that names
// the kept epoch and its checkpoint, and the same run then resumes from it.
func TestStopSaysWhatIsKept(t *testing.T) {
	data := tinyData()
	cfg := tinyConfig()
	cfg.Epochs = 3
	dir := t.TempDir()
	w := &closeOnWrite{stop: make(chan struct{})}
	c := cfg
	c.CheckpointDir, c.Stop, c.Progress = dir, w.stop, w
	m, _ := engine.NewModel(data.Classes, 7)
	err := Train(m, data, c)
	var stopped *StoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("Train after Stop: %v, want a *StoppedError", err)
	}
	if stopped.Epoch != 2 || stopped.Kept != 1 {
		t.Errorf("stopped in epoch %d keeping %d, want 2 and 1", stopped.Epoch, stopped.Kept)
	}
	want := "training stopped during epoch 2; the checkpoint of epoch 1 is kept in " + dir + ", and the same command resumes from it"
	if err.Error() != want {
		t.Errorf("message %q\nwant    %q", err, want)
	}
	if strings.Contains(w.text.String(), "\r") {
		t.Errorf("progress into a non-terminal holds carriage returns: %q", w.text.String())
	}
	resumed, _ := engine.NewModel(data.Classes, 99)
	c.Stop, c.Progress = nil, nil
	if err := Train(resumed, data, c); err != nil {
		t.Fatal(err)
	}
	if len(resumed.Meta.History) != 3 {
		t.Errorf("resumed run has %d epochs of history, want 3", len(resumed.Meta.History))
	}
}

func TestStoppedErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		err  StoppedError
		want string
	}{
		{StoppedError{Epoch: 1, Kept: 0, CheckpointDir: "m.checkpoints"}, "training stopped during epoch 1, before any checkpoint was written to m.checkpoints"},
		{StoppedError{Epoch: 5, Kept: 4}, "training stopped during epoch 5; no checkpoints were kept"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.err, got, tc.want)
		}
	}
}
