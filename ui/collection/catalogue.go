// The Collection view's catalogue (package catalogue): the collection's own
// fields as the table's columns, sortable and filterable by their values
// with counts; accuracy by field with 95 % intervals, worst first; the map
// coloured by a field; a selection summarised in the catalogue's words;
// and dissection: the terms tied to a filter, the filters tied to a term.

package collection

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// catalogueFDR is the false discovery rate of the window's dissection and
// selection summaries, as the dissect command's default.
const catalogueFDR = 0.05

// catalogueTop is how many of a filter's top pictures the dissection
// looks at, as the dissect command's default.
const catalogueTop = 50

// colourFieldPrefix starts the map's colour choices that are fields.
const colourFieldPrefix = "field: "

// collectionCatalogue is the Collection view's catalogue and its
// Catalogue tab. The catalogue is joined to the collection's pictures
// each time an analysis ends (in path order, so that ties do not depend on
// the order the pictures came in); before, its columns are empty.
type collectionCatalogue struct {
	c *View

	// path is the catalogue's file ("" for none); found says it was the
	// catalogue.csv beside the collection rather than one opened, and
	// goes when another folder is opened.
	path  string
	found bool
	cat   *catalogue.Catalogue
	j     *catalogue.Joined
	// items are the joined pictures, in the joined order; index their
	// index in it.
	items []*collection.Item
	index map[*collection.Item]int
	// The table's filter by a value: keep holds the pictures with value
	// of field facetField (nil: no filter).
	facetField int
	facetValue string
	keep       map[*collection.Item]bool

	// The dissection of layer disLayer (0: none yet), and its generation.
	dis      catalogue.Dissection
	disLayer int
	disGen   int

	info     *widget.Label
	fieldSel *widget.Select
	tabs     *container.AppTabs

	facets     []catalogue.Facet
	facetNone  int
	facetList  *widget.List
	facetTitle *widget.Label
	clearBtn   *widget.Button

	acc      []catalogue.Accuracy
	accTitle *widget.Label
	accList  *widget.List
	accConf  *widget.Label

	summary *widget.Label

	tiedTitle *widget.Label
	tied      []catalogue.Over
	tiedList  *widget.List
	tiedLayer *widget.Select

	// terms is the Filter tab's line of the shown filter's terms.
	terms *widget.Label

	// colourCache is the map's colouring by field f for join j.
	colourCache struct {
		j *catalogue.Joined
		f int
		c catalogue.Colouring
	}
	// loading counts the catalogues being read; pendingShow is a --show
	// for the catalogue that waits for one.
	loading     int
	pendingShow []string
}

func newCollectionCatalogue(c *View) *collectionCatalogue {
	k := &collectionCatalogue{c: c, facetField: -1}
	k.terms = widget.NewLabel("")
	k.terms.Wrapping = fyne.TextWrapWord
	k.terms.Hide()
	return k
}

// newCataloguePanel is the side panel's Catalogue tab.
func (k *collectionCatalogue) newPanel() fyne.CanvasObject {
	open := widget.NewButtonWithIcon("Open catalogue…", theme.FolderOpenIcon(), k.openDialog)
	k.info = widget.NewLabel("No catalogue: open one (CSV or JSON Lines, a \"file\" column and one column per field), or put a catalogue.csv in the collection's folder.")
	k.info.Wrapping = fyne.TextWrapWord
	k.fieldSel = widget.NewSelect(nil, func(string) { k.fieldChanged() })
	k.fieldSel.PlaceHolder = "(no fields)"

	k.facetTitle = widget.NewLabel("")
	k.facetTitle.Wrapping = fyne.TextWrapWord
	k.clearBtn = widget.NewButtonWithIcon("All values", theme.ContentClearIcon(), func() { k.setFacet(-1, "") })
	k.clearBtn.Disable()
	k.facetList = widget.NewList(func() int { return len(k.facets) }, newCountRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(k.facets) {
			f := k.facets[id]
			setCountRow(o, f.Value, engine.Thousands(f.Count), k.facetField == k.field() && k.facetValue == f.Value)
		}
	})
	k.facetList.OnSelected = func(id widget.ListItemID) {
		k.facetList.Unselect(id)
		if id < len(k.facets) {
			f := k.field()
			if k.facetField == f && k.facetValue == k.facets[id].Value {
				k.setFacet(-1, "")
			} else {
				k.setFacet(f, k.facets[id].Value)
			}
		}
	}
	values := container.NewBorder(container.NewBorder(nil, nil, nil, k.clearBtn, k.facetTitle), nil, nil, nil, k.facetList)

	k.accTitle = widget.NewLabel("")
	k.accTitle.Wrapping = fyne.TextWrapWord
	k.accConf = widget.NewLabel("")
	k.accConf.TextStyle.Monospace = true
	k.accList = widget.NewList(func() int { return len(k.acc) }, newAccuracyRow, k.updateAccuracyRow)
	k.accList.OnSelected = func(id widget.ListItemID) { k.showConfusion(id) }
	// Scrolled sideways: a matrix of long class names would widen the window.
	accuracy := container.NewBorder(k.accTitle, container.NewHScroll(k.accConf), nil, nil, k.accList)

	k.summary = widget.NewLabel("Draw around pictures on the map (Drag: lasso), or filter the table, then summarise.")
	k.summary.Wrapping = fyne.TextWrapWord
	sumBtn := widget.NewButton("Summarise the table's pictures", func() { k.summarise(k.c.shown, "shown in the table") })
	selection := container.NewBorder(sumBtn, nil, nil, nil, container.NewVScroll(k.summary))

	k.tiedTitle = widget.NewLabel("Click a value under Values, then come here: the filters whose top pictures hold it more than the collection does.")
	k.tiedTitle.Wrapping = fyne.TextWrapWord
	k.tiedLayer = widget.NewSelect(nil, func(string) { k.updateTied() })
	k.tiedList = widget.NewList(func() int { return len(k.tied) }, newCountRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(k.tied) {
			a := k.tied[id]
			setCountRow(o, fmt.Sprintf("filter %d: %d of its top %d, against %.1f%% of the collection", a.Filter, a.InTop, a.Top, 100*float64(a.InCollection)/float64(a.CollectionSize)),
				"q "+shortP(a.Q), false)
		}
	})
	k.tiedList.OnSelected = func(id widget.ListItemID) {
		k.tiedList.Unselect(id)
		if id < len(k.tied) {
			l, _ := strconv.Atoi(k.tiedLayer.Selected)
			k.c.showFilter(l, k.tied[id].Filter)
		}
	}
	filters := container.NewBorder(container.NewVBox(container.NewHBox(widget.NewLabel("Layer"), k.tiedLayer), k.tiedTitle), nil, nil, nil, k.tiedList)

	k.tabs = container.NewAppTabs(
		container.NewTabItem("Values", values),
		container.NewTabItem("Accuracy", accuracy),
		container.NewTabItem("Selection", selection),
		container.NewTabItem("Filters", filters),
	)
	k.tabs.OnSelected = func(*container.TabItem) { k.updateTied() }
	top := container.NewVBox(container.NewBorder(nil, nil, open, nil, k.info),
		container.NewHBox(widget.NewLabel("Field:"), k.fieldSel))
	return container.NewBorder(top, nil, nil, nil, k.tabs)
}

