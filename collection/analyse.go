package collection

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// Options tune Analyse.
type Options struct {
	// Workers is the number of files read, hashed and decoded at once; 0
	// means one per CPU. The network itself runs on batches of decoded
	// pictures, shared among the cores (engine.Model.PredictEach), however
	// many workers there are.
	Workers int
	// Cache, when not nil, gives the results of pictures analysed before
	// and keeps the new ones (Cache.Save writes them).
	Cache *Cache
	// ClassMap maps folder names to class names for the true class (see
	// TrueClass), such as dataset.DefaultClassMap.
	ClassMap map[string]string
	// Other, when not nil, is a second model run on every picture beside
	// the first, from the same decoded picture (at its own input size):
	// each Item.Other holds its answer. OtherCache, when not nil (see
	// OpenAnswerCache), gives its answers on pictures it saw before and
	// keeps the new ones.
	Other      *engine.Model
	OtherCache *Cache
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

// batchPerCore returns the number of pictures that each core's graph runs
// at once for m: fewer leave cores idle between runs, more hold more
// memory. A graph keeps every layer's output for each of its pictures,
// in proportion to the values of m's places' maps (249,344 for the
// study's network: about 22 MB a graph at 16 pictures; 3.2 million for
// ResNet-18 at 224x224, whose graphs at 16 pictures held 1.4 GB between
// them), so a graph gets batchValues of those, and 1 to 16 pictures.
//
// A transformer's places are a small part of what its graph keeps (the
// queries, keys and values, the MLP's four times wider hidden layer and
// each block's attention probabilities are no places: ViT-B/16 keeps
// about 38 million values a picture for 3.8 million of places), so for a
// model with attention every layer's output and the attention are
// counted instead.
func batchPerCore(m *engine.Model) int {
	n := 0
	for _, p := range m.Places() {
		n += p.Channels * p.Height * p.Width
	}
	if m.HasAttention() {
		heads := map[string]int{}
		for _, l := range m.Arch().Layers {
			if l.Kind == engine.Attention {
				heads[l.Name] = l.Heads
			}
		}
		n = 0
		for _, l := range m.Summary() {
			v := 1
			for _, d := range l.OutputShape {
				v *= d
			}
			n += v
			if h := heads[l.Name]; h > 0 && len(l.OutputShape) == 3 {
				t := l.OutputShape[0] * l.OutputShape[1] // tokens × 1
				n += h * t * t
			}
		}
	}
	return max(1, min(16, batchValues/max(n, 1)))
}

// batchValues is the place values that one graph of Analyse runs at once
// (see batchPerCore): 16 pictures of the study's network, 2 of ResNet-18.
const batchValues = 1 << 23

// Analyse runs model m over files and passes each file's result to emit,
// one call at a time, in the order they finish. It returns when all files
// are done, or ctx.Err() soon after ctx is cancelled (the results emitted
// so far stay valid). m itself is not run: the analysis runs graphs of
// its own on m's weights (engine.Model.Share: the weights and packed
// kernels are not copied), dropped at the end.
//
// The work is a pipeline: Options.Workers goroutines read, hash and
// decode files (and make each thumbnail, so that the decoded picture is
// dropped at once); pictures not in the cache go to the network in
// batches of batchPerCore(m) per core, which engine.Model.PredictEach
// shares among the cores as evaluation does. Neither stage multiplies
// the other: the network does not run one copy per worker, and each
// picture's megabyte of activations is read in place, never copied.
//
// The layout of m's conv layers is returned, since it is needed to read
// Record.Peaks.
func Analyse(ctx context.Context, m *engine.Model, files []File, opt Options, emit func(Result)) (Layout, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(files)))
	net := m.Share()
	layout, err := ModelLayout(net)
	if err != nil {
		return nil, err
	}
	var other *engine.Model
	if opt.Other != nil {
		other = opt.Other.Share()
	}
	for _, c := range []*Cache{opt.Cache, opt.OtherCache} {
		if c != nil {
			c.startRun()
		}
	}
	batch := batchPerCore(net) * runtime.GOMAXPROCS(0)
	jobs := make(chan File)
	results := make(chan Result, workers)
	decoded := make(chan pending, batch)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				r, p := prepareFile(m, f, opt)
				if p != nil {
					decoded <- *p
				} else {
					results <- r
				}
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
		close(decoded)
	}()
	go func() {
		defer close(results)
		predictAll(ctx, net, other, m, decoded, batch, opt, results)
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

// pending is a decoded picture waiting for the network: for the first
// model (input) or the other (otherInput), or both.
type pending struct {
	file  File
	hash  [32]byte
	input []float32 // the first model's input, nil when rec is known
	thumb []byte
	rec   *Record // the first model's record, when the cache had it
	// otherInput is Options.Other's input, nil when other is known or
	// there is no other model.
	otherInput []float32
	other      *Record
}

// predictAll runs net (a share of m) and other (a share of Options.Other,
// or nil) over the pictures of decoded, batch at a time, and sends their
// results; a batch is run when it is full or when no more pictures come.
// After ctx is cancelled the pictures waiting are dropped.
func predictAll(ctx context.Context, net, other, m *engine.Model, decoded <-chan pending, batch int, opt Options, results chan<- Result) {
	inputs := make([]float32, 0, batch*inputLen(net))
	var otherInputs []float32
	if other != nil {
		otherInputs = make([]float32, 0, batch*inputLen(other))
	}
	waiting := make([]pending, 0, batch)
	var first, second []int // indices in waiting of the pictures each model runs
	run := func() {
		defer func() {
			clear(waiting) // drop the inputs and records now, not when overwritten
			waiting, inputs, otherInputs, first, second = waiting[:0], inputs[:0], otherInputs[:0], first[:0], second[:0]
		}()
		if len(waiting) == 0 || ctx.Err() != nil {
			return
		}
		for i, p := range waiting {
			if p.input != nil {
				inputs = append(inputs, p.input...)
				first = append(first, i)
			}
			if p.otherInput != nil {
				otherInputs = append(otherInputs, p.otherInput...)
				second = append(second, i)
			}
		}
		err := net.PredictEach(inputs, batch, func(i int, pred *engine.Prediction) {
			w := &waiting[first[i]]
			w.rec = newRecord(pred, w.thumb)
			if opt.Cache != nil {
				opt.Cache.put(w.hash, w.rec)
			}
		})
		if err == nil && len(second) > 0 {
			// Only the probabilities: a second model's features and
			// peaks would double the memory of a collection.
			err = other.PredictEach(otherInputs, batch, func(i int, pred *engine.Prediction) {
				w := &waiting[second[i]]
				w.other = &Record{Probabilities: slices.Clone(pred.Probabilities)}
				if opt.OtherCache != nil {
					opt.OtherCache.put(w.hash, w.other)
				}
			})
		}
		for _, w := range waiting {
			switch {
			case err != nil:
				results <- Result{File: w.file, Err: fmt.Errorf("%s: the network could not analyse it: %w", filepath.Base(w.file.Path), err)}
			case ctx.Err() == nil: // once stopped, kept in the cache but not shown
				results <- itemResult(m, w.file, w.hash, w.rec, w.other, false, opt)
			}
		}
	}
	for p := range decoded {
		waiting = append(waiting, p)
		if len(waiting) == batch {
			run()
		}
	}
	run()
}

// prepareFile reads and hashes one file: it returns the result of a file
// the caches know or that failed, or else the decoded picture for the
// network (for the models whose answers the caches lack).
func prepareFile(m *engine.Model, f File, opt Options) (Result, *pending) {
	r := Result{File: f}
	name := filepath.Base(f.Path)
	fail := func(err error) (Result, *pending) {
		r.Err = fmt.Errorf("%s: %w", name, err)
		return r, nil
	}
	info, err := os.Stat(f.Path)
	if err != nil {
		return fail(errors.Unwrap(err))
	}
	if info.Size() > picture.MaxFileSize {
		return fail(fmt.Errorf("the file is too large: %d MiB; files over %d MiB are refused", info.Size()>>20, picture.MaxFileSize>>20))
	}
	var hash [32]byte
	var rec, other *Record
	// known says whether everything the result needs is at hand.
	known := func() bool { return rec != nil && (opt.Other == nil || other != nil) }
	lookup := func(h [32]byte) {
		hash, rec = h, opt.Cache.record(h)
		if opt.OtherCache != nil {
			other = opt.OtherCache.record(h)
		}
	}
	if opt.Cache != nil {
		if h, ok := opt.Cache.hashOf(f.Path, info); ok {
			lookup(h)
		}
	}
	if !known() {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return fail(errors.Unwrap(err))
		}
		// With the first model's record known, the file's hash is too:
		// only the other model's answer is missing.
		if rec == nil {
			hash = sha256.Sum256(data)
			if opt.Cache != nil {
				opt.Cache.notePath(f.Path, info, hash)
				lookup(hash)
			} else if opt.OtherCache != nil {
				other = opt.OtherCache.record(hash)
			}
		}
		if !known() {
			img, _, err := picture.Decode(data)
			if err != nil {
				return fail(err)
			}
			p := &pending{file: f, hash: hash, rec: rec, other: other}
			if rec == nil {
				if p.thumb, err = thumbnail(img); err != nil {
					return fail(err)
				}
				p.input = modelInput(m, img)
			}
			if opt.Other != nil && other == nil {
				p.otherInput = modelInput(opt.Other, img)
			}
			return r, p
		}
	}
	return itemResult(m, f, hash, rec, other, true, opt), nil
}

