package ui

import (
	"context"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

// Columns of the collection table.
const (
	colPicture = iota
	colName
	colFolder
	colPredicted
	colProbability
	colSecond
	colTrue
	colRight
	colCount
)

var columnTitles = [colCount]string{"Picture", "Name", "Folder", "Predicted", "Probability", "Second choice", "True class", "Right?"}

// columnWidths are the table's column widths at zoom 1.
var columnWidths = [colCount]float32{52, 150, 120, 90, 90, 110, 90, 64}

// Choices of the class filters.
const (
	anyClass = "any class"
	noClass  = "no class (unlabelled)"
)

// Tile sizes and counts of the side panel's figures.
const (
	topK        = 9
	similarK    = 8
	panelTile   = 132 // units: three columns fit beside the table at 1280 wide
	flushPeriod = 250 * time.Millisecond
	// confusionPeriod spaces the confusion chart's redrawing while a
	// collection is being analysed: each drawing costs a tenth of a second.
	confusionPeriod = 2 * time.Second
)

// tableFilter says which pictures the table shows.
type tableFilter struct {
	predicted int // class index, -1 for any
	truth     int // class index, -1 for any, -2 for none
	wrongOnly bool
	below     float32 // only probabilities below this (0: no limit)
	search    string  // lower-case part of the file name ("" for all)
}

var noFilter = tableFilter{predicted: -1, truth: -1}

// keep reports whether it passes the filter.
func (f tableFilter) keep(it *collection.Item) bool {
	switch {
	case f.predicted >= 0 && it.Class != f.predicted:
		return false
	case f.truth >= 0 && it.Truth != f.truth, f.truth == -2 && it.Truth >= 0:
		return false
	case f.wrongOnly && !it.Wrong():
		return false
	case f.below > 0 && it.Probability() >= f.below:
		return false
	case f.search != "" && !strings.Contains(strings.ToLower(filepath.Base(it.Path)), f.search):
		return false
	}
	return true
}

// sortItems sorts items by column col (descending with desc), ties by
// path, so that the order is the same whatever order the items came in.
func sortItems(items []*collection.Item, col int, desc bool, classes []string) {
	name := func(i int) string { return className2(classes, i) }
	// File names are lowered once, not at each of the n log n comparisons.
	var lower map[*collection.Item]string
	if col == colPicture || col == colName {
		lower = make(map[*collection.Item]string, len(items))
		for _, it := range items {
			lower[it] = strings.ToLower(filepath.Base(it.Path))
		}
	}
	cmp := func(a, b *collection.Item) int {
		switch col {
		case colPicture, colName:
			return strings.Compare(lower[a], lower[b])
		case colFolder:
			return strings.Compare(a.Folder, b.Folder)
		case colPredicted:
			return strings.Compare(name(a.Class), name(b.Class))
		case colProbability:
			return cmpFloat(a.Probability(), b.Probability())
		case colSecond:
			return strings.Compare(name(a.Second), name(b.Second))
		case colTrue:
			return strings.Compare(trueName(classes, a), trueName(classes, b))
		case colRight:
			return rightRank(a) - rightRank(b)
		}
		return 0
	}
	sort.SliceStable(items, func(i, j int) bool {
		c := cmp(items[i], items[j])
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		return items[i].Path < items[j].Path
	})
}

func cmpFloat(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rightRank orders wrong before right before unlabelled.
func rightRank(it *collection.Item) int {
	switch {
	case it.Wrong():
		return 0
	case it.Right():
		return 1
	}
	return 2
}

func className2(classes []string, i int) string {
	if i >= 0 && i < len(classes) {
		return classes[i]
	}
	return fmt.Sprintf("class %d", i+1)
}

func trueName(classes []string, it *collection.Item) string {
	if it.Truth < 0 {
		return ""
	}
	return className2(classes, it.Truth)
}

// collectionView shows a whole folder of pictures: a table of every picture
// with its predicted class, filters and sorting, and beside it the
// labelled collection's confusion matrix, the pictures that excite a
// filter most and the pictures most similar to the selected one. The
// analysis runs in the background on every core (package collection).
type collectionView struct {
	s       *shell
	content fyne.CanvasObject

	roots   []string
	model   *engine.Model // the model the items were analysed with
	classes []string
	items   []*collection.Item
	shown   []*collection.Item
	layout  collection.Layout
	failed  []string
	cancel  context.CancelFunc
	gen     int // latest analysis; results of older ones are dropped
	running bool
	// complete says every picture was analysed (not stopped).
	complete bool
	// testSet says the collection is the data set's test split (one
	// validation_set folder): each picture content counts once, the first
	// by path, as in 'artlens eval' and the model's stored test results.
	testSet  bool
	distinct collection.Distinct
	// then is what to show once the analysis is done (see
	// Options.Show), "" for nothing.
	then string

	sortCol  int
	sortDesc bool
	filter   tableFilter
	selected *collection.Item
	thumbs   map[*collection.Item]image.Image

	status      *widget.Label
	progress    *widget.ProgressBar
	cancelBtn   *widget.Button
	progressBox *fyne.Container
	empty       fyne.CanvasObject
	table       *widget.Table
	tableBox    *fyne.Container
	// count says how many pictures show, with a hint on the clicks.
	count      *widget.Label
	predSel    *widget.Select
	truthSel   *widget.Select
	wrongOnly  *widget.Check
	below      *widget.Entry
	search     *widget.Entry
	exportCSV  *widget.Button
	exportJSON *widget.Button
	side       *container.AppTabs

	conf     *chart
	confInfo *widget.Label
	ev       engine.Evaluation
	cells    [][][]*collection.Item
	confAt   time.Time

	layerSel   *widget.Select
	filterNum  *widget.Entry
	topImg     *canvas.Image
	topInfo    *widget.Label
	topGen     int
	topLayer   int
	topFilter  int
	simImg     *canvas.Image
	simInfo    *widget.Label
	simGen     int
	openSelBtn *widget.Button
}

func newCollectionView(s *shell) *collectionView {
	c := &collectionView{s: s, filter: noFilter, thumbs: map[*collection.Item]image.Image{}, sortCol: colName, then: s.opts.Show}
	open := widget.NewButtonWithIcon("Open folder…", theme.FolderOpenIcon(), c.openDialog)
	c.status = widget.NewLabel("")
	c.status.Truncation = fyne.TextTruncateEllipsis
	c.progress = widget.NewProgressBar()
	c.cancelBtn = widget.NewButtonWithIcon("Stop", theme.CancelIcon(), c.stop)
	c.progressBox = container.NewBorder(nil, nil, nil, c.cancelBtn, c.progress)
	c.progressBox.Hide()
	top := container.NewBorder(nil, nil, open, nil, c.status)

	c.predSel = widget.NewSelect(nil, func(string) { c.filterChanged() })
	c.truthSel = widget.NewSelect(nil, func(string) { c.filterChanged() })
	c.wrongOnly = widget.NewCheck("wrong only", func(bool) { c.filterChanged() })
	c.below = widget.NewEntry()
	c.below.SetPlaceHolder("100")
	c.below.OnChanged = func(string) { c.filterChanged() }
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder("name contains…")
	c.search.OnChanged = func(string) { c.filterChanged() }
	c.exportCSV = widget.NewButtonWithIcon("CSV…", theme.DocumentSaveIcon(), func() { c.exportDialog("csv") })
	c.exportJSON = widget.NewButtonWithIcon("JSON…", theme.DocumentSaveIcon(), func() { c.exportDialog("json") })
	c.count = widget.NewLabel("")
	c.count.TextStyle.Italic = true
	belowBox := newSizedBox(c.below)
	belowBox.width = 64
	// Two fixed rows rather than a flowing layout: a flow's height depends
	// on a width it learns only after the first layout, which left a gap
	// above the table.
	filters := container.NewVBox(
		container.NewHBox(widget.NewLabel("Predicted:"), c.predSel, widget.NewLabel("True:"), c.truthSel, c.wrongOnly),
		container.NewHBox(widget.NewLabel("Probability below"), belowBox, widget.NewLabel("%"),
			widget.NewLabel("Search:"), newSizedBoxW(c.search, 160), widget.NewLabel("Export:"), c.exportCSV, c.exportJSON),
	)

	c.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(c.shown), colCount },
		c.newCell, c.updateCell)
	c.table.ShowHeaderColumn = false
	c.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	c.table.UpdateHeader = c.updateHeader
	c.table.OnSelected = c.cellSelected
	c.applyWidths()

	// Not wrapped: a wrapping label asks for its height at the narrowest
	// width, which would leave a gap above the table.
	c.count.Truncation = fyne.TextTruncateEllipsis
	c.empty = container.NewCenter(widget.NewLabel("Open a folder of pictures (its subfolders too) to see the whole collection."))
	c.tableBox = container.NewBorder(container.NewVBox(filters, c.count), nil, nil, nil,
		container.NewStack(c.table, c.empty))

	c.side = container.NewAppTabs(
		container.NewTabItem("Accuracy", c.newConfusionPanel()),
		container.NewTabItem("Filter", c.newFilterPanel()),
		container.NewTabItem("Similar", c.newSimilarPanel()),
	)
	split := container.NewHSplit(c.tableBox, c.side)
	split.Offset = 0.62
	c.content = container.NewBorder(container.NewVBox(top, c.progressBox), nil, nil, nil, split)
	c.setClasses(s.modelClasses())
	c.refreshAll()
	s.onModel = append(s.onModel, c.modelChanged)
	s.onStyle = append(s.onStyle, c.styleChanged)
	return c
}

