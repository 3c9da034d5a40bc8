package catalogue

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/cputime"
)

// catalogueCSV generates a catalogue of rows rows with a file, an artist
// (2,000 names), a date, a school (12), a medium (20), several subjects
// (300 terms) and a free-text title.
func catalogueCSV(rows int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("file,artist,date,school,medium,subjects,title\n")
	for i := range rows {
		fmt.Fprintf(&b, "folder%d/picture%06d.jpg,Artist %d,c. %d,School %d,Medium %d,\"Subject %d; Subject %d; Subject %d\",Title of picture %d\n",
			i%50, i, r.IntN(2000), 1300+r.IntN(600), r.IntN(12), r.IntN(20), r.IntN(300), r.IntN(300), r.IntN(300), i)
	}
	return b.Bytes()
}

// BenchmarkRead100000 reads a 100,000-row catalogue (about 11 MB) and joins
// it to as many pictures; live-MB is the heap held after, peak-MB the
// largest heap of live and not yet collected objects a sampler saw above
// the heap before (the budget: 2 s and 100 MB; cpu-s the CPU time).
func BenchmarkRead100000(b *testing.B) {
	const rows = 100000
	text := catalogueCSV(rows)
	paths := make([]string, rows)
	for i := range paths {
		paths[i] = fmt.Sprintf("/coll/folder%d/picture%06d.jpg", i%50, i)
	}
	b.SetBytes(int64(len(text)))
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		cpu := cputime.Seconds()
		stop := samplePeak()
		c, err := Read(bytes.NewReader(text), "big.csv")
		if err != nil {
			b.Fatal(err)
		}
		j := c.Join("/coll", paths)
		if j.Matched != rows {
			b.Fatalf("matched %d", j.Matched)
		}
		b.ReportMetric(cputime.Seconds()-cpu, "cpu-s")
		b.ReportMetric(float64(stop()-before.HeapAlloc)/1e6, "peak-MB")
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/1e6, "alloc-MB")
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "live-MB")
		runtime.KeepAlive(j)
	}
}

// BenchmarkDissect10000 dissects one layer of 128 filters over 10,000
// pictures with 20 fields (the budget: 10 s).
func BenchmarkDissect10000(b *testing.B) {
	const pictures, filters, fields = 10000, 128, 20
	r := rand.New(rand.NewPCG(3, 4))
	var text bytes.Buffer
	text.WriteString("file")
	for f := range fields {
		fmt.Fprintf(&text, ",field%d", f)
	}
	text.WriteString("\n")
	paths := make([]string, pictures)
	for i := range pictures {
		paths[i] = fmt.Sprintf("/coll/p%05d.jpg", i)
		fmt.Fprintf(&text, "p%05d.jpg", i)
		for f := range fields {
			if f == 0 {
				fmt.Fprintf(&text, ",%d", 1301+r.IntN(600)) // a date
			} else {
				fmt.Fprintf(&text, ",v%d;w%d", r.IntN(5+3*f), r.IntN(4))
			}
		}
		text.WriteString("\n")
	}
	c, err := Read(&text, "gen.csv")
	if err != nil {
		b.Fatal(err)
	}
	j := c.Join("/coll", paths)
	peaks := make([]float32, pictures*filters)
	for i := range peaks {
		peaks[i] = r.Float32()
	}
	for b.Loop() {
		cpu := cputime.Seconds()
		d := j.Dissect("conv4", filters, func(i, f int) float32 { return peaks[i*filters+f] }, 50)
		b.ReportMetric(cputime.Seconds()-cpu, "cpu-s")
		b.ReportMetric(float64(d.Tests), "tests")
	}
}

// samplePeak samples the heap's live objects every millisecond until the
// returned function is called, which returns the largest seen.
func samplePeak() func() uint64 {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}
