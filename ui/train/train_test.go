package train

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// The view's training is the command's: stopped after epoch 2 and resumed,
// it ends on the same weights, bit for bit, as training.Train run as
// 'artlens train --recipe study --arch small --epochs 4 --batch 8 --lr
// 0.001 --augment' runs it on the same folder; the slider goes back
// through the epochs, Save writes any epoch, and Open in Explore opens it.
func TestTrainViewMatchesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network twice")
	}
	classes := []string{"dark", "light", "mid"}
	dir := uitest.ClassFolders(t, classes, 12)
	h, v := trainHarness(t, dir, 4)
	if !strings.Contains(v.counts.Text, "light: 12 pictures") || v.warning.Text == "" {
		t.Errorf("counts %q, warning %q (the classes are tiny)", v.counts.Text, v.warning.Text)
	}
	v.epochHook = func(epoch int, cancel context.CancelFunc) {
		if epoch == 2 {
			cancel() // as a press of Stop right after epoch 2
		}
	}
	v.start()
	r := v.run
	h.WaitFor("the stop", func() bool { return !r.running })
	h.Settle()
	if len(r.epochs) != 2 || !strings.Contains(v.status.Text, "Stopped during epoch 3; 2 epochs kept") || v.resumeB.Disabled() {
		t.Fatalf("after the stop: %d epochs, status %q, resume disabled %v", len(r.epochs), v.status.Text, v.resumeB.Disabled())
	}
	v.epochHook = nil
	v.resume()
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || len(r.epochs) != 4 || r.final == nil {
		t.Fatalf("after resuming: finished %v, %d epochs; status %q", r.finished, len(r.epochs), v.status.Text)
	}

	// The command's run.
	cfg := training.StudyRecipe()
	cfg.Epochs, cfg.Batch, cfg.LearningRate, cfg.Augment, cfg.Workers = 4, 8, 0.001, true, min(runtime.NumCPU(), 2)
	dcfg, err := training.FolderConfig(dir, nil, 0, "-")
	if err != nil {
		t.Fatal(err)
	}
	data, err := training.LoadData(dcfg, training.SmallArch().Input, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := engine.NewModelArch(training.SmallArch(), data.Classes, cfg.Seed)
	if err := training.Train(m, data, cfg); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		if !slices.Equal(p.Data, r.final.Params()[i].Data) {
			t.Fatalf("%s: the view's weights differ from the command's", p.Name)
		}
		if !slices.Equal(p.Data, r.epochs[3].Weights[i]) {
			t.Fatalf("%s: the last epoch kept by the view is not the trained model", p.Name)
		}
	}
	if !slices.Equal(m.Meta.History[3:], []engine.Epoch{r.epochs[3].Epoch}) && m.Meta.History[3].ValLoss != r.epochs[3].Epoch.ValLoss {
		t.Errorf("history differs: %+v vs %+v", m.Meta.History[3], r.epochs[3].Epoch)
	}

	// The slider goes back to epoch 1; its confusion cells list pictures.
	v.slider.SetValue(1)
	h.Settle()
	if v.shown != 1 || !strings.HasPrefix(v.epochLabel.Text, "Epoch 1 of 4") || v.filters.Image == nil || v.maps.Image == nil || v.cam.Image == nil {
		t.Errorf("slider at 1: shown %d, label %q, images %v %v %v", v.shown, v.epochLabel.Text, v.filters.Image != nil, v.maps.Image != nil, v.cam.Image != nil)
	}
	v.showCell(0, 0)
	if !strings.HasPrefix(v.cell.Text, "Epoch 1, dark recognised") {
		t.Errorf("cell text %q", v.cell.Text)
	}
	out := filepath.Join(t.TempDir(), "epoch1.safetensors")
	v.save(out)
	saved, err := engine.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Meta.History) != 1 || saved.Meta.Validation == nil || saved.Meta.Validation.Total != 6 || saved.Meta.Training["epochs"] != "4" {
		t.Errorf("saved epoch 1: history %d, validation %+v, recipe %v", len(saved.Meta.History), saved.Meta.Validation, saved.Meta.Training)
	}
	for i, p := range saved.Params() {
		if !slices.Equal(p.Data, r.epochs[0].Weights[i]) {
			t.Fatalf("%s: the saved file is not epoch 1's", p.Name)
		}
	}
	v.openInExplore()
	h.Settle()
	if h.Host.Model() == nil || len(h.Host.Model().Meta.History) != 1 || !strings.HasSuffix(h.Host.ModelName(), "epoch 1") || !slices.Equal(h.Shown, []string{"explore"}) {
		t.Errorf("Open in Explore: model %q, views shown %q", h.Host.ModelName(), h.Shown)
	}
}

