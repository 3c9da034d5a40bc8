// The Collection view: this file holds the view, its analysis and what the
// sub-views share; each sub-view has its own file (table.go, accuracy.go,
// filter.go, similar.go, map.go, trust.go, catalogue.go, pair.go,
// labels.go).

package collection

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

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
	// A hand-over of results brings at least 1/flushShare of the
	// collection, or waits flushWait: the table, the bar and the window
	// are redrawn about flushShare times for a collection however slowly
	// a loaded machine analyses it, not four times a second (on a machine
	// shared twenty times over, the whole data set's 9 minutes of
	// hand-overs cost a third as much CPU time as the analysis itself).
	flushShare = 100
	flushWait  = 2 * time.Second
	// confusionPeriod spaces the confusion chart's redrawing while a
	// collection is being analysed: each drawing costs a tenth of a second.
	confusionPeriod = 2 * time.Second
)

// View shows a whole folder of pictures: a table of every picture
// with its predicted class, filters and sorting, and beside it the
// labelled collection's confusion matrix, the pictures that excite a
// filter most and the pictures most similar to the selected one. The
// analysis runs in the background on every core (package collection).
type View struct {
	h       *host.Host
	opts    Options
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
	// addCost is how long the UI goroutine took to show the last batch of
	// results (nanoseconds), which spaces the next ones.
	addCost atomic.Int64

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

	conf     *widgets.Chart
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

	// atlas is the Map tab; cache the collection's cache, beside which
	// the map is kept.
	atlas *collectionMap
	cache *collection.Cache
	split *container.Split

	// other is the second model the items were analysed with (the
	// second opinion, pair.go), nil for none; modelName and
	// otherName tell the two apart.
	other                *engine.Model
	otherClasses         []string
	modelName, otherName string
	// disagreeOnly keeps the pictures where the two models disagree;
	// confOther is the second model's confusion matrix; pair the Two
	// models tab.
	disagreeOnly  *widget.Check
	confOther     *widgets.Chart
	confOtherInfo *widget.Label
	evOther       engine.Evaluation
	confOtherBox  fyne.CanvasObject
	confGrid      *fyne.Container
	pair          pairView

	// cat is the collection's catalogue and catTab its tab
	// (catalogue.go).
	cat    *collectionCatalogue
	catTab *container.TabItem
	// labels is a sigmoid model's Accuracy tab, its table per label
	// (labels.go), shown instead of confGrid.
	labels *container.Scroll
	// trust is the "Which map to trust" tab (trust.go).
	trust *trustTable
}

// Options are what the shell tells the Collection view of the rest of the
// window and the command line.
type Options struct {
	// Show is what to show once the first collection is analysed (see
	// Shows), "" for nothing.
	Show string
	// Method lists the methods ticked in the Trust tab (--method, comma
	// separated), "" for the default ones.
	Method string
	// RunChecks runs the Trust tab's checks once a collection is analysed.
	RunChecks bool
	// TestAnswers, when set, is called after the answers on an open test
	// set changed (the Confusion view's note says whether they agree).
	TestAnswers func()
}

