package atlas

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/artlens/artlens/collection"
)

// Method is how the features are placed in two dimensions.
type Method string

// The layouts. A grid (Grid) is drawn from either.
const (
	UMAP Method = "umap"
	TSNE Method = "tsne"
)

// ParseMethod returns the method named s ("umap" or "tsne").
func ParseMethod(s string) (Method, error) {
	switch m := Method(strings.ToLower(s)); m {
	case UMAP, TSNE:
		return m, nil
	}
	return "", fmt.Errorf("unknown layout %q: use umap or tsne", s)
}

// Options tune Build. The zero value asks for UMAP with the defaults.
type Options struct {
	Method Method
	// Clusters is the number of clusters; 0 chooses from the number of
	// pictures.
	Clusters int
	// Seed seeds the random choices; a map depends only on the pictures,
	// the options and the seed.
	Seed uint64
}

// Point is a place on the map; a Map's points lie in [0,1]², x to the
// right and y down.
type Point struct{ X, Y float64 }

func (p Point) dist2(q Point) float64 {
	dx, dy := p.X-q.X, p.Y-q.Y
	return dx*dx + dy*dy
}

// Cluster is one group of pictures on the map.
type Cluster struct {
	// Name is the cluster's name: by default its most frequent predicted
	// class and a number ("painting 2"); the user may change it (Rename).
	Name string
	// Named says that Name was given by the user.
	Named bool
	// Class is the most frequent predicted class of its pictures.
	Class int
	// Centre is the mean of its points; Rep the point nearest to it, the
	// picture that stands for the cluster.
	Centre Point
	Rep    int
	// Size is its number of points.
	Size int
}

// Map is a collection laid out in two dimensions: one point per picture
// content (copies of a file share their point).
type Map struct {
	// Key identifies the model, options and set of contents it was made
	// for (see Key).
	Key    string
	Method Method
	// Hashes are the contents, in ascending order; Points, Classes and Of
	// give each one's place, predicted class and cluster (an index of
	// Clusters).
	Hashes   [][32]byte
	Points   []Point
	Classes  []int
	Of       []int
	Clusters []Cluster

	index map[[32]byte]int
}

// Locate returns the point of it's content and its cluster, ok false when
// the map does not hold that content.
func (m *Map) Locate(it *collection.Item) (p Point, cluster int, ok bool) {
	i, ok := m.Index(it.Hash)
	if !ok {
		return Point{}, -1, false
	}
	return m.Points[i], m.Of[i], true
}

// Index returns the index of the content hash in Hashes.
func (m *Map) Index(hash [32]byte) (int, bool) {
	if m.index == nil {
		m.index = make(map[[32]byte]int, len(m.Hashes))
		for i, h := range m.Hashes {
			m.index[h] = i
		}
	}
	i, ok := m.index[hash]
	return i, ok
}

// Rename gives cluster c the name; an empty (or blank) name restores the
// default one. classes are the model's classes.
func (m *Map) Rename(c int, name string, classes []string) error {
	if c < 0 || c >= len(m.Clusters) {
		return fmt.Errorf("cluster %d does not exist: the map has clusters 0 to %d", c, len(m.Clusters)-1)
	}
	name = strings.TrimSpace(name)
	if name == "" {
		m.Clusters[c].Named = false
		m.nameClusters(classes)
		return nil
	}
	m.Clusters[c].Name, m.Clusters[c].Named = name, true
	return nil
}

// Progress tells how far Build is: Stage is "neighbours" or "layout",
// Done of Total its steps.
type Progress struct {
	Stage       string
	Done, Total int
}

// Fraction returns the part of the whole work done, from 0 to 1, counting
// the neighbours as a tenth of it.
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	f := float64(p.Done) / float64(p.Total)
	if p.Stage == "neighbours" {
		return 0.1 * f
	}
	return 0.1 + 0.9*f
}

// contents returns the distinct contents of items that have features of
// the most common length, by ascending hash, each with the first item
// holding it.
func contents(items []*collection.Item) []*collection.Item {
	lengths := map[int]int{}
	for _, it := range items {
		if it.Record != nil && len(it.Features) > 0 {
			lengths[len(it.Features)]++
		}
	}
	d, best := 0, 0
	for l, c := range lengths {
		if c > best || (c == best && l < d) {
			d, best = l, c
		}
	}
	seen := map[[32]byte]bool{}
	var out []*collection.Item
	for _, it := range items {
		if it.Record == nil || len(it.Features) != d || d == 0 || seen[it.Hash] {
			continue
		}
		seen[it.Hash] = true
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *collection.Item) int { return bytes.Compare(a.Hash[:], b.Hash[:]) })
	return out
}

