package training

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
)

// The callbacks hear every step and every epoch; each epoch's weights are a
// copy (later steps do not change them), and the last epoch's are the
// model's when the last epoch is kept.
func TestReports(t *testing.T) {
	data := tinyData()
	cfg := tinyConfig()
	cfg.Epochs, cfg.Average, cfg.KeepBest = 2, 0, false
	var batches []BatchReport
	var epochs []EpochReport
	cfg.OnBatch = func(r BatchReport) { batches = append(batches, r) }
	cfg.OnEpoch = func(r EpochReport) { epochs = append(epochs, r) }
	m, _ := engine.NewModel(data.Classes, 7)
	if err := Train(m, data, cfg); err != nil {
		t.Fatal(err)
	}
	steps := data.Train.Len() / cfg.Batch
	if len(batches) != 2*steps {
		t.Fatalf("%d batch reports, want %d", len(batches), 2*steps)
	}
	for i, b := range batches {
		if b.Epoch != i/steps+1 || b.Step != i%steps+1 || b.Steps != steps || !(b.Loss > 0) || !(b.ImagesPerSecond > 0) {
			t.Errorf("batch report %d: %+v", i, b)
		}
	}
	if last := batches[len(batches)-1]; last.Left != 0 {
		t.Errorf("time left after the last step: %v", last.Left)
	}
	if len(epochs) != 2 {
		t.Fatalf("%d epoch reports, want 2", len(epochs))
	}
	for i, e := range epochs {
		if e.Epoch != m.Meta.History[i] || e.Epochs != 2 || len(e.ValPredicted) != data.Val.Len() {
			t.Errorf("epoch report %d: %+v", i, e.Epoch)
		}
		right := 0
		for j, p := range e.ValPredicted {
			if p == data.Val.Y[j] {
				right++
			}
		}
		if got := float64(right) / float64(data.Val.Len()); got != e.Epoch.ValAccuracy {
			t.Errorf("epoch %d: predictions give accuracy %v, the record %v", i+1, got, e.Epoch.ValAccuracy)
		}
	}
	if slices.Equal(epochs[0].Weights[0], epochs[1].Weights[0]) {
		t.Error("epoch 1's weights changed with epoch 2's steps (not a copy)")
	}
	for i, p := range m.Params() {
		if !slices.Equal(p.Data, epochs[1].Weights[i]) {
			t.Errorf("%s: the last epoch's reported weights are not the model's", p.Name)
		}
	}
	if m.Meta.Validation == nil || m.Meta.Validation.Total != data.Val.Len() {
		t.Errorf("validation results %+v", m.Meta.Validation)
	}
}

// Fine-tuning keeps every layer of the base model but the last, which is
// new (one unit per new class) and the only one trained; the batch norms
// of a base that has them keep their running averages.
func TestFineTune(t *testing.T) {
	data := tinyData()
	for name, arch := range map[string]engine.Arch{"study": engine.StudyArch(), "residual": residualArch()} {
		t.Run(name, func(t *testing.T) {
			base, _ := engine.NewModelArch(arch, []string{"a", "b", "c", "d"}, 3)
			for _, p := range base.Params() { // running averages away from their start
				if p.Frozen {
					for i := range p.Data {
						p.Data[i] += 0.5
					}
				}
			}
			m, err := FineTuneModel(base, data.Classes, 7)
			if err != nil {
				t.Fatal(err)
			}
			before := make([][]float32, 0)
			for _, p := range m.Params() {
				before = append(before, slices.Clone(p.Data))
			}
			cfg := tinyConfig()
			cfg.Epochs, cfg.FineTune = 1, true
			if err := Train(m, data, cfg); err != nil {
				t.Fatal(err)
			}
			params, old := m.Params(), base.Params()
			for i, p := range params {
				last := i >= len(params)-2
				switch {
				case last && slices.Equal(p.Data, before[i]):
					t.Errorf("%s (the new output layer) did not train", p.Name)
				case !last && !slices.Equal(p.Data, old[i].Data):
					t.Errorf("%s changed: it is frozen", p.Name)
				}
			}
			if got := params[len(params)-1].Shape; !slices.Equal(got, []int{2}) {
				t.Errorf("output bias shape %v, want [2]", got)
			}
			if m.Meta.Training["fine_tuning"] == "" {
				t.Error("the recipe does not say the model was fine-tuned")
			}
		})
	}
}

// The small networks train, and a stop during the run resumes from the
// checkpoint to the same weights as a run without a stop (the residual
// one's batch norms with their running averages).
func TestSmallArchResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains twice")
	}
	data := tinyData()
	small := *data
	small.Size = 32
	small.Train, small.Val = shrink(data.Train, 64, 32), shrink(data.Val, 64, 32)
	for _, name := range []string{"small", "small-residual"} {
		t.Run(name, func(t *testing.T) {
			arch, _ := NamedArch(name)
			cfg := tinyConfig()
			cfg.Epochs = 3
			whole, _ := engine.NewModelArch(arch, data.Classes, 7)
			if err := Train(whole, &small, cfg); err != nil {
				t.Fatal(err)
			}
			c := cfg
			c.CheckpointDir = t.TempDir()
			stop := make(chan struct{})
			c.Stop = stop
			c.OnEpoch = func(r EpochReport) {
				if r.Epoch.Epoch == 1 {
					close(stop)
				}
			}
			parted, _ := engine.NewModelArch(arch, data.Classes, 7)
			var stopped *StoppedError
			if err := Train(parted, &small, c); !errors.As(err, &stopped) || stopped.Kept != 1 {
				t.Fatalf("stopped run: %v", err)
			}
			c.Stop, c.OnEpoch = nil, nil
			resumed, _ := engine.NewModelArch(arch, data.Classes, 99) // its weights come from the checkpoint
			if err := Train(resumed, &small, c); err != nil {
				t.Fatal(err)
			}
			for i, p := range whole.Params() {
				if !slices.Equal(p.Data, resumed.Params()[i].Data) {
					t.Fatalf("%s differs between the run with a stop and the run without", p.Name)
				}
			}
		})
	}
}