// New builds the Collection view on h.
func New(h *host.Host, opts Options) *View {
	s := h
	c := &View{h: h, opts: opts, filter: noFilter, thumbs: map[*collection.Item]image.Image{}, sortCol: colName, then: opts.Show}
	c.cat = newCollectionCatalogue(c)
	open := widget.NewButtonWithIcon("Open folder…", theme.FolderOpenIcon(), c.openDialog)
	c.status = widget.NewLabel("")
	c.status.Truncation = fyne.TextTruncateEllipsis
	c.progress = widget.NewProgressBar()
	c.cancelBtn = widget.NewButtonWithIcon("Stop", theme.CancelIcon(), c.stop)
	c.progressBox = container.NewBorder(nil, nil, nil, c.cancelBtn, c.progress)
	c.progressBox.Hide()
	clearCache := widget.NewButtonWithIcon("Clear cache…", theme.DeleteIcon(), c.clearCacheDialog)
	top := container.NewBorder(nil, nil, open, clearCache, c.status)

	c.predSel = widget.NewSelect(nil, func(string) { c.filterChanged() })
	c.truthSel = widget.NewSelect(nil, func(string) { c.filterChanged() })
	c.wrongOnly = widget.NewCheck("wrong only", func(bool) { c.filterChanged() })
	c.disagreeOnly = widget.NewCheck("models disagree", func(bool) { c.filterChanged() })
	c.disagreeOnly.Hide()
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
	belowBox := widgets.NewSizedBox(c.below)
	belowBox.Width = 64
	// Two fixed rows rather than a flowing layout: a flow's height depends
	// on a width it learns only after the first layout, which left a gap
	// above the table.
	filters := container.NewVBox(
		container.NewHBox(widget.NewLabel("Predicted:"), c.predSel, widget.NewLabel("True:"), c.truthSel, c.wrongOnly, c.disagreeOnly),
		container.NewHBox(widget.NewLabel("Probability below"), belowBox, widget.NewLabel("%"),
			widget.NewLabel("Search:"), widgets.NewSizedBoxW(c.search, 160), widget.NewLabel("Export:"), c.exportCSV, c.exportJSON),
	)

	c.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(c.shown), c.columns() },
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
		container.NewTabItem("Map", c.newMapPanel()),
		container.NewTabItem("Trust", c.newTrustPanel()),
	)
	c.catTab = container.NewTabItem("Catalogue", c.cat.newPanel())
	c.side.Append(c.catTab)
	split := container.NewHSplit(c.tableBox, c.side)
	split.Offset = 0.62
	c.split = split
	c.side.OnSelected = func(t *container.TabItem) {
		// The map wants the room: the table steps aside while it shows
		// (a lasso or the Table button brings it back).
		c.showTable(t.Text != "Map" && t.Text != "Trust")
		c.atlas.update()
	}
	c.content = container.NewBorder(container.NewVBox(top, c.progressBox), nil, nil, nil, split)
	c.newPairPanel()
	c.setOther()
	c.setClasses(c.modelClasses())
	c.refreshAll()
	s.OnModel(c.modelChanged)
	s.OnStyle(c.styleChanged)
	s.OnOutput(c.outputChanged) // labels.go
	return c
}

// Content is the view, for the window's tab.
func (c *View) Content() fyne.CanvasObject { return c.content }

// modelClasses are the current model's classes (none without a model).
func (c *View) modelClasses() []string {
	if c.h.Model() == nil {
		return nil
	}
	return c.h.Model().Meta.Classes
}

// setClasses fills the class filters for classes.
func (c *View) setClasses(classes []string) {
	c.classes = classes
	c.predSel.Options = append([]string{anyClass}, classes...)
	c.truthSel.Options = append(append([]string{anyClass}, classes...), noClass)
	c.predSel.SetSelected(anyClass)
	c.truthSel.SetSelected(anyClass)
}

func (c *View) refreshAll() {
	c.refreshTable()
	c.updateConfusion(true)
	c.updateSimilar()
}

// pictures writes "1 picture" or "7,085 pictures".
func pictures(n int) string {
	if n == 1 {
		return "1 picture"
	}
	return engine.Thousands(n) + " pictures"
}

// openDialog asks for a folder and opens it as the collection.
func (c *View) openDialog() {
	c.h.PickFolder(func(path string) { c.open([]string{path}) })
}

// open makes the pictures of paths (folders with their subfolders, or
// files) the collection and analyses them in the background: cached ones
// come at once, the others as they are analysed, on every core. What was
// open before is closed (its analysis stopped).
func (c *View) open(paths []string) {
	c.stop()
	c.trust.reset() // its figures were of the pictures open before
	c.roots = append([]string(nil), paths...)
	c.testSet = len(paths) == 1 && filepath.Base(absPath(paths[0])) == dataset.TestFolder
	c.cat.collectionOpened()
	c.analyse()
}

