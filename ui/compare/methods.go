package compare

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// compareMethodsDefault are the methods ticked at first: the quick ones
// and one of each kind (Score-CAM, SmoothGrad and RISE take longer).
var compareMethodsDefault = []string{explain.MethodGradCAM, explain.MethodHiResCAM, explain.MethodEigenCAM,
	explain.MethodOcclusion, explain.MethodIntegratedGradients, explain.MethodRISE}

// methodsCompare is the Compare view's second mode: one picture under
// several explanation methods side by side, each map on its own scale,
// computed one after the other in the background.
type methodsCompare struct {
	h       *host.Host
	content fyne.CanvasObject

	picture  *widget.Select
	byLabel  map[string]*host.Picture
	methods  *widgets.MethodChecks
	tiles    *fyne.Container
	status   *widget.Label
	progress *widget.ProgressBar
	stopBtn  *widget.Button

	gen    int
	cancel context.CancelFunc
	// riseMasks is RISE's number of masks (0: the default); tests set few.
	riseMasks int
	// shownMaps are the maps on screen, in the tiles' order.
	shownMaps []explain.Map
}

func newMethodsCompare(h *host.Host, method string) *methodsCompare {
	c := &methodsCompare{h: h, byLabel: map[string]*host.Picture{}}
	c.picture = widget.NewSelect(nil, func(string) { c.draw() })
	c.picture.PlaceHolder = "(open pictures in Explore)"
	ticked := compareMethodsDefault
	if strings.Contains(method, ",") {
		ticked = strings.Split(method, ",") // --method: the methods ticked
	}
	c.methods = widgets.NewMethodChecks(1, ticked, c.draw)
	c.status = widget.NewLabel("")
	c.status.Wrapping = fyne.TextWrapWord
	c.status.TextStyle.Italic = true
	c.progress = widget.NewProgressBar()
	c.progress.Hide()
	c.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), c.stop)
	c.stopBtn.Hide()
	c.tiles = container.NewGridWrap(fyne.NewSize(300, 400))
	pick := widgets.NewSizedBox(c.picture)
	pick.Width = 320
	methodsHead := widget.NewLabelWithStyle("Methods", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewVScroll(container.NewVBox(methodsHead, c.methods.Content))
	head := container.NewVBox(
		container.NewHBox(widget.NewLabel("Picture:"), pick, c.stopBtn),
		c.progress, c.status)
	c.content = container.NewBorder(nil, nil, left, nil,
		container.NewBorder(head, nil, nil, nil, container.NewVScroll(c.tiles)))
	h.OnModel(func() {
		if c.content.Visible() && h.Showing("compare") {
			c.draw()
		}
	})
	h.OnStyle(c.applySizes)
	c.applySizes()
	return c
}

// applySizes sets the tiles' size, which follows the zoom.
func (c *methodsCompare) applySizes() {
	z := c.h.Zoom()
	c.tiles.Layout = container.NewGridWrap(fyne.NewSize(290*z, 420*z)).Layout
	c.tiles.Refresh()
}

// shown follows Explore's list of pictures; the first is chosen when none is.
func (c *methodsCompare) shown() {
	var labels []string
	clear(c.byLabel)
	used := map[string]int{}
	for _, e := range c.h.Pictures() {
		label := e.Name
		if n := used[e.Name]; n > 0 {
			label = fmt.Sprintf("%s (%d)", e.Name, n+1)
		}
		used[e.Name]++
		labels = append(labels, label)
		c.byLabel[label] = e
	}
	c.picture.Options = labels
	if !slices.Contains(labels, c.picture.Selected) {
		c.picture.Selected = ""
		if len(labels) > 0 {
			c.picture.Selected = labels[0]
		}
		c.picture.Refresh()
		c.draw()
		return
	}
	c.picture.Refresh()
	if len(c.shownMaps) == 0 {
		c.draw()
	}
}

// stop cancels the maps being computed.
func (c *methodsCompare) stop() {
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.gen++
	c.progress.Hide()
	c.stopBtn.Hide()
}

// methodTile is one method's map: its overlay, name and scale.
type methodTile struct {
	mp      explain.Map
	overlay image.Image
	legend  image.Image
	scale   widgets.MapScale
	err     error
}