// newSizedBoxW is a sizedBox of width w.
func newSizedBoxW(o fyne.CanvasObject, w float32) *sizedBox {
	b := newSizedBox(o)
	b.width = w
	return b
}

func (s *shell) modelClasses() []string {
	if s.model == nil {
		return nil
	}
	return s.model.Meta.Classes
}

// setClasses fills the class filters for classes.
func (c *collectionView) setClasses(classes []string) {
	c.classes = classes
	c.predSel.Options = append([]string{anyClass}, classes...)
	c.truthSel.Options = append(append([]string{anyClass}, classes...), noClass)
	c.predSel.SetSelected(anyClass)
	c.truthSel.SetSelected(anyClass)
}

func (c *collectionView) applyWidths() {
	z := c.s.zoom
	for i, w := range columnWidths {
		c.table.SetColumnWidth(i, w*z)
	}
}

func (c *collectionView) newCell() fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(40))
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewStack(img, label)
}

func (c *collectionView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	img, label := objs[0].(*canvas.Image), objs[1].(*widget.Label)
	if id.Row < 0 || id.Row >= len(c.shown) {
		img.Hide()
		label.SetText("")
		return
	}
	it := c.shown[id.Row]
	if id.Col == colPicture {
		label.Hide()
		img.Show()
		if t := c.thumb(it); img.Image != t {
			img.Image = t
			img.Refresh()
		}
		return
	}
	img.Hide()
	label.Show()
	label.Importance = widget.MediumImportance
	label.TextStyle = fyne.TextStyle{}
	label.SetText(c.cellText(it, id.Col))
	if id.Col == colRight && it.Wrong() {
		label.Importance = widget.DangerImportance
		label.TextStyle.Bold = true
		label.Refresh()
	}
}

