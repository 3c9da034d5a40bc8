package collection

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// confusionLeast is the smallest size at which a confusion matrix of the
// data set's four classes keeps its title and class names apart; the
// Accuracy tab's two matrices (a second model's below the first's) are
// drawn at it and shrunk.
var confusionLeast = fyne.NewSize(480, 400)

// newConfusionPanel is the side panel's accuracy tab: the labelled
// pictures' confusion matrix, whose cells list their pictures when clicked.
func (c *View) newConfusionPanel() fyne.CanvasObject {
	c.conf = widgets.NewChart(c.h, 1.2)
	c.conf.Least = confusionLeast
	c.confInfo = widget.NewLabel("")
	c.confInfo.Wrapping = fyne.TextWrapWord
	tap := widgets.NewTapArea(c.conf, c.confusionTapped)
	// The second model's matrix below the first, when there is one
	// (updateOtherConfusion sets the grid's rows: a hidden cell would
	// still take its share).
	c.confOther = widgets.NewChart(c.h, 1.2)
	c.confOther.Least = confusionLeast
	c.confOtherInfo = widget.NewLabel("")
	c.confOtherInfo.Wrapping = fyne.TextWrapWord
	c.confOtherBox = container.NewBorder(c.confOtherInfo, nil, nil, nil, c.confOther)
	c.confOtherBox.Hide()
	c.confGrid = container.NewGridWithRows(1, tap, c.confOtherBox)
	c.labels = c.newLabelsPanel() // labels.go
	return container.NewBorder(c.confInfo, nil, nil, nil, container.NewStack(c.confGrid, c.labels))
}

// updateConfusion recomputes the evaluation of the labelled pictures and
// redraws the chart (while analysing, at most every confusionPeriod).
func (c *View) updateConfusion(now bool) {
	if !now && time.Since(c.confAt) < confusionPeriod {
		return
	}
	c.confAt = time.Now()
	if c.opts.TestAnswers != nil {
		defer c.opts.TestAnswers()
	}
	defer c.updateOtherConfusion()
	labelled := collection.Labelled(c.items)
	if labelled == 0 || len(c.classes) == 0 {
		c.ev, c.cells = engine.Evaluation{}, nil
		c.conf.SetPlot(nil)
		c.conf.Hide()
		c.labels.Hide()
		if len(c.items) == 0 {
			c.confInfo.SetText("When the folders are named after classes (such as the data set's validation_set, " +
				"or your own sorting), the accuracy and the confusion matrix of the collection show here.")
		} else {
			c.confInfo.SetText(noClassFolders(c.classes))
		}
		return
	}
	if c.showLabels() { // a sigmoid model: no confusion matrix (labels.go)
		return
	}
	ev, cells, err := collection.Evaluate(c.items, c.classes)
	if err != nil {
		c.confInfo.SetText(err.Error())
		return
	}
	c.ev, c.cells = ev, cells
	who := ""
	if c.other != nil {
		who = c.modelName + ": "
	}
	c.confInfo.SetText(who + fmt.Sprintf("%s of %s labelled pictures right (%.1f%%). Rows are the true class (from the folder names), "+
		"columns the network's answer. Click a cell to list its pictures.",
		engine.Thousands(int(ev.Accuracy*float64(ev.Total)+0.5)), engine.Thousands(ev.Total), 100*ev.Accuracy) + c.storedCheck())
	c.conf.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return namedConfusion(ev, strings.TrimSuffix(who, ": "), th) })
	c.conf.Show()
}

// namedConfusion is ev's confusion matrix, titled with the model's name
// when it is not "" (the Accuracy tab's two matrices, one per model).
func namedConfusion(ev engine.Evaluation, name string, th plots.Theme) (*plot.Plot, error) {
	p, err := plots.Confusion(ev, false, th)
	if err == nil && name != "" {
		p.Title.Text = fmt.Sprintf("%s: accuracy %.1f%% on %s pictures", name, 100*ev.Accuracy, engine.Thousands(ev.Total))
	}
	return p, err
}

