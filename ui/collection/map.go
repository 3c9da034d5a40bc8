package collection

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"github.com/artlens/artlens/atlas"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
)

// The map's layout and colour choices.
const (
	layoutUMAP = "UMAP"
	layoutTSNE = "t-SNE"
	layoutGrid = "Grid (UMAP's order)"

	colourPredicted = "predicted class"
	colourTruth     = "true class"
	colourRight     = "right or wrong"

	dragPan   = "pan"
	dragLasso = "lasso"
)

// mapSmall and mapLarge are the sides of the two copies of each thumbnail
// the map draws from: scaled once, so that a frame only copies pixels.
const (
	mapSmall = 16
	mapLarge = 48
)

// collectionMap is the Collection view's Map tab: every picture of the
// collection placed by how alike the network sees it (package atlas),
// drawn as thumbnails with a border of its class's colour; the clusters
// with their names, which the user may edit; a lasso that puts pictures
// into the table; a click that opens a picture in Explore.
type collectionMap struct {
	c *View

	m *atlas.Map
	// points are where the pictures are drawn (the map's, or the grid's);
	// items the items of each point (copies of a file share one).
	points []atlas.Point
	items  [][]*collection.Item
	small  []*image.RGBA
	large  []*image.RGBA
	// builtFor says which collection and layout m is for.
	builtFor string
	path     string
	cancel   context.CancelFunc
	building string // the key of the map being made
	gen      int
	saveAt   *time.Timer

	view        *mapCanvas
	layoutSel   *widget.Select
	colourSel   *widget.Select
	dragSel     *widget.RadioGroup
	status      *widget.Label
	progress    *widget.ProgressBar
	progressBox *fyne.Container
	legend      *fyne.Container
	clusters    *widget.List
	allBtn      *widget.Button
}

// newMapPanel is the side panel's Map tab.
func (c *View) newMapPanel() fyne.CanvasObject {
	p := &collectionMap{c: c}
	c.atlas = p
	p.view = newMapCanvas(p)
	p.legend = container.NewHBox()
	p.layoutSel = widget.NewSelect([]string{layoutUMAP, layoutTSNE, layoutGrid}, func(string) { p.layoutChanged() })
	p.layoutSel.SetSelected(layoutUMAP)
	p.colourSel = widget.NewSelect([]string{colourPredicted, colourTruth, colourRight}, func(string) {
		p.updateLegend()
		p.view.Refresh()
	})
	p.colourSel.SetSelected(colourPredicted)
	p.dragSel = widget.NewRadioGroup([]string{dragPan, dragLasso}, nil)
	p.dragSel.Horizontal = true
	p.dragSel.Required = true
	p.dragSel.SetSelected(dragPan)
	p.status = widget.NewLabel("")
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.progress = widget.NewProgressBar()
	stop := widget.NewButtonWithIcon("Stop", theme.CancelIcon(), p.stop)
	p.progressBox = container.NewBorder(nil, nil, nil, stop, p.progress)
	p.progressBox.Hide()
	p.allBtn = widget.NewButton("All in table", func() { c.pick(nil) })
	p.allBtn.Disable()
	fit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { p.view.fit() })
	table := widget.NewButtonWithIcon("Table", theme.ListIcon(), func() { c.showTable(!c.tableBox.Visible()) })
	p.clusters = widget.NewList(func() int {
		if p.m == nil {
			return 0
		}
		return len(p.m.Clusters)
	}, p.newClusterRow, p.updateClusterRow)
	p.clusters.OnSelected = func(id widget.ListItemID) {
		p.clusters.Unselect(id)
		if p.m != nil && id < len(p.m.Clusters) {
			p.view.zoomTo(p.points[p.m.Clusters[id].Rep], 4)
		}
	}
	bar := container.NewVBox(
		container.NewHBox(widget.NewLabel("Layout:"), p.layoutSel, widget.NewLabel("Colour:"), p.colourSel),
		container.NewHBox(widget.NewLabel("Drag:"), p.dragSel, fit, table, p.allBtn),
		p.legend, p.progressBox, p.status)
	// The clusters beside the map, which keeps the height.
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(260, 0))
	title := widget.NewLabel("Clusters: click to go there; edit a name to rename it.")
	title.Wrapping = fyne.TextWrapWord
	list := container.NewBorder(title, nil, nil, nil, container.NewStack(spacer, p.clusters))
	// Scrolled sideways rather than widening the side panel for the
	// other tabs.
	return container.NewBorder(container.NewHScroll(bar), nil, nil, list, p.view)
}

