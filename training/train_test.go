package training

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
)

// stripes returns a tiny two-class data set: class 0 has horizontal
// stripes, class 1 vertical ones, with random colours and phases.
func stripes(n int, seed uint64) dataset.Split {
	const size = engine.InputSize
	rng := rand.New(rand.NewPCG(seed, 3))
	s := dataset.Split{X: make([]float32, n*3*size*size), Y: make([]int, n)}
	for i := 0; i < n; i++ {
		class := i % 2
		s.Y[i] = class
		phase := rng.IntN(8)
		img := s.X[i*3*size*size : (i+1)*3*size*size]
		for c := 0; c < 3; c++ {
			hi := 0.5 + 0.5*rng.Float32()
			for y := 0; y < size; y++ {
				for x := 0; x < size; x++ {
					k := x
					if class == 0 {
						k = y
					}
					if (k+phase)/4%2 == 0 {
						img[(c*size+y)*size+x] = hi
					}
				}
			}
		}
	}
	return s
}

func tinyData() *dataset.Data {
	return &dataset.Data{Classes: []string{"horizontal", "vertical"}, Size: engine.InputSize,
		Train: stripes(32, 1), Val: stripes(16, 2), Test: stripes(16, 3), Fingerprint: "stripes"}
}

func tinyConfig() Config {
	c := ImprovedRecipe()
	c.Epochs, c.Batch, c.Workers, c.Seed = 4, 8, 2, 7
	return c
}

// TestTrainingLearns trains on the generated stripes and checks that the
// network clearly learns them: loss falls and held-out accuracy is high.
func TestTrainingLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network for a few seconds")
	}
	data := tinyData()
	m, err := engine.NewModel(data.Classes, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := Train(m, data, tinyConfig()); err != nil {
		t.Fatal(err)
	}
	h := m.Meta.History
	if len(h) != 4 {
		t.Fatalf("history has %d epochs, want 4", len(h))
	}
	if !(h[len(h)-1].TrainLoss < 0.8*h[0].TrainLoss) {
		t.Errorf("training loss did not fall clearly: %v -> %v", h[0].TrainLoss, h[len(h)-1].TrainLoss)
	}
	ev, err := Evaluate(m, data.Test)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Accuracy < 0.9 {
		t.Errorf("test accuracy %.2f after training, want >= 0.9 (history %+v)", ev.Accuracy, h)
	}
	if m.Meta.BestEpoch < 1 || m.Meta.BestEpoch > 4 || m.Meta.DataFingerprint != "stripes" || m.Meta.Training["augmentation"] == "none" {
		t.Errorf("metadata not recorded: best %d, fingerprint %q, training %v", m.Meta.BestEpoch, m.Meta.DataFingerprint, m.Meta.Training)
	}
}

// residualArch is a small residual network with batch norms on the
// stripes' 64x64 pictures: a strided stem, one residual block, global
// pooling and the output layer.
func residualArch() engine.Arch {
	return engine.Arch{Input: engine.Input{Channels: 3, Height: engine.InputSize, Width: engine.InputSize}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Name: "stem", Filters: 8, Kernel: []int{3}, Stride: []int{4}, Padding: engine.PaddingSame, NoBias: true},
		{Kind: engine.BatchNorm, Name: "stem.bn"}, {Kind: engine.ReLU, Name: "stem.relu"},
		{Kind: engine.Conv2D, Name: "block.conv1", Filters: 8, Kernel: []int{3}, Padding: engine.PaddingSame, NoBias: true},
		{Kind: engine.BatchNorm, Name: "block.bn1"}, {Kind: engine.ReLU},
		{Kind: engine.Conv2D, Name: "block.conv2", Filters: 8, Kernel: []int{3}, Padding: engine.PaddingSame, NoBias: true},
		{Kind: engine.BatchNorm, Name: "block.bn2"},
		{Kind: engine.Add, Name: "block.add", Inputs: []string{"block.bn2", "stem.relu"}}, {Kind: engine.ReLU},
		{Kind: engine.GlobalAvgPool}, {Kind: engine.Flatten}, {Kind: engine.Dense}, {Kind: engine.Softmax},
	}}
}

