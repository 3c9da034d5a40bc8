package explore

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// BenchmarkExploreFolderBudget opens folders of generated pictures in the
// Explore view, with the shipped model and an empty collection cache, as
// `artlens FOLDER` does, and reports, for .ci/run's budget:
//
//   - B/picture: the heap kept per picture in the strip: the heap held
//     with a folder of 512 pictures open, less that with 64 (so that
//     the picture shown in full, its maps and the window's own share
//     cancel out), over the 448 more (with 192 more, the heap's noise,
//     a few hundred KB, once gave a negative size);
//   - x-predict: the CPU time per picture of opening the larger folder
//     (listing, decoding, the network, the cache saved, the first
//     picture shown with its maps) over that of what `artlens predict`
//     does for one (open, the network's input, Model.Predict);
//   - ms/picture: the opening's wall time, for information.
//
// CPU time, not wall time, so that other work on a shared machine moves
// the figures less. One round: on the shared machine a round takes minutes.
func BenchmarkExploreFolderBudget(b *testing.B) {
	const small, large = 64, 512
	root := b.TempDir()
	dirs := map[int]string{}
	var files []string
	for _, n := range []int{small, large} {
		dir := filepath.Join(root, fmt.Sprint(n))
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			p := writeJPEG(b, dir, fmt.Sprintf("p%03d.jpg", i), 360, 280, i)
			if n == large {
				files = append(files, p)
			}
		}
		dirs[n] = dir
	}
	if lazyFolderMin > small {
		b.Fatalf("a folder of %d pictures is not opened the large way (lazyFolderMin %d)", small, lazyFolderMin)
	}
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	in := m.Input()
	cpu := func(f func()) float64 {
		c := cputime.Seconds()
		f()
		return cputime.Seconds() - c
	}
	heap := func() uint64 {
		var s runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&s)
		return s.HeapAlloc
	}
	// opened opens the folder of n pictures in a new window with an empty
	// cache, and returns the heap it holds and the CPU and wall seconds.
	opened := func(n int) (held uint64, cpuSec, wall float64) {
		b.Setenv("XDG_CACHE_HOME", b.TempDir())
		base := heap()
		var h *harness
		start := time.Now()
		cpuSec = cpu(func() {
			h = newHarness(b, harnessOptions{Model: m, Images: []string{dirs[n]}})
		})
		wall = time.Since(start).Seconds()
		if got := len(h.s.explore.entries); got != n {
			b.Fatalf("%d pictures opened of %d", got, n)
		}
		held = heap() - base
		runtime.KeepAlive(h)
		return held, cpuSec, wall
	}
	best := func(v *float64, x float64) {
		if *v == 0 || x < *v {
			*v = x
		}
	}
	opened(small) // warm up: graphs built, files in the page cache
	var bytes, open, predict, wall float64
	for b.Loop() {
		for range 1 {
			best(&predict, cpu(func() {
				for _, f := range files {
					img, _, err := picture.Open(f)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height)); err != nil {
						b.Fatal(err)
					}
				}
			}))
			heldSmall, _, _ := opened(small)
			heldLarge, c, w := opened(large)
			best(&open, c)
			best(&wall, w)
			best(&bytes, (float64(heldLarge)-float64(heldSmall))/(large-small))
		}
	}
	b.ReportMetric(bytes, "B/picture")
	b.ReportMetric(open/predict, "x-predict")
	b.ReportMetric(wall*1000/large, "ms/picture")
}
