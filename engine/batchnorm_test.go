package engine

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/artlens/artlens/engine/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// torchBatchNorm is one case of testdata/batchnorm.json, written by
// scripts/make-batchnorm-fixture.py: PyTorch's BatchNorm2d or BatchNorm1d
// in train mode (output, gradients for the upstream gradient, running
// statistics after the step) and then in eval mode.
type torchBatchNorm struct {
	Name                string
	Shape               []int
	Eps, Momentum       float64
	Input, Weight, Bias []float64
	RunningMean         []float64 `json:"running_mean"`
	RunningVar          []float64 `json:"running_var"`
	Upstream            []float64
	TrainOutput         []float64 `json:"train_output"`
	GradInput           []float64 `json:"grad_input"`
	GradWeight          []float64 `json:"grad_weight"`
	GradBias            []float64 `json:"grad_bias"`
	NewRunningMean      []float64 `json:"new_running_mean"`
	NewRunningVar       []float64 `json:"new_running_var"`
	EvalOutput          []float64 `json:"eval_output"`
}

func readTorchBatchNorm(t *testing.T) []torchBatchNorm {
	t.Helper()
	data, err := os.ReadFile("testdata/batchnorm.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cases []torchBatchNorm }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no cases in testdata/batchnorm.json")
	}
	return f.Cases
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// nearTorch fails unless got and want agree within tol (absolute, or
// relative for values above 1).
func nearTorch(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %.8g, PyTorch gives %.8g", what, i, got[i], want[i])
		}
	}
}

// TestBatchNormTrainMatchesPyTorch runs the train-mode batch norm op on
// PyTorch's input and upstream gradient: the output and the gradients of
// the input, weight and bias agree with BatchNorm2d's and BatchNorm1d's.
func TestBatchNormTrainMatchesPyTorch(t *testing.T) {
	for _, c := range readTorchBatchNorm(t) {
		t.Run(c.Name, func(t *testing.T) {
			g := G.NewGraph()
			node := func(name string, shape []int, v []float64) *G.Node {
				return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name),
					G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f32(v)))))
			}
			ch := c.Shape[1]
			x := node("x", c.Shape, c.Input)
			gamma, beta := node("gamma", []int{ch}, c.Weight), node("beta", []int{ch}, c.Bias)
			up := node("upstream", c.Shape, c.Upstream)
			y, op, err := nn.BatchNormTrain("bn", x, gamma, beta, c.Eps, false, true)
			if err != nil {
				t.Fatal(err)
			}
			// The loss Σ y·upstream has upstream as its gradient w.r.t. y.
			loss := G.Must(G.Sum(G.Must(G.HadamardProd(y, up))))
			if _, err := G.Grad(loss, x, gamma, beta); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(g, G.BindDualValues(x, gamma, beta))
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			nearTorch(t, "output", values(y), c.TrainOutput, 1e-5)
			for _, v := range []struct {
				what string
				n    *G.Node
				want []float64
			}{{"input gradient", x, c.GradInput}, {"weight gradient", gamma, c.GradWeight}, {"bias gradient", beta, c.GradBias}} {
				gr, err := v.n.Grad()
				if err != nil {
					t.Fatal(err)
				}
				nearTorch(t, v.what, gr.Data().([]float32), v.want, 2e-5)
			}
			// The biased variance it kept, made unbiased, is what PyTorch
			// folded into its running variance.
			count := float64(len(c.Input) / ch)
			for k := range ch {
				unbiased := op.Variance()[k] * count / (count - 1)
				want := (c.NewRunningVar[k] - (1-c.Momentum)*c.RunningVar[k]) / c.Momentum
				if math.Abs(unbiased-want) > 1e-6*math.Max(1, want) {
					t.Errorf("channel %d: unbiased batch variance %.9g, PyTorch's %.9g", k, unbiased, want)
				}
			}
		})
	}
}

// torchBatchNormModel returns a model whose batch norm sees the case's
// input: a 1x1 convolution that copies the picture's channels (a third
// channel left zero for two) before a BatchNorm2d, or a dense layer that
// copies the values before a BatchNorm1d; and the model's input for it.
func torchBatchNormModel(t *testing.T, c torchBatchNorm) (*Model, []float32) {
	t.Helper()
	batch, ch := c.Shape[0], c.Shape[1]
	var arch Arch
	var x []float32
	if len(c.Shape) == 4 {
		h, w := c.Shape[2], c.Shape[3]
		arch = Arch{Input: Input{Channels: 3, Height: h, Width: w}, Layers: []Layer{
			{Kind: Conv2D, Filters: ch, Kernel: []int{1}, NoBias: true}, {Kind: BatchNorm, Epsilon: c.Eps},
			{Kind: Flatten}, {Kind: Dense}}}
		x = make([]float32, batch*3*h*w)
		for b := range batch {
			copy(x[b*3*h*w:], f32(c.Input[b*ch*h*w:(b+1)*ch*h*w]))
		}
	} else {
		arch = Arch{Input: Input{Channels: 1, Height: 1, Width: ch}, Layers: []Layer{
			{Kind: Flatten}, {Kind: Dense, Units: ch, NoBias: true}, {Kind: BatchNorm, Epsilon: c.Eps}, {Kind: Dense}}}
		x = f32(c.Input)
	}
	m, err := NewModelArch(arch, []string{"a", "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		switch p.Name {
		case "conv1.weight", "dense1.weight": // copies channel or unit k to k
			clear(p.Data)
			for k := range ch {
				p.Data[k*(len(p.Data)/ch)+k] = 1
			}
		case "bn1.weight":
			copy(p.Data, f32(c.Weight))
		case "bn1.bias":
			copy(p.Data, f32(c.Bias))
		case "bn1.mean":
			copy(p.Data, f32(c.RunningMean))
		case "bn1.var":
			copy(p.Data, f32(c.RunningVar))
		}
	}
	return m, x
}