// newCountRow is a list row: a text and, at the right, a count.
func newCountRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	n := widget.NewLabel("")
	n.Alignment = fyne.TextAlignTrailing
	return container.NewBorder(nil, nil, nil, n, l)
}

func setCountRow(o fyne.CanvasObject, text, count string, bold bool) {
	objs := o.(*fyne.Container).Objects
	l, n := objs[0].(*widget.Label), objs[1].(*widget.Label)
	l.TextStyle.Bold = bold
	l.SetText(text)
	n.SetText(count)
}

// field is the field chosen, -1 without one.
func (k *collectionCatalogue) field() int {
	if k.cat == nil {
		return -1
	}
	return k.cat.Field(k.fieldSel.Selected)
}

// openDialog asks for a catalogue file.
func (k *collectionCatalogue) openDialog() {
	s := k.c.h
	s.PickFile([]string{".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}, func(err error) {
		s.Notice.Post(host.NoticeError, "The catalogue could not be opened: "+err.Error())
	}, func(path string) { k.open(path, false) })
}

// open reads the catalogue at path in the background and, when it reads,
// makes it the collection's; a catalogue that does not read is said and
// changes nothing. found says it was found beside the collection.
func (k *collectionCatalogue) open(path string, found bool) {
	s := k.c.h
	s.Busy.Add(1)
	k.loading++
	go func() {
		cat, err := catalogue.Open(path)
		s.Do(func() {
			defer s.Busy.Add(-1)
			k.loading--
			if err != nil {
				k.pendingShow = nil
				s.Notice.Post(host.NoticeError, "The catalogue "+filepath.Base(path)+" could not be read: "+strings.TrimSuffix(err.Error(), ".")+". Nothing was changed.")
				return
			}
			k.path, k.found, k.cat = path, found, cat
			k.join(true)
			if show := k.pendingShow; show != nil && k.j != nil {
				k.pendingShow = nil
				if msg := k.applyShow(show); msg != "" {
					s.Notice.Post(host.NoticeWarning, msg)
				}
			}
		})
	}()
}

// collectionOpened forgets a catalogue found beside the previous
// collection (one opened by the user stays, for another part of its
// collection).
func (k *collectionCatalogue) collectionOpened() {
	if k.found {
		k.path, k.found, k.cat = "", false, nil
	}
	k.reset()
	k.refresh()
}

// reset forgets the join (a new analysis is coming).
func (k *collectionCatalogue) reset() {
	k.j, k.items, k.index = nil, nil, nil
	k.disLayer = 0
	k.disGen++
	k.setFacetQuiet(-1, "")
}

// analysed joins the catalogue to the analysed collection, first looking
// for a catalogue.csv beside it when none was opened.
func (k *collectionCatalogue) analysed() {
	if k.cat == nil && len(k.c.roots) == 1 {
		if st, err := os.Stat(k.c.roots[0]); err == nil && st.IsDir() {
			if p := catalogue.Find(k.c.roots[0]); p != "" {
				k.open(p, true)
				return
			}
		}
	}
	k.join(false)
}

