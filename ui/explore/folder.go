package explore

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
)

// lazyFolderMin is the number of pictures from which a batch opened in
// Explore goes through collection.Analyse and is kept lazily: each
// picture keeps its answer and a small JPEG thumbnail (a few KB), and is
// read again when shown. Smaller batches are read one by one and keep
// their pictures (the keepFull most recent) for instant switching. A
// variable so that tests can send small folders the large way.
var lazyFolderMin = 64

// thumbsKept is how many decoded thumbnails the strip keeps: the rows on
// screen and some around them; older ones are decoded again when shown.
const thumbsKept = 256

// The results of an analysis are handed to the UI goroutine a
// folderShare of the folder or folderWait's worth at a time, at most every
// folderFlush, and never while the previous hand-over still waits to run:
// each refreshes the strip and repaints the window, which under software
// OpenGL on a loaded machine costs more than the pictures it brings.
const (
	folderFlush = 250 * time.Millisecond
	folderShare = 100
	folderWait  = 2 * time.Second
)

// folderState is the Explore view's part in the analyses of large folders.
// Its fields are used on the UI goroutine only.
type folderState struct {
	// cancel stops the analysis running, if any: opening another folder
	// or changing the model replaces it.
	cancel context.CancelFunc
	// thumbs are the lazy entries holding a decoded thumbnail, oldest
	// first.
	thumbs []*entry
	// cached counts the pictures of the last analysis whose answers came
	// from the cache.
	cached int
}

// newAnalysis stops the running analysis, if any, and returns the context
// of the next one.
func (x *View) newAnalysis() context.Context {
	if x.folder.cancel != nil {
		x.folder.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	x.folder.cancel = cancel
	return ctx
}

// anyFolder reports whether one of paths is a folder.
func anyFolder(paths []string) bool {
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// thumbOf returns e's thumbnail, decoding a lazy entry's JPEG when needed;
// only the thumbsKept most recently decoded stay.
func (x *View) thumbOf(e *entry) image.Image {
	if e.Thumb != nil || e.ThumbJPEG == nil {
		return e.Thumb
	}
	img, err := jpeg.Decode(bytes.NewReader(e.ThumbJPEG))
	if err != nil {
		return nil
	}
	e.Thumb = img
	x.folder.thumbs = append(x.folder.thumbs, e)
	if len(x.folder.thumbs) > thumbsKept {
		old := x.folder.thumbs[0]
		x.folder.thumbs = x.folder.thumbs[1:]
		if old != e {
			old.Thumb = nil
		}
	}
	return img
}

// lazyEntry is the entry of an analysed picture: its answer and thumbnail.
// It runs off the UI goroutine.
func lazyEntry(r collection.Result, m *engine.Model, roots []string) *entry {
	it := r.Item
	return &entry{
		Path: r.File.Path, Name: filepath.Base(r.File.Path),
		// The stamp is taken after the analysis read the file: a file
		// replaced in between is seen as unchanged (and shown new).
		Stamp:     host.StampOf(r.File.Path),
		Lazy:      true,
		Roots:     roots,
		ThumbJPEG: it.Thumb,
		Pred:      &engine.Prediction{Probabilities: it.Probabilities, Class: it.Class},
		PredModel: m,
	}
}

// analyseFiles opens files (found in roots) through collection.Analyse,
// with the collection cache that the Collection view shares: pictures
// analysed before, here or there, are not read again. Entries reach the
// strip in batches as they are analysed, and the first is shown unless
// something else is selected meanwhile; at the end the batch is put in
// file order. It runs off the UI goroutine and returns what opens does.
func (x *View) analyseFiles(ctx context.Context, m *engine.Model, roots, files, skipped []string, act, gen int) (int, []string) {
	s := x.h
	cfiles := make([]collection.File, len(files))
	rank := make(map[string]int, len(files))
	for i, f := range files {
		cfiles[i] = collection.File{Path: f}
		rank[f] = i
	}
	var opt collection.Options
	if dir, err := collection.DefaultCacheDir(); err == nil {
		opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), roots)
	}
	label := filepath.Base(roots[0])
	if len(roots) > 1 {
		label = fmt.Sprintf("%d items", len(roots))
	}
	var mu sync.Mutex
	var batch []*entry
	var last collection.Progress
	var lastFlush time.Time
	posted := false
	autoGen := -1 // the selection after this batch's first entry was shown by itself (UI goroutine)
	flush := func() {
		s.Do(func() {
			mu.Lock()
			b, p := batch, last
			batch, posted = nil, false
			mu.Unlock()
			x.addMany(b, gen, &autoGen)
			if p.Total > 0 {
				x.setProgress(act, fmt.Sprintf("Analysing %s (%d of %d)…", label, p.Done, p.Total), float64(p.Done)/float64(p.Total))
			}
		})
	}
	opened := 0
	var failed []string
	_, err := collection.Analyse(ctx, m, cfiles, opt, func(r collection.Result) {
		var e *entry
		if r.Err == nil {
			e = lazyEntry(r, m, roots)
		}
		mu.Lock()
		if e != nil {
			batch = append(batch, e)
			opened++
		} else {
			failed = append(failed, r.Err.Error())
		}
		last = r.Progress
		since := time.Since(lastFlush)
		enough := len(batch) >= r.Progress.Total/folderShare || since >= folderWait
		due := !posted && since >= folderFlush && enough
		if due {
			posted, lastFlush = true, time.Now()
		}
		mu.Unlock()
		if due {
			flush()
		}
	})
	flush()
	mu.Lock()
	done, cached := last.Done, last.Cached
	mu.Unlock()
	skipped = append(skipped, failed...)
	if err != nil {
		skipped = append(skipped, fmt.Sprintf("%d pictures not analysed: stopped when another folder was opened or the model changed", len(files)-done))
	}
	if opt.Cache != nil {
		// A stopped analysis keeps what it did but prunes nothing.
		serr := opt.Cache.Save(err == nil)
		if serr == nil && err == nil {
			_, _, serr = collection.PruneCaches(filepath.Dir(opt.Cache.Path()), collection.CacheLimit, opt.Cache.Path())
		}
		if serr != nil {
			skipped = append(skipped, "the collection cache could not be saved: "+serr.Error())
		}
	}
	s.Do(func() {
		x.folder.cached = cached
		x.sortBatch(rank, &autoGen)
	})
	return opened, skipped
}