// method returns the layout method chosen and whether a grid is drawn.
func (p *collectionMap) method() (atlas.Method, bool) {
	switch p.layoutSel.Selected {
	case layoutTSNE:
		return atlas.TSNE, false
	case layoutGrid:
		return atlas.UMAP, true
	}
	return atlas.UMAP, false
}

// key says what the map is made for: the analysis, its pictures and the
// method.
func (p *collectionMap) key() string {
	method, _ := p.method()
	return fmt.Sprintf("%d %d %s", p.c.gen, len(p.c.items), method)
}

func (p *collectionMap) layoutChanged() {
	if p.view == nil {
		return // still being built
	}
	if p.m != nil && p.builtFor == p.key() {
		p.place()
		p.view.fit()
		return
	}
	p.update()
}

// reset forgets the map: the collection or the model changed.
func (p *collectionMap) reset() {
	p.stop()
	p.gen++
	p.m, p.points, p.items, p.small, p.large, p.builtFor = nil, nil, nil, nil, nil, ""
	p.clusters.Refresh()
	p.view.Refresh()
	p.status.SetText("")
}

// update makes the map of the collection if it is not made yet, when the
// Map tab shows and the analysis is done.
func (p *collectionMap) update() {
	c := p.c
	if c.side == nil || c.side.Selected() == nil || c.side.Selected().Text != "Map" {
		return
	}
	switch {
	case len(c.items) == 0:
		p.status.SetText("Open a folder: its pictures are placed here by how alike the network sees them.")
		return
	case c.running:
		p.status.SetText(fmt.Sprintf("The map is drawn once the analysis is done (%s so far).", pictures(len(c.items))))
		return
	case p.builtFor == p.key() || p.cancel != nil && p.building == p.key():
		return
	}
	p.compute()
}

// compute lays out the collection in the background, with progress, and
// shows it; Stop cancels it.
func (p *collectionMap) compute() {
	p.stop()
	c, s := p.c, p.c.h
	p.gen++
	gen := p.gen
	key := p.key()
	p.building = key
	method, _ := p.method()
	items := slices.Clone(c.items)
	classes := c.classes
	fingerprint := ""
	if c.model != nil {
		fingerprint = collection.Fingerprint(c.model)
	}
	path := ""
	if c.cache != nil {
		path = atlas.PathFor(c.cache, method)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.progress.SetValue(0)
	p.progressBox.Show()
	p.status.SetText(fmt.Sprintf("Placing %s by how alike the network sees them…", pictures(len(items))))
	s.Busy.Add(1)
	go func() {
		last := time.Now()
		m, cached, err := atlas.Open(ctx, path, fingerprint, items, classes, atlas.Options{Method: method}, func(pr atlas.Progress) {
			if time.Since(last) < 100*time.Millisecond {
				return
			}
			last = time.Now()
			f := pr.Fraction()
			s.Do(func() {
				if gen == p.gen {
					p.progress.SetValue(f)
				}
			})
		})
		var pts [][]*collection.Item
		var small, large []*image.RGBA
		if m != nil {
			pts, small, large = mapThumbs(m, items)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			if gen != p.gen {
				return
			}
			p.cancel = nil
			p.building = ""
			p.progressBox.Hide()
			switch {
			case m == nil && err == context.Canceled:
				p.status.SetText("Stopped. Choose a layout again to start over.")
				return
			case m == nil:
				p.status.SetText("")
				s.Notice.Post(host.NoticeError, "The map could not be made: "+err.Error())
				return
			case err != nil:
				s.Notice.Post(host.NoticeWarning, err.Error())
			}
			p.m, p.items, p.small, p.large, p.builtFor, p.path = m, pts, small, large, key, path
			how := "made"
			if cached {
				how = "kept from an earlier run"
			}
			p.status.SetText(fmt.Sprintf("%s placed (%s): scroll to zoom, drag to pan or draw a lasso, click a picture to open it.", pictures(len(m.Points)), how))
			p.place()
			p.clusters.Refresh()
			p.view.fit()
		})
	}()
}