// join sets the catalogue beside the collection's pictures and says what
// matched in a notice (always when asked, else when something did not).
func (k *collectionCatalogue) join(say bool) {
	k.j, k.items, k.index = nil, nil, nil
	k.disLayer = 0
	k.disGen++
	if k.cat != nil && len(k.c.items) > 0 {
		root := ""
		if len(k.c.roots) == 1 {
			root = k.c.roots[0]
			if st, err := os.Stat(root); err != nil || !st.IsDir() {
				root = filepath.Dir(root)
			}
		}
		k.items = slices.Clone(k.c.items)
		slices.SortFunc(k.items, func(a, b *collection.Item) int { return strings.Compare(a.Path, b.Path) })
		paths := make([]string, len(k.items))
		k.index = make(map[*collection.Item]int, len(k.items))
		for i, it := range k.items {
			paths[i] = it.Path
			k.index[it] = i
		}
		k.j = k.cat.Join(root, paths)
		name := filepath.Base(k.path)
		lines := k.j.Lines()
		kind := host.NoticeInfo
		if k.j.Matched < len(paths) || k.j.Missing > 0 || k.j.Duplicates > 0 || k.cat.BadDates > 0 || k.j.Ambiguous > 0 {
			kind = host.NoticeWarning
		}
		if say || kind == host.NoticeWarning {
			k.c.h.Notice.PostDetails(kind, k.reportHead(name), "Catalogue "+k.path+":\n• "+strings.Join(lines, "\n• "))
		}
	}
	k.setFacetQuiet(-1, "")
	k.refresh()
}

// reportHead is the notice's line of the join: the pictures with a row
// and, when there are, the rows with no picture, the pictures with no
// row, the duplicated rows and the dates that do not read.
func (k *collectionCatalogue) reportHead(name string) string {
	j := k.j
	head := fmt.Sprintf("Catalogue %s: %s of %s have a row", name, engine.Thousands(j.Matched), pictures(len(j.Row)))
	if j.Matched == 0 {
		return head + ": its file column names none of them (paths relative to the collection's folder, or file names)."
	}
	if j.Missing > 0 {
		head += fmt.Sprintf(" · %s no picture", counted(j.Missing, "row names", "rows name"))
		if d := k.c.distinct.Dropped; k.c.testSet && d > 0 {
			head += fmt.Sprintf(" (the test set's %s left out among them)", counted(d, "copy", "copies"))
		}
	}
	if j.NoRow > 0 {
		head += fmt.Sprintf(" · %s no row", haveNoun(j.NoRow))
	}
	if j.Duplicates > 0 {
		head += fmt.Sprintf(" · %s a picture", counted(j.Duplicates, "row repeats", "rows repeat"))
	}
	if j.Ambiguous > 0 {
		head += fmt.Sprintf(" · %s a file several pictures share", counted(j.Ambiguous, "row names", "rows name"))
	}
	if n := k.cat.BadDates; n > 0 {
		head += fmt.Sprintf(" · %s as a date", counted(n, "date cell does not read", "date cells do not read"))
	}
	return head + "."
}

// refresh shows the catalogue's state everywhere: the tab, the table's
// columns, the map's colour choices.
func (k *collectionCatalogue) refresh() {
	var names []string
	if k.cat != nil {
		names = k.cat.FieldNames()
	}
	if k.info != nil {
		switch {
		case k.cat == nil:
			k.info.SetText("No catalogue: open one (CSV or JSON Lines, a \"file\" column and one column per field), or put a catalogue.csv in the collection's folder.")
		case k.j == nil:
			k.info.SetText(fmt.Sprintf("%s: %s rows, %s; joined to the pictures once they are analysed.", filepath.Base(k.path), engine.Thousands(len(k.cat.Rows)), widgets.CountNoun(len(names), "field")))
		default:
			k.info.SetText(fmt.Sprintf("%s: %s of %s have a row; %s.", filepath.Base(k.path), engine.Thousands(k.j.Matched), pictures(len(k.items)), widgets.CountNoun(len(names), "field")))
		}
		sel := k.fieldSel.Selected
		k.fieldSel.Options = names
		if !slices.Contains(names, sel) {
			sel = ""
			if len(names) > 0 {
				sel = names[0]
			}
		}
		k.fieldSel.Selected = ""
		k.fieldSel.SetSelected(sel)
		if sel == "" {
			k.fieldChanged()
		}
	}
	k.c.applyWidths()
	k.c.refreshTable()
	if p := k.c.atlas; p != nil {
		p.colourSel.Options = []string{colourPredicted, colourTruth, colourRight}
		for _, n := range names {
			p.colourSel.Options = append(p.colourSel.Options, colourFieldPrefix+n)
		}
		if !slices.Contains(p.colourSel.Options, p.colourSel.Selected) {
			p.colourSel.SetSelected(colourPredicted)
		}
		p.colourSel.Refresh()
		p.updateLegend()
		p.view.Refresh()
	}
	if k.c.topLayer > 0 {
		k.showTerms(k.c.topLayer, k.c.topFilter)
	}
}

// fieldChanged shows the chosen field's values and accuracy.
func (k *collectionCatalogue) fieldChanged() {
	f := k.field()
	k.facets, k.facetNone, k.acc = nil, 0, nil
	k.accConf.SetText("")
	k.accList.UnselectAll()
	switch {
	case k.cat == nil:
		k.facetTitle.SetText("")
		k.accTitle.SetText("")
	case k.j == nil || f < 0:
		k.facetTitle.SetText("The values show once the collection is analysed.")
		k.accTitle.SetText("")
	default:
		k.facets, k.facetNone = k.j.Facets(f, nil)
		k.facetTitle.SetText(k.facetText(f))
		k.updateAccuracy(f)
	}
	k.facetList.Refresh()
	k.accList.Refresh()
	k.updateTied()
}