// TestResumeIsExact interrupts a run after one epoch and resumes it from
// its checkpoint: the result must equal an uninterrupted run bit for bit,
// for the study's network and for a residual network whose batch norms
// train on batch statistics (their running averages included).
func TestResumeIsExact(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network for a few seconds")
	}
	data := tinyData()
	for name, arch := range map[string]engine.Arch{"study": engine.StudyArch(), "residual": residualArch()} {
		t.Run(name, func(t *testing.T) {
			cfg := tinyConfig()
			cfg.Epochs = 2
			newModel := func(seed uint64) *engine.Model {
				m, err := engine.NewModelArch(arch, data.Classes, seed)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}

			whole := newModel(7)
			c1 := cfg
			c1.CheckpointDir = t.TempDir()
			if err := Train(whole, data, c1); err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			first := newModel(7)
			c2 := cfg
			c2.CheckpointDir, c2.stopAfter = dir, 1
			if err := Train(first, data, c2); !errors.Is(err, errInterrupted) {
				t.Fatalf("interrupted run: %v", err)
			}
			resumed := newModel(99) // other init: the checkpoint must replace it
			c3 := cfg
			c3.CheckpointDir = dir
			if err := Train(resumed, data, c3); err != nil {
				t.Fatal(err)
			}
			for i, p := range whole.Params() {
				if !slices.Equal(p.Data, resumed.Params()[i].Data) {
					t.Fatalf("%s differs between the whole and the resumed run", p.Name)
				}
				if p.Frozen && slices.Equal(p.Data, newModel(7).Params()[i].Data) {
					t.Errorf("%s, a running average, did not move in training", p.Name)
				}
			}
			if len(resumed.Meta.History) != 2 || resumed.Meta.History[1] != whole.Meta.History[1] && resumed.Meta.History[1].TrainLoss != whole.Meta.History[1].TrainLoss {
				t.Errorf("history after resume %+v, want %+v", resumed.Meta.History, whole.Meta.History)
			}

			// A checkpoint of another recipe is refused rather than continued.
			other := cfg
			other.CheckpointDir, other.Augment = dir, false
			if err := Train(newModel(7), data, other); err == nil {
				t.Error("a checkpoint of another recipe was resumed")
			}
		})
	}
}

func TestAdamMatchesKerasFormula(t *testing.T) {
	// One parameter, gradient 0.5 twice: compute Keras' update by hand.
	p := [][]float32{{1}}
	g := [][]float32{{0.5}}
	a := newAdam([]int{1})
	a.update(p, g, 0.01)
	// Step 1: m = 0.05, v = 0.00025; lr_t = 0.01*sqrt(0.001)/0.1;
	// p -= lr_t * m / (sqrt(v) + 1e-7) = 0.01 * (0.05/0.1)/(0.0158114/0.0316228) ~ 0.01.
	m1, v1 := 0.05, 0.00025
	lrt := 0.01 * math.Sqrt(1-0.999) / (1 - 0.9)
	want := 1 - lrt*m1/(math.Sqrt(v1)+1e-7)
	if math.Abs(float64(p[0][0])-want) > 1e-6 {
		t.Fatalf("after step 1: %v, want %v", p[0][0], want)
	}
	a.update(p, g, 0.01)
	m2, v2 := 0.9*m1+0.05, 0.999*v1+0.00025
	lrt = 0.01 * math.Sqrt(1-0.999*0.999) / (1 - 0.81)
	want -= lrt * m2 / (math.Sqrt(v2) + 1e-7)
	if math.Abs(float64(p[0][0])-want) > 1e-6 {
		t.Fatalf("after step 2: %v, want %v", p[0][0], want)
	}
}

