package live

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/featviz"
	"github.com/artlens/artlens/frames"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/widgets"
)

// Host is what the view needs of the window around it.
type Host interface {
	// Window is the window the view's dialogs open on.
	Window() fyne.Window
	// Model is the model the window has open (nil: none).
	Model() *engine.Model
	// Show opens img in the window's view ("explore", "explain" or
	// "value") as a picture named name.
	Show(view, name string, img image.Image)
}

// TopPictures is a Host that knows a collection: the k pictures whose
// maps of filter (from 0) of place layer (from 1) peak highest.
type TopPictures interface {
	TopPictures(layer, filter, k int) []image.Image
}

// Options set the view up.
type Options struct {
	// Source is opened at once when set (see frames.Open).
	Source string
	// FPS is a folder's slide show speed (1 when 0).
	FPS float64
	// Frames and OnFrames: OnFrames is called once (on the UI goroutine)
	// when Frames frames have been shown; for --screenshot.
	Frames   int
	OnFrames func()
	// FollowLayer and FollowFilter (from 1 both), when set, follow that
	// filter from the start (for screenshots and demonstrations).
	FollowLayer, FollowFilter int
}

// barsShown is how many classes have bars: all of a model of a few, the
// most probable of more.
const barsShown = 6

// View is the live view.
type View struct {
	host Host
	opt  Options

	content            fyne.CanvasObject
	source             *widget.SelectEntry
	startBtn, pauseBtn *widget.Button
	sendBtns           []*widget.Button
	saveBtn            *widget.Button
	fps, status        *widget.Label
	answer             *widget.Label
	frameImg, camImg   *canvas.Image
	barNames           []*widget.Label
	bars               []*widget.ProgressBar
	barValues          []*widget.Label // each bar's value, beside it
	barRows            []fyne.CanvasObject
	layersBtn          *widget.Button
	sections           *fyne.Container
	grids              []*mapGrid
	gridTitles         []*widget.Label

	follow      *fyne.Container
	followTitle *widget.Label
	followMap   *canvas.Image
	followViz   *canvas.Image
	followText  *widget.Label
	followTop   *fyne.Container
	vizCancel   context.CancelFunc

	// Only the UI goroutine touches what follows.
	model    *engine.Model
	layers   []int // places shown, from 1
	cancel   context.CancelFunc
	gen      int
	last     *frames.Result // the latest frame shown (the frozen one when paused)
	shown    int
	fired    bool                        // OnFrames was called
	vizDone  bool                        // the followed filter's visualization is drawn
	followed struct{ layer, filter int } // layer 0: none
	paused   atomic.Bool

	// mu guards what the loop's goroutine reads and hands over.
	mu         sync.Mutex
	snapLayers []int
	snapFollow struct{ layer, filter int }
	pending    *update
}

var vizCache featviz.Cache