// storedCheck compares the answers on the test set, once all are in, with
// the test results stored in the model file (the Confusion tab), in a
// sentence that starts with a space; "" for another collection.
func (c *View) storedCheck() string {
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
		engine.Thousands(storedRight(st)), engine.Thousands(st.Total), 100*st.Accuracy, widgets.CountNoun(diff, "cell"))
}

// cellsDiffering counts the cells whose count differs between the
// collection's confusion matrix and the stored test results (every cell
// when their classes differ).
func (c *View) cellsDiffering() int {
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
func (c *View) confusionTapped(pos fyne.Position) {
	if c.cells == nil || c.conf.Image().Image == nil {
		return
	}
	img := c.conf.Image()
	local := pos.Subtract(img.Position())
	size := img.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	px := c.conf.Drawn().Px
	p, err := plots.Confusion(c.ev, false, plots.Light)
	if err != nil {
		return
	}
	truth, pred, ok := plots.ConfusionCell(p, len(c.classes), px.X, px.Y, c.conf.Drawn().DPI,
		float64(local.X/size.Width)*float64(px.X), float64(local.Y/size.Height)*float64(px.Y))
	if ok {
		c.showCell(truth, pred)
	}
}

// showCell filters the table to the pictures of true class truth predicted
// as pred.
func (c *View) showCell(truth, pred int) {
	c.wrongOnly.SetChecked(false)
	c.below.SetText("")
	c.search.SetText("")
	c.truthSel.SetSelected(c.classes[truth])
	c.predSel.SetSelected(c.classes[pred])
	text := fmt.Sprintf("The table shows the %s true %s predicted as %s.",
		widgets.CountNoun(len(c.cells[truth][pred]), "picture"), c.classes[truth], c.classes[pred])
	if c.testSet && c.model != nil && c.model.Meta.Test != nil {
		switch n := storedCount(c.model.Meta.Test, c.classes[truth], c.classes[pred]); {
		case c.running:
			text = fmt.Sprintf("The table lists the test pictures of true %s predicted as %s as they are analysed (%s so far).",
				c.classes[truth], c.classes[pred], engine.Thousands(len(c.cells[truth][pred])))
		case !c.complete:
			text += " The analysis was stopped: the pictures analysed before count, the others do not."
		case n >= 0 && n != len(c.cells[truth][pred]):
			text += fmt.Sprintf(" The test results stored in the model file count %s here: the loaded model or this copy of the data set is not the one they were measured with.", engine.Thousands(n))
		}
	}
	c.h.Notice.Post(host.NoticeInfo, text)
}

// showTestCell shows the Collection view with the test set's pictures of
// true class truth predicted as pred (class names): the test set is the
// open collection.
func (c *View) showTestCell(truth, pred string) {
	c.h.ShowView("collection")
	show := "cell:" + truth + ":" + pred
	if c.running {
		c.then = show // the counts when all are in
		if c.cells != nil {
			if msg := c.apply(show); msg != "" {
				c.h.Notice.Post(host.NoticeWarning, msg)
			}
		}
		return
	}
	if msg := c.apply(show); msg != "" {
		c.h.Notice.Post(host.NoticeWarning, msg)
	}
}

// openTestSet opens dir, a validation_set folder, as the collection and
// shows the pictures of true class truth predicted as pred once analysed.
func (c *View) openTestSet(dir, truth, pred string) {
	c.h.ShowView("collection")
	c.open([]string{dir})
	c.then = "cell:" + truth + ":" + pred
}

// isOpenTestSet reports whether the collection is the test set (opened or
// being analysed).
func (c *View) isOpenTestSet() bool { return c.testSet && len(c.roots) == 1 }

// noClassFolders says that no folder is named after one of classes,
// naming the first few: an ImageNet network's 1,000 names made the panel,
// and the window, thousands of pixels tall.
func noClassFolders(classes []string) string {
	const shown = 8
	names := strings.Join(classes[:min(len(classes), shown)], ", ")
	if len(classes) > shown {
		names += fmt.Sprintf(" and %d more", len(classes)-shown)
	}
	if slices.Contains(classes, "drawings") {
		names += "; engraving counts as drawings"
	}
	return "No folder of this collection is named after a class (" + names + "), so there is nothing to compare the answers with."
}
