package explore

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
)

// shownChannels is how many of a window's channels the value view spells
// out (those that add most); the rest are summed in one line.
const shownChannels = 3

// valueView is the dialog "How this value is computed": for one cell of a
// feature map, the window of the input it sees, the kernel, the products
// and their sum, the bias, the batch norm, the ReLU, and the number in the
// cell, large enough for a projector. The arrow keys step to the
// neighbouring cells.
type valueView struct {
	h       *host.Host
	m       *engine.Model
	e       *entry
	pred    *engine.Prediction
	layer   int
	filter  int
	y, x    int
	lo, hi  float32 // the colour range of the map shown
	cell    *engine.Cell
	dlg     *dialog.CustomDialog
	body    *fyne.Container // the window's channels, scrolled
	result  *fyne.Container // the sum and what follows, always in view
	err     *widget.Label
	prevKey func(*fyne.KeyEvent)
}

// showValue opens the value view on cell (y, x) of filter (0-based) of
// conv layer layer for the picture e; lo and hi are the map's colour range.
func showValue(h *host.Host, e *entry, layer, filter, y, x int, lo, hi float32) *valueView {
	m := h.Model()
	pred := e.Answer(m)
	if m == nil || pred == nil || pred.Activations == nil {
		return nil
	}
	v := &valueView{h: h, m: m, e: e, pred: pred, layer: layer, filter: filter, y: y, x: x, lo: lo, hi: hi,
		body: container.NewVBox(), result: container.NewVBox(), err: widget.NewLabel("")}
	hint := widget.NewLabel("Arrow keys: the neighbouring cells.")
	hint.TextStyle.Italic = true
	content := container.NewBorder(nil, container.NewVBox(v.result, hint), nil, nil, container.NewScroll(v.body))
	v.dlg = dialog.NewCustom("How this value is computed", "Close", content, h.Window())
	c := h.Window().Canvas()
	v.prevKey = c.OnTypedKey()
	c.SetOnTypedKey(v.typedKey)
	v.dlg.SetOnClosed(func() { c.SetOnTypedKey(v.prevKey) })
	v.dlg.Resize(h.DialogSize())
	v.show()
	v.dlg.Show()
	return v
}

// typedKey moves the cell with the arrow keys and leaves other keys to the
// window.
func (v *valueView) typedKey(ev *fyne.KeyEvent) {
	dy, dx := 0, 0
	switch ev.Name {
	case fyne.KeyUp:
		dy = -1
	case fyne.KeyDown:
		dy = 1
	case fyne.KeyLeft:
		dx = -1
	case fyne.KeyRight:
		dx = 1
	default:
		if v.prevKey != nil {
			v.prevKey(ev)
		}
		return
	}
	a := v.pred.Activations[v.layer-1]
	v.y = min(max(v.y+dy, 0), a.Height-1)
	v.x = min(max(v.x+dx, 0), a.Width-1)
	v.show()
}

