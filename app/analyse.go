package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/shard"
)

func init() {
	register("analyse", "analyse a collection (a folder tree) into the cache the window opens, or a part of it with --shard, and print its table", runAnalyse)
}

func runAnalyse(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("analyse", "[--csv|--json] [--shard I/N] [--no-cache] [--threshold T] [--model FILE|NAME [--model FILE|NAME]] FOLDER...", stdout, stderr)
	asCSV := fs.Bool("csv", false, "print the table as CSV: a header, then one line per picture (the columns of the window's CSV export)")
	asJSON := fs.Bool("json", false, "print one JSON object per picture (the fields of the window's JSON export)")
	var sh shard.Shard
	fs.Var(&sh, "shard", "analyse only part `I/N` of the pictures (a stable split by path, for batch runners); the parts' caches merge when the whole collection is opened")
	var models modelFlags
	fs.Var(&models, "model", modelUsage+"; twice, the second model's answer too (its own cache of answers) and a disagree column")
	noCache := fs.Bool("no-cache", false, "analyse every picture again, and keep nothing")
	threshold := fs.Float64("threshold", engine.DefaultThreshold, thresholdUsage+" (the labels column)")
	calibrated := fs.Bool("calibrated", false, "probabilities of the (first) model from its logits divided by its temperature ('artlens calibrate'); the answers and the cache stay the same")
	catFile := fs.String("catalogue", "", catalogueUsage+"; --json gives each picture's fields, --csv a column per field")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case models.tooMany() != "":
		return usageError(stderr, "analyse", "%s", models.tooMany())
	case fs.NArg() == 0:
		return usageError(stderr, "analyse", "give at least one folder or image")
	case *asCSV && *asJSON:
		return usageError(stderr, "analyse", "choose one of --csv and --json")
	case checkThreshold(*threshold) != "":
		return usageError(stderr, "analyse", "%s", checkThreshold(*threshold))
	}
	// As analyseCollection, but with the part's own cache, and counting
	// what came from the cache.
	opt := collection.Options{ClassMap: dataset.DefaultClassMap}
	var m *engine.Model
	var err error
	export := collection.Export{}
	if len(models) == 2 {
		pair, err := loadPair(models)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		m = pair[0].m
		export = collection.Export{Model: pair[0].name, Other: pair[1].name, OtherClasses: pair[1].m.Meta.Classes}
		opt.Other = pair[1].m
	} else if m, err = loadModel(models.one()); err != nil {
		return fail(stderr, "%v", err)
	}
	export.Classes, export.Output, export.Threshold = m.Meta.Classes, m.Output(), *threshold
	t, err := temperatureOf(m, *calibrated)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	all, code := scanCollection(fs.Args(), stderr)
	if code != 0 {
		return code
	}
	files := all[:0:0]
	for _, f := range all {
		if sh.Has(shard.Rel(fs.Args(), f.Path)) {
			files = append(files, f)
		}
	}
	part := ""
	if !sh.Whole() {
		part = fmt.Sprintf(" (part %s: %d of %d)", sh, len(files), len(all))
	}
	if dir, err := collection.DefaultCacheDir(); err == nil && !*noCache {
		if sh.Whole() {
			opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), fs.Args())
		} else {
			opt.Cache = collection.OpenShardCache(dir, collection.Fingerprint(m), fs.Args(), sh.I, sh.N)
		}
		if opt.Other != nil {
			// The answers of one part: what the whole collection's
			// cache of answers lacks is analysed again when it is opened.
			opt.OtherCache = collection.OpenAnswerCache(dir, collection.Fingerprint(opt.Other), fs.Args())
		}
	}
	bar := newProgressBar(stderr, "analyse", len(files))
	var items []*collection.Item
	var last collection.Progress
	failed := 0
	_, err = collection.Analyse(context.Background(), m, files, opt, func(r collection.Result) {
		bar.update(r.Progress.Done)
		last = r.Progress
		if r.Err != nil {
			failed++
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %v\n", r.Err)
			return
		}
		items = append(items, r.Item)
	})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if opt.OtherCache != nil {
		// Pruned only with the whole collection: a part's answers join
		// the others'.
		if err := opt.OtherCache.Save(sh.Whole()); err != nil {
			fmt.Fprintf(stderr, "artlens: %v\n", err)
		}
	}
	if opt.Cache != nil {
		if err := opt.Cache.Save(true); err != nil {
			fmt.Fprintf(stderr, "artlens: %v\n", err)
		} else if _, _, err := collection.PruneCaches(filepath.Dir(opt.Cache.Path()), collection.CacheLimit, opt.Cache.Path(), otherCachePath(opt)); err != nil {
			fmt.Fprintf(stderr, "artlens: %v\n", err)
		}
	}
	if t > 0 {
		// After the cache is saved: it keeps the model's own probabilities.
		for _, it := range items {
			it.Probabilities = calibration.Rescale(it.Probabilities, t)
		}
	}
	// In path order, so that a table does not depend on the core count.
	slices.SortFunc(items, func(a, b *collection.Item) int { return strings.Compare(a.Path, b.Path) })
	var cat *catalogue.Joined
	if *asCSV || *asJSON || *catFile != "" { // only the tables show the fields
		if cat, err = joinItems(*catFile, fs.Args(), items, stderr); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	switch {
	case *asCSV:
		w := csv.NewWriter(stdout)
		w.Write(append(export.Header(), catalogueHeader(cat)...))
		for i, it := range items {
			w.Write(append(export.Record(export.Row(it)), catalogueCells(cat, i)...))
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fail(stderr, "%v", err)
		}
	case *asJSON:
		enc := json.NewEncoder(stdout)
		for i, it := range items {
			if err := enc.Encode(withFields{export.Row(it), fieldsOf(cat, i)}); err != nil {
				return fail(stderr, "%v", err)
			}
		}
	default:
		fmt.Fprintf(stdout, "analysed %d pictures%s, %d of them from the cache\n", len(items), part, last.Cached)
		if m.Output() == engine.OutputSigmoid {
			fmt.Fprintf(stdout, "the model gives %s; its answer is the labels at or above %g\n", sigmoidNote, *threshold)
		}
		if opt.Other != nil {
			fmt.Fprintf(stdout, "%s and %s disagree on %d of them\n", export.Model, export.Other, collection.Disagreements(items))
		}
		if opt.Cache != nil {
			fmt.Fprintf(stdout, "kept in %s\n", opt.Cache.Path())
		}
	}
	if opt.Cache != nil && (*asCSV || *asJSON) {
		fmt.Fprintf(stderr, "artlens: %d pictures%s, %d from the cache, kept in %s\n", len(items), part, last.Cached, opt.Cache.Path())
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// otherCachePath is the path of the second model's cache of answers, ""
// without one.
func otherCachePath(opt collection.Options) string {
	if opt.OtherCache == nil {
		return ""
	}
	return opt.OtherCache.Path()
}