func TestAugment(t *testing.T) {
	const size = 8
	src := make([]float32, 3*size*size)
	for i := range src {
		src[i] = float32(i)
	}
	dst := make([]float32, len(src))
	seen := map[[3]int]bool{}
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 200; trial++ {
		augment(dst, src, engine.Input{Channels: 3, Height: size, Width: size}, rng)
		// Every output value comes from the same channel of the source.
		for c := 0; c < 3; c++ {
			for i := 0; i < size*size; i++ {
				v := int(dst[c*size*size+i])
				if v/(size*size) != c {
					t.Fatalf("channel %d holds a value of channel %d", c, v/(size*size))
				}
			}
		}
		// Recover the shift from the top-left and next pixels.
		tl := int(dst[0]) % (size * size)
		next := int(dst[1]) % (size * size)
		seen[[3]int{tl / size, tl % size, next - tl}] = true
	}
	// Flips (next-tl = -1 or 0 at a border) and shifts both occur.
	flipped, straight := false, false
	for k := range seen {
		if k[2] < 0 {
			flipped = true
		}
		if k[2] > 0 {
			straight = true
		}
	}
	if !flipped || !straight || len(seen) < 10 {
		t.Errorf("augmentation too narrow: %d variants, flipped %v, straight %v", len(seen), flipped, straight)
	}
}

func TestCosineSchedule(t *testing.T) {
	c := ImprovedRecipe()
	if got := c.lr(0); math.Abs(got-0.001) > 1e-12 {
		t.Errorf("first epoch rate %v, want 0.001", got)
	}
	if got := c.lr(c.Epochs - 1); math.Abs(got-0.001/50) > 1e-12 {
		t.Errorf("last epoch rate %v, want 0.00002", got)
	}
	for e := 1; e < c.Epochs; e++ {
		if c.lr(e) >= c.lr(e-1) {
			t.Fatalf("rate does not fall at epoch %d", e)
		}
	}
	s := StudyRecipe()
	if s.lr(0) != s.lr(29) {
		t.Error("the study's rate must be constant")
	}
}

// TestAverage checks the moving average against values worked out by hand.
func TestAverage(t *testing.T) {
	w := [][]float32{{0, 10}}
	a := newAverage(0.5, w)
	tests := []struct {
		step int
		w    []float32
		rate float64
		want []float32
	}{
		// Step 1: rate min(0.5, 2/11) = 2/11, so avg = 0 + (9/11)*(11-0).
		{1, []float32{11, 10}, 2.0 / 11, []float32{9, 10}},
		// From step 8 on, (1+t)/(10+t) >= 0.5: the set decay applies.
		{8, []float32{1, 0}, 0.5, []float32{5, 5}},
	}
	for _, tc := range tests {
		if got := a.rate(tc.step); math.Abs(got-tc.rate) > 1e-12 {
			t.Errorf("rate(%d) = %v, want %v", tc.step, got, tc.rate)
		}
		a.update([][]float32{tc.w}, tc.step)
		for j, want := range tc.want {
			if math.Abs(float64(a.weights[0][j]-want)) > 1e-5 {
				t.Errorf("after step %d: average %v, want %v", tc.step, a.weights[0], tc.want)
				break
			}
		}
	}
	if w[0][0] != 0 || w[0][1] != 10 {
		t.Error("the average changed the weights it started from")
	}
}

