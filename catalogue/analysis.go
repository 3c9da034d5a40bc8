package catalogue

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sort"
)

// grouping is how a field's pictures are counted: its group names (a date
// field's centuries, in order, then its unreadable terms; a text field's
// terms) and each term's group.
type grouping struct {
	names     []string
	termGroup []int32
}

func (j *Joined) grouping(f int) grouping {
	fl := j.Cat.Fields[f]
	g := grouping{termGroup: make([]int32, len(fl.Terms))}
	if !fl.Date {
		g.names = fl.Terms
		for t := range g.termGroup {
			g.termGroup[t] = int32(t)
		}
		return g
	}
	// Centuries in time order first, then the terms that did not read.
	var cents []int
	seen := map[int]bool{}
	for t, ok := range fl.Dated {
		if c := fl.Dates[t].Century(); ok && !seen[c] {
			seen[c] = true
			cents = append(cents, c)
		}
	}
	slices.Sort(cents)
	at := map[string]int32{}
	for _, c := range cents {
		at[CenturyLabel(c)] = int32(len(g.names))
		g.names = append(g.names, CenturyLabel(c))
	}
	for t := range fl.Terms {
		name := fl.Group(int32(t))
		i, ok := at[name]
		if !ok {
			i = int32(len(g.names))
			at[name] = i
			g.names = append(g.names, name)
		}
		g.termGroup[t] = i
	}
	return g
}

// groupsOf appends picture i's distinct groups in field f to into.
func (j *Joined) groupsOf(g grouping, i, f int, into []int32) []int32 {
	into = into[:0]
	for _, t := range j.Values(i, f) {
		gi := g.termGroup[t]
		if !slices.Contains(into, gi) {
			into = append(into, gi)
		}
	}
	return into
}

// Facet is one value of a field with the number of pictures that have it.
type Facet struct {
	Value string
	Count int
}

// Facets returns the values of field f (centuries for a date field) among
// the pictures sel (nil: all), most pictures first (ties by name), and how
// many of them have no value (no row or an empty cell). A picture with
// several values counts under each. It is the table's filter list.
func (j *Joined) Facets(f int, sel []int) (facets []Facet, none int) {
	g := j.grouping(f)
	counts := make([]int, len(g.names))
	var buf []int32
	each(sel, len(j.Row), func(i int) {
		buf = j.groupsOf(g, i, f, buf)
		if len(buf) == 0 {
			none++
		}
		for _, gi := range buf {
			counts[gi]++
		}
	})
	for gi, n := range counts {
		if n > 0 {
			facets = append(facets, Facet{g.names[gi], n})
		}
	}
	sort.SliceStable(facets, func(a, b int) bool {
		if facets[a].Count != facets[b].Count {
			return facets[a].Count > facets[b].Count
		}
		return facets[a].Value < facets[b].Value
	})
	return facets, none
}

// each calls fn for every index of sel, or for 0..n-1 when sel is nil.
func each(sel []int, n int, fn func(i int)) {
	if sel == nil {
		for i := range n {
			fn(i)
		}
		return
	}
	for _, i := range sel {
		fn(i)
	}
}

// Select returns the pictures (of sel, nil: all) that have value in field
// f (a century's name for a date field, as Facets gives it): the table's
// filter.
func (j *Joined) Select(f int, value string, sel []int) []int {
	g := j.grouping(f)
	want := int32(slices.Index(g.names, value))
	out := []int{}
	if want < 0 {
		return out
	}
	var buf []int32
	each(sel, len(j.Row), func(i int) {
		if buf = j.groupsOf(g, i, f, buf); slices.Contains(buf, want) {
			out = append(out, i)
		}
	})
	return out
}

// Cell returns picture i's cell of field f as the table shows it: its
// values joined by "; ".
func (j *Joined) Cell(i, f int) string {
	s := ""
	for k, t := range j.Values(i, f) {
		if k > 0 {
			s += "; "
		}
		s += j.Cat.Fields[f].Terms[t]
	}
	return s
}

// SortKey returns a key to sort the table by field f: a date field's
// middle year (NaN without one), and the cell's text.
func (j *Joined) SortKey(i, f int) (year float64, text string) {
	year = math.NaN()
	fl := j.Cat.Fields[f]
	if vals := j.Values(i, f); fl.Date && len(vals) > 0 && fl.Dated[vals[0]] {
		year = fl.Dates[vals[0]].Mid()
	}
	return year, j.Cell(i, f)
}