// mapThumbs returns each point's items and its thumbnail at the map's two
// sizes.
func mapThumbs(m *atlas.Map, items []*collection.Item) ([][]*collection.Item, []*image.RGBA, []*image.RGBA) {
	of := make([][]*collection.Item, len(m.Points))
	for _, it := range items {
		if i, ok := m.Index(it.Hash); ok {
			of[i] = append(of[i], it)
		}
	}
	small := make([]*image.RGBA, len(of))
	large := make([]*image.RGBA, len(of))
	for i, its := range of {
		if len(its) == 0 {
			continue
		}
		t := its[0].Thumbnail()
		if t == nil {
			continue
		}
		small[i] = scaleTo(t, mapSmall, xdraw.ApproxBiLinear)
		large[i] = scaleTo(t, mapLarge, xdraw.CatmullRom)
	}
	return of, small, large
}

// scaleTo returns img scaled so that its longer side is side pixels.
func scaleTo(img image.Image, side int, s xdraw.Scaler) *image.RGBA {
	b := img.Bounds()
	w, h := side, side
	if b.Dx() >= b.Dy() {
		h = max(1, b.Dy()*side/max(1, b.Dx()))
	} else {
		w = max(1, b.Dx()*side/max(1, b.Dy()))
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	s.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

// place sets where the points are drawn: the map's places or the grid.
func (p *collectionMap) place() {
	if p.m == nil {
		return
	}
	p.points = p.m.Points
	if _, grid := p.method(); grid {
		p.points, _ = atlas.Grid(p.m.Points)
	}
	p.updateLegend()
}

// stop cancels the layout in progress, if any.
func (p *collectionMap) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
		p.building = ""
	}
}

// colour returns the border colour of point i.
func (p *collectionMap) colour(i int) color.NRGBA {
	its := p.items[i]
	if len(its) == 0 {
		return plots.ClassColor(-1)
	}
	it := its[0]
	if col, ok := p.c.cat.mapColour(it, p.colourSel.Selected); ok {
		return col
	}
	switch p.colourSel.Selected {
	case colourTruth:
		return plots.ClassColor(it.Truth)
	case colourRight:
		switch p.c.rank(it) {
		case 1:
			return plots.RightColor
		case 0:
			return plots.WrongColor
		}
		return plots.ClassColor(-1)
	}
	return plots.ClassColor(it.Class)
}

// updateLegend shows what the colours mean.
func (p *collectionMap) updateLegend() {
	type entry struct {
		c    color.NRGBA
		text string
	}
	var entries []entry
	fields, byField := p.c.cat.legend(p.colourSel.Selected)
	for _, e := range fields {
		entries = append(entries, entry{e.c, e.text})
	}
	switch {
	case byField:
	case p.colourSel.Selected == colourRight:
		entries = []entry{{plots.RightColor, "right"}, {plots.WrongColor, "wrong"}, {plots.ClassColor(-1), "no true class"}}
	default:
		for i, name := range p.c.classes {
			entries = append(entries, entry{plots.ClassColor(i), name})
		}
		if p.colourSel.Selected == colourTruth {
			entries = append(entries, entry{plots.ClassColor(-1), "none"})
		}
	}
	p.legend.Objects = nil
	for _, e := range entries {
		sw := canvas.NewRectangle(e.c)
		sw.SetMinSize(fyne.NewSize(12, 12))
		p.legend.Add(container.NewHBox(container.NewCenter(sw), widget.NewLabel(e.text)))
	}
	p.legend.Refresh()
}

func (p *collectionMap) newClusterRow() fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(32, 32))
	name := widget.NewEntry()
	size := widget.NewLabel("")
	return container.NewBorder(nil, nil, img, size, name)
}