// itemResult is the result of file f whose content (hash) the network
// made rec of, and Options.Other other (nil without it).
func itemResult(m *engine.Model, f File, hash [32]byte, rec, other *Record, cached bool, opt Options) Result {
	if opt.Cache != nil {
		opt.Cache.use(hash)
	}
	it := &Item{Path: f.Path, Folder: f.Folder, Hash: hash, Record: rec}
	it.Class, it.Second = top2(rec.Probabilities)
	it.Truth = -1
	if m != nil {
		it.Truth = TrueClass(f, m.Meta.Classes, opt.ClassMap)
	}
	if opt.Other != nil && other != nil {
		if opt.OtherCache != nil {
			opt.OtherCache.use(hash)
		}
		it.Other = newAnswer(it, m, opt.Other, f, other.Probabilities, opt.ClassMap)
	}
	return Result{File: f, Item: it, Cached: cached}
}

// ModelLayout returns the shapes of m's places (the maps of
// Prediction.Activations), from its architecture: running it once on a
// blank input, as it did, built a one-picture graph that the model Analyse
// runs then kept beside its batch graphs (70 MB for ResNet-18 at 224x224:
// its packed kernels and every layer's output).
func ModelLayout(m *engine.Model) (Layout, error) {
	places := m.Places()
	l := make(Layout, len(places))
	for i, p := range places {
		l[i] = LayerShape{p.Channels, p.Height, p.Width}
	}
	return l, nil
}