// cellText is the text of column col for it.
func (c *collectionView) cellText(it *collection.Item, col int) string {
	switch col {
	case colName:
		return filepath.Base(it.Path)
	case colFolder:
		return it.Folder
	case colPredicted:
		return className2(c.classes, it.Class)
	case colProbability:
		return fmt.Sprintf("%.1f%%", 100*it.Probability())
	case colSecond:
		return fmt.Sprintf("%s %.0f%%", className2(c.classes, it.Second), 100*it.Probabilities[it.Second])
	case colTrue:
		return trueName(c.classes, it)
	case colRight:
		switch {
		case it.Right():
			return "right"
		case it.Wrong():
			return "wrong"
		}
	}
	return ""
}

// thumb decodes it's thumbnail, keeping the last few hundred decoded.
func (c *collectionView) thumb(it *collection.Item) image.Image {
	if t, ok := c.thumbs[it]; ok {
		return t
	}
	if len(c.thumbs) > 400 {
		clear(c.thumbs)
	}
	t := it.Thumbnail()
	c.thumbs[it] = t
	return t
}

func (c *collectionView) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	text := columnTitles[id.Col]
	if id.Col == c.sortCol || id.Col == colName && c.sortCol == colPicture {
		if c.sortDesc {
			text += " ▼"
		} else {
			text += " ▲"
		}
	}
	b.SetText(text)
	col := id.Col
	b.OnTapped = func() { c.sortBy(col) }
}

// sortBy sorts the table by col, or reverses the order when it is sorted
// by col already.
func (c *collectionView) sortBy(col int) {
	if col == colPicture {
		col = colName
	}
	if col == c.sortCol {
		c.sortDesc = !c.sortDesc
	} else {
		c.sortCol, c.sortDesc = col, false
	}
	c.refreshTable()
}

// cellSelected opens a picture in Explore when its picture or name was
// clicked, and otherwise makes it the selected picture of the side panel.
func (c *collectionView) cellSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(c.shown) {
		return
	}
	it := c.shown[id.Row]
	c.selectItem(it)
	if id.Col == colPicture || id.Col == colName {
		// Unselected, so that a second click on it opens it again.
		c.table.Unselect(id)
		c.openInExplore(it)
	}
}

func (c *collectionView) openInExplore(it *collection.Item) {
	c.s.showView("explore")
	c.s.explore.open([]string{it.Path})
}

// filterChanged reads the filter widgets and shows what passes.
func (c *collectionView) filterChanged() {
	if c.table == nil || c.exportJSON == nil {
		return // still being built
	}
	f := tableFilter{predicted: indexOf(c.classes, c.predSel.Selected), truth: indexOf(c.classes, c.truthSel.Selected),
		wrongOnly: c.wrongOnly.Checked, search: strings.ToLower(strings.TrimSpace(c.search.Text))}
	if c.truthSel.Selected == noClass {
		f.truth = -2
	}
	if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(c.below.Text), "%"), 64); err == nil && v > 0 && v < 100 {
		f.below = float32(v / 100)
	}
	c.filter = f
	c.refreshTable()
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// refreshTable filters and sorts the items again and redraws the table.
func (c *collectionView) refreshTable() {
	c.shown = c.shown[:0]
	for _, it := range c.items {
		if c.filter.keep(it) {
			c.shown = append(c.shown, it)
		}
	}
	sortItems(c.shown, c.sortCol, c.sortDesc, c.classes)
	const hint = ". Click a row for its similar pictures, its picture or name to open it in Explore, a column's title to sort."
	switch {
	case len(c.items) == 0:
		c.count.SetText("")
	case len(c.shown) == len(c.items):
		c.count.SetText(pictures(len(c.items)) + hint)
	default:
		c.count.SetText(fmt.Sprintf("%s of %s shown", thousands(len(c.shown)), pictures(len(c.items))) + hint)
	}
	if len(c.items) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.table.Refresh()
	if len(c.shown) == 0 {
		c.exportCSV.Disable()
		c.exportJSON.Disable()
	} else {
		c.exportCSV.Enable()
		c.exportJSON.Enable()
	}
}

func (c *collectionView) refreshAll() {
	c.refreshTable()
	c.updateConfusion(true)
	c.updateSimilar()
}

// pictures writes "1 picture" or "7,085 pictures".
func pictures(n int) string {
	if n == 1 {
		return "1 picture"
	}
	return thousands(n) + " pictures"
}

// openDialog asks for a folder and opens it as the collection.
func (c *collectionView) openDialog() {
	c.s.pickFolder(func(path string) { c.open([]string{path}) })
}