func (k *collectionCatalogue) facetText(f int) string {
	fl := k.cat.Fields[f]
	n := widgets.CountNoun(len(k.facets), "value")
	if fl.Date {
		n = countCenturies(len(k.facets))
	}
	text := fmt.Sprintf("%s: %s, with their pictures; click one to show only its pictures in the table.", fl.Name, n)
	if k.facetNone > 0 {
		text += fmt.Sprintf(" %s no value.", haveNoun(k.facetNone))
	}
	return text
}

// counted writes n with its words: one for 1, many for the rest.
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return engine.Thousands(n) + " " + many
}

func countCenturies(n int) string {
	if n == 1 {
		return "1 century"
	}
	return fmt.Sprintf("%d centuries", n)
}

func haveNoun(n int) string {
	if n == 1 {
		return "1 picture has"
	}
	return engine.Thousands(n) + " pictures have"
}

// setFacet shows in the table only the pictures with value of field f
// (f -1: all), and says so.
func (k *collectionCatalogue) setFacet(f int, value string) {
	k.setFacetQuiet(f, value)
	if k.keep != nil {
		k.c.showTable(true)
		k.c.h.Notice.Post(host.NoticeInfo, fmt.Sprintf("The table shows the %s with %s = %q (and the other filters).", pictures(len(k.keep)), k.cat.Fields[f].Name, value))
	}
	k.facetList.Refresh()
	k.c.refreshTable()
	k.updateTied()
}

func (k *collectionCatalogue) setFacetQuiet(f int, value string) {
	k.facetField, k.facetValue, k.keep = f, value, nil
	if k.j != nil && f >= 0 {
		k.keep = map[*collection.Item]bool{}
		for _, i := range k.j.Select(f, value, nil) {
			k.keep[k.items[i]] = true
		}
	}
	if k.clearBtn != nil {
		if k.keep == nil {
			k.clearBtn.Disable()
		} else {
			k.clearBtn.Enable()
		}
	}
}

// keeps reports whether the table's filter by a value keeps it.
func (k *collectionCatalogue) keeps(it *collection.Item) bool {
	return k.keep == nil || k.keep[it]
}

// The table's columns of the catalogue's fields are colCount+f.

// tableColumns are the fields' columns.
func (k *collectionCatalogue) tableColumns() []int {
	if k.cat == nil {
		return nil
	}
	cols := make([]int, len(k.cat.Fields))
	for f := range cols {
		cols[f] = colCount + f
	}
	return cols
}

// withFields puts the fields' columns after the Folder column.
func (c *View) withFields(cols []int) []int {
	fields := c.cat.tableColumns()
	if len(fields) == 0 {
		return cols
	}
	at := slices.Index(cols, colFolder) + 1
	return slices.Concat(cols[:at], fields, cols[at:])
}

// columnTitle is the title of column col.
func (c *View) columnTitle(col int) string {
	if col >= colCount {
		if f := col - colCount; c.cat.cat != nil && f < len(c.cat.cat.Fields) {
			return c.cat.cat.Fields[f].Name
		}
		return ""
	}
	return columnTitles[col]
}

// columnWidth is the width of column col at zoom 1.
func (c *View) columnWidth(col int) float32 {
	if col >= colCount {
		return 120
	}
	return columnWidths[col]
}

// cell is picture it's cell of field f ("" before the join or without a
// row).
func (k *collectionCatalogue) cell(it *collection.Item, f int) string {
	i, ok := k.index[it]
	if !ok || k.j == nil || f >= len(k.cat.Fields) {
		return ""
	}
	return k.j.Cell(i, f)
}

// sort sorts items by field f: dates by their middle year, the rest by
// text; pictures with no value last either way, ties by path.
func (k *collectionCatalogue) sort(items []*collection.Item, f int, desc bool) {
	type key struct {
		year float64
		text string
		none bool
	}
	keys := make(map[*collection.Item]key, len(items))
	for _, it := range items {
		i, ok := k.index[it]
		if !ok || k.j == nil || f >= len(k.cat.Fields) {
			keys[it] = key{none: true}
			continue
		}
		y, t := k.j.SortKey(i, f)
		keys[it] = key{y, strings.ToLower(t), t == ""}
	}
	date := k.cat != nil && f < len(k.cat.Fields) && k.cat.Fields[f].Date
	sort.SliceStable(items, func(a, b int) bool {
		ka, kb := keys[items[a]], keys[items[b]]
		if ka.none != kb.none {
			return kb.none
		}
		c := 0
		if date && !math.IsNaN(ka.year) && !math.IsNaN(kb.year) && ka.year != kb.year {
			c = cmpFloat(float32(ka.year), float32(kb.year))
		} else if date && math.IsNaN(ka.year) != math.IsNaN(kb.year) {
			// Undated text after the dates.
			if math.IsNaN(ka.year) {
				c = 1
			} else {
				c = -1
			}
		} else {
			c = strings.Compare(ka.text, kb.text)
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		return items[a].Path < items[b].Path
	})
}

// Accuracy by field.

func newAccuracyRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	bar := newIntervalBar()
	return container.NewBorder(nil, nil, nil, bar, l)
}

