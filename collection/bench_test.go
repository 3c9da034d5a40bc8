package collection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/weights"
)

// realFolder is the data set's test split, relative to this package.
const realFolder = "../../shared/data/art-images/validation_set"

// benchFiles returns up to n pictures of the data set's test split, or
// generated ones when the data set is not there.
func benchFiles(b *testing.B, n int) []File {
	b.Helper()
	if _, err := os.Stat(realFolder); err == nil {
		files, _, err := Scan([]string{realFolder})
		if err != nil {
			b.Fatal(err)
		}
		// Every fourth, so all classes are in.
		var out []File
		for i := 0; i < len(files) && len(out) < n; i += 4 {
			out = append(out, files[i])
		}
		return out
	}
	dir := b.TempDir()
	for i := range n {
		writePNG(b, filepath.Join(dir, "p", string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676))+".png"), 400, 300, noise(uint64(i)))
	}
	files, _, err := Scan([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

func shipped(b testing.TB) *engine.Model {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkAnalyse measures the window's analysis of a collection, per
// picture (reading, hashing, decoding, the network with every conv layer,
// peaks, thumbnail), with a reader per CPU and with a single one (the
// network's batches use every core either way).
// Compare with BenchmarkPredictCommand.
func BenchmarkAnalyse(b *testing.B) {
	files := benchFiles(b, 100)
	m := shipped(b)
	for _, c := range []struct {
		name    string
		workers int
	}{{"workers=cpus", runtime.NumCPU()}, {"workers=1", 1}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				_, err := Analyse(context.Background(), m, files, Options{Workers: c.workers}, func(r Result) {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			perPicture := b.Elapsed().Seconds() / float64(b.N*len(files))
			b.ReportMetric(perPicture*1000, "ms/picture")
			b.ReportMetric(1/perPicture, "pictures/s")
		})
	}
}

// BenchmarkPredictCommand measures what `artlens predict` does per picture
// on the same files: open, the network's input, one prediction.
func BenchmarkPredictCommand(b *testing.B) {
	files := benchFiles(b, 100)
	m := shipped(b)
	for b.Loop() {
		for _, f := range files {
			img, _, err := picture.Open(f.Path)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Predict(picture.ToInput(img, engine.InputSize)); err != nil {
				b.Fatal(err)
			}
		}
	}
	perPicture := b.Elapsed().Seconds() / float64(b.N*len(files))
	b.ReportMetric(perPicture*1000, "ms/picture")
	b.ReportMetric(1/perPicture, "pictures/s")
}

// BenchmarkBytesPerPicture measures the heap that each open picture keeps
// (its Item and Record: probabilities, 256 features, a peak per filter,
// thumbnail, path). A first analysis of a few pictures is not counted:
// it sets up what every analysis shares (about 30 MB of gorgonia's and the
// BLAS's buffers, which stay), so that the difference is per picture.
func BenchmarkBytesPerPicture(b *testing.B) {
	files := benchFiles(b, 200)
	m := shipped(b)
	if _, err := Analyse(context.Background(), m, files[:4], Options{}, func(Result) {}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var items []*Item
		_, err := Analyse(context.Background(), m, files, Options{}, func(r Result) {
			if r.Err == nil {
				items = append(items, r.Item)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(items)), "B/picture")
		runtime.KeepAlive(items)
	}
}

// budgetPictures is the size of BenchmarkCollectionBudget's collection.
const budgetPictures = 96

// BenchmarkCollectionBudget is the collection's regression check: .ci/run
// compares its figures with budgets. It analyses budgetPictures generated
// JPEG pictures (painting-sized, 360x280, smooth with some grain) from
// scratch with the shipped model and reports:
//
//   - B/picture: the heap that each analysed picture keeps (its Item and
//     Record), after two collections;
//   - x-predictbatch: the analysis' CPU time per picture over that of
//     engine.Model.PredictBatch on the same pictures' inputs (the network
//     alone: the analysis also reads, hashes and decodes each file, makes
//     its thumbnail and keeps each filter's peak);
//   - x-predict: the same over what `artlens predict` does per picture
//     (open, the network's input, Model.Predict).
//
// CPU time, not wall time, so that other work on a shared machine moves
// the figures less; each is the best of three rounds. ms/picture is the
// analysis' wall time, for information.
func BenchmarkCollectionBudget(b *testing.B) {
	dir := b.TempDir()
	for i := range budgetPictures {
		writeJPEG(b, filepath.Join(dir, fmt.Sprintf("p%03d.jpg", i)), 360, 280, uint64(i))
	}
	files, _, err := Scan([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	m := shipped(b)
	in := m.Input()
	inputs := make([]float32, 0, len(files)*in.Len())
	for _, f := range files {
		img, _, err := picture.Open(f.Path)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, picture.ToInputShape(img, in.Channels, in.Width, in.Height)...)
	}
	analyse := func() []*Item {
		var items []*Item
		_, err := Analyse(context.Background(), m, files, Options{}, func(r Result) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			items = append(items, r.Item)
		})
		if err != nil {
			b.Fatal(err)
		}
		return items
	}
	// cpu returns the CPU seconds per picture that f takes.
	cpu := func(f func()) float64 {
		c := cputime.Seconds()
		f()
		return (cputime.Seconds() - c) / float64(len(files))
	}
	heap := func() uint64 {
		var s runtime.MemStats
		runtime.GC()
		runtime.GC() // what sync.Pools held until the first
		runtime.ReadMemStats(&s)
		return s.HeapAlloc
	}
	// Warm up: graphs built, buffers made, files in the page cache.
	analyse()
	if _, err := m.PredictBatch(inputs, 64); err != nil {
		b.Fatal(err)
	}
	best := func(v *float64, x float64) {
		if *v == 0 || x < *v {
			*v = x
		}
	}
	var analysis, batch, predict, wall, bytes float64
	for b.Loop() {
		for range 3 {
			best(&batch, cpu(func() {
				if _, err := m.PredictBatch(inputs, 64); err != nil {
					b.Fatal(err)
				}
			}))
			best(&predict, cpu(func() {
				for _, f := range files {
					img, _, err := picture.Open(f.Path)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height)); err != nil {
						b.Fatal(err)
					}
				}
			}))
			before := heap()
			var items []*Item
			start := time.Now()
			best(&analysis, cpu(func() { items = analyse() }))
			best(&wall, time.Since(start).Seconds()/float64(len(files)))
			best(&bytes, float64(heap()-before)/float64(len(items)))
			runtime.KeepAlive(items)
		}
	}
	b.ReportMetric(bytes, "B/picture")
	b.ReportMetric(analysis/batch, "x-predictbatch")
	b.ReportMetric(analysis/predict, "x-predict")
	b.ReportMetric(wall*1000, "ms/picture")
}

// writeJPEG writes a w x h JPEG picture: a smooth gradient with a disc and
// some grain, different for each seed.
func writeJPEG(b testing.TB, path string, w, h int, seed uint64) {
	b.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r0, g0, b0 := rng.IntN(200), rng.IntN(200), rng.IntN(200)
	cx, cy, rad := rng.IntN(w), rng.IntN(h), 20+rng.IntN(h/2)
	for y := range h {
		for x := range w {
			v := uint8(x * 255 / w)
			c := color.RGBA{uint8(r0) + v/5, uint8(g0) + uint8(y*50/h), uint8(b0) + v/8, 255}
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < rad*rad {
				c.R, c.G = 255-c.R, 255-c.G
			}
			n := uint8(rng.IntN(12))
			c.R, c.G, c.B = c.R+n, c.G+n, c.B+n
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
}

// cachePictures is the size of BenchmarkCacheSave's cache.
const cachePictures = 10000

// BenchmarkCacheSave saves and loads a cache of cachePictures records of
// the shipped model's size (copies of the records of a few analysed
// pictures under other hashes, so that the file is as large as a real
// one) and reports, per picture:
//
//   - B/picture-save: the memory that saving allocates beside the cache
//     (with the collector off, so all of it is there at the end: the most
//     saving adds to the process). Written as one gob message it would be
//     the encoded cache, and more while the buffer grows; in chunks it is
//     a chunk's, shared among all the pictures. .ci/run checks it;
//   - B/picture-load: what loading allocates, the records kept included;
//   - B/picture-file: the cache file's size.
func BenchmarkCacheSave(b *testing.B) {
	dir := b.TempDir()
	for i := range 8 {
		writeJPEG(b, filepath.Join(dir, fmt.Sprintf("p%d.jpg", i)), 360, 280, uint64(i))
	}
	files, _, err := Scan([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	var analysed []*Record
	if _, err := Analyse(context.Background(), shipped(b), files, Options{}, func(r Result) {
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		analysed = append(analysed, r.Item.Record)
	}); err != nil {
		b.Fatal(err)
	}
	c := OpenCache(filepath.Join(dir, "cache"), "fp", []string{"/museum"})
	for i := range cachePictures {
		h := sha256.Sum256(fmt.Append(nil, i))
		c.records[h] = analysed[i%len(analysed)]
		c.stamps[fmt.Sprintf("/museum/folder %d/picture %d.jpg", i/100, i)] = stamp{Size: int64(i), ModTime: int64(i), Hash: h}
	}
	allocated := func(f func()) float64 {
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / cachePictures
	}
	var save, load float64
	for b.Loop() {
		c.dirty = true
		save = allocated(func() {
			if err := c.Save(false); err != nil {
				b.Fatal(err)
			}
		})
		load = allocated(func() {
			if n := OpenCache(filepath.Join(dir, "cache"), "fp", []string{"/museum"}).Len(); n != cachePictures {
				b.Fatalf("%d records loaded, want %d", n, cachePictures)
			}
		})
	}
	info, err := os.Stat(c.Path())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(save, "B/picture-save")
	b.ReportMetric(load, "B/picture-load")
	b.ReportMetric(float64(info.Size())/cachePictures, "B/picture-file")
}