// New builds the view for h.
func New(h Host, opt Options) *View {
	v := &View{host: h, opt: opt}
	v.source = widget.NewSelectEntry(nil)
	v.source.PlaceHolder = "camera, camera:N, a video file (GIF, Motion-JPEG AVI) or a folder"
	v.source.SetText(opt.Source)
	v.source.OnSubmitted = func(s string) { v.Start(s) }
	v.startBtn = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), func() {
		if v.cancel != nil {
			v.Stop()
			return
		}
		v.Start(v.source.Text)
	})
	open := widget.NewButtonWithIcon("Video…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			r.Close()
			v.source.SetText(r.URI().Path())
			v.Start(r.URI().Path())
		}, h.Window())
		d.Show()
	})
	folder := widget.NewButtonWithIcon("Folder…", theme.FolderIcon(), func() {
		dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err != nil || l == nil {
				return
			}
			v.source.SetText(l.Path())
			v.Start(l.Path())
		}, h.Window()).Show()
	})
	v.pauseBtn = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), v.TogglePause)
	v.saveBtn = widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), v.saveDialog)
	for _, s := range []struct{ label, view string }{{"Explore", "explore"}, {"Explain", "explain"}, {"Values", "value"}} {
		view := s.view
		v.sendBtns = append(v.sendBtns, widget.NewButton(s.label, func() { v.send(view) }))
	}
	v.layersBtn = widget.NewButton("Layers…", v.chooseLayers)
	v.fps = widget.NewLabel("")
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.Importance = widget.DangerImportance

	v.frameImg = canvas.NewImageFromImage(nil)
	v.camImg = canvas.NewImageFromImage(nil)
	for _, img := range []*canvas.Image{v.frameImg, v.camImg} {
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(240, 180))
	}
	v.answer = widget.NewLabelWithStyle("—", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.answer.SizeName = theme.SizeNameHeadingText
	bars := container.New(newBarLayout())
	// The value is written beside its bar, not on it, as Explore's bars
	// (widgets.NewValueBar): no one colour reads on both a bar and its
	// paler track.
	valueW := fyne.MeasureText("100.0%", theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
	for range barsShown {
		name, bar, value := widget.NewLabel(""), widget.NewProgressBar(), widget.NewLabel("")
		bar.TextFormatter = func() string { return "" }
		value.Alignment = fyne.TextAlignTrailing
		row := container.NewBorder(nil, nil, nil, widgets.NewSizedBoxW(value, valueW), bar)
		v.barNames, v.bars = append(v.barNames, name), append(v.bars, bar)
		v.barValues, v.barRows = append(v.barValues, value), append(v.barRows, row)
		bars.Add(name)
		bars.Add(row)
	}
	caption := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.TextStyle.Italic = true
		return l
	}
	camCaption := caption("Grad-CAM: where the evidence for the answer lies")
	camCaption.Wrapping = fyne.TextWrapWord
	left := container.NewVBox(
		container.NewGridWithColumns(2,
			container.NewBorder(caption("The picture as it comes"), nil, nil, nil, v.frameImg),
			container.NewBorder(camCaption, nil, nil, nil, v.camImg)),
		v.answer, bars)

	v.sections = container.NewVBox()
	v.followTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.followMap = canvas.NewImageFromImage(nil)
	v.followViz = canvas.NewImageFromImage(nil)
	for _, img := range []*canvas.Image{v.followMap, v.followViz} {
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSize(200, 200))
	}
	v.followViz.ScaleMode = canvas.ImageScaleSmooth
	v.followText = widget.NewLabel("")
	v.followText.Wrapping = fyne.TextWrapWord
	v.followTop = container.NewHBox()
	unfollow := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { v.Follow(0, 0) })
	v.follow = container.NewVBox(container.NewBorder(nil, nil, nil, unfollow, v.followTitle),
		container.NewGridWithColumns(2,
			container.NewVBox(caption("What it sees now"), v.followMap),
			container.NewVBox(caption("What it looks for"), v.followViz)),
		v.followText, v.followTop)
	v.follow.Hide()
	hint := caption("Each square is one filter's map of the frame, bright where it responds. Click one to follow it large.")
	hint.Wrapping = fyne.TextWrapWord
	right := container.NewVBox(container.NewHBox(widget.NewLabelWithStyle("Feature maps", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.layersBtn),
		hint, v.follow, v.sections)

	bar := container.NewBorder(nil, nil, nil,
		container.NewHBox(v.startBtn, open, folder, widget.NewSeparator(), v.pauseBtn, v.saveBtn,
			widget.NewLabel("Open in:"), v.sendBtns[0], v.sendBtns[1], v.sendBtns[2], v.fps),
		v.source)
	split := container.NewHSplit(container.NewVScroll(left), container.NewVScroll(right))
	split.Offset = 0.4
	v.content = container.NewBorder(bar, v.status, nil, nil, split)
	v.setButtons()
	v.ModelChanged()
	v.listCameras()
	if opt.FollowLayer > 0 && v.model != nil && opt.FollowLayer <= len(v.model.Places()) {
		if !slices.Contains(v.layers, opt.FollowLayer) {
			v.layers = append(v.layers, opt.FollowLayer)
			sort.Ints(v.layers)
			v.buildSections()
		}
		v.Follow(opt.FollowLayer, max(0, opt.FollowFilter-1))
	}
	if opt.Source != "" {
		v.Start(opt.Source)
	}
	return v
}

// Content is the view's root object.
func (v *View) Content() fyne.CanvasObject { return v.content }