// show computes the cell (a single pass over one window: no need to leave
// the UI goroutine) and draws it.
func (v *valueView) show() {
	c, err := v.m.Cell(v.e.Input, v.pred, v.layer, v.filter, v.y, v.x)
	if err != nil {
		v.err.SetText("Cannot show this cell: " + err.Error())
		v.body.Objects = []fyne.CanvasObject{v.err}
		v.body.Refresh()
		v.result.Objects = nil
		v.result.Refresh()
		return
	}
	v.cell = c
	z := v.h.Zoom()
	big := func(s string, size float32, bold bool) *canvas.Text {
		t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
		t.TextSize = size * z
		t.TextStyle.Bold = bold
		return t
	}
	var objs []fyne.CanvasObject
	layer := fmt.Sprintf("Layer %d", c.Layer)
	if name := v.m.Places()[c.Layer-1].Name; name != fmt.Sprintf("conv%d", c.Layer) {
		layer += " (" + name + ")" // an imported network's module
	}
	objs = append(objs, big(fmt.Sprintf("%s, filter %d, row %d, column %d of %s", layer, c.Filter+1, c.Y+1, c.X+1, v.e.Name), 22, true))
	from := fmt.Sprintf("The filter sees a %d×%d window of %s, over %d channel%s", c.KH, c.KW, c.From, c.Channels, plural(c.Channels))
	switch {
	case c.Groups > 1 && c.Channels == 1:
		from += fmt.Sprintf(" (channel %d alone: a depthwise convolution)", c.FirstChannel+1)
	case c.Groups > 1:
		from += fmt.Sprintf(" (channels %d to %d: a grouped convolution)", c.FirstChannel+1, c.FirstChannel+c.Channels)
	}
	// A window read through a squeeze-excitation or a batch norm is a long
	// sentence: wrapped to the dialog, which would otherwise widen the
	// window past the screen.
	for _, line := range wrapText(from+": each value times the kernel's weight, all added.", 18*z, v.h.DialogSize().Width-60*z) {
		objs = append(objs, big(line, 18, false))
	}

	// The channels that add most, spelled out.
	n := c.KH * c.KW
	sums := make([]float64, c.Channels)
	order := make([]int, c.Channels)
	for ch := range c.Channels {
		order[ch] = ch
		for _, p := range c.Products[ch*n : (ch+1)*n] {
			sums[ch] += float64(p)
		}
	}
	if c.Channels > shownChannels { // else all, in their order (red, green, blue)
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(math.Abs(sums[b]), math.Abs(sums[a])) })
	}
	shown := order[:min(shownChannels, len(order))]
	lo, hi := v.sourceRange(c)
	for k, ch := range shown {
		win := c.Window[ch*n : (ch+1)*n]
		objs = append(objs, big(v.channelName(c, ch), 18, true),
			container.NewHBox(
				v.grid(c, win, func(i int) color.Color { return v.windowColour(c, ch, win[i], lo, hi) }, c.Padding[ch*n:(ch+1)*n]),
				centred(big("×", 30, true)),
				v.grid(c, c.Kernel[ch*n:(ch+1)*n], nil, nil),
				centred(big("=", 30, true)),
				v.grid(c, c.Products[ch*n:(ch+1)*n], nil, nil),
				centred(big("→ "+formatValue(float32(sums[ch])), 26, true))))
		if k == 0 {
			if pools := v.pools(c, ch); pools != nil {
				objs = append(objs, pools)
			}
		}
	}
	if rest := len(order) - len(shown); rest > 0 {
		var other float64
		for _, ch := range order[len(shown):] {
			other += sums[ch]
		}
		objs = append(objs, big(fmt.Sprintf("The other %d channel%s add %s.", rest, plural(rest), formatValue(float32(other))), 18, false))
	}

	// Sum, bias, batch norm, ReLU: the number in the cell.
	line := fmt.Sprintf("Sum of the %d products: %s", len(c.Products), formatValue(c.Sum))
	steps := []fyne.CanvasObject{big(line, 22, false)}
	if c.HasBias {
		steps = append(steps, big(fmt.Sprintf("+ bias %s = %s", formatValue(c.Bias), formatValue(c.Sum+c.Bias)), 22, false))
	}
	if c.HasBatchNorm {
		shift := "+ " + formatValue(c.BNShift)
		if c.BNShift < 0 {
			shift = "− " + formatValue(-c.BNShift)
		}
		steps = append(steps, big(fmt.Sprintf("batch norm: × %s %s = %s", formatValue(c.BNScale), shift, formatValue(c.PreReLU)), 22, false))
	}
	if line := activationLine(c); line != "" {
		steps = append(steps, big(line, 22, false))
	}
	result := v.valueCell(c.Value, 96)
	v.body.Objects = objs
	v.body.Refresh()
	v.result.Objects = []fyne.CanvasObject{widget.NewSeparator(), container.NewHBox(container.NewVBox(steps...), centred(big("=", 30, true)), result)}
	v.result.Refresh()
}