// Accuracy is how often the network was right on the pictures with one
// value of a field: Correct of Count, Lo and Hi its 95 % Wilson interval,
// Confusion[t][p] the pictures of true class t predicted as p.
type Accuracy struct {
	Value     string     `json:"-"`
	Count     int        `json:"count"`
	Correct   int        `json:"correct"`
	Accuracy  float64    `json:"accuracy"`
	Interval  [2]float64 `json:"interval"`
	Confusion [][]int    `json:"confusion"`
}

// AccuracyBy returns the accuracy of the network on each value of field f
// (each century for a date field), worst first (ties: more pictures
// first): "where does the network err most". truth and pred give each
// picture's true and predicted class (truth < 0: no true class, left
// out); classes is the number of classes. A picture with several values
// counts under each.
func (j *Joined) AccuracyBy(f int, truth, pred []int, classes int) []Accuracy {
	g := j.grouping(f)
	acc := make([]Accuracy, len(g.names))
	var buf []int32
	for i := range j.Row {
		t, p := truth[i], pred[i]
		if t < 0 || t >= classes || p < 0 || p >= classes {
			continue
		}
		for _, gi := range j.groupsOf(g, i, f, buf) {
			a := &acc[gi]
			if a.Confusion == nil {
				a.Confusion = make([][]int, classes)
				for c := range a.Confusion {
					a.Confusion[c] = make([]int, classes)
				}
			}
			a.Count++
			a.Confusion[t][p]++
			if t == p {
				a.Correct++
			}
		}
	}
	var out []Accuracy
	for gi, a := range acc {
		if a.Count == 0 {
			continue
		}
		a.Value = g.names[gi]
		a.Accuracy = float64(a.Correct) / float64(a.Count)
		a.Interval[0], a.Interval[1] = Wilson(a.Correct, a.Count)
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b Accuracy) int {
		if c := cmp.Compare(a.Accuracy, b.Accuracy); c != 0 {
			return c
		}
		return cmp.Compare(b.Count, a.Count)
	})
	return out
}

// Colouring is how a map colours its pictures by a field. For a date field
// it is Continuous: Year holds each picture's middle year (NaN: none), in
// [Min, Max]. Otherwise Category holds each picture's value as an index
// into Categories (-1: none), the values by number of pictures, most
// first, at most the count asked, the rest under "other"; a picture with
// several values takes the most common of them.
type Colouring struct {
	Field      string
	Continuous bool
	Year       []float64
	Min, Max   float64
	Category   []int
	Categories []string
	Counts     []int
}

// Colour returns the colouring of the pictures by field f, with at most
// maxCategories categories for a text field (the last "other").
func (j *Joined) Colour(f, maxCategories int) Colouring {
	fl := j.Cat.Fields[f]
	c := Colouring{Field: fl.Name, Continuous: fl.Date}
	if fl.Date {
		c.Year = make([]float64, len(j.Row))
		c.Min, c.Max = math.Inf(1), math.Inf(-1)
		for i := range j.Row {
			c.Year[i] = math.NaN()
			for _, t := range j.Values(i, f) {
				if fl.Dated[t] {
					y := fl.Dates[t].Mid()
					c.Year[i] = y
					c.Min, c.Max = min(c.Min, y), max(c.Max, y)
					break
				}
			}
		}
		return c
	}
	facets, _ := j.Facets(f, nil)
	rank := map[string]int{}
	for k, fa := range facets {
		rank[fa.Value] = k
	}
	maxCategories = max(maxCategories, 2)
	c.Category = make([]int, len(j.Row))
	for i := range j.Row {
		best := -1
		for _, t := range j.Values(i, f) {
			if r := rank[fl.Terms[t]]; best < 0 || r < best {
				best = r
			}
		}
		if best >= maxCategories-1 && len(facets) > maxCategories {
			best = maxCategories - 1
		}
		c.Category[i] = best
	}
	n := min(len(facets), maxCategories)
	c.Counts = make([]int, n)
	for k := 0; k < n; k++ {
		c.Categories = append(c.Categories, facets[k].Value)
	}
	if len(facets) > maxCategories {
		c.Categories[n-1] = "other"
	}
	for _, k := range c.Category {
		if k >= 0 {
			c.Counts[k]++
		}
	}
	return c
}