// param returns m's tensor of the given name.
func param(t *testing.T, m *Model, name string) Param {
	t.Helper()
	for _, p := range m.Params() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no tensor %s", name)
	return Param{}
}

// TestFoldBatchStatisticsMatchesPyTorch runs a training step of the
// fixture's input through a model whose batch norm sees it: the running
// averages it folds in are PyTorch's after its train-mode step, also when
// the batch is shared by two graphs, and the model then predicts with
// them as BatchNorm2d and BatchNorm1d do in eval mode.
func TestFoldBatchStatisticsMatchesPyTorch(t *testing.T) {
	for _, c := range readTorchBatchNorm(t) {
		t.Run(c.Name, func(t *testing.T) {
			batch := c.Shape[0]
			for _, graphs := range []int{1, 2} {
				if batch%graphs != 0 {
					continue
				}
				m, x := torchBatchNormModel(t, c)
				size := m.Input().Len()
				var tgs []*TrainingGraph
				for g := range graphs {
					tg, err := m.NewTrainingGraph(batch/graphs, BatchStatistics)
					if err != nil {
						t.Fatal(err)
					}
					part := x[g*size*batch/graphs : (g+1)*size*batch/graphs]
					if _, _, err := tg.Forward(part, make([]int, batch/graphs), nil); err != nil {
						t.Fatal(err)
					}
					tgs = append(tgs, tg)
				}
				if err := m.FoldBatchStatistics(tgs); err != nil {
					t.Fatal(err)
				}
				nearTorch(t, "running mean", param(t, m, "bn1.mean").Data, c.NewRunningMean, 1e-6)
				nearTorch(t, "running variance", param(t, m, "bn1.var").Data, c.NewRunningVar, 1e-6)
				if graphs > 1 {
					continue
				}
				// Eval mode: the batch norm's output is the conv
				// layer's activation, or the last dense layer's input.
				ch := c.Shape[1]
				var got []float32
				for b := range batch {
					p, err := m.Predict(x[b*size : (b+1)*size])
					if err != nil {
						t.Fatal(err)
					}
					if len(c.Shape) == 4 {
						got = append(got, p.Activations[0].Data...)
					} else {
						got = append(got, p.Features...)
					}
				}
				if len(got) != batch*len(c.EvalOutput)/batch || len(c.EvalOutput)%ch != 0 {
					t.Fatalf("%d values, want %d", len(got), len(c.EvalOutput))
				}
				nearTorch(t, "eval output", got, c.EvalOutput, 1e-5)
			}
		})
	}
}

// TestBatchStatisticsGradients checks the gradients of networks with
// batch norms on batch statistics (after convolutions and dense layers,
// with and without ReLU, in residual blocks) against finite differences,
// on batches of eight, and that the running averages get none.
func TestBatchStatisticsGradients(t *testing.T) {
	archs := map[string]Arch{"small": smallArch(), "graph": graphArch()}
	for name, a := range opArchs() {
		archs["ops-"+name] = a
	}
	for name, arch := range archs {
		t.Run(name, func(t *testing.T) {
			m, err := NewModelArch(arch, []string{"a", "b", "c"}, 5)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			const batch = 8
			x := make([]float32, batch*arch.Input.Len())
			for i := range x {
				x[i] = rng.Float32()
			}
			y := make([]int, batch)
			for i := range y {
				y[i] = rng.IntN(3)
			}
			loss, gs := trainingLossMode(t, m, x, y, BatchStatistics)
			for pi, p := range m.Params() {
				if p.Frozen {
					if slices.ContainsFunc(gs[pi], func(v float32) bool { return v != 0 }) {
						t.Fatalf("%s is a running average but has gradient %v", p.Name, gs[pi])
					}
					continue
				}
				for _, j := range []int{argmaxAbs(gs[pi]), rng.IntN(len(p.Data))} {
					checkFiniteDifferenceSteps(t, loss, p, j, gs[pi][j])
				}
			}
		})
	}
}

// checkFiniteDifferenceSteps is checkFiniteDifference with steps of 2e-3,
// 5e-4 and 1.25e-4, one of which must agree: a batch norm over few values
// moves the kinks of the ReLUs and poolings after it fast, so that a step
// that straddles one is off, but a wrong gradient is off at every step.
func checkFiniteDifferenceSteps(t *testing.T, loss func() float64, p Param, j int, grad float32) {
	t.Helper()
	var numeric []float64
	for _, h := range []float32{2e-3, 5e-4, 1.25e-4} {
		orig := p.Data[j]
		p.Data[j] = orig + h
		up := loss()
		p.Data[j] = orig - h
		down := loss()
		p.Data[j] = orig
		d := (up - down) / (2 * float64(h))
		if math.Abs(d-float64(grad)) <= 2e-3+0.05*math.Abs(d) {
			return
		}
		numeric = append(numeric, d)
	}
	t.Errorf("%s[%d]: gradient %.6g, finite differences %.6g", p.Name, j, grad, numeric)
}