// listCameras offers the cameras found in the source's list (off the UI
// goroutine: opening each device takes a moment).
func (v *View) listCameras() {
	go func() {
		cams, _ := frames.Cameras()
		opts := []string{}
		for i, c := range cams {
			opts = append(opts, "camera:"+strconv.Itoa(i)+"  ("+c.Name+")")
		}
		if len(opts) == 0 {
			opts = append(opts, "camera")
		}
		fyne.Do(func() { v.source.SetOptions(opts) })
	}()
}

// ModelChanged shows the host's model: its default layers, and the live
// loop restarted on it.
func (v *View) ModelChanged() {
	v.model = v.host.Model()
	v.layers = nil
	if v.model != nil {
		v.layers = frames.DefaultLayers(v.model)
	}
	v.Follow(0, 0)
	v.buildSections()
	if v.cancel != nil {
		v.Start(v.source.Text)
	}
}

// placeName names place l of the model for a title.
func (v *View) placeName(l int) string {
	if v.model == nil || l < 1 || l > len(v.model.Places()) {
		return fmt.Sprintf("layer %d", l)
	}
	p := v.model.Places()[l-1]
	if p.Conv && len(v.model.Places()) == len(v.model.ConvLayers()) {
		return fmt.Sprintf("Conv layer %d (%d filters)", l, p.Channels)
	}
	return fmt.Sprintf("%s (%d, %d filters)", p.Name, l, p.Channels)
}

func (v *View) buildSections() {
	v.snapshot()
	v.sections.RemoveAll()
	v.grids, v.gridTitles = nil, nil
	for _, l := range v.layers {
		l := l
		title := widget.NewLabel(v.placeName(l))
		grid := newMapGrid(func(f int) { v.Follow(l, f) })
		v.grids, v.gridTitles = append(v.grids, grid), append(v.gridTitles, title)
		v.sections.Add(title)
		v.sections.Add(container.NewHBox(grid))
	}
	v.sections.Refresh()
	if v.last != nil {
		v.showResult(v.last, v.render(v.last))
	}
}

// chooseLayers lets the user tick the places whose maps are shown.
func (v *View) chooseLayers() {
	if v.model == nil {
		return
	}
	var names []string
	byName := map[string]int{}
	var selected []string
	for _, p := range v.model.Places() {
		n := v.placeName(p.Layer)
		names = append(names, n)
		byName[n] = p.Layer
		for _, l := range v.layers {
			if l == p.Layer {
				selected = append(selected, n)
			}
		}
	}
	group := widget.NewCheckGroup(names, nil)
	group.Selected = selected
	scroll := container.NewVScroll(group)
	scroll.SetMinSize(fyne.NewSize(320, 360))
	dialog.ShowCustomConfirm("Layers shown", "Show", "Cancel", scroll, func(ok bool) {
		if !ok || len(group.Selected) == 0 {
			return
		}
		v.layers = v.layers[:0]
		for _, n := range group.Selected {
			v.layers = append(v.layers, byName[n])
		}
		sort.Ints(v.layers)
		v.buildSections()
	}, v.host.Window())
}

// Start opens spec and runs the loop on it, in place of what ran before.
// A source that cannot be opened, or fails later, is a line at the bottom.
func (v *View) Start(spec string) {
	v.Stop()
	spec = strings.TrimSpace(spec)
	if i := strings.Index(spec, "  ("); i > 0 {
		spec = spec[:i] // "camera:0  (its name)" from the list
	}
	if v.model == nil {
		v.setStatus("No model is open.")
		return
	}
	v.setStatus("")
	v.paused.Store(false)
	v.gen++
	gen := v.gen
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	v.setButtons()
	m := v.model
	all := make([]int, len(m.Places()))
	for i := range all {
		all[i] = i + 1
	}
	opt := v.opt
	go func() {
		src, err := frames.Open(spec, frames.Options{FPS: opt.FPS})
		if err != nil {
			fyne.Do(func() { v.ended(gen, err) })
			return
		}
		defer src.Close()
		fyne.Do(func() {
			if gen == v.gen {
				v.fps.SetText(src.Name())
			}
		})
		_, err = frames.Run(ctx, m, src, frames.LoopOptions{Layers: all, Paused: v.paused.Load}, func(r *frames.Result) {
			v.mu.Lock()
			layers, follow := v.snapLayers, v.snapFollow
			v.mu.Unlock()
			images := render(r, layers, follow.layer, follow.filter)
			// The window shows the latest frame drawn: a frame still
			// waiting for the UI goroutine is replaced, not queued, and
			// the loop goes on with the next meanwhile.
			v.mu.Lock()
			waiting := v.pending != nil
			v.pending = &update{gen: gen, r: r, images: images}
			v.mu.Unlock()
			if !waiting {
				fyne.Do(v.applyPending)
			}
		})
		if ctx.Err() != nil {
			err = nil
		}
		fyne.Do(func() { v.ended(gen, err) })
	}()
}

