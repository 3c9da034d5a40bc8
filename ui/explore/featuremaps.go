package explore

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/graphdraw"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/widgets"
)

// Feature-map choices, as offered in the view.
const (
	normEachMap    = "each map"
	normWholeLayer = "whole layer"
	orderByNumber  = "filter number"
	orderByActive  = "most active first"
)

// defaultLayers returns which of n conv layers are shown at first: 1, 3
// and 4 for the study's five, as in the study; all of three or fewer; else
// the first, the middle and the last.
func defaultLayers(n int) []bool {
	on := make([]bool, n)
	switch {
	case n == 5:
		on[0], on[2], on[3] = true, true, true
	case n <= 3:
		for i := range on {
			on[i] = true
		}
	default:
		on[0], on[n/2], on[n-1] = true, true, true
	}
	return on
}

// featureMaps is the part of the Explore view that shows the feature maps
// of the selected image: which layers, how the colours are scaled, in what
// order, and one grid of maps per layer. Clicking a map enlarges it.
type featureMaps struct {
	x        *View
	content  fyne.CanvasObject
	layers   []bool          // by place (a chain's conv layer), from 0: shown
	checks   []*widget.Check // one per conv layer of a chain model
	picker   *placePicker    // a graph model's places
	layerBox *fyne.Container // "Layers:" and the checks
	norm     *widget.RadioGroup
	order    *widget.Select
	orderBox *widgets.SizedBox // keeps the order's choices readable
	sections *fyne.Container
	gen      int // latest drawing; older results are dropped
	shown    []*layerView
	// dialog is the enlarged map on screen, if any (kept for tests).
	dialog *dialog.CustomDialog
	info   *widget.Label
	look   *lookFor   // the last "What it looks for" opened from it
	value  *valueView // the last value view opened from it
}

// mapOptions is what the maps are drawn with.
type mapOptions struct {
	layers    []bool
	normalize plots.Normalization
	order     plots.Order
	legendPx  image.Point // pixel size of the legend bars
}

// layerView is one conv layer's maps, coloured.
type layerView struct {
	act    engine.Activation
	stats  plots.ActivationStats
	norm   plots.Normalization
	order  []int          // filters in display order
	images []*image.NRGBA // by filter, one pixel per value
	legend *image.NRGBA
}

// rangeOf is the value range that the colours of filter ch span.
func (l *layerView) rangeOf(ch int) (lo, hi float32) {
	if l.norm == plots.PerLayer {
		return l.stats.Lo, l.stats.Hi
	}
	return l.stats.Min[ch], l.stats.Max[ch]
}

// renderLayers colours the maps of the chosen layers of p. It runs off the
// UI goroutine.
func renderLayers(p *engine.Prediction, o mapOptions) ([]*layerView, error) {
	var out []*layerView
	for _, a := range p.Activations {
		if a.Layer < 1 || a.Layer > len(o.layers) || !o.layers[a.Layer-1] {
			continue
		}
		st, err := plots.Stats(a)
		if err != nil {
			return nil, err
		}
		l := &layerView{act: a, stats: st, norm: o.normalize, images: make([]*image.NRGBA, a.Channels)}
		if o.order == plots.ByActivation {
			l.order = st.Ranked(nil)
		} else {
			l.order = make([]int, a.Channels)
			for i := range l.order {
				l.order[i] = i
			}
		}
		for ch := range a.Channels {
			lo, hi := l.rangeOf(ch)
			l.images[ch] = plots.MapImage(a.Map(ch), a.Width, a.Height, lo, hi)
		}
		if o.normalize == plots.PerLayer {
			l.legend = plots.Legend(st.Lo, st.Hi, o.legendPx.X, o.legendPx.Y)
		} else {
			l.legend = plots.Legend(0, 1, o.legendPx.X, o.legendPx.Y)
		}
		out = append(out, l)
	}
	return out, nil
}