// open makes the pictures of paths (folders with their subfolders, or
// files) the collection and analyses them in the background: cached ones
// come at once, the others as they are analysed, on every core. What was
// open before is closed (its analysis stopped).
func (c *collectionView) open(paths []string) {
	c.stop()
	c.roots = append([]string(nil), paths...)
	c.testSet = len(paths) == 1 && filepath.Base(absPath(paths[0])) == dataset.TestFolder
	c.analyse()
}

// analyse (re)analyses c.roots with the current model.
func (c *collectionView) analyse() {
	s := c.s
	m := s.model
	c.gen++
	gen := c.gen
	c.items, c.shown, c.failed, c.selected, c.layout = nil, nil, nil, nil, nil
	c.distinct = collection.Distinct{}
	c.complete = false
	clear(c.thumbs)
	c.model = m
	c.setClasses(s.modelClasses())
	c.refreshAll()
	c.clearTop()
	if len(c.roots) == 0 {
		return
	}
	if m == nil {
		c.status.SetText("No model is loaded: open one with File › Open model….")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.running = true
	c.status.SetText("Looking for pictures in " + quoteNames(c.roots) + "…")
	c.progress.SetValue(0)
	c.progressBox.Show()
	roots := c.roots
	s.busy.Add(1)
	go func() {
		defer s.do(func() { s.busy.Add(-1) })
		files, skipped, err := collection.Scan(roots)
		if err != nil || len(files) == 0 {
			s.do(func() {
				if gen != c.gen {
					return
				}
				c.finish(gen, nil, 0, err)
				if err == nil {
					s.notice.show(noticeWarning, "No pictures were found in "+quoteNames(roots)+".")
				}
			})
			return
		}
		opt := collection.Options{ClassMap: dataset.DefaultClassMap}
		if dir, err := collection.DefaultCacheDir(); err == nil {
			opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), roots)
		}
		var mu sync.Mutex
		var batch []*collection.Item
		var failed []string
		var last collection.Progress
		lastFlush := time.Now()
		flush := func() {
			mu.Lock()
			b, f, p := batch, failed, last
			batch, failed = nil, nil
			mu.Unlock()
			s.do(func() {
				if gen == c.gen {
					c.add(b, f, p)
				}
			})
		}
		layout, err := collection.Analyse(ctx, m, files, opt, func(r collection.Result) {
			mu.Lock()
			if r.Err != nil {
				failed = append(failed, relativeTo(roots, r.File.Path)+": "+reasonOf(r.Err))
			} else {
				batch = append(batch, r.Item)
			}
			last = r.Progress
			due := time.Since(lastFlush) >= flushPeriod
			mu.Unlock()
			if due {
				lastFlush = time.Now()
				flush()
			}
		})
		flush()
		if opt.Cache != nil {
			// A stopped analysis keeps what it did but prunes nothing.
			if serr := opt.Cache.Save(err == nil); serr != nil {
				failed = append(failed, serr.Error())
			}
		}
		s.do(func() {
			if gen != c.gen {
				return
			}
			c.layout = layout
			if layout != nil {
				c.setLayerChoices(len(layout))
			}
			for _, line := range skipped {
				c.failed = append(c.failed, relativeTo(roots, line))
			}
			c.finish(gen, files, last.Cached, err)
		})
	}()
}

// add shows a batch of analysed pictures and the progress.
func (c *collectionView) add(items []*collection.Item, failed []string, p collection.Progress) {
	if c.testSet {
		for _, it := range items {
			c.distinct.Add(it)
		}
		c.items = c.distinct.Items
	} else {
		c.items = append(c.items, items...)
	}
	c.failed = append(c.failed, failed...)
	if p.Total > 0 {
		c.progress.SetValue(float64(p.Done) / float64(p.Total))
		text := fmt.Sprintf("Analysing %s: %s of %s pictures", quoteNames(c.roots), thousands(p.Done), thousands(p.Total))
		if r := p.Rate(); r > 0 {
			text += fmt.Sprintf(" · %.0f per second · about %s left", r, shortDuration(p.Left()))
		}
		if p.Cached > 0 {
			text += fmt.Sprintf(" · %s from the cache", thousands(p.Cached))
		}
		c.status.SetText(text)
	}
	c.refreshTable()
	c.updateConfusion(false)
}