// ended marks the loop of generation gen as finished, with err's line.
func (v *View) ended(gen int, err error) {
	if gen != v.gen {
		return
	}
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	if err != nil {
		v.setStatus(err.Error())
	}
	v.setButtons()
}

// Stop ends the loop (the camera is released once its last frame is
// done); the last frame stays on screen.
func (v *View) Stop() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.gen++
	v.setButtons()
}

func (v *View) setStatus(s string) {
	v.status.SetText(s)
}

func (v *View) setButtons() {
	if v.cancel != nil {
		v.startBtn.SetText("Stop")
		v.startBtn.SetIcon(theme.MediaStopIcon())
	} else {
		v.startBtn.SetText("Start")
		v.startBtn.SetIcon(theme.MediaPlayIcon())
	}
	if v.paused.Load() {
		v.pauseBtn.SetText("Resume")
		v.pauseBtn.SetIcon(theme.MediaPlayIcon())
	} else {
		v.pauseBtn.SetText("Pause")
		v.pauseBtn.SetIcon(theme.MediaPauseIcon())
	}
	frozen := v.last != nil && (v.paused.Load() || v.cancel == nil)
	for _, b := range append([]*widget.Button{v.saveBtn}, v.sendBtns...) {
		if frozen {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// TogglePause freezes the frame on screen, or lets the frames come again.
func (v *View) TogglePause() {
	v.paused.Store(!v.paused.Load())
	if v.paused.Load() {
		v.fps.SetText("paused")
	}
	v.setButtons()
}

// Paused reports whether the view is frozen on a frame.
func (v *View) Paused() bool { return v.paused.Load() }

// Key handles the view's keys (space: pause); it reports whether the key
// was one. The window calls it while the view is shown.
func (v *View) Key(k fyne.KeyName) bool {
	if k == fyne.KeySpace {
		v.TogglePause()
		return true
	}
	return false
}

// frameName names the frozen frame for the other views and the file.
func (v *View) frameName() string {
	if v.last == nil {
		return "live frame"
	}
	return fmt.Sprintf("live frame %d", v.last.Frame+1)
}

func (v *View) send(view string) {
	if v.last == nil || v.last.Image == nil {
		return
	}
	v.host.Show(view, v.frameName(), v.last.Image)
}

// Save writes the frozen frame (the picture as it came) to path as a PNG.
func (v *View) Save(path string) error {
	if v.last == nil || v.last.Image == nil {
		return fmt.Errorf("no frame to save")
	}
	img := v.last.Image
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return png.Encode(w, img) })
}

func (v *View) saveDialog() {
	if v.last == nil || v.last.Image == nil {
		return
	}
	img := v.last.Image
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		// The window installs internal/fynefile, whose writers put the
		// file in place atomically on Close.
		err = png.Encode(w, img)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			dialog.ShowError(err, v.host.Window())
		}
	}, v.host.Window())
	d.SetFileName(strings.ReplaceAll(v.frameName(), " ", "-") + ".png")
	d.Show()
}

// rendered is what a frame draws: the Grad-CAM overlay, one grid a shown
// layer and the followed filter's map.
type rendered struct {
	cam     image.Image
	grids   []image.Image
	layouts []gridLayout
	follow  image.Image
}

// update is a drawn frame waiting for the UI goroutine.
type update struct {
	gen    int
	r      *frames.Result
	images rendered
}

// applyPending shows the latest drawn frame.
func (v *View) applyPending() {
	v.mu.Lock()
	u := v.pending
	v.pending = nil
	v.mu.Unlock()
	if u == nil || u.gen != v.gen || v.paused.Load() {
		return
	}
	v.showResult(u.r, u.images)
}

