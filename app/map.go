package app

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/artlens/artlens/atlas"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("map", "draw a map of the pictures of a folder, placed by how alike the network sees them, with clusters", runMap)
}

// mapResult is one line of `map --json`.
type mapResult struct {
	File        string  `json:"file"`
	X           float64 `json:"x"`
	Y           float64 `json:"y"`
	Class       string  `json:"class"`
	Cluster     int     `json:"cluster"`
	ClusterName string  `json:"cluster_name"`
	// Fields are the picture's fields in the catalogue (--catalogue).
	Fields map[string][]string `json:"fields,omitempty"`
}

func runMap(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("map", "[--layout umap|tsne|grid] [--clusters K] [--json] --out FILE.png [--model FILE] FOLDER...", stdout, stderr)
	layoutName := fs.String("layout", "umap", "how the pictures are placed: `umap`, tsne, or grid (the UMAP map's order in rows and columns)")
	clusters := fs.Int("clusters", 0, "number of clusters (default: from the number of pictures, 2 to 20)")
	asJSON := fs.Bool("json", false, "print one JSON object per picture: file, x and y (from 0 to 1, y down), predicted class, cluster and its name")
	out := fs.String("out", "", "PNG `file` to write; required")
	model := fs.String("model", "", modelUsage)
	noCache := fs.Bool("no-cache", false, "analyse every picture and lay them out again instead of using the results kept from an earlier run")
	catFile := fs.String("catalogue", "", catalogueUsage+"; --json gives each picture's fields")
	colourBy := fs.String("colour", "", "colour the borders by the catalogue's `field` (a scale for dates) instead of the predicted class")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	grid := strings.EqualFold(*layoutName, "grid")
	method := atlas.UMAP
	if !grid {
		var err error
		if method, err = atlas.ParseMethod(*layoutName); err != nil {
			return usageError(stderr, "map", "unknown --layout %q: use umap, tsne or grid", *layoutName)
		}
	}
	switch {
	case fs.NArg() == 0:
		return usageError(stderr, "map", "give at least one folder or image")
	case *out == "":
		return usageError(stderr, "map", "give the figure's file with --out FILE.png")
	case !strings.EqualFold(filepath.Ext(*out), ".png"):
		return usageError(stderr, "map", "the figure is a PNG file: --out should end in .png, not %q", filepath.Ext(*out))
	case *clusters < 0 || *clusters > 100:
		return usageError(stderr, "map", "--clusters wants 1 to 100 clusters, or 0 to choose, not %d", *clusters)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	files, code := scanCollection(fs.Args(), stderr)
	if code != 0 {
		return code
	}
	items, _, cache, code := analyseCollection(m, fs.Args(), files, !*noCache, "map", stderr)
	if code != 0 {
		return code
	}
	cat, err := joinItems(*catFile, fs.Args(), items, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	index := make(map[*collection.Item]int, len(items))
	for i, it := range items {
		index[it] = i
	}
	var colourOf func(i int) color.NRGBA
	var fieldKey []plots.MapKey
	if *colourBy != "" {
		if cat == nil {
			return usageError(stderr, "map", "--colour colours by a catalogue's field: give the catalogue with --catalogue FILE")
		}
		f, err := fieldIndex(cat, *colourBy)
		if err != nil {
			return usageError(stderr, "map", "--colour: %v", err)
		}
		colourOf, fieldKey = fieldColours(cat, f)
	}
	classes := m.Meta.Classes
	path := ""
	if cache != nil {
		path = atlas.PathFor(cache, method)
	}
	bar := newProgressBar(stderr, "layout", 100)
	mp, _, err := atlas.Open(context.Background(), path, collection.Fingerprint(m), items, classes,
		atlas.Options{Method: method, Clusters: *clusters}, func(p atlas.Progress) {
			bar.update(int(math.Round(100 * p.Fraction())))
		})
	bar.update(100)
	if mp == nil {
		return fail(stderr, "%v", err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "artlens: %v\n", err)
	}
	if len(mp.Points) == 0 {
		return fail(stderr, "none of the pictures has features to place")
	}
	points := mp.Points
	thumb := mapThumbSide(len(points), mapSide(len(points)))
	if grid {
		var cell float64
		points, cell = atlas.Grid(mp.Points)
		thumb = max(6, int(cell*float64(mapSide(len(points))))-2)
	}
	// Each content once, with the thumbnail of its first item.
	first := make([]*collection.Item, len(points))
	for _, it := range items {
		if i, ok := mp.Index(it.Hash); ok && first[i] == nil {
			first[i] = it
		}
	}
	pics := make([]plots.MapPicture, 0, len(points))
	counts := make([]int, len(classes))
	for i, it := range first {
		if it == nil {
			continue
		}
		var img image.Image
		if t := it.Thumbnail(); t != nil {
			img = t
		}
		border := plots.ClassColor(mp.Classes[i])
		if colourOf != nil {
			border = colourOf(index[it])
		}
		pics = append(pics, plots.MapPicture{X: points[i].X, Y: points[i].Y, Thumb: img, Color: border})
		if c := mp.Classes[i]; c >= 0 && c < len(counts) {
			counts[c]++
		}
	}
	labels := make([]plots.MapLabel, len(mp.Clusters))
	for c, cl := range mp.Clusters {
		labels[c] = plots.MapLabel{X: points[cl.Rep].X, Y: points[cl.Rep].Y, Text: cl.Name}
	}
	key := make([]plots.MapKey, 0, len(classes))
	for c, name := range classes {
		key = append(key, plots.MapKey{Color: plots.ClassColor(c), Text: fmt.Sprintf("%s (%d)", name, counts[c])})
	}
	border := "predicted class"
	if colourOf != nil {
		key, border = fieldKey, *colourBy
	}
	how := map[atlas.Method]string{atlas.UMAP: "UMAP", atlas.TSNE: "t-SNE"}[method]
	if grid {
		how = "a grid in UMAP's order"
	}
	title := fmt.Sprintf("%d pictures placed by %s of the features the network's output layer reads; border: %s", len(pics), how, border)
	side := mapSide(len(points))
	fig := plots.MapFigure(title, pics, labels, key, side, thumb, plots.Light)
	if err := writePNG(*out, fig); err != nil {
		return fail(stderr, "%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		sorted := slices.Clone(items)
		slices.SortFunc(sorted, func(a, b *collection.Item) int { return strings.Compare(a.Path, b.Path) })
		for _, it := range sorted {
			i, ok := mp.Index(it.Hash)
			if !ok {
				continue
			}
			c := mp.Of[i]
			if err := enc.Encode(mapResult{File: it.Path, X: round4(points[i].X), Y: round4(points[i].Y),
				Class: classes[it.Class], Cluster: c + 1, ClusterName: mp.Clusters[c].Name, Fields: fieldsOf(cat, index[it])}); err != nil {
				return fail(stderr, "%v", err)
			}
		}
		return 0
	}
	for c, cl := range mp.Clusters {
		fmt.Fprintf(stdout, "cluster %d: %s, %d picture%s, nearest its centre %s\n", c+1, cl.Name, cl.Size, plural(cl.Size), first[cl.Rep].Path)
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return 0
}

// mapSide is the side in pixels of the map figure of n pictures: about 32
// pixels per picture along a side, from 1,200 to 4,000.
func mapSide(n int) int {
	return max(1200, min(4000, int(32*math.Sqrt(float64(n)))))
}

// mapThumbSide is the thumbnails' side on a map of n pictures, side pixels
// square: a little more than the room each would have in a grid, so that
// neighbours overlap a little, from 16 to 64 pixels.
func mapThumbSide(n, side int) int {
	return max(16, min(64, int(1.2*float64(side)/math.Sqrt(float64(max(n, 1))))))
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