// Key returns what identifies the map of items under the model of the
// given fingerprint (collection.Fingerprint) with opt: a cached map is
// used only when its key is the same.
func Key(fingerprint string, items []*collection.Item, opt Options) string {
	opt = opt.withDefaults()
	h := sha256.New()
	fmt.Fprintf(h, "atlas %d\nmodel %s\nmethod %s\nclusters %d\nseed %d\n", fileVersion, fingerprint, opt.Method, opt.Clusters, opt.Seed)
	for _, it := range contents(items) {
		h.Write(it.Hash[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (o Options) withDefaults() Options {
	if o.Method == "" {
		o.Method = UMAP
	}
	return o
}

// Neighbours is the number of neighbours each point's place is drawn
// from (UMAP's n_neighbors, less the point itself).
const Neighbours = 15

// Build lays out the distinct contents of items (those without features
// are left out), clusters them and names the clusters after classes (the
// model's classes). progress, if not nil, is called from Build's goroutine
// as the work goes on. It returns ctx.Err() soon after ctx is cancelled.
// The map's Key is left empty (Open sets it).
func Build(ctx context.Context, items []*collection.Item, classes []string, opt Options, progress func(Progress)) (*Map, error) {
	opt = opt.withDefaults()
	its := contents(items)
	n := len(its)
	m := &Map{Method: opt.Method, Hashes: make([][32]byte, n), Classes: make([]int, n)}
	features := make([][]float32, n)
	for i, it := range its {
		m.Hashes[i], m.Classes[i], features[i] = it.Hash, it.Class, it.Features
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x61746c6173))
	var y []float64
	var err error
	switch opt.Method {
	case UMAP, TSNE:
		y, err = embed(ctx, features, opt.Method, rng, progress)
	default:
		return nil, fmt.Errorf("unknown layout %q: use umap or tsne", opt.Method)
	}
	if err != nil {
		return nil, err
	}
	m.Points = unitSquare(y)
	k := opt.Clusters
	if k <= 0 {
		k = autoClusters(n)
	}
	var centres []Point
	m.Of, centres = kmeans(m.Points, k, rng)
	m.Clusters = make([]Cluster, len(centres))
	for c, ctr := range centres {
		m.Clusters[c] = Cluster{Centre: ctr, Rep: -1}
	}
	for i, p := range m.Points {
		cl := &m.Clusters[m.Of[i]]
		cl.Size++
		if cl.Rep < 0 || p.dist2(cl.Centre) < m.Points[cl.Rep].dist2(cl.Centre) {
			cl.Rep = i
		}
	}
	m.nameClusters(classes)
	return m, nil
}

// embed places the rows of features in two dimensions with method.
func embed(ctx context.Context, features [][]float32, method Method, rng *rand.Rand, progress func(Progress)) ([]float64, error) {
	n := len(features)
	if n < 3 {
		// Too few for neighbours: a row.
		y := make([]float64, 2*n)
		for i := range n {
			y[2*i] = float64(i)
		}
		return y, nil
	}
	x, d := normalised(features)
	report := func(stage string, total int) func(int) {
		if progress == nil {
			return nil
		}
		return func(done int) { progress(Progress{stage, done, total}) }
	}
	k := Neighbours
	if method == TSNE {
		k = 3 * tsnePerplexity
	}
	nb, err := nearest(ctx, x, n, d, k, report("neighbours", n))
	if err != nil {
		return nil, err
	}
	y := pca(x, n, d)
	if method == TSNE {
		return y, tsne(ctx, nb, y, rng, report("layout", tsneIterations))
	}
	epochs := umapEpochs(n)
	scaleTo(y, 10)
	for i := range y {
		y[i] += 1e-4 * rng.NormFloat64()
	}
	return y, umapLayout(ctx, umapGraph(nb, n, epochs), y, epochs, rng, report("layout", epochs))
}

// umapEpochs is the number of epochs of UMAP's descent for n points:
// umap-learn's 500 for small collections and 200 for large ones, where
// each point takes part in more samples per epoch; the step is at 2,000
// rather than umap-learn's 10,000, so that the 8,577 pictures of the Art
// Images data set are laid out in well under a minute on two cores.
func umapEpochs(n int) int {
	if n <= 2000 {
		return 500
	}
	return 200
}

// unitSquare moves interleaved points into [0,1]², centred, keeping their
// proportions.
func unitSquare(y []float64) []Point {
	n := len(y) / 2
	pts := make([]Point, n)
	if n == 0 {
		return pts
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range n {
		minX, maxX = min(minX, y[2*i]), max(maxX, y[2*i])
		minY, maxY = min(minY, y[2*i+1]), max(maxY, y[2*i+1])
	}
	span := max(maxX-minX, maxY-minY)
	if span == 0 {
		span = 1
	}
	ox := (1 - (maxX-minX)/span) / 2
	oy := (1 - (maxY-minY)/span) / 2
	for i := range n {
		pts[i] = Point{ox + (y[2*i]-minX)/span, oy + (y[2*i+1]-minY)/span}
	}
	return pts
}

// nameClusters gives every cluster not named by the user its default
// name: its majority class and a number, the clusters of one class
// numbered from the largest.
func (m *Map) nameClusters(classes []string) {
	counts := make([]map[int]int, len(m.Clusters))
	for c := range counts {
		counts[c] = map[int]int{}
	}
	for i, c := range m.Of {
		counts[c][m.Classes[i]]++
	}
	for c := range m.Clusters {
		best, bn := -1, 0
		for cl, k := range counts[c] {
			if k > bn || (k == bn && cl < best) {
				best, bn = cl, k
			}
		}
		m.Clusters[c].Class = best
	}
	order := make([]int, len(m.Clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return m.Clusters[b].Size - m.Clusters[a].Size })
	number := map[int]int{}
	for _, c := range order {
		cl := &m.Clusters[c]
		number[cl.Class]++
		if !cl.Named {
			cl.Name = fmt.Sprintf("%s %d", className(classes, cl.Class), number[cl.Class])
		}
	}
}

func className(classes []string, i int) string {
	if i >= 0 && i < len(classes) {
		return classes[i]
	}
	return fmt.Sprintf("class %d", i)
}
