package catalogue

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// synthetic is a generated collection: pictures in class folders, a
// catalogue whose "school" follows the folders (fidelity of the time),
// whose "noise" is drawn at random, and filters of which the first
// selective ones peak higher on one class.
type synthetic struct {
	j         *Joined
	class     []int
	peaks     [][]float32 // [filter][picture]
	selective int
	classes   int
}

func makeSynthetic(t testing.TB, seed uint64, pictures, filters, selective int, fidelity float64) *synthetic {
	r := rand.New(rand.NewPCG(seed, 1))
	const classes = 4
	s := &synthetic{class: make([]int, pictures), selective: selective, classes: classes}
	var b strings.Builder
	b.WriteString("file,school,noise,date\n")
	paths := make([]string, pictures)
	for i := range pictures {
		c := r.IntN(classes)
		s.class[i] = c
		paths[i] = fmt.Sprintf("/coll/class%d/%05d.jpg", c, i)
		school := c
		if r.Float64() > fidelity {
			school = r.IntN(classes)
		}
		fmt.Fprintf(&b, "class%d/%05d.jpg,school %d,noise %d;noise %d,%d\n", c, i, school, r.IntN(5), 5+r.IntN(3), 1301+r.IntN(400))
	}
	cat, err := Read(strings.NewReader(b.String()), "gen.csv")
	if err != nil {
		t.Fatal(err)
	}
	s.j = cat.Join("/coll", paths)
	if s.j.Matched != pictures {
		t.Fatalf("matched %d of %d", s.j.Matched, pictures)
	}
	s.peaks = make([][]float32, filters)
	for f := range filters {
		s.peaks[f] = make([]float32, pictures)
		for i := range pictures {
			v := r.Float32()
			if f < selective && s.class[i] == f%classes {
				v += 0.6
			}
			s.peaks[f][i] = v
		}
	}
	return s
}

func (s *synthetic) dissect(top int) Dissection {
	return s.j.Dissect("conv4", len(s.peaks), func(i, f int) float32 { return s.peaks[f][i] }, top)
}

// TestDissectFindsFollowingField: a field that follows the class folders
// is tied to the filters that prefer a class, a field of noise to none.
func TestDissectFindsFollowingField(t *testing.T) {
	s := makeSynthetic(t, 7, 1000, 16, 8, 0.9)
	d := s.dissect(50)
	// 16 filters times (4 schools + 8 noise values + 3 or 4 centuries).
	if d.Tests < 16*15 || d.Tests > 16*16 {
		t.Errorf("tests %d", d.Tests)
	}
	for f := 1; f <= 8; f++ {
		want := fmt.Sprintf("school %d", (f-1)%4)
		found := false
		for _, a := range d.TermsOf(f, 0.05) {
			if a.Field == "school" && a.Value == want {
				found = true
				if a.InTop < 30 || a.Top != 50 || a.CollectionSize != 1000 || a.P > 1e-6 || a.Q < a.P {
					t.Errorf("filter %d: %+v", f, a)
				}
			}
		}
		if !found {
			t.Errorf("filter %d: %s not found among %v", f, want, d.TermsOf(f, 0.05))
		}
	}
	for _, a := range d.Significant(0.05) {
		if a.Field != "school" || a.Filter > 8 {
			t.Errorf("false discovery: %+v", a)
		}
	}
	// The other way round: school 0's filters are 1 and 5.
	var fs []int
	for _, a := range d.FiltersOf("school", "school 0", 0.05) {
		fs = append(fs, a.Filter)
	}
	if len(fs) != 2 {
		t.Errorf("filters of school 0: %v", fs)
	}
}

// TestDissectFalseDiscoveryRate: over repeated seeds, the share of false
// discoveries among the discoveries stays near or below the rate asked
// (Benjamini-Hochberg; the hypergeometric tests are discrete, so
// conservative), and with no selective filter at all a run rarely
// discovers anything.
func TestDissectFalseDiscoveryRate(t *testing.T) {
	const seeds, fdr = 40, 0.05
	var share float64
	anyNull := 0
	for seed := range uint64(seeds) {
		s := makeSynthetic(t, 100+seed, 600, 24, 4, 0.8)
		// Weaker filters, so that not every true tie is found.
		var v, r int
		for _, a := range s.dissect(30).Significant(fdr) {
			r++
			if !(a.Field == "school" && a.Filter <= s.selective && a.Value == fmt.Sprintf("school %d", (a.Filter-1)%4)) {
				v++
			}
		}
		if r > 0 {
			share += float64(v) / float64(r)
		}
		null := makeSynthetic(t, 1000+seed, 600, 24, 0, 0.8)
		if len(null.dissect(30).Significant(fdr)) > 0 {
			anyNull++
		}
	}
	share /= seeds
	t.Logf("false share %.4f over %d seeds; runs with a discovery under the null: %d of %d", share, seeds, anyNull, seeds)
	if share > 2*fdr {
		t.Errorf("false discovery share %.3f, asked %.2f", share, fdr)
	}
	if float64(anyNull) > 3*fdr*seeds {
		t.Errorf("%d of %d null runs discovered something", anyNull, seeds)
	}
}

func TestSummaryAndAccuracy(t *testing.T) {
	s := makeSynthetic(t, 3, 400, 1, 0, 1)
	// The lasso holds class 2's pictures: school 2 comes first.
	var sel []int
	for i, c := range s.class {
		if c == 2 {
			sel = append(sel, i)
		}
	}
	sum := s.j.Summary(sel)
	if len(sum) == 0 || sum[0].Value != "school 2" || sum[0].InTop != len(sel) || sum[0].Q > 1e-10 {
		t.Fatalf("summary %+v", sum[:min(3, len(sum))])
	}
	// The network is right on class 0 and 1 only.
	truth, pred := make([]int, len(s.class)), make([]int, len(s.class))
	for i, c := range s.class {
		truth[i], pred[i] = c, c
		if c >= 2 {
			pred[i] = 0
		}
	}
	acc := s.j.AccuracyBy(0, truth, pred, 4)
	if len(acc) != 4 || acc[0].Accuracy != 0 || acc[3].Accuracy != 1 || acc[3].Interval[0] < 0.9 {
		t.Fatalf("accuracy %+v", acc)
	}
	for _, a := range acc {
		n := 0
		for _, row := range a.Confusion {
			for _, v := range row {
				n += v
			}
		}
		if n != a.Count {
			t.Errorf("%s: confusion holds %d of %d", a.Value, n, a.Count)
		}
	}
	// Dates by century: 1301 to 1700 gives four.
	byDate := s.j.AccuracyBy(2, truth, pred, 4)
	if len(byDate) != 4 || !strings.HasSuffix(byDate[0].Value, "century") {
		t.Errorf("by date %+v", byDate)
	}
	col := s.j.Colour(2, 8)
	if !col.Continuous || col.Min < 1301 || col.Max > 1700 {
		t.Errorf("colour %+v", col.Min)
	}
	col = s.j.Colour(1, 3)
	if col.Continuous || len(col.Categories) != 3 || col.Categories[2] != "other" {
		t.Errorf("categories %v", col.Categories)
	}
	sum2 := 0
	for _, n := range col.Counts {
		sum2 += n
	}
	if sum2 != 400 {
		t.Errorf("counts %v", col.Counts)
	}
}
