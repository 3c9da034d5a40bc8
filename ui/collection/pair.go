package collection

import (
	"fmt"
	"image"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// Two models side by side in the Collection view: the second model is the
// Explore view's second opinion (File › Second opinion, --second). The
// analysis runs it on every picture (collection.Options.Other); the table
// gains its column and the "models disagree" filter, the Accuracy tab its
// confusion matrix, and the "Two models" tab shows a picture's two answers
// and Grad-CAMs side by side.

// pairTabTitle is the side panel's tab of the two models.
const pairTabTitle = "Two models"

// pairView is the "Two models" tab: the selected picture's answers from
// both models and their Grad-CAMs, side by side.
type pairView struct {
	tab      *container.TabItem
	info     *widget.Label
	images   [2]*canvas.Image
	captions [2]*widget.Label
	gen      int
}

func (c *View) newPairPanel() {
	p := &c.pair
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	var cols []fyne.CanvasObject
	for i := range p.images {
		p.images[i] = canvas.NewImageFromImage(nil)
		p.images[i].FillMode = canvas.ImageFillContain
		p.captions[i] = widget.NewLabel("")
		p.captions[i].Wrapping = fyne.TextWrapWord
		cols = append(cols, container.NewBorder(p.images[i], nil, nil, nil, p.captions[i]))
	}
	p.tab = container.NewTabItem(pairTabTitle, container.NewBorder(p.info, nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, cols...))))
	c.pairSized()
}

// pairSized sizes the two Grad-CAMs for the zoom.
func (c *View) pairSized() {
	for _, img := range c.pair.images {
		img.SetMinSize(fyne.NewSquareSize(200 * c.h.Zoom()))
	}
}

// SecondChanged analyses the open collection again when the second
// opinion changed: the first model's results come from the cache.
func (c *View) SecondChanged() {
	if c.h.Second() == c.other {
		return
	}
	c.stop()
	if len(c.roots) > 0 {
		c.analyse()
	} else {
		c.setOther()
	}
}

// setOther takes the second opinion as the collection's second model (or
// none), and shows or hides what belongs to it.
func (c *View) setOther() {
	c.other, c.otherClasses = c.h.Second(), nil
	c.modelName, c.otherName = c.h.ModelName(), c.h.SecondName()
	if c.other != nil {
		c.otherClasses = c.other.Meta.Classes
		if c.modelName == c.otherName {
			c.modelName, c.otherName = c.modelName+" (1)", c.otherName+" (2)"
		}
	}
	has := false
	for _, t := range c.side.Items {
		has = has || t == c.pair.tab
	}
	switch {
	case c.other != nil && !has:
		c.side.Append(c.pair.tab)
	case c.other == nil && has:
		c.side.Remove(c.pair.tab)
	}
	if c.other == nil {
		c.disagreeOnly.SetChecked(false)
		c.disagreeOnly.Hide()
	} else {
		c.disagreeOnly.Text = fmt.Sprintf("%s and %s disagree", c.modelName, c.otherName)
		c.disagreeOnly.Refresh()
		c.disagreeOnly.Show()
	}
	c.pair.gen++
	c.pair.info.SetText("Click a picture of the table: both models' answers and Grad-CAMs show here side by side.")
	for i := range c.pair.images {
		c.pair.images[i].Image = nil
		c.pair.images[i].Refresh()
		c.pair.captions[i].SetText("")
	}
	c.applyWidths()
	c.table.Refresh()
}

// exportSpec says what the CSV and JSON exports hold.
func (c *View) exportSpec() collection.Export {
	e := collection.Export{Classes: c.classes}
	if c.other != nil {
		e.Model, e.Other, e.OtherClasses = c.modelName, c.otherName, c.otherClasses
	}
	return e
}

// updateOtherConfusion draws the second model's confusion matrix below
// the first's, when there is a second model and labelled pictures.
func (c *View) updateOtherConfusion() {
	var ev engine.Evaluation
	var err error
	if c.other != nil && c.cells != nil {
		ev, err = collection.EvaluateOther(c.items, c.otherClasses)
	}
	c.evOther = ev
	if err != nil || ev.Total == 0 {
		c.confOther.SetPlot(nil)
		if c.confOtherBox.Visible() {
			c.confOtherBox.Hide()
			c.confGrid.Layout = layout.NewGridLayoutWithRows(1)
			c.confGrid.Refresh()
		}
		return
	}
	if !c.confOtherBox.Visible() {
		c.confOtherBox.Show()
		c.confGrid.Layout = layout.NewGridLayoutWithRows(2)
		c.confGrid.Refresh()
	}
	right := int(ev.Accuracy*float64(ev.Total) + 0.5)
	c.confOtherInfo.SetText(fmt.Sprintf("%s: %s of %s right (%.1f%%); they disagree on %s.", c.otherName,
		engine.Thousands(right), engine.Thousands(ev.Total), 100*ev.Accuracy, pictures(collection.Disagreements(c.items))))
	name := c.otherName
	c.confOther.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return namedConfusion(ev, name, th) })
}

// showPair shows it's answers from both models and their Grad-CAMs at
// their default places, computed off the UI goroutine.
func (c *View) showPair(it *collection.Item) {
	p := &c.pair
	if c.other == nil || it.Other == nil {
		return
	}
	p.gen++
	gen := p.gen
	models := [2]*engine.Model{c.model, c.other}
	names := [2]string{c.modelName, c.otherName}
	classes := [2]int{it.Class, it.Other.Class}
	probs := [2]float32{it.Probability(), it.Other.Probability}
	answers := [2]string{className2(c.classes, it.Class), className2(c.otherClasses, it.Other.Class)}
	verdict := "The two models agree"
	if it.Other.Disagree {
		verdict = "The two models disagree"
	}
	truth := ""
	if it.Truth >= 0 {
		truth = fmt.Sprintf(" (its folder says %s)", className2(c.classes, it.Truth))
	} else if it.Other.Truth >= 0 {
		truth = fmt.Sprintf(" (its folder says %s)", className2(c.otherClasses, it.Other.Truth))
	}
	p.info.SetText(fmt.Sprintf("%s on %s%s: each one's answer, and its Grad-CAM at its default place (bright where the evidence for its answer lies, from 0 to 1).",
		verdict, filepath.Base(it.Path), truth))
	for i := range p.images {
		p.images[i].Image = nil
		p.images[i].Refresh()
		p.captions[i].SetText(fmt.Sprintf("%s: %s, %.1f%%\nComputing its Grad-CAM…", names[i], answers[i], 100*probs[i]))
	}
	s := c.h
	s.Busy.Add(1)
	go func() {
		var cams [2]widgets.CAM
		img, _, err := picture.Open(it.Path)
		var base image.Image
		if err == nil {
			base = picture.Thumbnail(img, host.PreviewSide)
		}
		for i, m := range models {
			if err != nil {
				cams[i].Err = err
				continue
			}
			in := m.Input()
			cams[i] = widgets.GradCAMOf(m, picture.ToInputShape(img, in.Channels, in.Width, in.Height), base, classes[i])
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			if gen != p.gen {
				return
			}
			for i, cam := range cams {
				text := fmt.Sprintf("%s: %s, %.1f%%", names[i], answers[i], 100*probs[i])
				if cam.Err != nil {
					text += "\nIts Grad-CAM could not be computed: " + cam.Err.Error()
				} else {
					text += fmt.Sprintf("\nGrad-CAM at %s", cam.Place)
				}
				p.captions[i].SetText(text)
				p.images[i].Image = cam.Overlay
				p.images[i].Refresh()
			}
		})
	}()
}