// Closing the window while training stops the run and removes its
// checkpoints.
func TestTrainViewCloseWhileTraining(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 10)
	// A window of its own: the harness's temporary one is closed again at
	// the end of the test, which the test driver does not survive.
	h := uitest.NewClosable(t)
	v := newTestView(h, dir, 500)
	v.start()
	r := v.run
	h.WaitFor("the first epoch", func() bool { return len(r.epochs) > 0 })
	h.W.Close()
	h.WaitFor("the run to end", func() bool { return !r.running })
	if _, err := os.Stat(r.ckDir); !os.IsNotExist(err) {
		t.Errorf("the checkpoints in %s are left behind (%v)", r.ckDir, err)
	}
	if len(r.epochs) >= 500 {
		t.Error("training went on to the end")
	}
}

// Bad folders: each says what is wrong in a line, and nothing trains.
func TestTrainViewBadFolders(t *testing.T) {
	empty := t.TempDir()
	one := uitest.ClassFolders(t, []string{"only"}, 5)
	junk := uitest.ClassFolders(t, []string{"a", "b"}, 25)
	uitest.WriteFile(t, filepath.Join(junk, "a"), "notes.jpg", []byte("<html>not a picture</html>"))
	uitest.WriteFile(t, filepath.Join(junk, "b"), "empty.png", nil)
	for _, tc := range []struct {
		name, dir, warning, status string
	}{
		{"empty", empty, "holds no class folders", "holds no class folders"},
		{"one class", one, "at least two classes", "at least 2 classes"},
		{"unreadable files", junk, "2 files are not pictures", ""},
	} {
		h, v := trainHarness(t, tc.dir, 1)
		if !strings.Contains(v.warning.Text, tc.warning) {
			t.Errorf("%s: warning %q, want %q", tc.name, v.warning.Text, tc.warning)
		}
		if tc.status == "" {
			continue
		}
		v.start()
		h.WaitFor("the run to end", func() bool { return v.run == nil || !v.run.running })
		h.Settle()
		if !strings.Contains(v.status.Text, tc.status) || (v.run != nil && len(v.run.epochs) > 0) {
			t.Errorf("%s: status %q, want %q", tc.name, v.status.Text, tc.status)
		}
	}
	h, v := trainHarness(t, "", 1)
	v.start()
	if v.run != nil || !strings.Contains(v.status.Text, "Open a folder") {
		t.Errorf("no folder: status %q", v.status.Text)
	}
	v.openFolder(junk)
	h.Settle()
	v.epochs.SetText("ten")
	v.start()
	if v.run != nil || !strings.Contains(v.status.Text, `epochs: "ten" is not a whole number`) {
		t.Errorf("bad epochs: status %q", v.status.Text)
	}
}

// A class folder that vanishes while training does not stop it: the
// pictures were read before the first step.
func TestTrainViewFolderVanishes(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b", "c"}, 10)
	h, v := trainHarness(t, dir, 3)
	v.epochHook = func(epoch int, _ context.CancelFunc) {
		if epoch == 1 {
			os.RemoveAll(filepath.Join(dir, "c"))
		}
	}
	v.start()
	r := v.run
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || len(r.epochs) != 3 || !strings.HasPrefix(v.status.Text, "Finished 3 epochs") {
		t.Errorf("finished %v, %d epochs, status %q", r.finished, len(r.epochs), v.status.Text)
	}
}

