package explore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/featviz"
	"github.com/artlens/artlens/ui/host"
)

// vizCache keeps the pictures drawn in this run, per model fingerprint,
// so that a filter asked for again shows at once.
var vizCache featviz.Cache

// lookForOptions are the ascent's settings (the defaults; tests shorten
// them).
var lookForOptions featviz.Options

// lookFor is the dialog "What it looks for": the pictures the network
// would draw for one filter, for every filter of a layer, or for each
// class, drawn one after the other off the UI goroutine.
type lookFor struct {
	h       *host.Host
	m       *engine.Model
	dlg     *dialog.CustomDialog
	cancel  context.CancelFunc
	bar     *widget.ProgressBar
	status  *widget.Label
	tiles   *fyne.Container
	side    float32
	results []*featviz.Result // as they come (kept for tests)
	done    bool
	page    *lookFor // the layer's page opened from this one
}

// showLookForFilter shows what filter (0-based) of conv layer layer looks
// for, with a way to the whole layer.
func showLookForFilter(h *host.Host, layer, filter int) *lookFor {
	if h.Model() == nil {
		return nil
	}
	canvas := ""
	in := h.Model().Input()
	if side := featviz.DefaultOptions(min(in.Height, in.Width)).Size; h.Model().ConvOnly(layer) && side > max(in.Height, in.Width) {
		canvas = fmt.Sprintf(" It is %d pixels wide, more than the network's %d: its conv layers read any size.", side, in.Width)
	}
	v := showLookFor(h, fmt.Sprintf("What filter %d of layer %d looks for", filter+1, layer),
		"The picture the network itself would draw for this filter: starting from noise, it is changed step by step "+
			"to raise the filter's mean response, shifted, turned and scaled a little at each step so that only what works "+
			"wherever it lies stays."+canvas+" Its peak is the highest value of the filter's map on it.",
		[]featviz.Goal{{Layer: layer, Filter: filter}}, 320, 0)
	if v == nil {
		return nil
	}
	whole := widget.NewButtonWithIcon(fmt.Sprintf("Every filter of layer %d", layer), theme.GridIcon(), func() {
		v.dlg.Hide()
		v.page = showLookForLayer(h, layer)
	})
	v.tiles.Add(container.NewCenter(whole))
	return v
}

// showLookForLayer shows what each filter of conv layer layer looks for.
func showLookForLayer(h *host.Host, layer int) *lookFor {
	if h.Model() == nil {
		return nil
	}
	n := h.Model().ConvLayers()[layer-1]
	goals := make([]featviz.Goal, n)
	for f := range goals {
		goals[f] = featviz.Goal{Layer: layer, Filter: f}
	}
	return showLookFor(h, fmt.Sprintf("What the %d filters of layer %d look for", n, layer),
		"Each picture is what the network would draw to raise one filter's response most; they come one after the other.",
		goals, 112, -1)
}

// ShowLookForClasses shows what the network takes for each class (the
// View menu's "What the network takes for each class").
func ShowLookForClasses(h *host.Host) *lookFor {
	if h.Model() == nil {
		return nil
	}
	goals := make([]featviz.Goal, len(h.Model().Meta.Classes))
	for c := range goals {
		goals[c] = featviz.Goal{Class: c}
	}
	return showLookFor(h, "What the network takes for each class",
		"The picture the network would draw to be as sure as it can of each class, from noise: not a painting or a "+
			"sculpture, but what in a picture makes it answer so.",
		goals, 224, 0)
}