func newFeatureMaps(x *View) *featureMaps {
	f := &featureMaps{x: x}
	f.layerBox = container.NewHBox()
	layers := f.layerBox
	f.setLayers(x.h.Model())
	f.norm = widget.NewRadioGroup([]string{normEachMap, normWholeLayer}, func(string) { f.redraw() })
	f.norm.Horizontal = true
	f.norm.Required = true
	f.norm.Selected = normEachMap
	f.order = widget.NewSelect([]string{orderByNumber, orderByActive}, func(string) { f.redraw() })
	f.order.Selected = orderByNumber
	f.orderBox = widgets.NewSizedBox(f.order)
	items := []fyne.CanvasObject{layers,
		container.NewHBox(widget.NewLabel("Colours span:"), f.norm),
		container.NewHBox(widget.NewLabel("Order:"), f.orderBox)}
	controls := container.New(&widgets.FlowLayout{OnResize: x.relayout}, items...)

	title := widget.NewLabelWithStyle("Feature maps", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	hint := widget.NewLabel("Each square is one filter's response to this picture: bright where it responds strongly. Click a square to enlarge it.")
	hint.Wrapping = fyne.TextWrapWord
	hint.TextStyle.Italic = true
	f.sections = container.NewVBox()
	f.content = container.NewVBox(title, hint, controls, f.sections)
	return f
}

// setLayers offers one check per conv layer of m (the study's five when
// m is nil), with the default ones ticked; a model with as many layers
// keeps the choice. A graph model has more places than a row of checks
// can hold: a button opens its picker (placePicker) instead.
func (f *featureMaps) setLayers(m *engine.Model) {
	n := len(engine.ConvFilters)
	var places []engine.Place
	if m != nil {
		n = len(m.ConvLayers())
		if p := m.Places(); len(p) > n {
			places = p
		}
	}
	if places != nil {
		if f.picker != nil && slices.Equal(f.picker.places, places) {
			return
		}
		f.checks = nil
		f.layers = make([]bool, len(places))
		f.layers[0] = true
		f.layers[m.CAMPlace()-1] = true
		if conv := len(m.ConvLayers()); conv < len(places)-1 {
			f.layers[conv+(len(places)-conv)/2-1] = true // a block in the middle
		}
		f.picker = newPlacePicker(f, m, places)
		f.layerBox.RemoveAll()
		f.layerBox.Add(widget.NewLabel("Places:"))
		f.layerBox.Add(f.picker.button)
		f.layerBox.Refresh()
		return
	}
	if n == len(f.checks) && f.checks != nil {
		return
	}
	f.picker = nil
	f.layers = defaultLayers(n)
	f.checks = make([]*widget.Check, n)
	f.layerBox.RemoveAll()
	f.layerBox.Add(widget.NewLabel("Layers:"))
	for i := range f.checks {
		f.checks[i] = widget.NewCheck(fmt.Sprintf("%d", i+1), func(on bool) {
			f.layers[i] = on
			f.redraw()
		})
		f.checks[i].Checked = f.layers[i]
		f.layerBox.Add(f.checks[i])
	}
	f.layerBox.Refresh()
}

// placePicker chooses a graph model's places: a button that says which are
// shown opens a list of them grouped by block (the names the file
// carries: layer1.0, features.3), each with its number and shape, and a
// search field that keeps the places whose name holds what is typed.
type placePicker struct {
	f      *featureMaps
	places []engine.Place
	button *widget.Button
	// groups are the blocks in the order of the graph, each with its
	// places (indices into places) in that order; "" gathers the places
	// outside any block.
	groups []placeGroup
	search *widget.Entry
	list   *fyne.Container
	checks []*widget.Check // by place
}

type placeGroup struct {
	name   string
	places []int
}

func newPlacePicker(f *featureMaps, m *engine.Model, places []engine.Place) *placePicker {
	p := &placePicker{f: f, places: places}
	g := graphdraw.FromModel(m)
	order := map[string]int{}
	for i, n := range g.Nodes {
		order[n.Name] = i
	}
	blockOf := map[string]string{}
	for _, b := range graphdraw.Blocks(g) {
		for _, i := range b.Members {
			blockOf[g.Nodes[i].Name] = b.Name
		}
	}
	idx := make([]int, len(places))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return order[places[a].Name] - order[places[b].Name] })
	at := map[string]int{}
	for _, i := range idx {
		name := blockOf[places[i].Name]
		k, ok := at[name]
		// Places outside blocks keep their place in the graph's order:
		// the stem before the first block, the head after the last.
		if !ok || name == "" && k != len(p.groups)-1 {
			k = len(p.groups)
			at[name] = k
			p.groups = append(p.groups, placeGroup{name: name})
		}
		p.groups[k].places = append(p.groups[k].places, i)
	}
	p.checks = make([]*widget.Check, len(places))
	for i, pl := range places {
		p.checks[i] = widget.NewCheck(pickerLabel(pl), func(on bool) {
			f.layers[i] = on
			p.updateButton()
			f.redraw()
		})
		p.checks[i].Checked = f.layers[i]
	}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Search places by name (layer3, conv2, downsample…)")
	p.search.OnChanged = func(string) { p.filter() }
	p.list = container.NewVBox()
	p.filter()
	p.button = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), p.open)
	p.button.IconPlacement = widget.ButtonIconTrailingText
	p.updateButton()
	return p
}