func (p *collectionMap) updateClusterRow(id widget.ListItemID, o fyne.CanvasObject) {
	if p.m == nil || id >= len(p.m.Clusters) {
		return
	}
	cl := p.m.Clusters[id]
	box := o.(*fyne.Container)
	name := box.Objects[0].(*widget.Entry)
	img := box.Objects[1].(*canvas.Image)
	size := box.Objects[2].(*widget.Label)
	if its := p.items[cl.Rep]; len(its) > 0 {
		img.Image = p.large[cl.Rep]
	} else {
		img.Image = nil
	}
	img.Refresh()
	size.SetText(pictures(cl.Size))
	name.OnChanged = nil
	name.SetText(cl.Name)
	name.OnChanged = func(text string) { p.rename(id, text) }
}

// rename gives cluster i a name, shows it and saves the map soon after
// (one write for a burst of typing).
func (p *collectionMap) rename(i int, name string) {
	if p.m == nil || p.m.Rename(i, name, p.c.classes) != nil {
		return
	}
	p.view.Refresh()
	if p.saveAt != nil {
		p.saveAt.Stop()
	}
	p.saveAt = time.AfterFunc(400*time.Millisecond, func() { p.c.h.Do(p.save) })
}

// save writes the map with its names beside the collection cache, in the
// background, from a copy of what may change.
func (p *collectionMap) save() {
	if p.m == nil || p.path == "" {
		return
	}
	snap := *p.m
	snap.Clusters = slices.Clone(p.m.Clusters)
	path, s := p.path, p.c.h
	s.Busy.Add(1)
	go func() {
		err := snap.Save(path)
		s.Do(func() {
			s.Busy.Add(-1)
			if err != nil {
				s.Notice.Post(host.NoticeWarning, err.Error())
			}
		})
	}()
}

// pick shows in the table only items (all of them when nil), and says so.
func (c *View) pick(items []*collection.Item) {
	if items == nil {
		c.filter.picked = nil
		c.atlas.allBtn.Disable()
	} else {
		c.filter.picked = make(map[*collection.Item]bool, len(items))
		for _, it := range items {
			c.filter.picked[it] = true
		}
		c.atlas.allBtn.Enable()
		c.showTable(true)
		c.h.Notice.Post(host.NoticeInfo, fmt.Sprintf("The table shows the %s drawn around on the map (and the other filters).", pictures(len(items)))+c.cat.lassoed(items))
	}
	c.refreshTable()
}

// showTable shows the table beside the side panel, or hides it so that
// the side panel (the map) has the whole width.
func (c *View) showTable(on bool) {
	if on == c.tableBox.Visible() {
		return
	}
	if on {
		c.tableBox.Show()
	} else {
		c.tableBox.Hide()
	}
	c.split.Refresh()
}

// mapCanvas draws the map: only the pictures in view, into one raster,
// with the clusters' names over it. Scrolling zooms about the pointer,
// dragging pans or draws a lasso, a click opens a picture.
type mapCanvas struct {
	widget.BaseWidget
	p *collectionMap
	// centre is the map point at the middle of the view; scale the
	// view's units per map unit (0: fit the map to the view).
	centre atlas.Point
	scale  float64
	lasso  []atlas.Point
	box    pointsBox
	buf    *image.RGBA
	raster *canvas.Raster
	labels *fyne.Container
}

func newMapCanvas(p *collectionMap) *mapCanvas {
	v := &mapCanvas{p: p, centre: atlas.Point{X: 0.5, Y: 0.5}}
	v.raster = canvas.NewRaster(v.draw)
	v.labels = container.NewWithoutLayout()
	v.ExtendBaseWidget(v)
	return v
}

func (v *mapCanvas) CreateRenderer() fyne.WidgetRenderer {
	return &mapRenderer{v: v, objects: []fyne.CanvasObject{v.raster, v.labels}}
}

func (v *mapCanvas) MinSize() fyne.Size { return fyne.NewSize(200, 200) }

type mapRenderer struct {
	v       *mapCanvas
	objects []fyne.CanvasObject
}

func (r *mapRenderer) Layout(size fyne.Size) {
	r.v.raster.Resize(size)
	r.v.labels.Resize(size)
	r.v.placeLabels()
}
func (r *mapRenderer) MinSize() fyne.Size { return r.v.MinSize() }
func (r *mapRenderer) Refresh() {
	r.v.placeLabels()
	r.v.raster.Refresh()
}
func (r *mapRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *mapRenderer) Destroy()                     {}