// finish ends an analysis: it says what was done and what failed.
func (c *collectionView) finish(gen int, files []collection.File, cached int, err error) {
	c.running = false
	c.complete = err == nil
	c.cancel = nil
	c.progressBox.Hide()
	n := len(c.items)
	switch {
	case err == context.Canceled:
		c.status.SetText(fmt.Sprintf("Stopped: %s of %s analysed. Open the folder again to go on (what was done is kept).",
			thousands(n), countNoun(len(files), "picture")))
	case err != nil:
		c.status.SetText("")
		c.s.notice.show(noticeError, "The collection could not be analysed: "+err.Error())
	default:
		text := fmt.Sprintf("%s in %s", pictures(n), quoteNames(c.roots))
		if cached > 0 {
			text += fmt.Sprintf(" (%s from the cache)", thousands(cached))
		}
		if l := collection.Labelled(c.items); l > 0 {
			text += fmt.Sprintf(" · %s in class folders", thousands(l))
		}
		if c.testSet {
			text += " · the data set's test set"
			if d := c.distinct.Dropped; d > 0 {
				copies := fmt.Sprintf("%s copies", thousands(d))
				if d == 1 {
					copies = "1 copy"
				}
				text += ", each picture once (" + copies + " left out, as artlens eval counts)"
			}
		}
		c.status.SetText(text)
	}
	if len(c.failed) > 0 {
		head := fmt.Sprintf("%s of the collection left out:", countNoun(len(c.failed), "file"))
		short := head
		for i, f := range c.failed {
			if i == 3 {
				short += fmt.Sprintf("\n• and %d more", len(c.failed)-3)
				break
			}
			short += "\n• " + f
		}
		c.s.notice.showDetails(noticeWarning, short, head+"\n• "+strings.Join(c.failed, "\n• "))
	}
	c.refreshTable()
	c.updateConfusion(true)
	if c.topLayer > 0 {
		c.showTop(c.topLayer, c.topFilter)
	}
	if show := c.then; show != "" && err == nil {
		c.then = "" // once
		if msg := c.apply(show); msg != "" {
			c.s.notice.show(noticeWarning, msg)
		}
	}
}

// CollectionShows describes the values of Options.Show.
const CollectionShows = "wrong (the wrong answers), cell:TRUE:PREDICTED (a confusion cell's pictures), " +
	"filter:LAYER:FILTER (the pictures that excite a filter) or similar:NAME (the pictures like the file NAME)"

// checkShow reports whether show is a valid Options.Show.
func checkShow(show string) error {
	if show == "" || show == "wrong" {
		return nil
	}
	parts := strings.Split(show, ":")
	ok := false
	switch parts[0] {
	case "cell":
		ok = len(parts) == 3 && parts[1] != "" && parts[2] != ""
	case "filter":
		if len(parts) == 3 {
			_, e1 := strconv.Atoi(parts[1])
			_, e2 := strconv.Atoi(parts[2])
			ok = e1 == nil && e2 == nil
		}
	case "similar":
		ok = len(parts) >= 2 && strings.Join(parts[1:], ":") != ""
	}
	if !ok {
		return fmt.Errorf("cannot show %q: use %s", show, CollectionShows)
	}
	return nil
}

// apply shows what show names (a valid Options.Show) in the analysed
// collection; it returns why it cannot, or "".
func (c *collectionView) apply(show string) string {
	parts := strings.Split(show, ":")
	switch parts[0] {
	case "wrong":
		c.wrongOnly.SetChecked(true)
	case "cell":
		t, p := indexOf(c.classes, parts[1]), indexOf(c.classes, parts[2])
		if t < 0 || p < 0 || c.cells == nil {
			return fmt.Sprintf("There is no confusion cell %s → %s in this collection (classes: %s).", parts[1], parts[2], strings.Join(c.classes, ", "))
		}
		c.side.SelectIndex(0)
		c.showCell(t, p)
	case "filter":
		layer, _ := strconv.Atoi(parts[1])
		filter, _ := strconv.Atoi(parts[2])
		c.showFilter(layer, filter)
	case "similar":
		name := strings.Join(parts[1:], ":")
		for _, it := range c.items {
			if filepath.Base(it.Path) == name {
				c.search.SetText(name)
				c.selectItem(it)
				return ""
			}
		}
		return "No picture named " + name + " in this collection."
	}
	return ""
}

// relativeTo shortens a message that starts with a path under one of
// roots to the path within it, as the table's Folder column shows it.
func relativeTo(roots []string, msg string) string {
	for _, r := range roots {
		prefix := strings.TrimSuffix(r, string(filepath.Separator)) + string(filepath.Separator)
		if strings.HasPrefix(msg, prefix) {
			return strings.TrimPrefix(msg, prefix)
		}
	}
	return msg
}

// reasonOf is an analysis error without the file name it starts with.
func reasonOf(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// shortDuration writes d as "1 min 50 s" or "12 s".
func shortDuration(d time.Duration) string {
	sec := int(d.Round(time.Second).Seconds())
	if sec >= 60 {
		return fmt.Sprintf("%d min %d s", sec/60, sec%60)
	}
	return fmt.Sprintf("%d s", sec)
}

// stop cancels the analysis in progress, if any; what was analysed stays.
func (c *collectionView) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

// modelChanged analyses the open collection again with the new model.
func (c *collectionView) modelChanged() {
	c.stop()
	if len(c.roots) > 0 {
		c.analyse()
	} else {
		c.setClasses(c.s.modelClasses())
	}
}

func (c *collectionView) styleChanged() {
	c.applyWidths()
	c.table.Refresh()
	c.conf.invalidate()
	if c.topLayer > 0 {
		c.showTop(c.topLayer, c.topFilter)
	}
	c.updateSimilar()
}

// export writes the table's pictures (as filtered and sorted) as CSV or
// JSON.
func (c *collectionView) export(w io.Writer, format string) error {
	if format == "json" {
		return collection.WriteJSON(w, c.shown, c.classes)
	}
	return collection.WriteCSV(w, c.shown, c.classes)
}

func (c *collectionView) exportDialog(format string) {
	s := c.s
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			s.notice.show(noticeError, "The table could not be saved: "+err.Error())
			return
		}
		if wc == nil {
			return
		}
		s.lastDir = filepath.Dir(wc.URI().Path())
		err = c.export(wc, format)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.notice.show(noticeError, "The table could not be saved: "+err.Error())
			return
		}
		s.notice.show(noticeInfo, fmt.Sprintf("Saved %s to %s.", countNoun(len(c.shown), "row"), wc.URI().Path()))
	}, s.win)
	d.SetFileName("collection." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	s.showFileDialog(d)
}