// Over is a field value among a group of pictures (a filter's top
// pictures, a lasso's selection) against the collection: InGroup of Group
// pictures have it, InCollection of CollectionSize; P is the
// hypergeometric chance of InGroup or more by luck, Q its
// Benjamini-Hochberg q over the tests of the run.
type Over struct {
	Layer          string  `json:"layer,omitempty"`
	Filter         int     `json:"filter,omitempty"`
	Field          string  `json:"field"`
	Value          string  `json:"value"`
	Top            int     `json:"top"`
	InTop          int     `json:"in_top"`
	InCollection   int     `json:"in_collection"`
	CollectionSize int     `json:"collection_size"`
	Share          float64 `json:"share"`
	P              float64 `json:"p"`
	Q              float64 `json:"q"`
}

// Lift is how many times more common the value is in the group than in the
// collection.
func (o Over) Lift() float64 {
	return o.Share / (float64(o.InCollection) / float64(o.CollectionSize))
}

// counter counts, for a run, each field's groups over the pictures with a
// row: the population every test is against.
type counter struct {
	j      *Joined
	groups []grouping
	// base[f][g]: pictures of the population with group g of field f.
	base [][]int
	// pop lists the pictures with a row.
	pop []int
	lf  LogFactorials
}

func (j *Joined) counter() *counter {
	c := &counter{j: j, groups: make([]grouping, len(j.Cat.Fields)), base: make([][]int, len(j.Cat.Fields))}
	for i, r := range j.Row {
		if r >= 0 {
			c.pop = append(c.pop, i)
		}
	}
	var buf []int32
	for f := range j.Cat.Fields {
		c.groups[f] = j.grouping(f)
		c.base[f] = make([]int, len(c.groups[f].names))
		for _, i := range c.pop {
			for _, g := range j.groupsOf(c.groups[f], i, f, buf) {
				c.base[f][g]++
			}
		}
	}
	c.lf = NewLogFactorials(len(c.pop))
	return c
}

// tests returns the number of tests one group makes: one per value of every
// field present in the population.
func (c *counter) tests() int {
	n := 0
	for _, b := range c.base {
		for _, k := range b {
			if k > 0 {
				n++
			}
		}
	}
	return n
}

// over tests every value present in group (pictures with a row) and
// appends those the group holds at least once; the rest have p = 1.
func (c *counter) over(group []int, out []Over, counts [][]int) []Over {
	var buf []int32
	for f := range counts {
		clear(counts[f])
	}
	for _, i := range group {
		for f := range c.groups {
			for _, g := range c.j.groupsOf(c.groups[f], i, f, buf) {
				counts[f][g]++
			}
		}
	}
	N, n := len(c.pop), len(group)
	for f, cs := range counts {
		for g, k := range cs {
			if k == 0 {
				continue
			}
			K := c.base[f][g]
			out = append(out, Over{
				Field: c.j.Cat.Fields[f].Name, Value: c.groups[f].names[g],
				Top: n, InTop: k, InCollection: K, CollectionSize: N,
				Share: float64(k) / float64(n), P: c.lf.HypergeomSF(k, N, K, n),
			})
		}
	}
	return out
}

func (c *counter) newCounts() [][]int {
	counts := make([][]int, len(c.groups))
	for f := range counts {
		counts[f] = make([]int, len(c.groups[f].names))
	}
	return counts
}

// setQ sets every Over's Q by Benjamini-Hochberg over m tests, the ones not
// in overs having p = 1 (which moves no q below 1).
func setQ(overs []Over, m int) {
	idx := make([]int, len(overs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return overs[idx[a]].P < overs[idx[b]].P })
	run := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		o := &overs[idx[r]]
		run = min(run, o.P*float64(m)/float64(r+1))
		o.Q = run
	}
}

// Summary tells what a selection of pictures (a lasso on the map) holds
// in the catalogue's words: for every field value the selection's
// pictures have, its count in the selection against the collection, with
// p and q (over the values tested), most significant first. Pictures
// without a row are left out of both.
func (j *Joined) Summary(sel []int) []Over {
	c := j.counter()
	var group []int
	for _, i := range sel {
		if i >= 0 && i < len(j.Row) && j.Row[i] >= 0 {
			group = append(group, i)
		}
	}
	if len(group) == 0 {
		return nil
	}
	out := c.over(group, nil, c.newCounts())
	setQ(out, c.tests())
	sortOvers(out)
	return out
}

func sortOvers(o []Over) {
	slices.SortStableFunc(o, func(a, b Over) int {
		if c := cmp.Compare(a.Q, b.Q); c != 0 {
			return c
		}
		if c := cmp.Compare(a.P, b.P); c != 0 {
			return c
		}
		return cmp.Compare(b.InTop, a.InTop)
	})
}