// The Stop button stops a run after its current batch and keeps its
// finished epochs; Start begins a new run.
func TestTrainViewStopButton(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 10)
	h, v := trainHarness(t, dir, 500)
	v.start()
	r := v.run
	if !v.startB.Disabled() || v.stopB.Disabled() {
		t.Error("while training, Start is enabled or Stop disabled")
	}
	h.WaitFor("the first epoch", func() bool { return len(r.epochs) > 0 })
	h.WaitFor("the speed and the time left", func() bool {
		return strings.Contains(v.status.Text, " pictures/s · ") && strings.HasSuffix(v.status.Text, " left")
	})
	v.stopB.OnTapped()
	h.WaitFor("the stop", func() bool { return !r.running })
	h.Settle()
	if r.finished || len(r.epochs) == 0 || !strings.HasPrefix(v.status.Text, "Stopped during epoch") || v.saveB.Disabled() || v.resumeB.Disabled() {
		t.Errorf("after Stop: %d epochs, status %q", len(r.epochs), v.status.Text)
	}
	v.closed()
}

// The input size setting reaches the network and the data, as 'artlens
// train --size 48' passes it: the same weights after an epoch; a size the
// network cannot take is said in the warning line, and nothing trains.
func TestTrainViewInputSize(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 10)
	h, v := trainHarness(t, dir, 1)
	v.size.SetSelected("48 × 48")
	h.Settle()
	v.start()
	r := v.run
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || r.final.Input().Width != 48 || r.final.Input().Height != 48 {
		t.Fatalf("finished %v, status %q", r.finished, v.status.Text)
	}
	cfg := training.StudyRecipe()
	cfg.Epochs, cfg.Batch, cfg.LearningRate, cfg.Augment, cfg.Workers = 1, 8, 0.001, true, min(runtime.NumCPU(), 2)
	dcfg, _ := training.FolderConfig(dir, nil, 0, "-")
	arch, err := training.Resize(training.SmallArch(), 48)
	if err != nil {
		t.Fatal(err)
	}
	data, err := training.LoadData(dcfg, arch.Input, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := engine.NewModelArch(arch, data.Classes, cfg.Seed)
	if err := training.Train(m, data, cfg); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		if !slices.Equal(p.Data, r.final.Params()[i].Data) {
			t.Fatalf("%s: the view's weights differ from the command's at 48", p.Name)
		}
	}

	v.network.SetSelected(netStudy)
	v.size.SetSelected("32 × 32")
	h.Settle()
	if !strings.Contains(v.warning.Text, "cannot take 32x32 pictures") {
		t.Errorf("the study's network at 32: warning %q", v.warning.Text)
	}
	v.start()
	if v.run != r || !strings.Contains(v.status.Text, "cannot take 32x32 pictures") {
		t.Errorf("the study's network at 32 started: status %q", v.status.Text)
	}
}

// The small residual network (--arch small-residual) trains in the view
// as the chain networks do: each epoch's stem filters, maps and Grad-CAM
// (at the last block) are drawn, and it opens in Explore with its places.
func TestTrainViewSmallResidual(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 10)
	h, v := trainHarness(t, "", 2)
	v.Begin(Start{Dir: dir, Arch: "small-residual", Epochs: 2})
	r := v.run
	if r == nil || v.network.Selected != netResidual {
		t.Fatalf("not started with the small residual network: %q, status %q", v.network.Selected, v.status.Text)
	}
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished || len(r.epochs) != 2 || r.final.ParamCount() != 78514 {
		t.Fatalf("finished %v, %d epochs, status %q", r.finished, len(r.epochs), v.status.Text)
	}
	if v.filters.Image == nil || v.maps.Image == nil || v.cam.Image == nil {
		t.Errorf("epoch images %v %v %v", v.filters.Image != nil, v.maps.Image != nil, v.cam.Image != nil)
	}
	v.openInExplore()
	h.Settle()
	var names []string
	for _, p := range h.Host.Model().Places() {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, "block3") || !slices.Contains(names, "stem") {
		t.Errorf("the trained model's places: %v", names)
	}
}