func (k *collectionCatalogue) updateAccuracyRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(k.acc) {
		return
	}
	a := k.acc[id]
	objs := o.(*fyne.Container).Objects
	l, bar := objs[0].(*widget.Label), objs[1].(*intervalBar)
	l.SetText(fmt.Sprintf("%s: %.1f%% of %s (%.1f-%.1f%%)", a.Value, 100*a.Accuracy, engine.Thousands(a.Count), 100*a.Interval[0], 100*a.Interval[1]))
	bar.set(a.Accuracy, a.Interval)
}

// updateAccuracy computes field f's accuracy by value on the labelled
// pictures: worst first.
func (k *collectionCatalogue) updateAccuracy(f int) {
	classes := k.c.classes
	truth, pred := make([]int, len(k.items)), make([]int, len(k.items))
	labelled, right := 0, 0
	for i, it := range k.items {
		truth[i], pred[i] = it.Truth, it.Class
		if it.Truth >= 0 && it.Truth < len(classes) {
			labelled++
			if k.c.rank(it) == 1 {
				right++
			}
		}
	}
	if labelled == 0 {
		k.accTitle.SetText("No picture is in a folder named after one of the model's classes: there is no accuracy to break down.")
		return
	}
	k.acc = k.j.AccuracyBy(f, truth, pred, len(classes))
	fl := k.cat.Fields[f]
	lo, hi := catalogue.Wilson(right, labelled)
	by := fl.Name
	if fl.Date {
		by += " (by century)"
	}
	k.accTitle.SetText(fmt.Sprintf("Accuracy by %s, worst first (where the network errs most): %.1f%% overall on %s in class folders (95%% interval %.1f-%.1f%%). "+
		"Bars: the accuracy and its 95%% interval. Click a value for its confusion.", by, 100*float64(right)/float64(labelled), pictures(labelled), 100*lo, 100*hi))
}

// showConfusion shows the confusion of the accuracy list's row id.
func (k *collectionCatalogue) showConfusion(id int) {
	if id >= len(k.acc) {
		return
	}
	a := k.acc[id]
	classes := k.c.classes
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d right\nrows: the true class, columns: the answer\n", a.Value, a.Correct, a.Count)
	// Class names shortened to 8 letters: four classes fit the panel.
	w := 6
	for _, c := range classes {
		w = max(w, min(len([]rune(c)), 8)+1)
	}
	fmt.Fprintf(&b, "%-*s", w, "")
	for _, c := range classes {
		b.WriteString(padLeft(shorten(c, w-1), w))
	}
	for t, row := range a.Confusion {
		if t >= len(classes) {
			break
		}
		name := shorten(classes[t], w-1)
		b.WriteString("\n" + name + strings.Repeat(" ", w-len([]rune(name))))
		for _, v := range row {
			fmt.Fprintf(&b, "%*d", w, v)
		}
	}
	k.accConf.SetText(b.String())
}

// padLeft puts spaces before s to make it w letters wide (Printf's
// widths count bytes, and "…" is three).
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-len([]rune(s)))) + s
}

// shorten cuts s to n letters, the last an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// intervalBar draws an accuracy from 0 to 100 % as a mark on its 95 %
// interval.
type intervalBar struct {
	widget.BaseWidget
	acc      float64
	interval [2]float64
}

func newIntervalBar() *intervalBar {
	b := &intervalBar{}
	b.ExtendBaseWidget(b)
	return b
}

func (b *intervalBar) set(acc float64, interval [2]float64) {
	b.acc, b.interval = acc, interval
	b.Refresh()
}

func (b *intervalBar) CreateRenderer() fyne.WidgetRenderer {
	r := &intervalRenderer{b: b, track: canvas.NewRectangle(color.Transparent), span: canvas.NewRectangle(color.Transparent), mark: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type intervalRenderer struct {
	b                 *intervalBar
	track, span, mark *canvas.Rectangle
}

func (r *intervalRenderer) Layout(size fyne.Size) {
	h := size.Height / 3
	y := (size.Height - h) / 2
	r.track.Move(fyne.NewPos(0, y+h/2-1))
	r.track.Resize(fyne.NewSize(size.Width, 2))
	x0, x1 := float32(r.b.interval[0])*size.Width, float32(r.b.interval[1])*size.Width
	r.span.Move(fyne.NewPos(x0, y))
	r.span.Resize(fyne.NewSize(max(x1-x0, 2), h))
	xm := float32(r.b.acc) * size.Width
	r.mark.Move(fyne.NewPos(xm-1.5, y-h/2))
	r.mark.Resize(fyne.NewSize(3, 2*h))
}

func (r *intervalRenderer) MinSize() fyne.Size { return fyne.NewSize(140, 20) }

func (r *intervalRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameDisabled)
	p := theme.Color(theme.ColorNamePrimary)
	pr, pg, pb, _ := p.RGBA()
	r.span.FillColor = color.NRGBA{uint8(pr >> 8), uint8(pg >> 8), uint8(pb >> 8), 0x70}
	r.mark.FillColor = theme.Color(theme.ColorNameForeground)
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *intervalRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.span, r.mark}
}
func (r *intervalRenderer) Destroy() {}