// snapshot copies the layers shown and the followed filter for the loop's
// goroutine, which draws them.
func (v *View) snapshot() {
	v.mu.Lock()
	v.snapLayers = append([]int(nil), v.layers...)
	v.snapFollow = v.followed
	v.mu.Unlock()
}

// render draws r for the layers and filter shown (on the UI goroutine: a
// model or layers changed).
func (v *View) render(r *frames.Result) rendered {
	return render(r, v.layers, v.followed.layer, v.followed.filter)
}

func render(r *frames.Result, layers []int, followLayer, followFilter int) rendered {
	var out rendered
	if r.Err != nil || r.Image == nil {
		return out
	}
	if c := r.CAM; len(c.Values) == c.Width*c.Height && c.Width > 0 {
		if img, err := plots.Overlay(r.Image, c.Values, c.Width, c.Height, 0, 1, 0.5); err == nil {
			out.cam = img
		}
	}
	for _, l := range layers {
		if l < 1 || l > len(r.Maps) {
			out.grids, out.layouts = append(out.grids, nil), append(out.layouts, gridLayout{})
			continue
		}
		a := r.Maps[l-1]
		g := layoutFor(a)
		out.grids, out.layouts = append(out.grids, drawGrid(a, g)), append(out.layouts, g)
	}
	if followLayer >= 1 && followLayer <= len(r.Maps) {
		a := r.Maps[followLayer-1]
		if followFilter < a.Channels {
			m := a.Map(followFilter)
			lo, hi := m[0], m[0]
			for _, x := range m {
				lo, hi = min(lo, x), max(hi, x)
			}
			out.follow = plots.MapImage(m, a.Width, a.Height, lo, hi)
		}
	}
	return out
}

// showResult puts a kept frame on screen.
func (v *View) showResult(r *frames.Result, img rendered) {
	if r.Err != nil {
		v.setStatus(fmt.Sprintf("Frame %d: %v", r.Frame+1, r.Err))
		return
	}
	v.last = r
	v.frameImg.Image = r.Image
	v.frameImg.Refresh()
	v.camImg.Image = img.cam
	v.camImg.Refresh()
	if r.FPS > 0 {
		v.fps.SetText(fmt.Sprintf("%.1f frames/s, %d dropped", r.FPS, r.Dropped))
	}
	v.showAnswer(r)
	resized := false
	for i, g := range v.grids {
		if i < len(img.grids) && img.grids[i] != nil && g.set(img.grids[i], img.layouts[i]) {
			resized = true
		}
	}
	if resized {
		v.sections.Refresh()
	}
	if img.follow != nil {
		v.followMap.Image = img.follow
		v.followMap.Refresh()
	}
	v.shown++
	v.maybeFire()
}

// maybeFire calls OnFrames once Frames frames have been shown and the
// followed filter's visualization, if any, is drawn.
func (v *View) maybeFire() {
	if v.fired || v.opt.Frames <= 0 || v.opt.OnFrames == nil || v.shown < v.opt.Frames || v.followed.layer > 0 && !v.vizDone {
		return
	}
	v.fired = true
	v.opt.OnFrames()
}

// showAnswer writes the class and the bars: every class of a model of
// barsShown or fewer in their order, else the most probable.
func (v *View) showAnswer(r *frames.Result) {
	m := v.model
	name := func(i int) string {
		if m != nil && i < len(m.Meta.Classes) {
			return m.Meta.Classes[i]
		}
		return fmt.Sprintf("class %d", i+1)
	}
	v.answer.SetText(fmt.Sprintf("%s  %.1f%%", name(r.Class), 100*r.Probabilities[r.Class]))
	order := make([]int, len(r.Probabilities))
	for i := range order {
		order[i] = i
	}
	if len(order) > barsShown {
		sort.SliceStable(order, func(a, b int) bool { return r.Probabilities[order[a]] > r.Probabilities[order[b]] })
	}
	for i := range v.bars {
		if i >= len(order) {
			v.barNames[i].Hide()
			v.bars[i].Hide()
			v.barRows[i].Hide()
			continue
		}
		c, p := order[i], r.Probabilities[order[i]]
		v.barNames[i].SetText(name(c))
		v.barNames[i].TextStyle.Bold = c == r.Class
		v.barNames[i].Show()
		v.barValues[i].SetText(fmt.Sprintf("%.1f%%", 100*p))
		v.bars[i].SetValue(float64(p))
		v.bars[i].Show()
		v.barRows[i].Show()
	}
}