// analyse (re)analyses c.roots with the current model.
func (c *View) analyse() {
	s := c.h
	m := s.Model()
	c.gen++
	gen := c.gen
	c.items, c.shown, c.failed, c.selected, c.layout, c.cache = nil, nil, nil, nil, nil, nil
	c.filter.picked = nil
	c.cat.reset()
	c.atlas.reset()
	c.distinct = collection.Distinct{}
	c.complete = false
	clear(c.thumbs)
	c.model = m
	c.setOther()
	other := c.other
	c.setClasses(c.modelClasses())
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
	c.status.SetText("Looking for pictures in " + widgets.QuoteNames(c.roots) + "…")
	c.progress.SetValue(0)
	c.progressBox.Show()
	roots := c.roots
	s.Busy.Add(1)
	var phases timing
	phases.start()
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		files, skipped, err := collection.Scan(roots)
		phases.mark("scan")
		if err != nil || len(files) == 0 {
			s.Do(func() {
				if gen != c.gen {
					return
				}
				c.finish(gen, nil, 0, err)
				if err == nil {
					s.Notice.Post(host.NoticeWarning, "No pictures were found in "+widgets.QuoteNames(roots)+".")
				}
			})
			return
		}
		opt := collection.Options{ClassMap: dataset.DefaultClassMap, Other: other}
		if dir, err := collection.DefaultCacheDir(); err == nil {
			opt.Cache = collection.OpenCache(dir, collection.Fingerprint(m), roots)
			if other != nil {
				opt.OtherCache = collection.OpenAnswerCache(dir, collection.Fingerprint(other), roots)
			}
		}
		phases.mark("cache read")
		// Results gather here and go to the UI goroutine at most every
		// flushPeriod (longer when showing them takes long), a hundredth
		// of the collection or flushWait's worth at a time, and never
		// while the previous hand-over still waits to run: however slow
		// the window is to draw (a loaded machine, software OpenGL), it is
		// at most one update behind, and its queue does not grow with the
		// collection.
		var mu sync.Mutex
		var batch []*collection.Item
		var failed []string
		var last collection.Progress
		var lastFlush time.Time
		posted := false
		flush := func() {
			s.Do(func() {
				mu.Lock()
				b, f, p := batch, failed, last
				batch, failed, posted = nil, nil, false
				mu.Unlock()
				if gen == c.gen {
					t0 := time.Now()
					c.add(b, f, p)
					c.addCost.Store(int64(time.Since(t0)))
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
			// The UI goroutine spends at most about a fifth of its time
			// on the results.
			period := max(flushPeriod, 4*time.Duration(c.addCost.Load()))
			since := time.Since(lastFlush)
			enough := len(batch)+len(failed) >= r.Progress.Total/flushShare || since >= flushWait
			due := !posted && since >= period && enough
			if due {
				posted, lastFlush = true, time.Now()
			}
			mu.Unlock()
			if due {
				flush()
			}
		})
		flush()
		phases.mark("analysis")
		var saveErr error
		if opt.Cache != nil {
			// A stopped analysis keeps what it did but prunes nothing.
			saveErr = opt.Cache.Save(err == nil)
			keep := []string{opt.Cache.Path()}
			if opt.OtherCache != nil {
				if oerr := opt.OtherCache.Save(err == nil); saveErr == nil {
					saveErr = oerr
				}
				keep = append(keep, opt.OtherCache.Path())
			}
			if saveErr == nil {
				// Caches of models and folders not used for long go, and
				// the least recently used beyond the limit.
				if _, _, perr := collection.PruneCaches(filepath.Dir(opt.Cache.Path()), collection.CacheLimit, keep...); perr != nil {
					saveErr = fmt.Errorf("the collection cache could not be pruned: %w", perr)
				}
			}
		}
		phases.mark("saved")
		s.Do(func() {
			if gen != c.gen {
				return
			}
			c.layout, c.cache = layout, opt.Cache
			if layout != nil {
				c.setLayerChoices(len(layout))
			}
			for _, line := range skipped {
				c.failed = append(c.failed, relativeTo(roots, line))
			}
			c.finish(gen, files, last.Cached, err)
			phases.mark("shown")
			phases.report(fmt.Sprintf("collection of %s (%s from the cache)", pictures(len(c.items)), engine.Thousands(last.Cached)))
			if saveErr != nil {
				// Not silent: unsaved, the next opening analyses everything again.
				s.Notice.Post(host.NoticeWarning, widgets.Sentence(saveErr.Error()))
			}
		})
	}()
}

// add shows a batch of analysed pictures and the progress.
func (c *View) add(items []*collection.Item, failed []string, p collection.Progress) {
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
		text := fmt.Sprintf("Analysing %s: %s of %s pictures", widgets.QuoteNames(c.roots), engine.Thousands(p.Done), engine.Thousands(p.Total))
		if r := p.Rate(); r > 0 {
			text += fmt.Sprintf(" · %.0f per second · about %s left", r, shortDuration(p.Left()))
		}
		if p.Cached > 0 {
			text += fmt.Sprintf(" · %s from the cache", engine.Thousands(p.Cached))
		}
		c.status.SetText(text)
	}
	c.refreshTable()
	c.updateConfusion(false)
}

