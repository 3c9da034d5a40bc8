package catalogue

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestHypergeomHandWorked: 10 pictures, 4 of them Madonnas; a filter's top
// 3 holds 2. P(X >= 2) = [C(4,2)C(6,1) + C(4,3)C(6,0)] / C(10,3)
// = (6*6 + 4*1) / 120 = 40/120 = 1/3.
func TestHypergeomHandWorked(t *testing.T) {
	lf := NewLogFactorials(10)
	for _, c := range []struct {
		k, N, K, n int
		want       float64
	}{
		{2, 10, 4, 3, 40.0 / 120},
		{3, 10, 4, 3, 4.0 / 120},
		{1, 10, 4, 3, 1 - 20.0/120}, // 1 - C(6,3)/C(10,3)
		{0, 10, 4, 3, 1},
		{4, 10, 4, 3, 0},  // more than drawn
		{3, 10, 10, 3, 1}, // every picture marked
		{1, 10, 0, 3, 0},  // none marked
		{3, 10, 9, 3, 1},  // at least 2 must be marked; 3 of 3: C(9,3)/C(10,3) below
		{2, 10, 9, 3, 1},  // at least 2 are always marked
	} {
		if c.k == 3 && c.K == 9 {
			c.want = 84.0 / 120
		}
		got := lf.HypergeomSF(c.k, c.N, c.K, c.n)
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("SF(%d; N=%d K=%d n=%d) = %.15g, want %.15g", c.k, c.N, c.K, c.n, got, c.want)
		}
	}
}

// TestHypergeomScipy checks against scipy.stats.hypergeom.sf(k-1, N, K, n)
// and logsf, written by scripts/make-hypergeom-fixture.py.
func TestHypergeomScipy(t *testing.T) {
	b, err := os.ReadFile("testdata/hypergeom.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Cases []struct {
			K, N, Marked, Drawn int
			SF, LogSF           float64
		}
	}
	if err := json.Unmarshal(b, &fixture); err != nil {
		t.Fatal(err)
	}
	cases := fixture.Cases
	if len(cases) < 10 {
		t.Fatalf("%d cases", len(cases))
	}
	lf := NewLogFactorials(100000)
	for _, c := range cases {
		got := lf.LogHypergeomSF(c.K, c.N, c.Marked, c.Drawn)
		// Relative in the p-value: 1e-9 of its log, or absolute near 1.
		if math.Abs(got-c.LogSF) > 1e-9*math.Max(1, math.Abs(c.LogSF)) {
			t.Errorf("logSF(%d; N=%d K=%d n=%d) = %.12g, scipy %.12g", c.K, c.N, c.Marked, c.Drawn, got, c.LogSF)
		}
		if p := lf.HypergeomSF(c.K, c.N, c.Marked, c.Drawn); math.Abs(p-c.SF) > 1e-9*math.Max(c.SF, 1e-300) && math.Abs(p-c.SF) > 1e-15 {
			t.Errorf("SF(%d; N=%d K=%d n=%d) = %.12g, scipy %.12g", c.K, c.N, c.Marked, c.Drawn, p, c.SF)
		}
	}
}

// TestBH: the example of Benjamini and Hochberg's procedure worked by hand.
// Sorted p 0.01, 0.02, 0.03, 0.04, 0.5 with m = 5: p*m/rank = 0.05, 0.05,
// 0.05, 0.05, 0.5; the running minimum from the end keeps them.
func TestBH(t *testing.T) {
	p := []float64{0.04, 0.5, 0.01, 0.03, 0.02}
	want := []float64{0.05, 0.5, 0.05, 0.05, 0.05}
	got := BH(p)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("q %v, want %v", got, want)
			break
		}
	}
	// A later, smaller p*m/rank lowers the q of the earlier: 0.012*3/1 = 0.036
	// > 0.013*3/2 = 0.0195.
	got = BH([]float64{0.012, 0.013, 0.9})
	if math.Abs(got[0]-0.0195) > 1e-12 || math.Abs(got[1]-0.0195) > 1e-12 || got[2] != 0.9 {
		t.Errorf("q %v", got)
	}
	// setQ with tests not listed (p = 1) uses their number.
	o := []Over{{P: 0.01}, {P: 0.02}}
	setQ(o, 10)
	if math.Abs(o[0].Q-0.1) > 1e-12 || math.Abs(o[1].Q-0.1) > 1e-12 {
		t.Errorf("setQ %v", o)
	}
}

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 10, 0, 0.27753},
		{5, 10, 0.23659, 0.76341},
		{10, 10, 0.72247, 1},
		{81, 100, 0.72221, 0.87485},
		{0, 0, 0, 1},
	} {
		lo, hi := Wilson(c.k, c.n)
		if math.Abs(lo-c.lo) > 1e-5 || math.Abs(hi-c.hi) > 1e-5 {
			t.Errorf("Wilson(%d, %d) = [%.5f, %.5f], want [%.5f, %.5f]", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
}