// Follow shows filter (from 0) of place layer (from 1) large, beside what
// it looks for and its top pictures; layer 0 closes the panel.
func (v *View) Follow(layer, filter int) {
	if v.vizCancel != nil {
		v.vizCancel()
		v.vizCancel = nil
	}
	v.followed.layer, v.followed.filter = layer, filter
	v.vizDone = false
	v.snapshot()
	if layer == 0 || v.model == nil {
		v.follow.Hide()
		return
	}
	v.followTitle.SetText(fmt.Sprintf("%s, filter %d", v.placeName(layer), filter+1))
	v.followMap.Image = nil
	if v.last != nil {
		v.followMap.Image = render(v.last, nil, layer, filter).follow
	}
	v.followMap.Refresh()
	v.followViz.Image = nil
	v.followViz.Refresh()
	v.followText.SetText("Drawing what it looks for…")
	v.followTop.RemoveAll()
	if tp, ok := v.host.(TopPictures); ok {
		for _, img := range tp.TopPictures(layer, filter, 4) {
			c := canvas.NewImageFromImage(img)
			c.FillMode = canvas.ImageFillContain
			c.SetMinSize(fyne.NewSize(96, 96))
			v.followTop.Add(c)
		}
		if len(v.followTop.Objects) > 0 {
			v.followTop.Objects = append([]fyne.CanvasObject{widget.NewLabel("Its top pictures:")}, v.followTop.Objects...)
		}
	}
	v.followTop.Refresh()
	v.follow.Show()
	ctx, cancel := context.WithCancel(context.Background())
	v.vizCancel = cancel
	m := v.model
	go func() {
		res, err := vizCache.Visualize(ctx, m, featviz.Goal{Layer: layer, Filter: filter}, featviz.Options{}, nil)
		fyne.Do(func() {
			if ctx.Err() != nil || v.followed.layer != layer || v.followed.filter != filter {
				return
			}
			v.vizDone = true
			defer v.maybeFire()
			if err != nil {
				v.followText.SetText("What it looks for could not be drawn: " + err.Error())
				return
			}
			v.followViz.Image = res.Image
			v.followViz.Refresh()
			v.followText.SetText(fmt.Sprintf("Drawn by gradient ascent from noise (%d steps): a picture that makes this filter respond strongly.", featviz.DefaultOptions(0).Steps))
		})
	}()
}

// barLayout is two columns: the class names as wide as the widest, the
// bars taking the rest.
type barLayout struct{}

func newBarLayout() *barLayout { return &barLayout{} }

func (l *barLayout) rows(objects []fyne.CanvasObject) (nameW, rowH float32) {
	for i := 0; i+1 < len(objects); i += 2 {
		if !objects[i].Visible() {
			continue
		}
		nameW = max(nameW, objects[i].MinSize().Width)
		rowH = max(rowH, objects[i].MinSize().Height, objects[i+1].MinSize().Height)
	}
	return nameW, rowH
}

func (l *barLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	nameW, rowH := l.rows(objects)
	y := float32(0)
	for i := 0; i+1 < len(objects); i += 2 {
		if !objects[i].Visible() {
			continue
		}
		objects[i].Move(fyne.NewPos(0, y))
		objects[i].Resize(fyne.NewSize(nameW, rowH))
		objects[i+1].Move(fyne.NewPos(nameW+theme.Padding(), y))
		objects[i+1].Resize(fyne.NewSize(max(0, size.Width-nameW-theme.Padding()), rowH))
		y += rowH + theme.Padding()
	}
}

func (l *barLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	nameW, rowH := l.rows(objects)
	n := 0
	for i := 0; i+1 < len(objects); i += 2 {
		if objects[i].Visible() {
			n++
		}
	}
	return fyne.NewSize(nameW+theme.Padding()+160, float32(n)*(rowH+theme.Padding()))
}