// activationLine says what the cell's activation does to its value ("" for
// none).
func activationLine(c *engine.Cell) string {
	z, v := c.PreReLU, c.Activate(c.PreReLU)
	switch c.Activation {
	case engine.ReLU:
		if z <= 0 {
			return "ReLU: negative: 0"
		}
		return "ReLU: kept"
	case engine.Clip:
		name := fmt.Sprintf("kept between %s and %s", formatValue(c.ClipMin), formatValue(c.ClipMax))
		if c.ClipMin == 0 && c.ClipMax == 6 {
			name = "ReLU6 (kept between 0 and 6)"
		}
		switch {
		case z < c.ClipMin:
			return fmt.Sprintf("%s: below, %s", name, formatValue(v))
		case z > c.ClipMax:
			return fmt.Sprintf("%s: above, %s", name, formatValue(v))
		}
		return name + ": kept"
	case engine.HardSwish:
		return fmt.Sprintf("hard swish: %s × min(max(%s + 3, 0), 6) / 6 = %s", formatValue(z), formatValue(z), formatValue(v))
	}
	return ""
}

// wrapText breaks text between words into lines no wider than width at
// text size size (a word longer than that on a line of its own).
func wrapText(text string, size, width float32) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && fyne.MeasureText(next, size, fyne.TextStyle{}).Width > width {
			lines = append(lines, line)
			next = w
		}
		line = next
	}
	return append(lines, line)
}

// centred centres o vertically in a row.
func centred(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(layout.NewSpacer(), o, layout.NewSpacer())
}

// grid draws KH×KW values as cells, coloured by colour (nil: neutral);
// cells in the padding are marked.
func (v *valueView) grid(c *engine.Cell, vals []float32, colour func(int) color.Color, pad []bool) fyne.CanvasObject {
	side := 64 * v.h.Zoom()
	cells := make([]fyne.CanvasObject, len(vals))
	for i, val := range vals {
		bg := color.Color(theme.Color(theme.ColorNameInputBackground))
		if colour != nil {
			bg = colour(i)
		}
		text := formatShort(val)
		if pad != nil && pad[i] {
			text, bg = "pad", theme.Color(theme.ColorNameInputBackground)
		}
		cells[i] = valueBox(text, bg, side, 15*v.h.Zoom())
	}
	return container.NewGridWithColumns(c.KW, cells...)
}

// valueBox is one cell: a coloured square with its number, in black or
// white, whichever reads better on the colour.
func valueBox(text string, bg color.Color, side, size float32) fyne.CanvasObject {
	r := canvas.NewRectangle(bg)
	r.StrokeColor = theme.Color(theme.ColorNameForeground)
	r.StrokeWidth = 1
	r.SetMinSize(fyne.NewSquareSize(side))
	t := canvas.NewText(text, readableOn(bg))
	t.TextSize = size
	t.Alignment = fyne.TextAlignCenter
	return container.NewStack(r, container.NewCenter(t))
}

// valueCell is the result: the cell's value in the map's colour.
func (v *valueView) valueCell(val float32, side float32) fyne.CanvasObject {
	return valueBox(formatValue(val), plots.Color(norm(val, v.lo, v.hi)), side*v.h.Zoom(), 26*v.h.Zoom())
}

