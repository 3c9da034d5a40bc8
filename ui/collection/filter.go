package collection

import (
	"fmt"
	"image"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/widgets"
)

// newFilterPanel is the side panel's filter tab: the pictures of the
// collection that excite a chosen filter most.
func (c *View) newFilterPanel() fyne.CanvasObject {
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
	controls := container.NewHBox(widget.NewLabel("Layer"), c.layerSel, widget.NewLabel("Filter"), widgets.NewSizedBoxW(c.filterNum, 60), show)
	return container.NewBorder(container.NewVBox(controls, c.topInfo, c.cat.terms), nil, nil, nil, container.NewScroll(c.topImg))
}

// showFilter shows the filter tab with the pictures that excite (layer,
// filter) most.
func (c *View) showFilter(layer, filter int) {
	c.side.SelectIndex(1)
	c.showTop(layer, filter)
}

// showTop shows the pictures that excite (layer, filter) most (both from
// 1), reading them again from disk in the background.
func (c *View) showTop(layer, filter int) {
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
	text := fmt.Sprintf("Layer %d, filter %d: the %d of %s pictures whose map peaks highest", layer, filter, len(hits), engine.Thousands(len(c.items)))
	if fields != nil {
		f := fields[layer-1]
		text += fmt.Sprintf("; marked, the part of the picture the peak sees (%d×%d of the network's %d×%d pixels).", f.Size, f.Size, w, h)
	} else {
		text += " (where in the picture is not known for this model's layers)."
	}
	c.topInfo.SetText(text)
	c.cat.showTerms(layer, filter)
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
func (c *View) setLayerChoices(n int) {
	if len(c.layerSel.Options) == n {
		return
	}
	c.layerSel.Options = nil
	for i := 1; i <= n; i++ {
		c.layerSel.Options = append(c.layerSel.Options, strconv.Itoa(i))
	}
	c.layerSel.Refresh()
}

func (c *View) clearTop() {
	c.topImg.Image = nil
	c.topImg.Refresh()
	c.simImg.Image = nil
	c.simImg.Refresh()
}