// showLookFor opens the dialog for goals with tiles of side points (before
// zoom) and starts drawing them on canvases of size (featviz.Options.Size).
// A single filter is drawn on the default canvas (128 pixels for the
// study's network, twice its input), which its 320 points show at 2.5
// pixels a pixel; a layer's page at the input's size: its tiles of 112
// points would show a larger canvas below its pixels, and a whole layer
// on it takes four times as long.
func showLookFor(h *host.Host, title, intro string, goals []featviz.Goal, side float32, size int) *lookFor {
	if h.Model() == nil {
		return nil
	}
	v := &lookFor{h: h, m: h.Model(), bar: widget.NewProgressBar(), status: widget.NewLabel(""), side: side * h.Zoom()}
	about := widget.NewLabel(intro)
	about.Wrapping = fyne.TextWrapWord
	v.tiles = container.NewGridWrap(fyne.NewSize(v.side+64*h.Zoom(), v.side+60*h.Zoom())) // room for the caption
	if len(goals) == 1 {
		v.tiles = container.NewVBox()
	}
	stop := widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() { v.stop() })
	top := container.NewVBox(about, container.NewBorder(nil, nil, nil, stop, v.bar), v.status)
	content := container.NewBorder(top, nil, nil, nil, container.NewVScroll(v.tiles))
	v.dlg = dialog.NewCustom(title, "Close", content, h.Window())
	v.dlg.SetOnClosed(v.stop)
	if len(goals) > 1 {
		v.dlg.Resize(h.DialogSize())
	} else {
		v.dlg.Resize(fyne.NewSize(max(520, v.side+200), v.side+440*h.Zoom()))
	}
	v.dlg.Show()

	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	h.Busy.Add(1)
	m, opt := v.m, lookForOptions
	if opt.Size == 0 {
		opt.Size = size
	}
	go func() {
		defer h.Do(func() { h.Busy.Add(-1) })
		for i, g := range goals {
			last := -1
			r, err := vizCache.Visualize(ctx, m, g, opt, func(done, total int) {
				// A few updates per picture are enough for the bar.
				if pct := 20 * done / total; pct != last {
					last = pct
					h.Do(func() {
						v.bar.SetValue((float64(i) + float64(done)/float64(total)) / float64(len(goals)))
						v.status.SetText(fmt.Sprintf("Drawing %s: step %d of %d", v.name(g), done, total))
					})
				}
			})
			if err != nil {
				h.Do(func() {
					v.done = true
					if ctx.Err() != nil {
						v.status.SetText(fmt.Sprintf("Stopped: %d of %d drawn.", i, len(goals)))
					} else {
						v.status.SetText("Cannot draw it: " + err.Error())
					}
				})
				return
			}
			h.Do(func() { v.add(r, len(goals) == 1) })
		}
		h.Do(func() {
			v.done = true
			v.bar.SetValue(1)
			v.status.SetText(fmt.Sprintf("Drawn: %d picture%s.", len(goals), plural(len(goals))))
		})
	}()
	return v
}

// stop ends the drawing (the dialog closed or Stop pressed).
func (v *lookFor) stop() {
	if v.cancel != nil {
		v.cancel()
	}
}

// name is how the dialog calls a goal.
func (v *lookFor) name(g featviz.Goal) string {
	if g.Layer == 0 {
		return v.m.Meta.Classes[g.Class]
	}
	return fmt.Sprintf("filter %d", g.Filter+1)
}

// add shows one finished picture: big with its numbers for a single
// filter, a tile with a caption on a page of several.
func (v *lookFor) add(r *featviz.Result, single bool) {
	v.results = append(v.results, r)
	img := canvas.NewImageFromImage(r.Image)
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(v.side))
	var caption string
	if r.Goal.Layer == 0 {
		caption = fmt.Sprintf("%s: %.1f %%", v.m.Meta.Classes[r.Goal.Class], 100*r.Probability)
	} else {
		caption = fmt.Sprintf("Filter %d: peak %s", r.Goal.Filter+1, formatValue(r.Peak))
		if r.Peak == 0 {
			// No noise drawn lit it: most likely a dead filter.
			caption = fmt.Sprintf("Filter %d: never fired", r.Goal.Filter+1)
		}
	}
	label := widget.NewLabel(caption)
	label.Alignment = fyne.TextAlignCenter
	if !single {
		v.tiles.Add(container.NewVBox(img, label))
		return
	}
	more := fmt.Sprintf("The filter's map on this picture peaks at %s (mean %s).\nThe network takes the picture for %s (%.0f %%).",
		formatValue(r.Peak), formatValue(r.Value), v.m.Meta.Classes[r.Class], 100*r.Probability)
	note := widget.NewLabel(more)
	note.Alignment = fyne.TextAlignCenter
	// The picture first, above the way to the whole layer.
	v.tiles.Objects = append([]fyne.CanvasObject{container.NewCenter(img), note}, v.tiles.Objects...)
	v.tiles.Refresh()
}

