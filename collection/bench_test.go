package collection

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/artlens/artlens/engine"
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
// peaks, thumbnail), with one worker per CPU and with a single one.
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