// newConfusionPanel is the side panel's accuracy tab: the labelled
// pictures' confusion matrix, whose cells list their pictures when clicked.
func (c *collectionView) newConfusionPanel() fyne.CanvasObject {
	c.conf = newChart(c.s, 1.2)
	c.confInfo = widget.NewLabel("")
	c.confInfo.Wrapping = fyne.TextWrapWord
	tap := newTapArea(c.conf, c.confusionTapped)
	return container.NewBorder(c.confInfo, nil, nil, nil, tap)
}

// updateConfusion recomputes the evaluation of the labelled pictures and
// redraws the chart (while analysing, at most every confusionPeriod).
func (c *collectionView) updateConfusion(now bool) {
	if !now && time.Since(c.confAt) < confusionPeriod {
		return
	}
	c.confAt = time.Now()
	if c.s.confusion != nil {
		defer c.s.confusion.refreshNote()
	}
	labelled := collection.Labelled(c.items)
	if labelled == 0 || len(c.classes) == 0 {
		c.ev, c.cells = engine.Evaluation{}, nil
		c.conf.setPlot(nil)
		c.conf.Hide()
		if len(c.items) == 0 {
			c.confInfo.SetText("When the folders are named after classes (such as the data set's validation_set, " +
				"or your own sorting), the accuracy and the confusion matrix of the collection show here.")
		} else {
			c.confInfo.SetText("No folder of this collection is named after a class (" + strings.Join(c.classes, ", ") +
				"; engraving counts as drawings), so there is nothing to compare the answers with.")
		}
		return
	}
	ev, cells, err := collection.Evaluate(c.items, c.classes)
	if err != nil {
		c.confInfo.SetText(err.Error())
		return
	}
	c.ev, c.cells = ev, cells
	c.confInfo.SetText(fmt.Sprintf("%s of %s labelled pictures right (%.1f%%). Rows are the true class (from the folder names), "+
		"columns the network's answer. Click a cell to list its pictures.",
		thousands(int(ev.Accuracy*float64(ev.Total)+0.5)), thousands(ev.Total), 100*ev.Accuracy) + c.storedCheck())
	c.conf.setPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Confusion(ev, false, th) })
	c.conf.Show()
}

// storedCheck compares the answers on the test set, once all are in, with
// the test results stored in the model file (the Confusion tab), in a
// sentence that starts with a space; "" for another collection.
func (c *collectionView) storedCheck() string {
	if !c.testSet || c.model == nil || c.model.Meta.Test == nil || c.cells == nil {
		return ""
	}
	if !c.complete {
		return " When all are analysed, they are compared with the test results stored in the model file."
	}
	st := c.model.Meta.Test
	diff := c.cellsDiffering()
	if diff == 0 {
		return " These, the loaded model's answers on the test set, agree with the test results stored in the model file (the Confusion tab)."
	}
	return fmt.Sprintf(" The test results stored in the model file (the Confusion tab) say %s of %s right (%.1f%%) and differ in %s: "+
		"the loaded model or this copy of the data set is not the one they were measured with.",
		thousands(storedRight(st)), thousands(st.Total), 100*st.Accuracy, countNoun(diff, "cell"))
}

// cellsDiffering counts the cells whose count differs between the
// collection's confusion matrix and the stored test results (every cell
// when their classes differ).
func (c *collectionView) cellsDiffering() int {
	st := c.model.Meta.Test
	n := 0
	for t := range c.classes {
		for p := range c.classes {
			if storedCount(st, c.classes[t], c.classes[p]) != len(c.cells[t][p]) {
				n++
			}
		}
	}
	return n
}

// storedCount is the count of the cell (true class truth, predicted pred)
// in ev, -1 when ev has no such classes.
func storedCount(ev *engine.Evaluation, truth, pred string) int {
	t, p := indexOf(ev.Classes, truth), indexOf(ev.Classes, pred)
	if t < 0 || p < 0 || t >= len(ev.Confusion) || p >= len(ev.Confusion[t]) {
		return -1
	}
	return ev.Confusion[t][p]
}

// storedRight counts the right answers of ev.
func storedRight(ev *engine.Evaluation) int {
	n := 0
	for i, row := range ev.Confusion {
		if i < len(row) {
			n += row[i]
		}
	}
	return n
}

// confusionTapped lists the pictures of the cell under pos.
func (c *collectionView) confusionTapped(pos fyne.Position) {
	if c.cells == nil || c.conf.img.Image == nil {
		return
	}
	img := c.conf.img
	local := pos.Subtract(img.Position())
	size := img.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	px := c.conf.drawn.px
	p, err := plots.Confusion(c.ev, false, plots.Light)
	if err != nil {
		return
	}
	truth, pred, ok := plots.ConfusionCell(p, len(c.classes), px.X, px.Y, c.conf.drawn.dpi,
		float64(local.X/size.Width)*float64(px.X), float64(local.Y/size.Height)*float64(px.Y))
	if ok {
		c.showCell(truth, pred)
	}
}