// LookShows describes the values of Options.Open.
const LookShows = "lookfor:LAYER:FILTER (what a filter looks for), lookfor:LAYER (every filter of a layer), " +
	"lookfor:classes (what the network takes for each class), value:LAYER:FILTER:ROW:COLUMN (how a value of a map is computed; all from 1) " +
	"or places[:TEXT] (a graph model's place picker, searching for TEXT)"

// parseOpen splits an Options.Open value into its kind and numbers.
func parseOpen(open string) (kind string, nums []int, err error) {
	parts := strings.Split(open, ":")
	kind = parts[0]
	want := map[string][]int{"lookfor": {1, 2}, "value": {4}}[kind]
	if len(parts) == 2 && kind == "lookfor" && parts[1] == "classes" {
		return "classes", nil, nil
	}
	if kind == "places" {
		return kind, nil, nil
	}
	for _, p := range parts[1:] {
		n, e := strconv.Atoi(p)
		if e != nil || n < 1 {
			want = nil
		}
		nums = append(nums, n)
	}
	if !slices.Contains(want, len(nums)) {
		return "", nil, fmt.Errorf("cannot open %q: use %s", open, LookShows)
	}
	return kind, nums, nil
}

// CheckOpen reports an Options.Open value that cannot be opened (see
// LookShows).
func CheckOpen(open string) error {
	if open == "" {
		return nil
	}
	_, _, err := parseOpen(open)
	return err
}

// OpenWhenReady opens what open names once Explore's first picture is
// analysed; it counts as background work until then, so a screenshot
// waits for it.
func (x *View) OpenWhenReady(open string) {
	h := x.h
	kind, nums, err := parseOpen(open)
	if err != nil {
		return
	}
	h.Busy.Add(1)
	go func() {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			ready := make(chan bool)
			h.Do(func() {
				e := x.current
				ok := e != nil && h.Model() != nil && e.Full(h.Model())
				if ok {
					x.openNow(kind, nums, e, open)
				}
				ready <- ok
			})
			if <-ready {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		h.Do(func() { h.Busy.Add(-1) })
	}()
}

// openNow opens the dialog of kind (see parseOpen) for the picture e.
func (x *View) openNow(kind string, nums []int, e *entry, open string) {
	h := x.h
	if kind == "places" {
		if p := x.maps.picker; p != nil {
			_, text, _ := strings.Cut(open, ":")
			p.open()
			p.search.SetText(text)
		}
		return
	}
	convs := h.Model().ConvLayers()
	if kind != "classes" && nums[0] > len(convs) || len(nums) > 1 && nums[1] > convs[nums[0]-1] {
		h.ShowError("Cannot open it", fmt.Sprintf("the model has no filter %v", nums))
		return
	}
	switch {
	case kind == "classes":
		ShowLookForClasses(h)
	case kind == "lookfor" && len(nums) == 1:
		showLookForLayer(h, nums[0])
	case kind == "lookfor":
		showLookForFilter(h, nums[0], nums[1]-1)
	case kind == "value":
		a := e.Pred.Activations[nums[0]-1]
		mp := a.Map(nums[1] - 1)
		showValue(h, e, nums[0], nums[1]-1, min(nums[2], a.Height)-1, min(nums[3], a.Width)-1, slices.Min(mp), slices.Max(mp))
	}
}