// The map coloured by a field.

// mapColour returns a picture's colour on the map when the colour choice
// sel is a field, and whether it is.
func (k *collectionCatalogue) mapColour(it *collection.Item, sel string) (color.NRGBA, bool) {
	f := k.colourField(sel)
	if f < 0 {
		return color.NRGBA{}, false
	}
	i, ok := k.index[it]
	if !ok {
		return plots.ClassColor(-1), true
	}
	cl := k.colouring(f)
	if cl.Continuous {
		if math.IsNaN(cl.Year[i]) {
			return plots.ClassColor(-1), true
		}
		return yearColour(cl, cl.Year[i]), true
	}
	return plots.ClassColor(cl.Category[i]), true
}

// colourField is the field of the map's colour choice sel, -1 for none.
func (k *collectionCatalogue) colourField(sel string) int {
	name, ok := strings.CutPrefix(sel, colourFieldPrefix)
	if !ok || k.cat == nil || k.j == nil {
		return -1
	}
	return k.cat.Field(name)
}

// colouring is the map's colouring by field f, kept until the join or
// the field changes.
func (k *collectionCatalogue) colouring(f int) catalogue.Colouring {
	if k.colourCache.j != k.j || k.colourCache.f != f {
		k.colourCache.j, k.colourCache.f = k.j, f
		k.colourCache.c = k.j.Colour(f, 10)
	}
	return k.colourCache.c
}

// yearColour places year on the feature maps' colour scale from the
// earliest to the latest year (as the map command draws it: 0.15 to 0.95,
// since the scale's black end would hide a thumbnail's frame).
func yearColour(cl catalogue.Colouring, y float64) color.NRGBA {
	if cl.Max <= cl.Min {
		return plots.Color(0.5)
	}
	return plots.Color(0.15 + 0.8*(y-cl.Min)/(cl.Max-cl.Min))
}

// legendEntry is one colour of the map's legend.
type legendEntry struct {
	c    color.NRGBA
	text string
}

// legend returns the map's legend for a field's colour choice sel, and
// whether sel is one: five years on the scale for a date, the values
// with their counts for text, and the pictures with no value.
func (k *collectionCatalogue) legend(sel string) ([]legendEntry, bool) {
	f := k.colourField(sel)
	if f < 0 {
		return nil, false
	}
	cl := k.colouring(f)
	var out []legendEntry
	none := 0
	if cl.Continuous {
		for _, y := range cl.Year {
			if math.IsNaN(y) {
				none++
			}
		}
		if cl.Max >= cl.Min {
			for s := 0; s < 5; s++ {
				y := cl.Min + float64(s)/4*(cl.Max-cl.Min)
				out = append(out, legendEntry{yearColour(cl, y), strconv.Itoa(int(math.Round(y)))})
				if cl.Max == cl.Min {
					break
				}
			}
		}
	} else {
		for c, name := range cl.Categories {
			out = append(out, legendEntry{plots.ClassColor(c), fmt.Sprintf("%s (%d)", name, cl.Counts[c])})
		}
		for _, c := range cl.Category {
			if c < 0 {
				none++
			}
		}
	}
	out = append(out, legendEntry{plots.ClassColor(-1), fmt.Sprintf("no value (%d)", none)})
	return out, true
}

// A selection summarised by field.