// Dissection is the result of Dissect: the field values over-represented
// among the top pictures of a layer's filters.
type Dissection struct {
	// Tests counts the tests of the run (filters times values present);
	// Associations holds the tests whose value appears at least once in the
	// filter's top, with p and q, most significant first.
	Tests        int
	Associations []Over
}

// Dissect asks, for every filter of a layer and every field value (every
// century of a date field), whether the value is over-represented among the
// filter's top pictures against the collection: the hypergeometric upper
// tail of its count (P), and Benjamini-Hochberg's q over all the tests of
// the run (Q). peak(i, f) gives picture i's peak of filter f (0-based; the
// collection keeps every conv filter's, collection.Record.Peaks); only the
// pictures with a row take part, and the top are the top highest peaks
// among them (ties by picture order). layer names the layer in the
// results.
func (j *Joined) Dissect(layer string, filters int, peak func(i, f int) float32, top int) Dissection {
	c := j.counter()
	top = min(top, len(c.pop))
	var d Dissection
	if top <= 0 || filters <= 0 {
		return d
	}
	counts := c.newCounts()
	h := &topHeap{}
	group := make([]int, 0, top)
	for f := range filters {
		h.s = h.s[:0]
		for k, i := range c.pop {
			v := peak(i, f)
			if math.IsNaN(float64(v)) {
				continue
			}
			e := ranked{v, k}
			if h.Len() < top {
				heap.Push(h, e)
			} else if worseRank(h.s[0], e) {
				h.s[0] = e
				heap.Fix(h, 0)
			}
		}
		group = group[:0]
		for _, e := range h.s {
			group = append(group, c.pop[e.k])
		}
		start := len(d.Associations)
		d.Associations = c.over(group, d.Associations, counts)
		for a := start; a < len(d.Associations); a++ {
			d.Associations[a].Layer, d.Associations[a].Filter = layer, f+1
		}
	}
	d.Tests = c.tests() * filters
	setQ(d.Associations, d.Tests)
	sortOvers(d.Associations)
	return d
}

// Significant returns the associations with q below fdr, most
// significant first.
func (d Dissection) Significant(fdr float64) []Over {
	var out []Over
	for _, a := range d.Associations {
		if a.Q < fdr {
			out = append(out, a)
		}
	}
	return out
}

// TermsOf returns filter's associations (1-based) with q below fdr, most
// significant first: "filter 12: 'Madonna', 18 of its top 50".
func (d Dissection) TermsOf(filter int, fdr float64) []Over {
	var out []Over
	for _, a := range d.Associations {
		if a.Filter == filter && a.Q < fdr {
			out = append(out, a)
		}
	}
	return out
}

// FiltersOf returns the filters tied to a field's value with q below fdr,
// most significant first: the other way round.
func (d Dissection) FiltersOf(field, value string, fdr float64) []Over {
	var out []Over
	for _, a := range d.Associations {
		if a.Field == field && a.Value == value && a.Q < fdr {
			out = append(out, a)
		}
	}
	return out
}

type ranked struct {
	v float32
	k int
}

// worseRank reports whether a ranks below b: lower, or equal and later.
func worseRank(a, b ranked) bool {
	if a.v != b.v {
		return a.v < b.v
	}
	return a.k > b.k
}

type topHeap struct{ s []ranked }

func (h *topHeap) Len() int           { return len(h.s) }
func (h *topHeap) Less(a, b int) bool { return worseRank(h.s[a], h.s[b]) }
func (h *topHeap) Swap(a, b int)      { h.s[a], h.s[b] = h.s[b], h.s[a] }
func (h *topHeap) Push(x any)         { h.s = append(h.s, x.(ranked)) }
func (h *topHeap) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}

// Classes makes classes from field f, for training on a field without
// class folders: labels[i] is picture i's class (its century for a date
// field, its value otherwise), "" for a picture with no value or with
// several (several counts those); classes are the names used, centuries in
// time order, text in alphabetical order.
func (j *Joined) Classes(f int) (labels, classes []string, several int) {
	g := j.grouping(f)
	labels = make([]string, len(j.Row))
	used := make([]bool, len(g.names))
	var buf []int32
	for i := range j.Row {
		buf = j.groupsOf(g, i, f, buf)
		switch len(buf) {
		case 0:
		case 1:
			labels[i] = g.names[buf[0]]
			used[buf[0]] = true
		default:
			several++
		}
	}
	for gi, u := range used {
		if u {
			classes = append(classes, g.names[gi])
		}
	}
	if !j.Cat.Fields[f].Date {
		slices.Sort(classes)
	}
	return labels, classes, several
}