// pickerLabel is a place's line in the picker: its number, name and shape.
func pickerLabel(p engine.Place) string {
	return fmt.Sprintf("%d  %s  ·  %d × %d × %d", p.Layer, p.Name, p.Height, p.Width, p.Channels)
}

// updateButton says on the button which places are shown.
func (p *placePicker) updateButton() {
	var names []string
	for i, on := range p.f.layers {
		if on {
			names = append(names, p.places[i].Name)
		}
	}
	text := "none shown; choose…"
	switch {
	case len(names) > 3:
		text = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more…", len(names)-3)
	case len(names) > 0:
		text = strings.Join(names, ", ") + "…"
	}
	p.button.SetText(text)
}

// filter lists the places whose name holds the search text, under the
// names of their blocks.
func (p *placePicker) filter() {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	var objs []fyne.CanvasObject
	for _, g := range p.groups {
		var rows []fyne.CanvasObject
		for _, i := range g.places {
			if q == "" || strings.Contains(strings.ToLower(p.places[i].Name), q) || strings.Contains(strings.ToLower(g.name), q) {
				rows = append(rows, p.checks[i])
			}
		}
		if len(rows) == 0 {
			continue
		}
		head := "outside blocks"
		if g.name != "" {
			head = "block " + g.name
		}
		objs = append(objs, widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		objs = append(objs, rows...)
	}
	if len(objs) == 0 {
		objs = append(objs, widget.NewLabel("No place's name holds “"+p.search.Text+"”."))
	}
	p.list.Objects = objs
	p.list.Refresh()
}

// open shows the picker in a dialog.
func (p *placePicker) open() {
	s := p.f.x.h
	scroll := container.NewVScroll(p.list)
	scroll.SetMinSize(fyne.NewSize(420*s.Zoom(), 480*s.Zoom()))
	content := container.NewBorder(p.search, nil, nil, nil, scroll)
	d := dialog.NewCustom("Places whose maps are shown", "Close", content, s.Window())
	d.Show()
	s.Window().Canvas().Focus(p.search)
}

func (f *featureMaps) options() mapOptions {
	o := mapOptions{layers: slices.Clone(f.layers), normalize: plots.PerMap, order: plots.ByIndex}
	if f.norm.Selected == normWholeLayer {
		o.normalize = plots.PerLayer
	}
	if f.order.Selected == orderByActive {
		o.order = plots.ByActivation
	}
	scale := f.x.h.PixelScale() * f.x.h.Zoom()
	o.legendPx = image.Pt(int(240*scale+0.5), int(20*scale+0.5))
	return o
}

// redraw draws the current image's maps again after a change of options.
func (f *featureMaps) redraw() {
	if e := f.x.current; e != nil {
		f.draw(e, false)
	}
}

// draw colours the maps of e in the background and then replaces the
// grids; with clear, the old grids go at once (they belong to another
// image).
func (f *featureMaps) draw(e *entry, clear bool) {
	f.gen++
	gen := f.gen
	s := f.x.h
	p := e.Answer(s.Model())
	if p == nil || len(p.Activations) == 0 {
		f.shown = nil
		msg := "The feature maps appear once the network has analysed the picture."
		if s.Model() == nil {
			msg = "No model is loaded, so there are no feature maps."
		}
		f.sections.Objects = []fyne.CanvasObject{widget.NewLabel(msg)}
		f.sections.Refresh()
		return
	}
	if clear {
		f.shown = nil
		f.sections.RemoveAll()
	}
	o := f.options()
	s.Busy.Add(1)
	go func() {
		views, err := renderLayers(p, o)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if gen != f.gen {
				return
			}
			if err != nil {
				f.sections.Objects = []fyne.CanvasObject{widget.NewLabel("The feature maps cannot be drawn: " + err.Error())}
				f.sections.Refresh()
				return
			}
			f.build(e, views)
		})
	}()
}

