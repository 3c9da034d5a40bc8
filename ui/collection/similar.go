package collection

import (
	"fmt"
	"image"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/plots"
)

// newSimilarPanel is the side panel's similar tab: the selected picture
// and those the network takes to resemble it.
func (c *View) newSimilarPanel() fyne.CanvasObject {
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

// selectItem makes it the selected picture and shows its most similar
// ones; with two models, a picture they disagree on (or any, while the
// Two models tab shows) is shown side by side instead.
func (c *View) selectItem(it *collection.Item) {
	c.selected = it
	c.updateSimilar()
	if it.Other != nil && (it.Other.Disagree || c.side.Selected() == c.pair.tab) {
		c.showPair(it)
		c.side.Select(c.pair.tab)
		return
	}
	c.side.SelectIndex(2)
}

func (c *View) updateSimilar() {
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