// bounds returns the centre and the width and height of the box around
// the points drawn (the unit square when there are none).
func (v *mapCanvas) bounds() (centre atlas.Point, w, h float64) {
	pts := v.p.points
	if len(pts) == 0 {
		return atlas.Point{X: 0.5, Y: 0.5}, 1, 1
	}
	// Every point's place in the fitted view needs the box: kept for the
	// points it was made for, so that a frame, a hit test or a label is
	// not a pass over all the points for each point.
	if b := &v.box; b.n == len(pts) && b.first == &pts[0] {
		return b.centre, b.w, b.h
	}
	centre, w, h = boxOf(pts)
	v.box = pointsBox{first: &pts[0], n: len(pts), centre: centre, w: w, h: h}
	return centre, w, h
}

// pointsBox is the box around a set of points, and which set it is.
type pointsBox struct {
	first  *atlas.Point
	n      int
	centre atlas.Point
	w, h   float64
}

// boxOf returns the centre and the width and height (at least 0.05) of
// the box around pts (not empty).
func boxOf(pts []atlas.Point) (centre atlas.Point, w, h float64) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, x1 = min(x0, p.X), max(x1, p.X)
		y0, y1 = min(y0, p.Y), max(y1, p.Y)
	}
	return atlas.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, max(x1-x0, 0.05), max(y1-y0, 0.05)
}

// fitScale is the scale at which all the points fit the view, with room
// for the thumbnails at the edges.
func (v *mapCanvas) fitScale() float64 {
	s := v.Size()
	_, bw, bh := v.bounds()
	return 0.9 * min(float64(s.Width)/bw, float64(s.Height)/bh)
}

// current returns the map point at the view's centre and the scale.
func (v *mapCanvas) current() (atlas.Point, float64) {
	if v.scale <= 0 {
		c, _, _ := v.bounds()
		return c, v.fitScale()
	}
	return v.centre, v.scale
}

func (v *mapCanvas) currentScale() float64 {
	_, sc := v.current()
	return sc
}

// fit shows all the points.
func (v *mapCanvas) fit() {
	v.scale = 0
	v.Refresh()
}

// zoomTo centres the view on pt, zoom times the fitting scale.
func (v *mapCanvas) zoomTo(pt atlas.Point, zoom float64) {
	v.centre, v.scale = pt, zoom*v.fitScale()
	v.Refresh()
}

// toView returns where map point pt lies in the view, in units.
func (v *mapCanvas) toView(pt atlas.Point) fyne.Position {
	s := v.Size()
	c, sc := v.current()
	return fyne.NewPos(float32((pt.X-c.X)*sc)+s.Width/2, float32((pt.Y-c.Y)*sc)+s.Height/2)
}

// toMap returns the map point at view position pos.
func (v *mapCanvas) toMap(pos fyne.Position) atlas.Point {
	s := v.Size()
	c, sc := v.current()
	return atlas.Point{X: c.X + float64(pos.X-s.Width/2)/sc, Y: c.Y + float64(pos.Y-s.Height/2)/sc}
}

// thumbSide is the side of a thumbnail in view units: about the room each
// picture has when the map fits the view, growing as one zooms in, up to
// 96 units.
func (v *mapCanvas) thumbSide() float64 {
	n := max(1, len(v.p.points))
	_, bw, bh := v.bounds()
	fs := v.fitScale()
	base := max(6, min(40, 1.2*fs*math.Sqrt(bw*bh/float64(n))))
	return min(96, base*v.currentScale()/max(1, fs))
}

