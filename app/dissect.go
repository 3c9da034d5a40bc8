package app

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/artlens/artlens/collection"
)

func init() {
	register("dissect", "say what a layer's filters respond to in the words of the collection's catalogue: the field values over-represented among each filter's top pictures", runDissect)
}

func runDissect(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("dissect", "[--catalogue FILE] [--layer N|NAME] [--top K] [--fdr Q] [--json] [--model FILE|NAME] FOLDER...", stdout, stderr)
	cat := fs.String("catalogue", "", catalogueUsage)
	layerText := fs.String("layer", "", "conv `layer`, from 1, or a layer's name (a graph's block, \"layer3.1\"); default: the last")
	top := fs.Int("top", 50, "how many of each filter's most exciting pictures are compared with the collection")
	fdr := fs.Float64("fdr", 0.05, "false discovery rate: the associations with a Benjamini-Hochberg q below it are printed")
	asJSON := fs.Bool("json", false, "print one JSON object per association: layer, filter, field, value, top, in_top, in_collection, collection_size, share, p, q")
	model := fs.String("model", "", modelUsage)
	noCache := fs.Bool("no-cache", false, "analyse every picture again instead of using the results kept from an earlier run")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageError(stderr, "dissect", "give the collection's folder")
	case *top < 1:
		return usageError(stderr, "dissect", "--top wants at least 1 picture, not %d", *top)
	case !(*fdr > 0 && *fdr <= 1):
		return usageError(stderr, "dissect", "--fdr wants a rate above 0 and at most 1, not %g", *fdr)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	files, code := scanCollection(fs.Args(), stderr)
	if code != 0 {
		return code
	}
	items, layout, _, code := analyseCollection(m, fs.Args(), files, !*noCache, "dissect", stderr)
	if code != 0 {
		return code
	}
	layer := len(layout)
	if t := strings.TrimSpace(*layerText); t != "" {
		if layer, err = strconv.Atoi(t); err != nil {
			if layer, err = m.PlaceNumber(t); err != nil {
				return usageError(stderr, "dissect", "--layer: %v", err)
			}
		}
	}
	if err := layout.Check(layer, 1); err != nil {
		return usageError(stderr, "dissect", "--layer: %v (the collection keeps every conv layer's peaks)", err)
	}
	// In path order, so that ties and the result do not depend on the core count.
	slices.SortFunc(items, func(a, b *collection.Item) int { return strings.Compare(a.Path, b.Path) })
	j, err := joinItems(*cat, fs.Args(), items, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if j == nil {
		return usageError(stderr, "dissect", "give the catalogue with --catalogue FILE (no catalogue.csv in %s)", fs.Arg(0))
	}
	// Copies of one content count once, under the first (as TopK counts
	// them): joined above with their rows, so that the report is right.
	seen := make(map[[32]byte]bool, len(items))
	copies := 0
	for i, it := range items {
		if seen[it.Hash] && j.Row[i] >= 0 {
			j.Row[i] = -1
			j.Matched--
			copies++
		}
		seen[it.Hash] = true
	}
	if copies > 0 {
		fmt.Fprintf(stderr, "artlens: dissect: %d pictures are copies of an earlier one: each content counts once\n", copies)
	}
	off := layout.Offset(layer)
	// The layer's own name ("conv5", a graph's "layer3.1"), which --layer takes too.
	name := fmt.Sprintf("conv%d", layer)
	if places := m.Places(); layer <= len(places) && places[layer-1].Name != "" {
		name = places[layer-1].Name
	}
	d := j.Dissect(name, layout[layer-1].Channels, func(i, f int) float32 {
		if p := items[i].Peaks; off+f < len(p) {
			return p[off+f]
		}
		return float32(math.NaN()) // a picture analysed without this layer: left out
	}, *top)
	found := d.Significant(*fdr)
	enc := json.NewEncoder(stdout)
	for _, a := range found {
		a.P, a.Q = roundSig(a.P), roundSig(a.Q)
		a.Share = round4(a.Share)
		if *asJSON {
			if err := enc.Encode(a); err != nil {
				return fail(stderr, "%v", err)
			}
			continue
		}
		fmt.Fprintf(stdout, "filter %d of %s: %s = %q, %d of its top %d against %d of %d in the collection (%.1f%% against %.1f%%), p %.2g, q %.2g\n",
			a.Filter, a.Layer, a.Field, a.Value, a.InTop, a.Top, a.InCollection, a.CollectionSize,
			100*a.Share, 100*float64(a.InCollection)/float64(a.CollectionSize), a.P, a.Q)
	}
	fmt.Fprintf(stderr, "artlens: dissect: %d associations with q below %g among %d tests (%d filters of %s, top %d of %d pictures with a row)\n",
		len(found), *fdr, d.Tests, layout[layer-1].Channels, name, min(*top, j.Matched), j.Matched)
	return 0
}

// roundSig keeps 4 significant digits of a p-value, however small.
func roundSig(p float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'g', 4, 64), 64)
	return v
}
