package trust

import (
	"context"
	"testing"

	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/internal/cputime"
)

// BenchmarkCheck times the trust figures of one picture's Grad-CAM with
// the study's network (issue 25: the sanity check under 3 s, the whole
// check under 5 s); scripts/bench-trust-vs-pytorch.sh sets them beside
// the same work in PyTorch. cpu-s/op is the CPU time per operation and
// cores the cores it kept busy, which move less than the wall time on a
// shared machine.
func BenchmarkCheck(b *testing.B) {
	m, input := studyInput(b)
	gradcam, err := explain.LookupMethod(explain.MethodGradCAM)
	if err != nil {
		b.Fatal(err)
	}
	req := explain.Request{Input: input, Class: -1}
	mp, err := gradcam.Run(context.Background(), m, req)
	if err != nil {
		b.Fatal(err)
	}
	req.Class = mp.Class
	ctx := context.Background()
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"curves", func() error { _, _, err := Curves(ctx, m, input, mp); return err }},
		{"sanity", func() error { _, err := SanityCheck(ctx, m, gradcam, req, mp, 1, nil); return err }},
		{"whole", func() error { _, _, err := CheckPicture(ctx, m, explain.MethodGradCAM, req, 1, nil); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			if err := c.run(); err != nil { // graphs built once, as in the window
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu := cputime.Seconds()
			for range b.N {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
			used := cputime.Seconds() - cpu
			b.ReportMetric(used/float64(b.N), "cpu-s/op")
			b.ReportMetric(used/b.Elapsed().Seconds(), "cores")
		})
	}
}