// draw renders the pictures in view into a w×h pixel image.
func (v *mapCanvas) draw(w, h int) image.Image {
	if v.buf == nil || v.buf.Bounds().Dx() != w || v.buf.Bounds().Dy() != h {
		v.buf = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	img := v.buf
	bg := v.p.c.h.ChartTheme().Background
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	p := v.p
	size := v.Size()
	if p.m == nil || size.Width <= 0 {
		return img
	}
	px := float64(w) / float64(size.Width) // pixels per unit
	side := v.thumbSide() * px
	line := max(1, int(side/20))
	for i, pt := range p.points {
		pos := v.toView(pt)
		cx, cy := float64(pos.X)*px, float64(pos.Y)*px
		if cx < -side || cy < -side || cx > float64(w)+side || cy > float64(h)+side {
			continue
		}
		src := p.small[i]
		if side > mapSmall*1.25 || src == nil {
			src = p.large[i]
		}
		var r image.Rectangle
		if src != nil {
			b := src.Bounds()
			dw, dh := side, side
			if b.Dx() >= b.Dy() {
				dh = side * float64(b.Dy()) / float64(b.Dx())
			} else {
				dw = side * float64(b.Dx()) / float64(b.Dy())
			}
			r = image.Rect(int(cx-dw/2), int(cy-dh/2), int(cx+dw/2), int(cy+dh/2))
			if r.Dx() < 1 || r.Dy() < 1 {
				r.Max = r.Min.Add(image.Pt(1, 1))
			}
			xdraw.NearestNeighbor.Scale(img, r, src, b, draw.Src, nil)
		} else {
			r = image.Rect(int(cx-side/2), int(cy-side/2), int(cx+side/2), int(cy+side/2))
		}
		border(img, r, line, image.NewUniform(p.colour(i)))
	}
	if len(v.lasso) > 1 {
		c := image.NewUniform(theme.Color(theme.ColorNamePrimary))
		for k := range v.lasso {
			a, b := v.toView(v.lasso[k]), v.toView(v.lasso[(k+1)%len(v.lasso)])
			segment(img, float64(a.X)*px, float64(a.Y)*px, float64(b.X)*px, float64(b.Y)*px, max(1, int(px)), c)
		}
	}
	return img
}

// border draws a frame of width line around r.
func border(img *image.RGBA, r image.Rectangle, line int, c image.Image) {
	o := r.Inset(-line)
	for _, s := range []image.Rectangle{
		{o.Min, image.Pt(o.Max.X, r.Min.Y)}, {image.Pt(o.Min.X, r.Max.Y), o.Max},
		{image.Pt(o.Min.X, r.Min.Y), image.Pt(r.Min.X, r.Max.Y)}, {image.Pt(r.Max.X, r.Min.Y), image.Pt(o.Max.X, r.Max.Y)},
	} {
		draw.Draw(img, s, c, image.Point{}, draw.Src)
	}
}

// segment draws a line of width wd from (x0,y0) to (x1,y1).
func segment(img *image.RGBA, x0, y0, x1, y1 float64, wd int, c image.Image) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for k := 0; k <= n; k++ {
		t := float64(k) / float64(n)
		x, y := int(x0+(x1-x0)*t), int(y0+(y1-y0)*t)
		draw.Draw(img, image.Rect(x, y, x+wd, y+wd), c, image.Point{}, draw.Src)
	}
}

// placeLabels writes each cluster's name at its representative picture.
func (v *mapCanvas) placeLabels() {
	p := v.p
	v.labels.Objects = nil
	if p.m == nil {
		v.labels.Refresh()
		return
	}
	size := v.Size()
	// The largest clusters first; a name that would cover one already
	// written is left out until one zooms in.
	order := make([]int, len(p.m.Clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return p.m.Clusters[b].Size - p.m.Clusters[a].Size })
	var taken []fyne.Position // top-left and bottom-right corners, in pairs
	for _, ci := range order {
		cl := p.m.Clusters[ci]
		pos := v.toView(p.points[cl.Rep])
		if pos.X < 0 || pos.Y < 0 || pos.X > size.Width || pos.Y > size.Height {
			continue
		}
		t := canvas.NewText(cl.Name, theme.Color(theme.ColorNameForeground))
		t.TextStyle.Bold = true
		ts := t.MinSize()
		at := fyne.NewPos(pos.X-ts.Width/2, pos.Y-ts.Height/2)
		lo, hi := at.Subtract(fyne.NewPos(4, 1)), at.Add(fyne.NewPos(ts.Width+4, ts.Height+1))
		covers := false
		for k := 0; k < len(taken); k += 2 {
			if lo.X < taken[k+1].X && taken[k].X < hi.X && lo.Y < taken[k+1].Y && taken[k].Y < hi.Y {
				covers = true
				break
			}
		}
		if covers {
			continue
		}
		taken = append(taken, lo, hi)
		bg := theme.Color(theme.ColorNameBackground)
		r, g, b, _ := bg.RGBA()
		plate := canvas.NewRectangle(color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xd0})
		plate.CornerRadius = 3
		plate.Move(lo)
		plate.Resize(fyne.NewSize(hi.X-lo.X, hi.Y-lo.Y))
		t.Move(at)
		t.Resize(ts)
		v.labels.Add(plate)
		v.labels.Add(t)
	}
	v.labels.Refresh()
}

