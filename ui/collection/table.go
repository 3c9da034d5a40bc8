package collection

import (
	"fmt"
	"image"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
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
	// With a second model (pair.go): its answer and whether
	// the two agree.
	colOther
	colAgree
	colCount
)

var columnTitles = [colCount]string{"Picture", "Name", "Folder", "Predicted", "Probability", "Second choice", "True class", "Right?", "Second model", "Agree?"}

// columnWidths are the table's column widths at zoom 1.
var columnWidths = [colCount]float32{52, 150, 120, 90, 90, 110, 90, 64, 160, 88}

// The columns shown, in order: with a second model, its answer and
// Agree? come beside the first model's answer.
var (
	oneModelColumns = []int{colPicture, colName, colFolder, colPredicted, colProbability, colSecond, colTrue, colRight}
	pairColumns     = []int{colPicture, colName, colFolder, colPredicted, colProbability, colOther, colAgree, colSecond, colTrue, colRight}
)

// shownColumns returns the columns shown, in order: the table's column i
// is shownColumns()[i].
func (c *View) shownColumns() []int {
	if c.other == nil {
		return c.withFields(oneModelColumns)
	}
	return c.withFields(pairColumns)
}

// columns is the number of columns shown.
func (c *View) columns() int { return len(c.shownColumns()) }

// tableFilter says which pictures the table shows.
type tableFilter struct {
	predicted int // class index, -1 for any
	truth     int // class index, -1 for any, -2 for none
	wrongOnly bool
	// rank says whether a picture is wrong, right or unlabelled (View.rank).
	rank func(*collection.Item) int
	// disagree keeps the pictures where two models answer differently.
	disagree bool
	below    float32 // only probabilities below this (0: no limit)
	search   string  // lower-case part of the file name ("" for all)
	// picked, when not nil, are the only pictures shown: those drawn
	// around on the map.
	picked map[*collection.Item]bool
}

var noFilter = tableFilter{predicted: -1, truth: -1}

// keep reports whether it passes the filter.
func (f tableFilter) keep(it *collection.Item) bool {
	switch {
	case f.predicted >= 0 && it.Class != f.predicted:
		return false
	case f.truth >= 0 && it.Truth != f.truth, f.truth == -2 && it.Truth >= 0:
		return false
	case f.wrongOnly && f.rank != nil && f.rank(it) != 0, f.wrongOnly && f.rank == nil && !it.Wrong():
		return false
	case f.disagree && (it.Other == nil || !it.Other.Disagree):
		return false
	case f.below > 0 && it.Probability() >= f.below:
		return false
	case f.search != "" && !strings.Contains(strings.ToLower(filepath.Base(it.Path)), f.search):
		return false
	case f.picked != nil && !f.picked[it]:
		return false
	}
	return true
}

// sortItems sorts items by column col (descending with desc), ties by
// path, so that the order is the same whatever order the items came in.
func sortItems(items []*collection.Item, col int, desc bool, classes, otherClasses []string, rank func(*collection.Item) int) {
	if rank == nil {
		rank = rightRank
	}
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
			return rank(a) - rank(b)
		case colOther:
			if c := strings.Compare(otherName(otherClasses, a), otherName(otherClasses, b)); c != 0 {
				return c
			}
			return cmpFloat(otherProbability(a), otherProbability(b))
		case colAgree:
			return agreeRank(a) - agreeRank(b)
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

// rank orders wrong (0) before right (1) before unlabelled (2) pictures
// as the model answers: a softmax model is right when its top class is the
// picture's folder; a sigmoid model, whose answer is the labels at or
// above the threshold, when the folder's label is among them (its other
// labels are counted in the Accuracy tab's precision, not here).
func (c *View) rank(it *collection.Item) int {
	if it.Truth < 0 || it.Truth >= len(it.Probabilities) {
		return 2
	}
	if c.model != nil && c.model.Output() == engine.OutputSigmoid {
		if float64(it.Probabilities[it.Truth]) >= c.h.Threshold() {
			return 1
		}
		return 0
	}
	return rightRank(it)
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

// agreeRank orders disagreements first.
func agreeRank(it *collection.Item) int {
	switch {
	case it.Other == nil:
		return 2
	case it.Other.Disagree:
		return 0
	}
	return 1
}

// otherName is the second model's answer on it, "" without one.
func otherName(classes []string, it *collection.Item) string {
	if it.Other == nil {
		return ""
	}
	return className2(classes, it.Other.Class)
}

func otherProbability(it *collection.Item) float32 {
	if it.Other == nil {
		return 0
	}
	return it.Other.Probability
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

func (c *View) applyWidths() {
	z := c.h.Zoom()
	for i, col := range c.shownColumns() {
		c.table.SetColumnWidth(i, c.columnWidth(col)*z)
	}
}

func (c *View) newCell() fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(40))
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewStack(img, label)
}

func (c *View) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	img, label := objs[0].(*canvas.Image), objs[1].(*widget.Label)
	if id.Row < 0 || id.Row >= len(c.shown) {
		img.Hide()
		label.SetText("")
		return
	}
	it := c.shown[id.Row]
	col := c.shownColumns()[id.Col]
	if col == colPicture {
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
	label.SetText(c.cellText(it, col))
	if col == colRight && c.cellText(it, col) == "wrong" || col == colAgree && it.Other != nil && it.Other.Disagree {
		label.Importance = widget.DangerImportance
		label.TextStyle.Bold = true
		label.Refresh()
	}
}

// cellText is the text of column col for it.
func (c *View) cellText(it *collection.Item, col int) string {
	if col >= colCount {
		return c.cat.cell(it, col-colCount)
	}
	if text, ok := c.outputCell(it, col); ok { // labels.go
		return text
	}
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
		switch c.rank(it) {
		case 1:
			return "right"
		case 0:
			return "wrong"
		}
	case colOther:
		if a := it.Other; a != nil {
			return fmt.Sprintf("%s %.1f%%", className2(c.otherClasses, a.Class), 100*a.Probability)
		}
	case colAgree:
		switch {
		case it.Other == nil:
		case it.Other.Disagree:
			return "disagree"
		default:
			return "agree"
		}
	}
	return ""
}

