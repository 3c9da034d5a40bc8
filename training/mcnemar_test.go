package training

import (
	"math"
	"testing"
)

// answers returns paired right/wrong answers with the given counts of
// both right, only the first right, only the second, both wrong.
func answers(both, first, second, neither int) (a, b []bool) {
	add := func(n int, x, y bool) {
		for range n {
			a, b = append(a, x), append(b, y)
		}
	}
	add(both, true, true)
	add(first, true, false)
	add(second, false, true)
	add(neither, false, false)
	return a, b
}

// TestMcNemar checks the test against values worked by hand: the exact
// p-value is 2·Σ_{k≤min(b,c)} C(n,k)/2ⁿ (10 against 2: 2·(1+12+66)/4096),
// the statistic (|b−c|−1)²/(b+c) (49/12), and its p-value erfc(√(x/2)).
func TestMcNemar(t *testing.T) {
	for _, tc := range []struct {
		both, first, second, neither int
		exact, chi, chiP             float64
	}{
		{50, 10, 2, 7, 158.0 / 4096, 49.0 / 12, 0.04330814281079198},
		{3, 0, 5, 1, 2.0 / 32, 16.0 / 5, 0.07363827012030266},
		{0, 3, 3, 0, 1, 0, 1}, // 2·42/64 > 1: capped
		{4, 1, 0, 0, 1, 0, 1}, // one discordant picture: |1-0|-1 = 0
		{5, 0, 0, 2, 1, 0, 1}, // none discordant
		{640, 16, 38, 59, 0.003838265880326097, 441.0 / 54, 0.004266724822176129}, // a 753-picture comparison
	} {
		a, b := answers(tc.both, tc.first, tc.second, tc.neither)
		m, err := NewMcNemar(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if m.BothRight != tc.both || m.OnlyFirst != tc.first || m.OnlySecond != tc.second || m.BothWrong != tc.neither {
			t.Errorf("%+v: counts %+v", tc, m)
		}
		near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Max(1, want) }
		if !near(m.ExactP, tc.exact) || !near(m.ChiSquare, tc.chi) || !near(m.ChiSquareP, tc.chiP) {
			t.Errorf("%+v: exact p %.15g, chi-square %.15g, p %.15g", tc, m.ExactP, m.ChiSquare, m.ChiSquareP)
		}
	}
	if _, err := NewMcNemar([]bool{true}, nil); err == nil {
		t.Error("answers on different pictures were tested")
	}
}