// pools draws, for channel ch, what each window value pools: the cells
// covered, the winner of a max framed.
func (v *valueView) pools(c *engine.Cell, ch int) fyne.CanvasObject {
	n := c.KH * c.KW
	if c.Pooled[ch*n] == nil && c.Pooled[ch*n+n-1] == nil {
		return nil
	}
	var lo, hi float32 = math.MaxFloat32, -math.MaxFloat32
	for _, p := range c.Pooled[ch*n : (ch+1)*n] {
		if p != nil {
			lo, hi = min(lo, slices.Min(p.Values)), max(hi, slices.Max(p.Values))
		}
	}
	side := 40 * v.h.Zoom()
	boxes := make([]fyne.CanvasObject, n)
	kind := "average of"
	for i, p := range c.Pooled[ch*n : (ch+1)*n] {
		if p == nil {
			boxes[i] = valueBox("pad", theme.Color(theme.ColorNameInputBackground), side, 11*v.h.Zoom())
			continue
		}
		if p.Max {
			kind = "largest of"
		}
		cells := make([]fyne.CanvasObject, len(p.Values))
		for j, val := range p.Values {
			b := valueBox(formatShort(val), plots.Color(norm(val, lo, hi)), side, 11*v.h.Zoom())
			if p.Max && j == p.Won {
				frame := canvas.NewRectangle(color.Transparent)
				frame.StrokeColor = color.NRGBA{R: 0xff, G: 0x40, B: 0x40, A: 0xff}
				frame.StrokeWidth = 3 * v.h.Zoom()
				b = container.NewStack(b, frame)
			}
			cells[j] = b
		}
		boxes[i] = container.NewPadded(container.NewCenter(container.NewGridWithColumns(p.Cols, cells...)))
	}
	label := widget.NewLabel(fmt.Sprintf("Each value of this window is the %s the cells below (the winner framed in red):", kind))
	return container.NewVBox(label, container.NewHBox(container.NewGridWithColumns(c.KW, boxes...)))
}

// channelName names a window's channel.
func (v *valueView) channelName(c *engine.Cell, ch int) string {
	if c.Layer == 1 && c.Channels == 3 {
		return []string{"Red", "Green", "Blue"}[ch]
	}
	if c.Layer == 1 {
		return "Grey"
	}
	return fmt.Sprintf("Map %d of the layer before", c.FirstChannel+ch+1)
}

// sourceRange is the colour range of the window's values: the picture's
// [0,1], or the range of the maps read.
func (v *valueView) sourceRange(c *engine.Cell) (lo, hi float32) {
	if c.Layer == 1 {
		return 0, 1
	}
	return c.MapsMin, c.MapsMax
}

// windowColour colours a window value: a picture's pixel in its own
// channel's colour, a map's value in the maps' colours.
func (v *valueView) windowColour(c *engine.Cell, ch int, val, lo, hi float32) color.Color {
	if c.Layer == 1 && c.Channels == 3 && c.From == "the picture" {
		b := uint8(math.Round(float64(min(max(val, 0), 1)) * 255))
		return []color.NRGBA{{R: b, A: 255}, {G: b, A: 255}, {B: b, A: 255}}[ch]
	}
	return plots.Color(norm(val, lo, hi))
}

// norm places val between lo and hi (0 to 1).
func norm(val, lo, hi float32) float64 {
	if hi <= lo {
		return 0
	}
	return float64((val - lo) / (hi - lo))
}

// formatShort writes a value in a small cell: three significant digits.
func formatShort(v float32) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%.3g", v)
}

// readableOn is black or white, whichever contrasts more with bg.
func readableOn(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 0.5*0xffff {
		return color.Black
	}
	return color.White
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// mapPicker is an enlarged feature map that tells which cell is clicked.
type mapPicker struct {
	widget.BaseWidget
	img  *canvas.Image
	w, h int // the map's size in cells
	pick func(y, x int)
}

func newMapPicker(img *canvas.Image, w, h int, pick func(y, x int)) *mapPicker {
	p := &mapPicker{img: img, w: w, h: h, pick: pick}
	p.ExtendBaseWidget(p)
	return p
}

func (p *mapPicker) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.img) }

// Tapped picks the cell under the pointer; the image keeps its aspect
// ratio centred in the widget (ImageFillContain).
func (p *mapPicker) Tapped(ev *fyne.PointEvent) {
	size := p.Size()
	side := min(size.Width/float32(p.w), size.Height/float32(p.h))
	x0, y0 := (size.Width-side*float32(p.w))/2, (size.Height-side*float32(p.h))/2
	x, y := int((ev.Position.X-x0)/side), int((ev.Position.Y-y0)/side)
	if x >= 0 && y >= 0 && x < p.w && y < p.h && p.pick != nil {
		p.pick(y, x)
	}
}