// draw computes the ticked methods' maps of the chosen picture in the
// background, one tile at a time; a newer call cancels it.
func (c *methodsCompare) draw() {
	c.stop()
	gen := c.gen
	c.shownMaps = nil
	m := c.h.Model()
	e := c.byLabel[c.picture.Selected]
	var methods []explain.Method
	for _, n := range c.methods.Names() {
		me, _ := explain.LookupMethod(n)
		methods = append(methods, me)
	}
	switch {
	case m == nil:
		c.status.SetText("No model is loaded: open one with File › Open model….")
		return
	case e == nil:
		c.status.SetText("Open a picture in Explore, then choose it here.")
		c.tiles.Objects = nil
		c.tiles.Refresh()
		return
	case len(methods) == 0:
		c.status.SetText("Tick one or more methods.")
		c.tiles.Objects = nil
		c.tiles.Refresh()
		return
	}
	z := c.h.Zoom()
	tiles := make([]*fyne.Container, len(methods))
	c.tiles.Objects = nil
	for i, me := range methods {
		name := widget.NewLabelWithStyle(widgets.MethodLabel(me), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		tiles[i] = container.NewVBox(name, widget.NewLabel("waiting…"))
		c.tiles.Objects = append(c.tiles.Objects, tiles[i])
	}
	c.tiles.Refresh()
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.progress.SetValue(0)
	c.progress.Show()
	c.stopBtn.Show()
	c.status.SetText(fmt.Sprintf("Computing %d maps of %s…", len(methods), e.Name))
	in := m.Input()
	input, shape, preview := e.Input, e.Shape, e.Preview
	legendPx := image.Pt(int(240*z*c.h.PixelScale()+0.5), int(14*z*c.h.PixelScale()+0.5))
	riseMasks := c.riseMasks
	s := c.h
	s.Busy.Add(1)
	start := time.Now()
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		base := preview
		if base == nil {
			var err error
			if base, err = host.LoadPreview(e); err != nil {
				base = picture.FromInputShape(input, shape.Channels, shape.Width, shape.Height)
			}
		}
		if shape != in {
			input = picture.ToInputShape(base, in.Channels, in.Width, in.Height)
		}
		class := -1
		if p, err := m.Predict(input); err == nil {
			class = p.Class
		}
		for i, me := range methods {
			var t methodTile
			t.mp, t.err = me.Run(ctx, m, explain.Request{Input: input, Class: class, RISE: explain.RISEOptions{Masks: riseMasks}})
			if ctx.Err() != nil {
				return
			}
			if t.err == nil {
				t.scale = widgets.ScaleOf(m, t.mp)
				t.overlay, t.err = widgets.OverlayOf(base, t.mp, t.scale, 0.55)
				t.legend = widgets.LegendOf(t.scale, legendPx.X, legendPx.Y)
			}
			s.Do(func() {
				if gen != c.gen {
					return
				}
				c.fillTile(tiles[i], m, me, t)
				c.progress.SetValue(float64(i+1) / float64(len(methods)))
				if i == len(methods)-1 {
					c.cancel = nil
					c.progress.Hide()
					c.stopBtn.Hide()
					c.status.SetText(fmt.Sprintf("%d methods explain %s of %s, each map on its own scale (the legend under it), in %.1f s. "+
						"The maps answer different questions: see each method's sentence in Explain, and the Collection view's \"Which map to trust\".",
						len(methods), host.ClassName(m, class), e.Name, time.Since(start).Seconds()))
				}
			})
		}
	}()
}

// fillTile shows tile t of method me in box.
func (c *methodsCompare) fillTile(box *fyne.Container, m *engine.Model, me explain.Method, t methodTile) {
	z := c.h.Zoom()
	name := widget.NewLabelWithStyle(widgets.MethodLabel(me)+widgets.PlaceText(m, t.mp), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	if t.err != nil {
		msg := widget.NewLabel("Could not be computed: " + t.err.Error())
		if errors.Is(t.err, context.Canceled) {
			msg.SetText("Stopped.")
		}
		msg.Wrapping = fyne.TextWrapWord
		box.Objects = []fyne.CanvasObject{name, msg}
		box.Refresh()
		return
	}
	c.shownMaps = append(c.shownMaps, t.mp)
	img := canvas.NewImageFromImage(t.overlay)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(270 * z))
	bar := canvas.NewImageFromImage(t.legend)
	bar.FillMode = canvas.ImageFillStretch
	bar.SetMinSize(fyne.NewSize(240*z, 14*z))
	ends := container.NewBorder(nil, nil, widget.NewLabel(t.scale.LoText), widget.NewLabel(t.scale.HiText))
	what := widget.NewLabel(t.scale.What)
	what.Wrapping = fyne.TextWrapWord
	what.TextStyle.Italic = true
	box.Objects = []fyne.CanvasObject{name, img, container.NewCenter(bar), ends, what}
	box.Refresh()
}
