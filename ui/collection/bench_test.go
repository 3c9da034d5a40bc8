package collection

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/weights"
)

// BenchmarkCollectionRefresh measures what the UI goroutine does with
// 10,000 open pictures each time a batch arrives or a filter changes:
// filter and sort the whole table.
func BenchmarkCollectionRefresh(b *testing.B) {
	items := make([]*collection.Item, 10000)
	for i := range items {
		p := float32(i%97) / 97
		items[i] = &collection.Item{Path: fmt.Sprintf("/art/%s/picture %05d.jpg", classes4[i%4], (i*7919)%10000),
			Folder: classes4[i%4], Truth: i % 4, Class: (i / 3) % 4, Second: (i/3 + 1) % 4,
			Record: &collection.Record{Probabilities: []float32{p, 1 - p, 0, 0}}}
	}
	shown := make([]*collection.Item, 0, len(items))
	for _, col := range []int{colName, colProbability, colRight} {
		b.Run(columnTitles[col], func(b *testing.B) {
			for b.Loop() {
				shown = shown[:0]
				for _, it := range items {
					if noFilter.keep(it) {
						shown = append(shown, it)
					}
				}
				sortItems(shown, col, false, classes4, nil, nil)
			}
		})
	}
}

// BenchmarkCollectionResponsiveness opens a large collection and measures,
// while it is analysed on every core, how long work posted to the UI
// goroutine waits before it runs: a probe is posted every probeEvery, as a
// click or a repaint would be, and its wait is the window's lag. The
// benchmark goroutine stands in for Fyne's UI goroutine, running posted
// work (the batches of results, the table's refresh, the confusion
// chart's updates) as it comes. Reported: the wait's median, 99th
// percentile and maximum in milliseconds, the share of the time the UI
// goroutine was busy, and pictures analysed per second. The folder is
// $ARTLENS_BENCH_FOLDER (such as 10,000 pictures) or 300 generated ones.
func BenchmarkCollectionResponsiveness(b *testing.B) {
	dir := os.Getenv("ARTLENS_BENCH_FOLDER")
	if dir == "" {
		dir = b.TempDir()
		for i := range 300 {
			writeJPEG(b, dir, fmt.Sprintf("p%03d.jpg", i), 320, 240, i)
		}
	}
	const probeEvery = 5 * time.Millisecond
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	var waits []time.Duration
	var busy, total time.Duration
	pictures := 0
	for b.Loop() {
		b.Setenv("XDG_CACHE_HOME", b.TempDir()) // analysed, not read from the cache
		h, c := newHarness(b, start{Model: m})
		start := time.Now()
		c.open([]string{dir})
		stop := make(chan struct{})
		var mu sync.Mutex
		go func() {
			t := time.NewTicker(probeEvery)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					posted := time.Now()
					h.Host.Do(func() {
						mu.Lock()
						waits = append(waits, time.Since(posted))
						mu.Unlock()
					})
				}
			}
		}()
		// The UI goroutine: run what is posted, idle briefly when nothing is.
		for c.running || len(c.items) == 0 {
			t0 := time.Now()
			if h.Q.Drain() {
				busy += time.Since(t0)
			} else {
				time.Sleep(200 * time.Microsecond)
			}
			if time.Since(start) > 30*time.Minute {
				b.Fatal("the analysis did not end")
			}
		}
		close(stop)
		total += time.Since(start)
		pictures += len(c.items)
		h.Settle()
	}
	if len(waits) == 0 {
		b.Fatal("no probe ran")
	}
	slices.Sort(waits)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(waits[len(waits)/2]), "wait-p50-ms")
	b.ReportMetric(ms(waits[len(waits)*99/100]), "wait-p99-ms")
	b.ReportMetric(ms(waits[len(waits)-1]), "wait-max-ms")
	b.ReportMetric(100*busy.Seconds()/total.Seconds(), "ui-busy-%")
	b.ReportMetric(float64(pictures)/total.Seconds(), "pictures/s")
}