// finish ends an analysis: it says what was done and what failed.
func (c *View) finish(gen int, files []collection.File, cached int, err error) {
	c.running = false
	c.complete = err == nil
	c.cancel = nil
	c.progressBox.Hide()
	n := len(c.items)
	switch {
	case err == context.Canceled:
		c.status.SetText(fmt.Sprintf("Stopped: %s of %s analysed. Open the folder again to go on (what was done is kept).",
			engine.Thousands(n), widgets.CountNoun(len(files), "picture")))
	case err != nil:
		c.status.SetText("")
		c.h.Notice.Post(host.NoticeError, "The collection could not be analysed: "+err.Error())
	default:
		text := fmt.Sprintf("%s in %s", pictures(n), widgets.QuoteNames(c.roots))
		if cached > 0 {
			text += fmt.Sprintf(" (%s from the cache)", engine.Thousands(cached))
		}
		if l := collection.Labelled(c.items); l > 0 {
			text += fmt.Sprintf(" · %s in class folders", engine.Thousands(l))
		}
		if c.other != nil {
			text += fmt.Sprintf(" · %s and %s disagree on %s", c.modelName, c.otherName, pictures(collection.Disagreements(c.items)))
		}
		if c.testSet {
			text += " · the data set's test set"
			if d := c.distinct.Dropped; d > 0 {
				copies := fmt.Sprintf("%s copies", engine.Thousands(d))
				if d == 1 {
					copies = "1 copy"
				}
				text += ", each picture once (" + copies + " left out, as artlens eval counts)"
			}
		}
		c.status.SetText(text)
	}
	if len(c.failed) > 0 {
		head := fmt.Sprintf("%s of the collection left out:", widgets.CountNoun(len(c.failed), "file"))
		short := head
		for i, f := range c.failed {
			if i == 3 {
				short += fmt.Sprintf("\n• and %d more", len(c.failed)-3)
				break
			}
			short += "\n• " + f
		}
		c.h.Notice.PostDetails(host.NoticeWarning, short, head+"\n• "+strings.Join(c.failed, "\n• "))
	}
	c.refreshTable()
	c.updateConfusion(true)
	c.cat.analysed()
	if c.topLayer > 0 {
		c.showTop(c.topLayer, c.topFilter)
	}
	c.atlas.update()
	if err == nil {
		c.trust.started()
	}
	if show := c.then; show != "" && err == nil {
		c.then = "" // once
		if msg := c.apply(show); msg != "" {
			c.h.Notice.Post(host.NoticeWarning, msg)
		}
	}
}

// Shows describes the values of Options.Show.
const Shows = "wrong (the wrong answers), disagree (where the model and the --second model disagree, the first of them side by side), " +
	"map (the map of the collection), cell:TRUE:PREDICTED (a confusion cell's pictures), " +

	"filter:LAYER:FILTER (the pictures that excite a filter), similar:NAME (the pictures like the file NAME), " + catalogueShows

// CheckShow reports whether show is a valid Options.Show: nil, or an
// error that lists the valid values.
func CheckShow(show string) error {
	if show == "" || show == "wrong" || show == "disagree" || show == "map" {
		return nil
	}
	parts := strings.Split(show, ":")
	ok := false
	if mine, good := checkCatalogueShow(parts); mine {
		ok = good
	}
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
		return fmt.Errorf("cannot show %q: use %s", show, Shows)
	}
	return nil
}

