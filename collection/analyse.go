package collection

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// Options tune Analyse.
type Options struct {
	// Workers is the number of pictures analysed at once, each worker with
	// its own copy of the model (engine.Model.Predict serialises calls);
	// 0 means one per CPU.
	Workers int
	// Cache, when not nil, gives the results of pictures analysed before
	// and keeps the new ones (Cache.Save writes them).
	Cache *Cache
	// ClassMap maps folder names to class names for the true class (see
	// TrueClass), such as dataset.DefaultClassMap.
	ClassMap map[string]string
}

// Result is the outcome of one file.
type Result struct {
	File File
	// Item is the analysed picture; nil when Err is set.
	Item *Item
	Err  error
	// Cached says that the result came from the cache.
	Cached bool
	// Progress is the state after this file.
	Progress Progress
}

// Progress tells how far an analysis is.
type Progress struct {
	// Done counts finished files (failed and cached ones included) of Total.
	Done, Total int
	// Cached counts files whose result came from the cache; Failed those
	// that could not be analysed.
	Cached, Failed int
	// Elapsed is the time since the analysis started.
	Elapsed time.Duration
	// analysed counts pictures run through the network, for the rate.
	analysed int
	// spent is the time of the first network run to the last.
	spent time.Duration
}

// Rate returns the pictures run through the network per second (cached
// ones, which cost nothing, left out); 0 before the first.
func (p Progress) Rate() float64 {
	if p.analysed == 0 || p.spent <= 0 {
		return 0
	}
	return float64(p.analysed) / p.spent.Seconds()
}

// Left estimates the time until the end at the current rate; 0 when it is
// not known yet.
func (p Progress) Left() time.Duration {
	r := p.Rate()
	if r == 0 {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / r * float64(time.Second))
}

// Analyse runs model m over files, Options.Workers at a time, and passes
// each file's result to emit, one call at a time, in the order they finish.
// It returns when all files are done, or ctx.Err() soon after ctx is
// cancelled (the results emitted so far stay valid). m itself is not run:
// each worker uses its own copy.
//
// The layout of m's conv layers is returned with the first result, since
// it is needed to read Record.Peaks.
func Analyse(ctx context.Context, m *engine.Model, files []File, opt Options, emit func(Result)) (Layout, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(files)))
	models := make([]*engine.Model, workers)
	for i := range models {
		c, err := Clone(m)
		if err != nil {
			return nil, err
		}
		models[i] = c
	}
	layout, err := ModelLayout(models[0])
	if err != nil {
		return nil, err
	}
	if opt.Cache != nil {
		opt.Cache.startRun()
	}
	jobs := make(chan File)
	results := make(chan Result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				results <- analyseFile(models[w], f, opt)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range files {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	start := time.Now()
	var first, last time.Time
	p := Progress{Total: len(files)}
	for r := range results {
		now := time.Now()
		p.Done++
		p.Elapsed = now.Sub(start)
		switch {
		case r.Err != nil:
			p.Failed++
		case r.Cached:
			p.Cached++
		default:
			if first.IsZero() {
				// The first run's time counts from the start: workers
				// began together.
				first = start
			}
			last = now
			p.analysed++
			p.spent = last.Sub(first)
		}
		r.Progress = p
		emit(r)
	}
	if err := ctx.Err(); err != nil && p.Done < p.Total {
		return layout, err
	}
	return layout, nil
}

// analyseFile reads, hashes and, unless the cache knows its content,
// analyses one file.
func analyseFile(m *engine.Model, f File, opt Options) Result {
	r := Result{File: f}
	name := filepath.Base(f.Path)
	fail := func(err error) Result {
		r.Err = fmt.Errorf("%s: %w", name, err)
		return r
	}
	info, err := os.Stat(f.Path)
	if err != nil {
		return fail(errors.Unwrap(err))
	}
	if info.Size() > picture.MaxFileSize {
		return fail(fmt.Errorf("the file is too large: %d MiB; files over %d MiB are refused", info.Size()>>20, picture.MaxFileSize>>20))
	}
	var hash [32]byte
	var rec *Record
	known := false
	if opt.Cache != nil {
		hash, known = opt.Cache.hashOf(f.Path, info)
		if known {
			rec = opt.Cache.record(hash)
		}
	}
	if rec == nil {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return fail(errors.Unwrap(err))
		}
		hash = sha256.Sum256(data)
		if opt.Cache != nil {
			opt.Cache.notePath(f.Path, info, hash)
			rec = opt.Cache.record(hash)
		}
		if rec == nil {
			img, _, err := picture.Decode(data)
			if err != nil {
				return fail(err)
			}
			p, err := m.Predict(modelInput(m, img))
			if err != nil {
				return fail(fmt.Errorf("the network could not analyse it: %w", err))
			}
			if rec, err = newRecord(p, img); err != nil {
				return fail(err)
			}
			if opt.Cache != nil {
				opt.Cache.put(hash, rec)
			}
		} else {
			r.Cached = true
		}
	} else {
		r.Cached = true
	}
	if opt.Cache != nil {
		opt.Cache.use(hash)
	}
	it := &Item{Path: f.Path, Folder: f.Folder, Hash: hash, Record: rec}
	it.Class, it.Second = top2(rec.Probabilities)
	it.Truth = -1
	if m != nil {
		it.Truth = TrueClass(f, m.Meta.Classes, opt.ClassMap)
	}
	r.Item = it
	return r
}

// Clone returns a copy of m that can run at the same time as m.
func Clone(m *engine.Model) (*engine.Model, error) {
	data, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	return engine.Load(data)
}

// ModelLayout returns the shapes of m's conv layers, found by running it
// once on a blank input.
func ModelLayout(m *engine.Model) (Layout, error) {
	p, err := m.Predict(make([]float32, inputLen(m)))
	if err != nil {
		return nil, err
	}
	return layoutOf(p), nil
}
