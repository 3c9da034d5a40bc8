package nn

import (
	"reflect"
	"testing"

	"gorgonia.org/tensor"
)

// TestShuffleOpsByHand runs the shuffle and slice ops and their gradient
// ops on one value per channel: a shuffle's gradient (a shuffle in
// C/groups groups) undoes it, and a slice's puts the values back among
// zeros.
func TestShuffleOpsByHand(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 6, 1, 1), tensor.WithBacking([]float32{0, 1, 2, 3, 4, 5}))
	fwd := &shuffleOp{opBase: newOpBase("s"), groups: 2}
	y, err := fwd.Do(x)
	if err != nil {
		t.Fatal(err)
	}
	// 2 rows (0 1 2) (3 4 5) read by columns.
	if got := y.Data().([]float32); !reflect.DeepEqual(got, []float32{0, 3, 1, 4, 2, 5}) {
		t.Fatalf("shuffle %v", got)
	}
	back, err := (&shuffleOp{opBase: newOpBase("g"), groups: 3}).Do(y)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Data().([]float32); !reflect.DeepEqual(got, []float32{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("the gradient's permutation gives %v, not the input back", got)
	}
	dy := tensor.New(tensor.WithShape(2, 2, 1, 1), tensor.WithBacking([]float32{7, 8, 9, 10}))
	un := &unsliceOp{opBase: newOpBase("u"), from: 1, c: 4}
	for run := range 2 {
		dx, err := un.Do(dy)
		if err != nil {
			t.Fatal(err)
		}
		if got := dx.Data().([]float32); !reflect.DeepEqual(got, []float32{0, 7, 8, 0, 0, 9, 10, 0}) {
			t.Fatalf("run %d: a slice's gradient %v", run, got)
		}
		for i := range un.out.Float32s() { // the kept buffer must be cleared before the next run
			un.out.Float32s()[i] = 99
		}
	}
}
