package trust

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
)

// Interval is a mean with its 95 % confidence interval and its count.
type Interval struct {
	Mean float64 `json:"mean"`
	// Low and High bound the 95 % interval of the mean (Student's t with
	// N-1 degrees of freedom); both equal Mean when N < 2, where there is
	// no interval (Defined is false).
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
	N       int     `json:"n"`
	Defined bool    `json:"interval_defined"`
}

// MeanInterval returns the mean of x with its 95 % t interval: mean ±
// t(0.975, n-1)·s/√n, s the sample standard deviation. The t interval
// assumes the mean is about normal, which holds for AUCs (bounded, of
// pictures drawn independently) from a few tens of pictures on; below
// that it is a rough guide.
func MeanInterval(x []float64) Interval {
	iv := Interval{N: len(x)}
	if len(x) == 0 {
		return iv
	}
	for _, v := range x {
		iv.Mean += v
	}
	iv.Mean /= float64(len(x))
	iv.Low, iv.High = iv.Mean, iv.Mean
	if len(x) < 2 {
		return iv
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - iv.Mean) * (v - iv.Mean)
	}
	se := math.Sqrt(ss/float64(len(x)-1)) / math.Sqrt(float64(len(x)))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(x) - 1)}.Quantile(0.975)
	iv.Low, iv.High, iv.Defined = iv.Mean-t*se, iv.Mean+t*se, true
	return iv
}

// MethodSummary is one method's figures over a collection.
type MethodSummary struct {
	Method string `json:"method"`
	// Pictures is the number of pictures checked; Failed those that
	// could not be (unreadable, or the method failed), not in the means.
	Pictures int `json:"pictures"`
	Failed   int `json:"failed"`
	// Deletion and Insertion are the mean AUCs: lower deletion and
	// higher insertion are better.
	Deletion  Interval `json:"deletion_auc"`
	Insertion Interval `json:"insertion_auc"`
	// SanityLast is the mean similarity after the last sanity step (every
	// layer random) and Follows the number of pictures whose map was
	// judged to follow the network (Sanity.Follows).
	SanityLast Interval `json:"sanity_last_similarity"`
	Follows    int      `json:"sanity_follows"`
	// Errors holds the first few failures, "file: reason".
	Errors []string `json:"errors,omitempty"`
}

// SummaryOptions configures Summarise.
type SummaryOptions struct {
	// Methods are the methods' names (explain.LookupMethod); none means
	// every method of explain.MethodsFor the model.
	Methods []string
	// Place is the place the CAM methods read (0: m.CAMPlace()).
	Place int
	// Seed seeds the methods and the sanity checks.
	Seed uint64
	// Progress, when not nil, is called after each picture and method with
	// the number done and the total (pictures times methods), from the
	// goroutine that called Summarise.
	Progress func(done, total int)
}

// Summarise checks every picture of files with every method and returns
// one summary per method, in the order of opt.Methods. Each picture's map
// explains the class the network predicts for it. A picture that cannot
// be read or explained is counted in Failed. It stops with ctx's error
// when ctx is cancelled (the figures so far are dropped).
func Summarise(ctx context.Context, m *engine.Model, files []string, opt SummaryOptions) ([]MethodSummary, error) {
	names := opt.Methods
	if len(names) == 0 {
		for _, me := range explain.MethodsFor(m) {
			names = append(names, me.Name)
		}
	}
	methods := make([]explain.Method, len(names))
	for i, n := range names {
		me, err := explain.LookupMethod(n)
		if err != nil {
			return nil, err
		}
		methods[i] = me
	}
	if len(files) == 0 {
		return nil, errors.New("trust: no pictures to summarise")
	}
	type sums struct{ del, ins, last []float64 }
	acc := make([]sums, len(methods))
	out := make([]MethodSummary, len(methods))
	for i, me := range methods {
		out[i].Method = me.Name
	}
	in := m.Input()
	total, done := len(files)*len(methods), 0
	fail := func(i int, f string, err error) {
		out[i].Failed++
		if len(out[i].Errors) < 5 {
			out[i].Errors = append(out[i].Errors, fmt.Sprintf("%s: %v", f, err))
		}
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, _, err := picture.Open(f)
		var input []float32
		if err == nil {
			input = picture.ToInputShape(img, in.Channels, in.Width, in.Height)
		}
		for i, me := range methods {
			if err != nil {
				fail(i, f, err)
			} else {
				req := explain.Request{Input: input, Class: -1, Place: opt.Place, Seed: opt.Seed}
				mp, e := me.Run(ctx, m, req)
				var c Check
				if e == nil {
					req.Class = mp.Class
					c, e = CheckMap(ctx, m, me, req, mp, opt.Seed, nil)
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if e != nil {
					fail(i, f, e)
				} else {
					acc[i].del = append(acc[i].del, c.Deletion.AUC)
					acc[i].ins = append(acc[i].ins, c.Insertion.AUC)
					acc[i].last = append(acc[i].last, c.Sanity.Last())
					if c.Sanity.Follows {
						out[i].Follows++
					}
				}
			}
			done++
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		}
	}
	for i := range out {
		out[i].Pictures = len(acc[i].del)
		out[i].Deletion = MeanInterval(acc[i].del)
		out[i].Insertion = MeanInterval(acc[i].ins)
		out[i].SanityLast = MeanInterval(acc[i].last)
	}
	return out, nil
}