// thumb decodes it's thumbnail, keeping the last few hundred decoded.
func (c *View) thumb(it *collection.Item) image.Image {
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

func (c *View) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	col := c.shownColumns()[id.Col]
	text := c.outputTitle(col) // labels.go; the catalogue's fields through columnTitle
	switch {
	case c.other == nil:
	case col == colPredicted:
		text = c.modelName
	case col == colOther:
		text = c.otherName
	}
	if col == c.sortCol || col == colName && c.sortCol == colPicture {
		if c.sortDesc {
			text += " ▼"
		} else {
			text += " ▲"
		}
	}
	b.SetText(text)
	b.OnTapped = func() { c.sortBy(col) }
}

// sortBy sorts the table by col, or reverses the order when it is sorted
// by col already.
func (c *View) sortBy(col int) {
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
func (c *View) cellSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(c.shown) {
		return
	}
	it := c.shown[id.Row]
	c.selectItem(it)
	if col := c.shownColumns()[id.Col]; col == colPicture || col == colName {
		// Unselected, so that a second click on it opens it again.
		c.table.Unselect(id)
		c.openInExplore(it)
	}
}

// openInExplore shows the picture of it in the Explore view.
func (c *View) openInExplore(it *collection.Item) {
	c.h.Show("explore", it.Path, nil)
}

// filterChanged reads the filter widgets and shows what passes.
func (c *View) filterChanged() {
	if c.table == nil || c.exportJSON == nil {
		return // still being built
	}
	f := tableFilter{predicted: indexOf(c.classes, c.predSel.Selected), truth: indexOf(c.classes, c.truthSel.Selected),
		wrongOnly: c.wrongOnly.Checked, rank: c.rank, disagree: c.disagreeOnly.Checked, search: strings.ToLower(strings.TrimSpace(c.search.Text)), picked: c.filter.picked}
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
func (c *View) refreshTable() {
	c.shown = c.shown[:0]
	for _, it := range c.items {
		if c.filter.keep(it) && c.cat.keeps(it) {
			c.shown = append(c.shown, it)
		}
	}
	if c.sortCol >= colCount {
		c.cat.sort(c.shown, c.sortCol-colCount, c.sortDesc)
	} else {
		sortItems(c.shown, c.sortCol, c.sortDesc, c.classes, c.otherClasses, c.rank)
	}
	const hint = ". Click a row for its similar pictures, its picture or name to open it in Explore, a column's title to sort."
	switch {
	case len(c.items) == 0:
		c.count.SetText("")
	case len(c.shown) == len(c.items):
		c.count.SetText(pictures(len(c.items)) + hint)
	default:
		c.count.SetText(fmt.Sprintf("%s of %s shown", engine.Thousands(len(c.shown)), pictures(len(c.items))) + hint)
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

// export writes the table's pictures (as filtered and sorted) as CSV or
// JSON.
func (c *View) export(w io.Writer, format string) error {
	if c.cat.j != nil {
		return c.cat.export(w, format, c.exportSpec(), c.shown)
	}
	if format == "json" {
		return c.exportSpec().WriteJSON(w, c.shown)
	}
	return c.exportSpec().WriteCSV(w, c.shown)
}

func (c *View) exportDialog(format string) {
	s := c.h
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			s.Notice.Post(host.NoticeError, "The table could not be saved: "+err.Error())
			return
		}
		if wc == nil {
			return
		}
		s.LastDir = filepath.Dir(wc.URI().Path())
		err = fynefile.Finish(wc, c.export(wc, format))
		if err != nil {
			s.Notice.Post(host.NoticeError, "The table could not be saved: "+err.Error())
			return
		}
		s.Notice.Post(host.NoticeInfo, fmt.Sprintf("Saved %s to %s.", widgets.CountNoun(len(c.shown), "row"), wc.URI().Path()))
	}, s.Window())
	d.SetFileName("collection." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	s.ShowFileDialog(d)
}