// at returns the point drawn under view position pos (the one drawn last,
// on top), or -1.
func (v *mapCanvas) at(pos fyne.Position) int {
	half := float32(v.thumbSide() / 2)
	for i := len(v.p.points) - 1; i >= 0; i-- {
		q := v.toView(v.p.points[i])
		if pos.X >= q.X-half && pos.X <= q.X+half && pos.Y >= q.Y-half && pos.Y <= q.Y+half {
			return i
		}
	}
	return -1
}

// Scrolled zooms about the pointer.
func (v *mapCanvas) Scrolled(ev *fyne.ScrollEvent) {
	if v.p.m == nil {
		return
	}
	under := v.toMap(ev.Position)
	fs := v.fitScale()
	sc := v.currentScale() * math.Exp(float64(ev.Scrolled.DY)/200)
	sc = max(0.5*fs, min(200*fs, sc))
	s := v.Size()
	v.scale = sc
	v.centre = atlas.Point{X: under.X - float64(ev.Position.X-s.Width/2)/sc, Y: under.Y - float64(ev.Position.Y-s.Height/2)/sc}
	v.Refresh()
}

// Dragged pans, or draws the lasso.
func (v *mapCanvas) Dragged(ev *fyne.DragEvent) {
	if v.p.m == nil {
		return
	}
	if v.p.dragSel.Selected == dragLasso {
		v.lasso = append(v.lasso, v.toMap(ev.Position))
		v.raster.Refresh()
		return
	}
	c, sc := v.current()
	v.centre, v.scale = c, sc
	v.centre.X -= float64(ev.Dragged.DX) / sc
	v.centre.Y -= float64(ev.Dragged.DY) / sc
	v.Refresh()
}

// DragEnd puts the pictures inside the lasso into the table.
func (v *mapCanvas) DragEnd() {
	if len(v.lasso) < 3 {
		v.lasso = nil
		v.raster.Refresh()
		return
	}
	var picked []*collection.Item
	for i, pt := range v.p.points {
		if inside(v.lasso, pt) {
			picked = append(picked, v.p.items[i]...)
		}
	}
	v.lasso = nil
	v.raster.Refresh()
	v.p.c.pick(picked)
}

// inside reports whether pt is inside the polygon (even-odd rule).
func inside(poly []atlas.Point, pt atlas.Point) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.Y > pt.Y) != (b.Y > pt.Y) && pt.X < (b.X-a.X)*(pt.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

// Tapped opens the picture clicked in Explore.
func (v *mapCanvas) Tapped(ev *fyne.PointEvent) {
	if v.p.m == nil {
		return
	}
	if i := v.at(ev.Position); i >= 0 && len(v.p.items[i]) > 0 {
		v.p.c.openInExplore(v.p.items[i][0])
	}
}

// MouseMoved names the picture under the pointer.
func (v *mapCanvas) MouseMoved(ev *desktop.MouseEvent) {
	if v.p.m == nil {
		return
	}
	i := v.at(ev.Position)
	if i < 0 || len(v.p.items[i]) == 0 {
		return
	}
	it := v.p.items[i][0]
	c := v.p.c
	text := filepath.Base(it.Path) + ": " + c.itemAnswer(it) // labels.go
	if it.Truth >= 0 {
		text += ", true " + className2(c.classes, it.Truth)
	}
	if n := len(v.p.items[i]); n > 1 {
		text += fmt.Sprintf(" (%d copies)", n)
	}
	v.p.status.SetText(text + " · " + v.p.m.Clusters[v.p.m.Of[i]].Name)
}

func (v *mapCanvas) MouseIn(*desktop.MouseEvent) {}
func (v *mapCanvas) MouseOut()                   {}