// TestTrainingOtherArch trains a small grayscale network with batch norm,
// average and global pooling on 16x16 stripes: it learns them, and the
// batch norm's running averages, which get no gradient, follow the
// batches' statistics.
func TestTrainingOtherArch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network for a few seconds")
	}
	const size = 16
	gray := func(n int, seed uint64) dataset.Split {
		rng := rand.New(rand.NewPCG(seed, 3))
		s := dataset.Split{X: make([]float32, n*size*size), Y: make([]int, n)}
		for i := 0; i < n; i++ {
			s.Y[i] = i % 2
			phase := rng.IntN(4)
			for y := 0; y < size; y++ {
				for x := 0; x < size; x++ {
					k := x
					if s.Y[i] == 0 {
						k = y
					}
					if (k+phase)/2%2 == 0 {
						s.X[i*size*size+y*size+x] = 1
					}
				}
			}
		}
		return s
	}
	data := &dataset.Data{Classes: []string{"horizontal", "vertical"}, Size: size,
		Train: gray(64, 1), Val: gray(16, 2), Test: gray(32, 3), Fingerprint: "gray stripes"}
	arch := engine.Arch{Input: engine.Input{Channels: 1, Height: size, Width: size}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 8, Kernel: []int{3}, Padding: engine.PaddingSame, NoBias: true},
		{Kind: engine.BatchNorm}, {Kind: engine.ReLU},
		{Kind: engine.Conv2D, Filters: 8, Kernel: []int{1, 4}, Stride: []int{1, 2}},
		{Kind: engine.ReLU},
		{Kind: engine.AvgPool, Kernel: []int{2}},
		{Kind: engine.Conv2D, Filters: 8, Kernel: []int{4, 1}, Stride: []int{2, 1}},
		{Kind: engine.ReLU},
		{Kind: engine.GlobalAvgPool}, {Kind: engine.Flatten}, {Kind: engine.Dropout, Rate: 0.1},
		{Kind: engine.Dense}, {Kind: engine.Softmax},
	}}
	m, err := engine.NewModelArch(arch, data.Classes, 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg := StudyRecipe()
	cfg.Epochs, cfg.Batch, cfg.Workers, cfg.LearningRate, cfg.Augment = 8, 8, 2, 0.01, true
	if err := Train(m, data, cfg); err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(m, data.Test)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Accuracy < 0.9 {
		t.Errorf("test accuracy %.2f, want >= 0.9 (history %+v)", ev.Accuracy, m.Meta.History)
	}
	for _, p := range m.Params() {
		if p.Name == "bn1.mean" && !slices.ContainsFunc(p.Data, func(v float32) bool { return v != 0 }) {
			t.Errorf("bn1.mean did not follow the batches: %v", p.Data)
		}
	}
	if m.Meta.Training["batch_norm"] != "batch statistics, running averages with momentum 0.1" {
		t.Errorf("recipe's batch_norm %q", m.Meta.Training["batch_norm"])
	}
}

func TestMaxShift(t *testing.T) {
	for _, c := range []struct{ side, want int }{{8, 4}, {32, 4}, {64, 4}, {96, 6}, {128, 8}} {
		if got := MaxShift(c.side); got != c.want {
			t.Errorf("MaxShift(%d) = %d, want %d", c.side, got, c.want)
		}
	}
}

// TestResNetArch checks the companion's shape: torchvision's ResNet-18 at
// half width with four classes has 2,799,908 trainable parameters
// (counted by hand: conv1 4,704; the stages 36,864, 131,072, 524,288 and
// 2,097,152 of conv weights; fc 1,028; batch norm's 2,400 channels'
// scales and shifts), and the engine counts the running means and
// variances too: 2,804,708. 8 skip connections; a 128x128 picture in.
func TestResNetArch(t *testing.T) {
	a := ResNetArch(128)
	m, err := engine.NewModelArch(a, []string{"a", "b", "c", "d"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.ParamCount(); got != 2804708 {
		t.Errorf("%d parameters, want 2,804,708", got)
	}
	adds := 0
	for _, l := range a.Layers {
		if l.Kind == engine.Add {
			adds++
		}
	}
	if adds != 8 {
		t.Errorf("%d skip connections, want 8", adds)
	}
	p, err := m.Predict(make([]float32, a.Input.Len()))
	if err != nil || len(p.Probabilities) != 4 {
		t.Fatalf("predict: %v, %v", p, err)
	}
}

// TestResidualRecipe pins the companion's recipe: the shipped
// weights/resnet.safetensors was trained with these fields, and its
// metadata records them as describe writes them.
func TestResidualRecipe(t *testing.T) {
	c := ResidualRecipe()
	if c.Momentum != 0.9 || c.LearningRate != 0.05 || c.WeightDecay != 5e-4 || c.LabelSmoothing != 0.1 ||
		c.Epochs != 40 || c.Batch != 64 || !c.Augment || !c.Cosine || !c.KeepBest || c.Average != 0.998 || c.Seed != 1 {
		t.Errorf("residual recipe %+v", c)
	}
	d := c.describe()
	for k, want := range map[string]string{
		"optimizer":       "sgd (momentum 0.9)",
		"learning_rate":   "0.05",
		"weight_decay":    "0.0005 (L2, conv and dense kernels)",
		"label_smoothing": "0.1",
		"averaging":       "exponential moving average of the weights, decay 0.998",
	} {
		if d[k] != want {
			t.Errorf("describe()[%q] = %q, want %q", k, d[k], want)
		}
	}
}