// summarise says what items hold in the catalogue's words: the values
// over-represented among them against the collection.
func (k *collectionCatalogue) summarise(items []*collection.Item, what string) {
	if k.summary == nil {
		return
	}
	if k.j == nil {
		k.summary.SetText("Open a catalogue first (and a collection).")
		return
	}
	var sel []int
	for _, it := range items {
		if i, ok := k.index[it]; ok {
			sel = append(sel, i)
		}
	}
	overs := k.j.Summary(sel)
	withRow := 0
	for _, i := range sel {
		if k.j.Row[i] >= 0 {
			withRow++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The %s %s (%d with a row) against the %s of the collection with a row. ", pictures(len(items)), what, withRow, engine.Thousands(k.j.Matched))
	var sig, rest []catalogue.Over
	for _, o := range overs {
		if o.Q < catalogueFDR {
			sig = append(sig, o)
		} else {
			rest = append(rest, o)
		}
	}
	if len(sig) == 0 {
		fmt.Fprintf(&b, "No value is over-represented (q below %g).", catalogueFDR)
	} else {
		fmt.Fprintf(&b, "Over-represented (q below %g), most significant first:", catalogueFDR)
		for _, o := range sig {
			b.WriteString("\n• " + overText(o))
		}
	}
	if len(rest) > 0 {
		b.WriteString("\nThe most common of the rest:")
		sort.SliceStable(rest, func(a, c int) bool { return rest[a].InTop > rest[c].InTop })
		for _, o := range rest[:min(len(rest), 6)] {
			b.WriteString("\n• " + overText(o))
		}
	}
	k.summary.SetText(b.String())
}

// lassoed summarises the pictures drawn around on the map and returns
// the most over-represented value in a few words ("" for none), for the
// notice that says the table shows them.
func (k *collectionCatalogue) lassoed(items []*collection.Item) string {
	k.summarise(items, "drawn around on the map")
	if k.j == nil {
		return ""
	}
	var sel []int
	for _, it := range items {
		if i, ok := k.index[it]; ok {
			sel = append(sel, i)
		}
	}
	if o := k.j.Summary(sel); len(o) > 0 && o[0].Q < catalogueFDR {
		return fmt.Sprintf(" Most over-represented: %s = %q, %d of them against %.1f%% of the collection, q %s (Catalogue › Selection).",
			o[0].Field, o[0].Value, o[0].InTop, 100*float64(o[0].InCollection)/float64(o[0].CollectionSize), shortP(o[0].Q))
	}
	return ""
}

// overText writes an association: "demo_date = 15th century: 18 of 40
// (45.0%) against 126 of 753 (16.7%), q 0.003".
func overText(o catalogue.Over) string {
	return fmt.Sprintf("%s = %q: %d of %d (%.1f%%) against %s of %s (%.1f%%), q %s", o.Field, o.Value, o.InTop, o.Top, 100*o.Share,
		engine.Thousands(o.InCollection), engine.Thousands(o.CollectionSize), 100*float64(o.InCollection)/float64(o.CollectionSize), shortP(o.Q))
}

// shortP writes a p or q value with two significant digits.
func shortP(p float64) string {
	if p >= 0.01 {
		return fmt.Sprintf("%.2f", p)
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// Dissection.

// dissect computes layer's dissection in the background (copies of one
// content counting once, as the dissect command counts them) and calls
// done on the UI goroutine once it is there.
func (k *collectionCatalogue) dissect(layer int, done func()) {
	c := k.c
	if k.j == nil || c.layout == nil || layer < 1 || layer > len(c.layout) {
		return
	}
	if k.disLayer == layer {
		done()
		return
	}
	k.disGen++
	gen := k.disGen
	j, items, layout := *k.j, k.items, c.layout
	name := fmt.Sprintf("conv%d", layer)
	if c.model != nil {
		if places := c.model.Places(); layer <= len(places) && places[layer-1].Name != "" {
			name = places[layer-1].Name
		}
	}
	s := c.h
	s.Busy.Add(1)
	go func() {
		j.Row = slices.Clone(j.Row)
		seen := make(map[[32]byte]bool, len(items))
		for i, it := range items {
			if seen[it.Hash] && j.Row[i] >= 0 {
				j.Row[i] = -1
				j.Matched--
			}
			seen[it.Hash] = true
		}
		off := layout.Offset(layer)
		d := j.Dissect(name, layout[layer-1].Channels, func(i, f int) float32 {
			if p := items[i].Peaks; off+f < len(p) {
				return p[off+f]
			}
			return float32(math.NaN())
		}, catalogueTop)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if gen != k.disGen {
				return
			}
			k.dis, k.disLayer = d, layer
			done()
		})
	}()
}

// showTerms shows, beside the Filter tab's top pictures, the catalogue's
// terms over-represented among the filter's top 50.
func (k *collectionCatalogue) showTerms(layer, filter int) {
	if k.j == nil || k.c.layout == nil {
		k.terms.Hide()
		return
	}
	k.terms.SetText(fmt.Sprintf("Layer %d, filter %d in the catalogue's words: working…", layer, filter))
	k.terms.Show()
	k.dissect(layer, func() {
		if k.c.topLayer != layer || k.c.topFilter != filter {
			return
		}
		k.terms.SetText(k.termsText(filter))
	})
}

// termsText says filter's terms in the dissection held.
func (k *collectionCatalogue) termsText(filter int) string {
	d := k.dis
	found := d.TermsOf(filter, catalogueFDR)
	top := min(catalogueTop, k.j.Matched)
	name := fmt.Sprintf("filter %d of %s", filter, layerName(d, k.disLayer))
	if len(found) == 0 {
		return fmt.Sprintf("In the catalogue's words: no value is over-represented among the top %d of %s (q below %g over the layer's %s tests).",
			top, name, catalogueFDR, engine.Thousands(d.Tests))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "In the catalogue's words, %s (its top %d against the collection; q over the layer's %s tests):", name, top, engine.Thousands(d.Tests))
	for _, a := range found[:min(len(found), 6)] {
		fmt.Fprintf(&b, "\n• %s = %q, %d of its top %d against %.0f%% of the collection (%s of %s), q %s",
			a.Field, a.Value, a.InTop, a.Top, 100*float64(a.InCollection)/float64(a.CollectionSize), engine.Thousands(a.InCollection), engine.Thousands(a.CollectionSize), shortP(a.Q))
	}
	if len(found) > 6 {
		fmt.Fprintf(&b, "\n• and %d more", len(found)-6)
	}
	return b.String()
}

func layerName(d catalogue.Dissection, layer int) string {
	if len(d.Associations) > 0 && d.Associations[0].Layer != "" {
		return d.Associations[0].Layer
	}
	return fmt.Sprintf("layer %d", layer)
}

// updateTied lists the filters of the chosen layer tied to the value
// clicked under Values (the table's filter).
func (k *collectionCatalogue) updateTied() {
	if k.tiedLayer == nil {
		return
	}
	c := k.c
	if c.layout != nil && len(k.tiedLayer.Options) != len(c.layout) {
		k.tiedLayer.Options = nil
		for i := 1; i <= len(c.layout); i++ {
			k.tiedLayer.Options = append(k.tiedLayer.Options, strconv.Itoa(i))
		}
		k.tiedLayer.SetSelected(strconv.Itoa(len(c.layout)))
		return // SetSelected comes back here
	}
	k.tied = nil
	k.tiedList.Refresh()
	if k.j == nil || k.keep == nil || c.layout == nil || k.tabs.Selected().Text != "Filters" {
		if k.keep == nil {
			k.tiedTitle.SetText("Click a value under Values, then come here: the filters whose top pictures hold it more than the collection does.")
		}
		return
	}
	layer, _ := strconv.Atoi(k.tiedLayer.Selected)
	field, value := k.cat.Fields[k.facetField].Name, k.facetValue
	k.tiedTitle.SetText(fmt.Sprintf("%s = %q: working…", field, value))
	k.dissect(layer, func() {
		if l, _ := strconv.Atoi(k.tiedLayer.Selected); l != layer || k.keep == nil {
			return
		}
		k.tied = k.dis.FiltersOf(field, value, catalogueFDR)
		text := fmt.Sprintf("%s = %q: the filters of %s whose top %d hold it more than the collection does (q below %g over the layer's %s tests), most significant first. Click one for its pictures.",
			field, value, layerName(k.dis, layer), min(catalogueTop, k.j.Matched), catalogueFDR, engine.Thousands(k.dis.Tests))
		if len(k.tied) == 0 {
			text = fmt.Sprintf("%s = %q: no filter of %s holds it in its top %d more than the collection does (q below %g).", field, value, layerName(k.dis, layer), min(catalogueTop, k.j.Matched), catalogueFDR)
		}
		k.tiedTitle.SetText(text)
		k.tiedList.Refresh()
	})
}

// What --show can ask of the catalogue: "catalogue:values:FIELD",
// "catalogue:accuracy:FIELD" (with "catalogue:filters:FIELD:VALUE") and
// "colour:FIELD" (the map).
const catalogueShows = "catalogue:values:FIELD, catalogue:accuracy:FIELD, catalogue:filters:FIELD:VALUE (the Catalogue tab) or colour:FIELD (the map coloured by a catalogue's field)"

// checkCatalogueShow reports whether show is for the catalogue and, if
// so, whether it is well formed.
func checkCatalogueShow(parts []string) (mine, ok bool) {
	switch parts[0] {
	case "colour":
		return true, len(parts) >= 2 && parts[1] != ""
	case "catalogue":
		if len(parts) < 3 || parts[2] == "" {
			return true, false
		}
		switch parts[1] {
		case "values", "accuracy":
			return true, len(parts) == 3
		case "filters":
			return true, len(parts) >= 4
		}
		return true, false
	}
	return false, false
}

// applyShow shows what a catalogue's show asks; it returns why it cannot,
// or "".
func (k *collectionCatalogue) applyShow(parts []string) string {
	if k.j == nil && k.loading > 0 {
		k.pendingShow = parts // once it is read
		return ""
	}
	if k.j == nil {
		return "There is no catalogue to show: open one with its button in the Catalogue tab (or --catalogue)."
	}
	field := parts[len(parts)-1]
	if parts[0] == "catalogue" {
		field = parts[2]
	}
	f := k.cat.Field(field)
	if f < 0 {
		return fmt.Sprintf("The catalogue has no field %q: it has %s.", field, strings.Join(k.cat.FieldNames(), ", "))
	}
	if parts[0] == "colour" {
		// By its name: other sub-views may come before it.
		for _, t := range k.c.side.Items {
			if t.Text == "Map" {
				k.c.side.Select(t)
			}
		}
		k.c.atlas.colourSel.SetSelected(colourFieldPrefix + field)
		return ""
	}
	k.c.side.Select(k.c.catTab)
	k.fieldSel.SetSelected(field)
	switch parts[1] {
	case "values":
		k.tabs.SelectIndex(0)
	case "accuracy":
		k.tabs.SelectIndex(1)
		if len(k.acc) > 0 {
			k.accList.Select(0)
		}
	case "filters":
		value := strings.Join(parts[3:], ":")
		k.setFacet(f, value)
		k.tabs.SelectIndex(3)
	}
	return ""
}

// exportRow is a row of the table's JSON export with the picture's
// fields, as analyse --json --catalogue writes them.
type exportRow struct {
	collection.ExportRow
	Fields map[string][]string `json:"fields,omitempty"`
}

// export writes items as CSV (a column per field after the table's) or
// JSON (each row with its "fields"), as analyse --catalogue does.
func (k *collectionCatalogue) export(w io.Writer, format string, e collection.Export, items []*collection.Item) error {
	fields := k.cat.Fields
	if format == "json" {
		rows := make([]exportRow, len(items))
		for n, it := range items {
			rows[n].ExportRow = e.Row(it)
			i, ok := k.index[it]
			if !ok {
				continue
			}
			for f, fl := range fields {
				vals := k.j.Values(i, f)
				if len(vals) == 0 {
					continue
				}
				if rows[n].Fields == nil {
					rows[n].Fields = map[string][]string{}
				}
				for _, t := range vals {
					rows[n].Fields[fl.Name] = append(rows[n].Fields[fl.Name], fl.Terms[t])
				}
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(e.Header(), k.cat.FieldNames()...)); err != nil {
		return err
	}
	for _, it := range items {
		rec := e.Record(e.Row(it))
		for f := range fields {
			rec = append(rec, k.cell(it, f))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