// apply shows what show names (a valid Options.Show) in the analysed
// collection; it returns why it cannot, or "".
func (c *View) apply(show string) string {
	parts := strings.Split(show, ":")
	if mine, _ := checkCatalogueShow(parts); mine {
		return c.cat.applyShow(parts)
	}
	switch parts[0] {
	case "wrong":
		c.wrongOnly.SetChecked(true)
	case "disagree":
		if c.other == nil {
			return "There is no second model to disagree with: choose one with File › Second opinion (or --second)."
		}
		c.disagreeOnly.SetChecked(true)
		if len(c.shown) > 0 {
			c.table.Select(widget.TableCellID{Row: 0, Col: colPredicted})
		}
	case "map":
		c.side.SelectIndex(3)
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
func (c *View) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

// modelChanged analyses the open collection again with the new model.
func (c *View) modelChanged() {
	c.stop()
	if len(c.roots) > 0 {
		c.analyse()
	} else {
		c.setClasses(c.modelClasses())
	}
}

func (c *View) styleChanged() {
	c.pairSized()
	c.confOther.Invalidate()
	c.applyWidths()
	c.table.Refresh()
	c.conf.Invalidate()
	if c.topLayer > 0 {
		c.showTop(c.topLayer, c.topFilter)
	}
	c.updateSimilar()
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// setFigure shows a figure drawn for the screen's pixels at its own size,
// so that its captions stay sharp (the panel scrolls when it is smaller).
func (c *View) setFigure(o *canvas.Image, img image.Image) {
	sc := c.h.PixelScale()
	b := img.Bounds()
	o.Image = img
	o.SetMinSize(fyne.NewSize(float32(b.Dx())/sc, float32(b.Dy())/sc))
	o.Refresh()
}

// renderTiles reads the pictures of hits again and draws them as a grid
// in the background; done gets the figure on the UI goroutine.
func (c *View) renderTiles(hits []collection.Hit, tile func(int, collection.Hit) plots.Tile, done func(image.Image)) {
	s := c.h
	side := int(panelTile * s.Zoom() * s.PixelScale())
	th := s.ChartTheme()
	tiles := make([]plots.Tile, len(hits))
	for i, h := range hits {
		tiles[i] = tile(i, h)
	}
	s.Busy.Add(1)
	go func() {
		for i, h := range hits {
			img, _, err := picture.Open(h.Item.Path)
			if err != nil {
				img = h.Item.Thumbnail() // moved or changed since: the thumbnail will do
			}
			tiles[i].Image = img
		}
		fig := plots.TileGrid("", tiles, side, 3, th)
		s.Do(func() {
			defer s.Busy.Add(-1)
			done(fig)
		})
	}()
}

// timing measures the phases of opening a collection and, when the
// environment sets ARTLENS_TIMING, reports them on the standard error
// (how the README's figures of reopening a collection were measured: the
// time from opening to the table complete, without the window's start),
// each in wall time and the process's CPU time (on every core, the
// window's drawing included: on a busy machine the CPU time tells more).
// Its marks are made in order, each after the last (handed over through
// fyne.Do).
type timing struct {
	t0, last    time.Time
	cpu0, cpuAt float64
	text        []string
}

func (t *timing) start() {
	t.t0, t.cpu0 = time.Now(), cputime.Seconds()
	t.last, t.cpuAt = t.t0, t.cpu0
}

// mark ends the phase called name.
func (t *timing) mark(name string) {
	now, cpu := time.Now(), cputime.Seconds()
	t.text = append(t.text, fmt.Sprintf("%s %.2f s/%.2f s", name, now.Sub(t.last).Seconds(), cpu-t.cpuAt))
	t.last, t.cpuAt = now, cpu
}

// report writes what was opened, the time since start and the phases.
func (t *timing) report(what string) {
	if os.Getenv("ARTLENS_TIMING") == "" {
		return
	}
	fmt.Fprintf(os.Stderr, "artlens: timing: %s ready in %.2f s, %.2f s of CPU (wall/CPU: %s)\n",
		what, time.Since(t.t0).Seconds(), cputime.Seconds()-t.cpu0, strings.Join(t.text, ", "))
}
