package app

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("top", "draw the pictures of a folder that excite a filter most, the part each peak sees marked", runTop)
}

// topResult is one line of `top --json`: a picture, its filter's peak and
// the input pixels (x0, y0, x1, y1) that the peak sees.
type topResult struct {
	Rank   int     `json:"rank"`
	File   string  `json:"file"`
	Peak   float32 `json:"peak"`
	Region [4]int  `json:"region"`
}

func regionOf(r image.Rectangle) [4]int { return [4]int{r.Min.X, r.Min.Y, r.Max.X, r.Max.Y} }

func runTop(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("top", "--layer N|NAME --filter F [--k 9] (--out FILE.png | --json) [--model FILE] FOLDER...", stdout, stderr)
	layerText := fs.String("layer", "", "conv `layer`, from 1, or a layer's name (a graph's block, \"layer3.1\"); required")
	filter := fs.Int("filter", 0, "`filter` of that layer, from 1; required")
	k := fs.Int("k", 9, "how many pictures to show")
	out := fs.String("out", "", "PNG `file` to write; required without --json")
	asJSON := fs.Bool("json", false, "print one JSON object per picture: rank, file, peak and the input pixels the peak sees, instead of the lines of text")
	model := fs.String("model", "", modelUsage)
	noCache := fs.Bool("no-cache", false, "analyse every picture again instead of using the results kept from an earlier run")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageError(stderr, "top", "give at least one folder or image")
	case *out == "" && !*asJSON:
		return usageError(stderr, "top", "give the figure's file with --out FILE.png, or --json")
	case *out != "" && !strings.EqualFold(filepath.Ext(*out), ".png"):
		return usageError(stderr, "top", "the figure is a PNG file: --out should end in .png, not %q", filepath.Ext(*out))
	case *layerText == "" || *layerText == "0" || *filter == 0:
		return usageError(stderr, "top", "give the filter with --layer N --filter F (both from 1)")
	case *k < 1 || *k > 100:
		return usageError(stderr, "top", "--k wants 1 to 100 pictures, not %d", *k)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	l, err := strconv.Atoi(strings.TrimSpace(*layerText))
	if err != nil {
		if l, err = m.PlaceNumber(*layerText); err != nil {
			return usageError(stderr, "top", "--layer: %v", err)
		}
	}
	layer := &l
	files, code := scanCollection(fs.Args(), stderr)
	if code != 0 {
		return code
	}
	items, layout, _, code := analyseCollection(m, fs.Args(), files, !*noCache, "top", stderr)
	if code != 0 {
		return code
	}
	if err := layout.Check(*layer, *filter); err != nil {
		return usageError(stderr, "top", "%v", err)
	}
	w, h := collection.InputSide(m)
	hits := collection.TopK(items, layout, collection.ModelFields(m), w, h, *layer, *filter, *k)
	enc := json.NewEncoder(stdout)
	tiles := make([]plots.Tile, 0, len(hits))
	for i, hit := range hits {
		if *asJSON {
			if err := enc.Encode(topResult{Rank: i + 1, File: hit.Item.Path, Peak: hit.Score, Region: regionOf(hit.Region)}); err != nil {
				return fail(stderr, "%v", err)
			}
		} else {
			fmt.Fprintf(stdout, "%d. %s: peak %.4g at input pixels (%d,%d)-(%d,%d)\n", i+1, hit.Item.Path, hit.Score,
				hit.Region.Min.X, hit.Region.Min.Y, hit.Region.Max.X, hit.Region.Max.Y)
		}
		if *out == "" {
			continue
		}
		img, _, err := picture.Open(hit.Item.Path)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		tiles = append(tiles, plots.Tile{Image: img, Region: hit.Region, InputW: w, InputH: h,
			Caption: fmt.Sprintf("%d. %s  peak %.3g", i+1, filepath.Base(hit.Item.Path), hit.Score)})
	}
	if *out == "" {
		return 0
	}
	title := fmt.Sprintf("Conv layer %d, filter %d: the %d of %d pictures that excite it most", *layer, *filter, len(hits), len(items))
	fig := plots.TileGrid(title, tiles, 256, 0, plots.Light)
	if err := writePNG(*out, fig); err != nil {
		return fail(stderr, "%v", err)
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "wrote %s\n", *out)
	}
	return 0
}

// scanCollection lists the image files under roots, saying on stderr
// which were skipped; the exit code is not 0 when there is none or the
// roots cannot be read.
func scanCollection(roots []string, stderr io.Writer) ([]collection.File, int) {
	files, skipped, err := collection.Scan(roots)
	if err != nil {
		return nil, fail(stderr, "%v", err)
	}
	for _, s := range skipped {
		fmt.Fprintf(stderr, "artlens: skipping %s\n", s)
	}
	if len(files) == 0 {
		return nil, fail(stderr, "no image files in %s", strings.Join(roots, ", "))
	}
	return files, 0
}

// analyseCollection runs m over files with a progress bar, using the
// collection cache when useCache is set; failed files are reported on
// stderr. It returns the analysed items, the model's layer layout and the
// cache (nil when not used), or a non-zero exit code.
func analyseCollection(m *engine.Model, roots []string, files []collection.File, useCache bool, label string, stderr io.Writer) ([]*collection.Item, collection.Layout, *collection.Cache, int) {
	opt := collection.Options{ClassMap: dataset.DefaultClassMap}
	if useCache {
		if dir, err := collection.DefaultCacheDir(); err == nil {
			opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), roots)
		}
	}
	bar := newProgressBar(stderr, label, len(files))
	var items []*collection.Item
	layout, err := collection.Analyse(context.Background(), m, files, opt, func(r collection.Result) {
		bar.update(r.Progress.Done)
		if r.Err != nil {
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %v\n", r.Err)
			return
		}
		items = append(items, r.Item)
	})
	if err != nil {
		return nil, nil, nil, fail(stderr, "%v", err)
	}
	if opt.Cache != nil {
		if err := opt.Cache.Save(true); err != nil {
			fmt.Fprintf(stderr, "artlens: %v\n", err)
		} else if _, _, err := collection.PruneCaches(filepath.Dir(opt.Cache.Path()), collection.CacheLimit, opt.Cache.Path()); err != nil {
			fmt.Fprintf(stderr, "artlens: the collection cache could not be pruned: %v\n", err)
		}
	}
	if len(items) == 0 {
		return nil, nil, nil, fail(stderr, "none of the %d files could be analysed", len(files))
	}
	return items, layout, opt.Cache, 0
}