// SmallResidualArch has the parameters counted by hand and the places
// its layers' names promise: the stem, then each block's convs and join
// at half the side of the one before.
func TestSmallResidualArch(t *testing.T) {
	m, err := engine.NewModelArch(SmallResidualArch(), []string{"a", "b", "c", "d"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	conv := 3*3*3*16 + // stem
		3*3*16*16 + 3*3*16*16 + 16*16 + // block1: conv1, conv2, downsample
		3*3*16*32 + 3*3*32*32 + 16*32 +
		3*3*32*64 + 3*3*64*64 + 32*64
	bn := 4 * (16 + 3*16 + 3*32 + 3*64) // scale, shift and the two running averages per channel
	fc := 64*4 + 4
	if m.ParamCount() != conv+bn+fc {
		t.Errorf("%d parameters, want %d", m.ParamCount(), conv+bn+fc)
	}
	want := map[string][3]int{"stem": {16, 32, 32}, "block1.conv2": {16, 16, 16}, "block2": {32, 8, 8}, "block3": {64, 4, 4}}
	for _, p := range m.Places() {
		if w, ok := want[p.Name]; ok {
			if got := [3]int{p.Channels, p.Height, p.Width}; got != w {
				t.Errorf("%s: %v, want %v", p.Name, got, w)
			}
			delete(want, p.Name)
		}
	}
	if len(want) != 0 {
		t.Errorf("no places %v", want)
	}
	for _, name := range []string{"small", "small-residual", "study", "resnet"} {
		if a, ok := NamedArch(name); !ok || a.Validate(4) != nil {
			t.Errorf("NamedArch(%q): %v", name, ok)
		}
	}
	if _, ok := NamedArch("big"); ok {
		t.Error("NamedArch knows big")
	}
}

// shrink resamples a split's 3-channel images from side from to side to
// (nearest pixel).
func shrink(s dataset.Split, from, to int) dataset.Split {
	out := dataset.Split{Y: s.Y, Paths: s.Paths, X: make([]float32, s.Len()*3*to*to)}
	for i := 0; i < s.Len(); i++ {
		src, dst := s.Image(i), out.X[i*3*to*to:(i+1)*3*to*to]
		for c := 0; c < 3; c++ {
			for y := 0; y < to; y++ {
				for x := 0; x < to; x++ {
					dst[(c*to+y)*to+x] = src[(c*from+y*from/to)*from+x*from/to]
				}
			}
		}
	}
	return out
}

// FolderConfig reads the classes of a plain folder from its folders, holds
// out 20 % by default there, and keeps the study's classes and 10 % for
// the Art Images layout.
func TestFolderConfig(t *testing.T) {
	plain := t.TempDir()
	for _, c := range []string{"b", "a", ".hidden"} {
		os.Mkdir(filepath.Join(plain, c), 0o755)
	}
	cfg, err := FolderConfig(plain, nil, 0, "-")
	if err != nil || !slices.Equal(cfg.Classes, []string{"a", "b"}) || cfg.ValFraction != 0.2 || cfg.ClassMap == nil || len(cfg.ClassMap) != 0 {
		t.Errorf("plain folder: %+v, %v", cfg, err)
	}
	art := t.TempDir()
	os.MkdirAll(filepath.Join(art, "training_set"), 0o755)
	cfg, err = FolderConfig(art, nil, 0, "-")
	if err != nil || !slices.Equal(cfg.Classes, dataset.DefaultClasses) || cfg.ValFraction != 0 || cfg.ClassMap != nil {
		t.Errorf("Art Images layout: %+v, %v", cfg, err)
	}
	if _, err := FolderConfig(filepath.Join(plain, "nope"), nil, 0, "-"); err == nil {
		t.Error("a missing folder gives no error")
	}
}

// Resize changes the input side only: the small network at 48 has the
// parameters counted by hand (the dense layer reads 64 maps of 6x6); the
// study's network cannot take 32x32 pictures, and sizes out of range are
// refused.
func TestResize(t *testing.T) {
	a, err := Resize(SmallArch(), 48)
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.NewModelArch(a, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	conv := (3*3*3*16 + 16) + (3*3*16*32 + 32) + (3*3*32*64 + 64)
	dense := (64*6*6*64 + 64) + (64*2 + 2)
	if in := m.Input(); in.Width != 48 || in.Height != 48 || in.Channels != 3 || m.ParamCount() != conv+dense {
		t.Errorf("small at 48: input %+v, %d parameters, want %d", in, m.ParamCount(), conv+dense)
	}
	if same, err := Resize(SmallArch(), 0); err != nil || same.Input != SmallArch().Input {
		t.Errorf("size 0: %+v, %v", same.Input, err)
	}
	for _, tc := range []struct {
		arch engine.Arch
		size int
		want string
	}{
		{engine.StudyArch(), 32, "cannot take 32x32 pictures"},
		{SmallArch(), 8, "not from 16 to 512"},
		{SmallArch(), 1024, "not from 16 to 512"},
	} {
		if _, err := Resize(tc.arch, tc.size); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("size %d: %v, want %q", tc.size, err, tc.want)
		}
	}
	for _, s := range Sizes[1:] {
		if _, err := Resize(engine.StudyArch(), s); err != nil {
			t.Errorf("the study's network at %d: %v", s, err)
		}
	}
}