// build replaces the grids with views.
func (f *featureMaps) build(e *entry, views []*layerView) {
	z := f.x.h.Zoom()
	f.shown = views
	var objs []fyne.CanvasObject
	if len(views) == 0 {
		objs = append(objs, widget.NewLabel("Tick one or more layers to see their feature maps."))
	}
	for _, l := range views {
		a := l.act
		text := fmt.Sprintf("Layer %d: %d filters, maps of %d × %d", a.Layer, a.Channels, a.Width, a.Height)
		if f.picker != nil && a.Layer <= len(f.picker.places) {
			text = fmt.Sprintf("%s (place %d): %d maps of %d × %d", f.picker.places[a.Layer-1].Name, a.Layer, a.Channels, a.Width, a.Height)
		}
		title := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		legend := canvas.NewImageFromImage(l.legend)
		legend.SetMinSize(fyne.NewSize(240*z, 20*z))
		note := "colours: each map from its own lowest (0) to highest (1) value"
		if l.norm == plots.PerLayer {
			note = fmt.Sprintf("colours: one scale for the layer, %s to %s", formatValue(l.stats.Lo), formatValue(l.stats.Hi))
		}
		noteLabel := widget.NewLabel(note)
		noteLabel.TextStyle.Italic = true
		head := container.New(&widgets.FlowLayout{OnResize: f.x.relayout}, title, container.NewCenter(legend), noteLabel)

		side := float32(64)
		if a.Width >= 40 {
			side = 96
		}
		tiles := make([]fyne.CanvasObject, 0, len(l.order))
		for _, ch := range l.order {
			lv, ch := l, ch
			tiles = append(tiles, newMapTile(l.images[ch], ch+1, side*z, func() { f.enlarge(e, lv, ch) }))
		}
		grid := container.New(&widgets.FlowLayout{OnResize: f.x.relayout}, tiles...)
		objs = append(objs, head, grid, widget.NewSeparator())
	}
	f.sections.Objects = objs
	f.sections.Refresh()
	f.x.relayout()
}