// showCell filters the table to the pictures of true class truth predicted
// as pred.
func (c *collectionView) showCell(truth, pred int) {
	c.wrongOnly.SetChecked(false)
	c.below.SetText("")
	c.search.SetText("")
	c.truthSel.SetSelected(c.classes[truth])
	c.predSel.SetSelected(c.classes[pred])
	text := fmt.Sprintf("The table shows the %s true %s predicted as %s.",
		countNoun(len(c.cells[truth][pred]), "picture"), c.classes[truth], c.classes[pred])
	if c.testSet && c.model != nil && c.model.Meta.Test != nil {
		switch n := storedCount(c.model.Meta.Test, c.classes[truth], c.classes[pred]); {
		case c.running:
			text = fmt.Sprintf("The table lists the test pictures of true %s predicted as %s as they are analysed (%s so far).",
				c.classes[truth], c.classes[pred], thousands(len(c.cells[truth][pred])))
		case !c.complete:
			text += " The analysis was stopped: the pictures analysed before count, the others do not."
		case n >= 0 && n != len(c.cells[truth][pred]):
			text += fmt.Sprintf(" The test results stored in the model file count %s here: the loaded model or this copy of the data set is not the one they were measured with.", thousands(n))
		}
	}
	c.s.notice.show(noticeInfo, text)
}

// showTestCell shows the Collection view with the test set's pictures of
// true class truth predicted as pred (class names): the test set is the
// open collection.
func (c *collectionView) showTestCell(truth, pred string) {
	c.s.showView("collection")
	show := "cell:" + truth + ":" + pred
	if c.running {
		c.then = show // the counts when all are in
		if c.cells != nil {
			if msg := c.apply(show); msg != "" {
				c.s.notice.show(noticeWarning, msg)
			}
		}
		return
	}
	if msg := c.apply(show); msg != "" {
		c.s.notice.show(noticeWarning, msg)
	}
}

// openTestSet opens dir, a validation_set folder, as the collection and
// shows the pictures of true class truth predicted as pred once analysed.
func (c *collectionView) openTestSet(dir, truth, pred string) {
	c.s.showView("collection")
	c.open([]string{dir})
	c.then = "cell:" + truth + ":" + pred
}

// isOpenTestSet reports whether the collection is the test set (opened or
// being analysed).
func (c *collectionView) isOpenTestSet() bool { return c.testSet && len(c.roots) == 1 }

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// newFilterPanel is the side panel's filter tab: the pictures of the
// collection that excite a chosen filter most.
func (c *collectionView) newFilterPanel() fyne.CanvasObject {
	c.layerSel = widget.NewSelect(nil, nil)
	c.setLayerChoices(5) // the study's, until a collection gives the model's
	c.layerSel.SetSelected("3")
	c.filterNum = widget.NewEntry()
	c.filterNum.SetText("1")
	show := widget.NewButtonWithIcon("Show", theme.SearchIcon(), func() {
		layer, _ := strconv.Atoi(c.layerSel.Selected)
		f, err := strconv.Atoi(strings.TrimSpace(c.filterNum.Text))
		if err != nil {
			c.topInfo.SetText("The filter is a number, from 1.")
			return
		}
		c.showFilter(layer, f)
	})
	c.topImg = canvas.NewImageFromImage(nil)
	c.topImg.FillMode = canvas.ImageFillContain
	c.topInfo = widget.NewLabel("Choose a conv layer and one of its filters: the pictures of the collection whose feature map peaks highest show here, " +
		"the part of each picture that the peak sees marked. In Explore, an enlarged feature map leads here too.")
	c.topInfo.Wrapping = fyne.TextWrapWord
	controls := container.NewHBox(widget.NewLabel("Layer"), c.layerSel, widget.NewLabel("Filter"), newSizedBoxW(c.filterNum, 60), show)
	return container.NewBorder(container.NewVBox(controls, c.topInfo), nil, nil, nil, container.NewScroll(c.topImg))
}

// showFilter shows the filter tab with the pictures that excite (layer,
// filter) most.
func (c *collectionView) showFilter(layer, filter int) {
	c.side.SelectIndex(1)
	c.showTop(layer, filter)
}

// showTop shows the pictures that excite (layer, filter) most (both from
// 1), reading them again from disk in the background.
func (c *collectionView) showTop(layer, filter int) {
	c.topLayer, c.topFilter = layer, filter
	c.layerSel.SetSelected(strconv.Itoa(layer))
	c.filterNum.SetText(strconv.Itoa(filter))
	if len(c.items) == 0 || c.layout == nil {
		c.topImg.Image = nil
		c.topImg.Refresh()
		if c.running {
			c.topInfo.SetText(fmt.Sprintf("Layer %d, filter %d: the pictures show when the analysis is done.", layer, filter))
		} else {
			c.topInfo.SetText("Open a folder of pictures first.")
		}
		return
	}
	c.setLayerChoices(len(c.layout))
	if err := c.layout.Check(layer, filter); err != nil {
		c.topInfo.SetText(err.Error() + ".")
		return
	}
	m := c.model
	w, h := collection.InputSide(m)
	fields := collection.ModelFields(m)
	hits := collection.TopK(c.items, c.layout, fields, w, h, layer, filter, topK)
	text := fmt.Sprintf("Layer %d, filter %d: the %d of %s pictures whose map peaks highest", layer, filter, len(hits), thousands(len(c.items)))
	if fields != nil {
		f := fields[layer-1]
		text += fmt.Sprintf("; marked, the part of the picture the peak sees (%d×%d of the network's %d×%d pixels).", f.Size, f.Size, w, h)
	} else {
		text += " (where in the picture is not known for this model's layers)."
	}
	c.topInfo.SetText(text)
	c.topGen++
	gen := c.topGen
	c.renderTiles(hits, func(i int, hit collection.Hit) plots.Tile {
		return plots.Tile{Region: hit.Region, InputW: w, InputH: h,
			Caption: fmt.Sprintf("%d. %s %.3g", i+1, filepath.Base(hit.Item.Path), hit.Score)}
	}, func(img image.Image) {
		if gen == c.topGen {
			c.setFigure(c.topImg, img)
		}
	})
}