// addMany puts a batch of analysed lazy entries in the strip: an entry for
// a path already listed replaces it. The first batch of an opening shows
// its first entry unless something else was selected or opened meanwhile.
func (x *View) addMany(b []*entry, gen int, autoGen *int) {
	if len(b) == 0 {
		return
	}
	m := x.h.Model()
	index := make(map[string]int, len(x.entries))
	for i, e := range x.entries {
		index[e.Path] = i
	}
	show := -1
	for _, e := range b {
		if e.PredModel != m {
			e.Pred, e.PredModel = nil, nil // analysed with a model replaced meanwhile
		}
		if i, ok := index[e.Path]; ok {
			old := x.entries[i]
			x.entries[i] = e
			x.recent = slices.DeleteFunc(x.recent, func(r *entry) bool { return r == old })
			if x.current == old {
				x.current, show = nil, i
			}
			continue
		}
		x.entries = append(x.entries, e)
		index[e.Path] = len(x.entries) - 1
	}
	x.updateCount()
	x.list.Refresh()
	x.h.SetPictures(x.entries)
	if *autoGen < 0 && gen == x.selGen && show < 0 {
		show = index[b[0].Path]
	}
	if show >= 0 {
		x.list.Unselect(show) // so that selecting it shows it even if it was selected
		x.list.Select(show)
		if *autoGen < 0 {
			*autoGen = x.selGen
		}
	}
}

// sortBatch puts the entries of an opening (rank: their order among the
// files) in file order, in the places they took in the strip; when the
// entry shown is the one shown by itself, the first in file order is
// shown instead.
func (x *View) sortBatch(rank map[string]int, autoGen *int) {
	var slots []int
	var batch []*entry
	for i, e := range x.entries {
		if _, ok := rank[e.Path]; ok && e.Lazy {
			slots = append(slots, i)
			batch = append(batch, e)
		}
	}
	if len(batch) == 0 {
		return
	}
	slices.SortFunc(batch, func(a, b *entry) int { return rank[a.Path] - rank[b.Path] })
	for k, i := range slots {
		x.entries[i] = batch[k]
	}
	x.list.Refresh()
	if x.current == nil {
		return
	}
	if x.selGen == *autoGen && x.current != batch[0] && slices.Contains(batch, x.current) {
		x.list.Unselect(slots[0]) // it may be selected: the entry shown was there before the sort
		x.list.Select(slots[0])
		x.list.ScrollTo(slots[0])
		return
	}
	if i := x.indexOf(x.current); i >= 0 {
		x.list.Select(i) // the selection follows the entry shown
	}
}

