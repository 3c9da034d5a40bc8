package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMax2x2IsGeneral checks the written-out 2x2 max pooling against the
// general window loop: the same values bit for bit and the same cells
// taken, with ties, zeros of both signs and NaNs among the inputs.
func TestMax2x2IsGeneral(t *testing.T) {
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 2, float32(math.NaN()), float32(math.Inf(-1))}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][2]int{{2, 2}, {4, 6}, {7, 9}, {62, 62}} {
		h, w, maps := sz[0], sz[1], 3
		x := make([]float32, maps*h*w)
		for i := range x {
			x[i] = vals[rng.IntN(len(vals))]
		}
		oh, ow := h/2, w/2
		fast := &poolOp{win: Window{kh: 2, kw: 2, sh: 2, sw: 2}, max: true, keepArg: true, arg: make([]int32, maps*oh*ow)}
		slow := &poolOp{win: fast.win, max: true, keepArg: true, arg: make([]int32, maps*oh*ow)}
		yf, ys := make([]float32, maps*oh*ow), make([]float32, maps*oh*ow)
		fast.max2x2(yf, x, 0, maps, h, w)
		slow.poolWindows(ys, x, 0, maps, h, w)
		for i := range yf {
			if math.Float32bits(yf[i]) != math.Float32bits(ys[i]) || fast.arg[i] != slow.arg[i] {
				t.Fatalf("%dx%d, output %d: %v from cell %d, want %v from cell %d", h, w, i, yf[i], fast.arg[i], ys[i], slow.arg[i])
			}
		}
	}
}

// TestMaxPoolValuesOnly checks that max pooling without its argmax (a
// prediction's) gives the same bits as with it, on maps with ties, signed
// zeros and NaN, for 2x2 windows and others.
func TestMaxPoolValuesOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, 1, float32(math.NaN()), -2}
	h, w, maps := 6, 8, 5
	x := make([]float32, maps*h*w)
	for i := range x {
		if rng.IntN(2) == 0 {
			x[i] = special[rng.IntN(len(special))]
		} else {
			x[i] = rng.Float32()*2 - 1
		}
	}
	op := &poolOp{max: true, keepArg: true, win: Window{kh: 2, kw: 2, sh: 2, sw: 2}}
	op.arg = make([]int32, maps*h*w/4)
	want, got := make([]float32, maps*h*w/4), make([]float32, maps*h*w/4)
	op.max2x2(want, x, 0, maps, h, w)
	max2x2Values(got, x, 0, maps, h, w)
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("cell %d: %g without the argmax, %g with it", i, got[i], want[i])
		}
	}
	// Other windows: ResNet's 3x3 with stride 2 and padding, and an
	// asymmetric one.
	for _, win := range []Window{{kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}}, {kh: 2, kw: 3, sh: 1, sw: 2, pads: [4]int{0, 1, 1, 0}}, {kh: 3, kw: 2, sh: 3, sw: 1, pads: [4]int{1, 0, 1, 1}}} {
		op := &poolOp{max: true, keepArg: true, win: win}
		oh, ow := win.out(h, w)
		op.arg = make([]int32, maps*oh*ow)
		want, got := make([]float32, maps*oh*ow), make([]float32, maps*oh*ow)
		op.poolWindows(want, x, 0, maps, h, w)
		op.maxWindowValues(got, x, make([]float32, h*ow), 0, maps, h, w)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("window %+v, cell %d: %g without the argmax, %g with it", win, i, got[i], want[i])
			}
		}
	}
}

// TestSum checks the eight-way sum against float64 sums, for lengths
// around its eight running sums.
func TestSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{0, 1, 7, 8, 9, 17, 81, 3844} {
		x := make([]float32, n)
		var want float64
		for i := range x {
			x[i] = rng.Float32()*2 - 1
			want += float64(x[i])
		}
		if got := sum(x); math.Abs(float64(got)-want) > 1e-6*float64(n+1) {
			t.Fatalf("%d values: sum %g, want %g", n, got, want)
		}
	}
	if got := sum([]float32{1, 2, 3}); got != 6 {
		t.Fatalf("sum of 1, 2, 3 is %g", got)
	}
}