// setLayerChoices offers conv layers 1 to n.
func (c *collectionView) setLayerChoices(n int) {
	if len(c.layerSel.Options) == n {
		return
	}
	c.layerSel.Options = nil
	for i := 1; i <= n; i++ {
		c.layerSel.Options = append(c.layerSel.Options, strconv.Itoa(i))
	}
	c.layerSel.Refresh()
}

func (c *collectionView) clearTop() {
	c.topImg.Image = nil
	c.topImg.Refresh()
	c.simImg.Image = nil
	c.simImg.Refresh()
}

// setFigure shows a figure drawn for the screen's pixels at its own size,
// so that its captions stay sharp (the panel scrolls when it is smaller).
func (c *collectionView) setFigure(o *canvas.Image, img image.Image) {
	sc := c.s.pixelScale()
	b := img.Bounds()
	o.Image = img
	o.SetMinSize(fyne.NewSize(float32(b.Dx())/sc, float32(b.Dy())/sc))
	o.Refresh()
}

// renderTiles reads the pictures of hits again and draws them as a grid
// in the background; done gets the figure on the UI goroutine.
func (c *collectionView) renderTiles(hits []collection.Hit, tile func(int, collection.Hit) plots.Tile, done func(image.Image)) {
	s := c.s
	side := int(panelTile * s.zoom * s.pixelScale())
	th := s.chartTheme()
	tiles := make([]plots.Tile, len(hits))
	for i, h := range hits {
		tiles[i] = tile(i, h)
	}
	s.busy.Add(1)
	go func() {
		for i, h := range hits {
			img, _, err := picture.Open(h.Item.Path)
			if err != nil {
				img = h.Item.Thumbnail() // moved or changed since: the thumbnail will do
			}
			tiles[i].Image = img
		}
		fig := plots.TileGrid("", tiles, side, 3, th)
		s.do(func() {
			defer s.busy.Add(-1)
			done(fig)
		})
	}()
}

// newSimilarPanel is the side panel's similar tab: the selected picture
// and those the network takes to resemble it.
func (c *collectionView) newSimilarPanel() fyne.CanvasObject {
	c.simImg = canvas.NewImageFromImage(nil)
	c.simImg.FillMode = canvas.ImageFillContain
	c.simInfo = widget.NewLabel("")
	c.simInfo.Wrapping = fyne.TextWrapWord
	c.openSelBtn = widget.NewButtonWithIcon("Open in Explore", theme.SearchIcon(), func() {
		if c.selected != nil {
			c.openInExplore(c.selected)
		}
	})
	return container.NewBorder(container.NewVBox(c.simInfo, container.NewHBox(c.openSelBtn)), nil, nil, nil, container.NewScroll(c.simImg))
}

// selectItem makes it the selected picture and shows its most similar ones.
func (c *collectionView) selectItem(it *collection.Item) {
	c.selected = it
	c.updateSimilar()
	c.side.SelectIndex(2)
}

func (c *collectionView) updateSimilar() {
	it := c.selected
	if it == nil {
		c.openSelBtn.Disable()
		c.simImg.Image = nil
		c.simImg.Refresh()
		c.simInfo.SetText("Click a picture of the table: the first tile is that picture, the others those of the collection that the network finds most alike " +
			"(by the 256 values it computes just before its answer; the number is their cosine similarity).")
		return
	}
	c.openSelBtn.Enable()
	hits := append([]collection.Hit{{Item: it, Score: 1}}, collection.Similar(c.items, it, similarK)...)
	c.simInfo.SetText(fmt.Sprintf("%s (%s) and the %d pictures the network finds most alike.",
		filepath.Base(it.Path), className2(c.classes, it.Class), len(hits)-1))
	c.simGen++
	gen := c.simGen
	c.renderTiles(hits, func(i int, h collection.Hit) plots.Tile {
		caption := fmt.Sprintf("%.2f %s", h.Score, filepath.Base(h.Item.Path))
		if i == 0 {
			caption = "selected: " + filepath.Base(h.Item.Path)
		}
		return plots.Tile{Caption: caption}
	}, func(img image.Image) {
		if gen == c.simGen {
			c.setFigure(c.simImg, img)
		}
	})
}

// tapArea passes taps on its content to onTap, with the position in the
// content's coordinates.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func(fyne.Position)
}

func newTapArea(content fyne.CanvasObject, onTap func(fyne.Position)) *tapArea {
	t := &tapArea{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) Tapped(ev *fyne.PointEvent) { t.onTap(ev.Position) }

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.content)
}