// showLazy reads a lazy entry's picture again, runs the network on it
// for its maps, and shows it.
func (x *View) showLazy(e *entry, gen int) {
	s := x.h
	m := s.Model()
	act := x.startActivity("Analysing " + e.Name + "…")
	s.Busy.Add(1)
	path, stamp := e.Path, e.Stamp
	go func() {
		var f *entry
		err := host.ErrChanged
		if host.StampOf(path) == stamp {
			f, err = host.LoadPicture(path, m)
		} else if _, serr := os.Stat(path); serr != nil {
			err = host.FileError(path, serr)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			x.endActivity(act)
			if gen != x.selGen {
				return
			}
			if err != nil {
				x.display(e)
				x.picCap.SetText("The picture could not be read again.")
				if err == host.ErrChanged {
					s.Notice.Post(host.NoticeWarning, "“"+e.Name+"” has changed since it was opened: its answer is the one of the picture then. "+
						"Open the folder again to analyse the new picture.")
				} else {
					s.Notice.Post(host.NoticeWarning, "Could not read "+err.Error()+". Its answer is the one of the picture when it was opened.")
				}
				return
			}
			e.Format, e.Size, e.Shape, e.Input, e.Seen, e.Preview = f.Format, f.Size, f.Shape, f.Input, f.Seen, f.Preview
			if f.Pred != nil {
				e.Pred, e.PredModel = f.Pred, f.PredModel
			}
			if e.PredModel != s.Model() {
				e.Pred, e.PredModel = nil, nil
			}
			x.display(e)
		})
	}()
}

// reanalyse gives lazy entries the current model's answers, through
// collection.Analyse and the cache of the folders they came from; it
// stops the analysis running, if any.
func (x *View) reanalyse(lazy []*entry) {
	ctx := x.newAnalysis()
	m := x.h.Model()
	if m == nil || len(lazy) == 0 {
		return
	}
	s := x.h
	byPath := make(map[string]*entry, len(lazy))
	files := make([]collection.File, len(lazy))
	for i, e := range lazy {
		byPath[e.Path] = e
		files[i] = collection.File{Path: e.Path}
	}
	roots := lazy[0].Roots
	act := x.startActivity("Analysing the pictures again with the new model…")
	s.Busy.Add(1)
	go func() {
		var opt collection.Options
		if dir, err := collection.DefaultCacheDir(); err == nil {
			opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), roots)
		}
		type answer struct {
			e *entry
			p *engine.Prediction
		}
		var mu sync.Mutex
		var batch []answer
		var lastFlush time.Time
		posted := false
		flush := func() {
			s.Do(func() {
				mu.Lock()
				b := batch
				batch, posted = nil, false
				mu.Unlock()
				if s.Model() != m {
					return
				}
				for _, a := range b {
					a.e.Pred, a.e.PredModel = a.p, m
				}
				x.list.Refresh()
			})
		}
		// A stopped analysis (another folder, another model) leaves
		// the rest to be analysed when shown.
		_, _ = collection.Analyse(ctx, m, files, opt, func(r collection.Result) {
			if r.Err != nil {
				return
			}
			e := byPath[r.File.Path]
			mu.Lock()
			batch = append(batch, answer{e, &engine.Prediction{Probabilities: r.Item.Probabilities, Class: r.Item.Class}})
			since := time.Since(lastFlush)
			due := !posted && since >= folderFlush && (len(batch) >= r.Progress.Total/folderShare || since >= folderWait)
			if due {
				posted, lastFlush = true, time.Now()
			}
			mu.Unlock()
			if due {
				flush()
			}
		})
		flush()
		if opt.Cache != nil {
			_ = opt.Cache.Save(false) // the next opening of the folder analyses again what could not be kept
		}
		s.Do(func() {
			s.Busy.Add(-1)
			x.endActivity(act)
		})
	}()
}