// enlarge shows filter ch of layer l in a dialog with its values.
func (f *featureMaps) enlarge(e *entry, l *layerView, ch int) {
	s := f.x.h
	z := s.Zoom()
	a := l.act
	lo, hi := l.rangeOf(ch)
	big := canvas.NewImageFromImage(l.images[ch])
	big.ScaleMode = canvas.ImageScalePixels
	big.FillMode = canvas.ImageFillContain
	big.SetMinSize(fyne.NewSquareSize(360 * z))

	scale := s.PixelScale() * z
	legend := canvas.NewImageFromImage(plots.Legend(lo, hi, int(200*scale+0.5), int(20*scale+0.5)))
	legend.SetMinSize(fyne.NewSize(200*z, 20*z))
	f.info = widget.NewLabel(fmt.Sprintf("Layer %d, filter %d of %d\nMap of %d × %d values\nLowest value: %s\nHighest value: %s\nMean value: %s",
		a.Layer, ch+1, a.Channels, a.Width, a.Height,
		formatValue(l.stats.Min[ch]), formatValue(l.stats.Max[ch]), formatValue(l.stats.Mean[ch])))
	scaleNote := "Colours span this map's own range."
	if l.norm == plots.PerLayer {
		scaleNote = "Colours span the whole layer's range."
	}
	note := widget.NewLabel(scaleNote)
	note.TextStyle.Italic = true
	input := canvas.NewImageFromImage(e.Seen)
	input.ScaleMode = canvas.ImageScalePixels
	input.FillMode = canvas.ImageFillContain
	input.SetMinSize(fyne.NewSquareSize(128 * z))
	inputCap := widget.NewLabel("The network's input")
	inputCap.TextStyle.Italic = true
	// The collection view ranks its pictures by this filter's peak.
	excite := widget.NewButtonWithIcon("Pictures that excite this filter", theme.SearchIcon(), func() {
		f.dialog.Hide()
		f.x.filters.ShowFilter(a.Layer, ch+1)
	})
	// What it looks for, and how a value is computed (lookfor.go,
	// valueview.go).
	look := widget.NewButtonWithIcon("What it looks for", theme.VisibilityIcon(), func() { f.look = showLookForFilter(s, a.Layer, ch) })
	picker := newMapPicker(big, a.Width, a.Height, func(y, x int) { f.value = showValue(s, e, a.Layer, ch, y, x, lo, hi) })
	clickNote := widget.NewLabel("Click a cell: how its value is computed.")
	clickNote.TextStyle.Italic = true
	if a.Layer > len(s.Model().ConvLayers()) { // a graph's block: no filter of its own
		look.Disable()
		picker.pick = nil
		clickNote.Hide()
	}
	side := container.NewVBox(f.info, container.NewHBox(legend), note, clickNote, widget.NewSeparator(),
		container.NewHBox(input), inputCap, excite, look)
	content := container.NewHBox(picker, side)
	f.dialog = dialog.NewCustom(fmt.Sprintf("%s: layer %d, filter %d", e.Name, a.Layer, ch+1), "Close", content, s.Window())
	f.dialog.Show()
}

// formatValue writes an activation value with four significant digits.
func formatValue(v float32) string {
	if v == 0 {
		return "0" // not "-0"
	}
	return fmt.Sprintf("%.4g", v)
}

// mapTile is one feature map in a grid: the map, pixel-exact, over its
// filter number. Clicking it calls onTap.
type mapTile struct {
	widget.BaseWidget
	img   *canvas.Image
	num   *canvas.Text
	side  float32
	onTap func()
}

func newMapTile(img image.Image, number int, side float32, onTap func()) *mapTile {
	t := &mapTile{img: canvas.NewImageFromImage(img), num: canvas.NewText(fmt.Sprint(number), theme.Color(theme.ColorNameForeground)),
		side: side, onTap: onTap}
	t.img.ScaleMode = canvas.ImageScalePixels
	t.img.FillMode = canvas.ImageFillStretch
	t.num.Alignment = fyne.TextAlignCenter
	t.ExtendBaseWidget(t)
	return t
}

func (t *mapTile) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows a hand over maps, which can be clicked.
func (t *mapTile) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *mapTile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{t: t, frame: canvas.NewRectangle(color.Transparent)}
	r.frame.StrokeWidth = 1
	r.Refresh()
	return r
}

// tileRenderer draws a tile's map in a thin frame, so that a map with no
// response (all dark) still shows as a square, over its number.
type tileRenderer struct {
	t     *mapTile
	frame *canvas.Rectangle
}

func (r *tileRenderer) Layout(size fyne.Size) {
	t := r.t
	pos := fyne.NewPos((size.Width-t.side)/2, 0)
	t.img.Move(pos)
	t.img.Resize(fyne.NewSquareSize(t.side))
	r.frame.Move(pos.SubtractXY(1, 1))
	r.frame.Resize(fyne.NewSquareSize(t.side + 2))
	t.num.Move(fyne.NewPos(0, t.side))
	t.num.Resize(fyne.NewSize(size.Width, t.num.MinSize().Height))
}

func (r *tileRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.t.side, r.t.side+r.t.num.MinSize().Height)
}

func (r *tileRenderer) Refresh() {
	r.frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	r.frame.Refresh()
	r.t.num.Color = theme.Color(theme.ColorNameForeground)
	r.t.num.TextSize = theme.CaptionTextSize()
	r.t.num.Refresh()
	r.t.img.Refresh()
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.frame, r.t.img, r.t.num}
}

func (r *tileRenderer) Destroy() {}
