package training

import (
	"errors"
	"math"
)

// McNemar is McNemar's test of the difference between two classifiers'
// accuracies on the same pictures. Only the discordant pictures count,
// those exactly one of them gets right: were the two equally good, each
// such picture would go either way with even odds.
type McNemar struct {
	// BothRight, OnlyFirst, OnlySecond and BothWrong count the pictures.
	BothRight  int `json:"both_right"`
	OnlyFirst  int `json:"only_first"`
	OnlySecond int `json:"only_second"`
	BothWrong  int `json:"both_wrong"`
	// ExactP is the two-sided exact binomial test's p-value on the
	// discordant pictures: twice the probability of a split at least as
	// uneven under even odds, at most 1.
	ExactP float64 `json:"exact_p"`
	// ChiSquare is (|b-c|-1)²/(b+c), Edwards' continuity correction, and
	// ChiSquareP its p-value with one degree of freedom; 0 and 1 when no
	// picture is discordant.
	ChiSquare  float64 `json:"chi_square"`
	ChiSquareP float64 `json:"chi_square_p"`
}

// NewMcNemar tests two classifiers' answers, rightA[i] and rightB[i]
// saying whether each got picture i right.
func NewMcNemar(rightA, rightB []bool) (McNemar, error) {
	if len(rightA) != len(rightB) {
		return McNemar{}, errors.New("training: McNemar's test needs the two answers on the same pictures")
	}
	var t McNemar
	for i, a := range rightA {
		switch b := rightB[i]; {
		case a && b:
			t.BothRight++
		case a:
			t.OnlyFirst++
		case b:
			t.OnlySecond++
		default:
			t.BothWrong++
		}
	}
	b, c := t.OnlyFirst, t.OnlySecond
	n := b + c
	t.ExactP, t.ChiSquareP = 1, 1
	if n == 0 {
		return t, nil
	}
	// P(K <= min(b, c)) for K ~ Binomial(n, 1/2), summed from log terms
	// (n can be thousands).
	k := min(b, c)
	var tail float64
	for i := 0; i <= k; i++ {
		tail += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	t.ExactP = math.Min(1, 2*tail)
	d := math.Abs(float64(b-c)) - 1
	if d < 0 {
		d = 0
	}
	t.ChiSquare = d * d / float64(n)
	// The chi-square distribution with one degree of freedom: P(X > x) =
	// erfc(sqrt(x/2)).
	t.ChiSquareP = math.Erfc(math.Sqrt(t.ChiSquare / 2))
	return t, nil
}

// logChoose returns ln(n choose k).
func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
