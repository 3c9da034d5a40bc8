package explain

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
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// Explain view choices, as offered in the view.
const (
	methodGradCAM   = "Grad-CAM"
	methodOcclusion = "Occlusion"
	classAnswer     = "the answer"
)

// View answers "why this answer?" for the picture selected in
// Explore: a Grad-CAM or occlusion map over the picture, for any class and
// conv layer, the what-if probes and the first layer's filters.
type View struct {
	h       *host.Host
	content fyne.CanvasObject

	method *widget.Select
	// sentence says what the chosen method's map shows; layerRow is the
	// place picker, shown for the methods that read a place.
	sentence *widget.Label
	layerRow *fyne.Container
	// working shows while a map is computed; stop cancels it.
	working *fyne.Container
	// riseMasks is the number of RISE's masks (0: the default); tests set
	// few.
	riseMasks int
	// trust is the "How much to trust this map" panel (explain_trust.go).
	trust   *trustPanel
	layer   *widget.Select
	class   *widget.Select
	opacity *widget.Slider

	classBox, opacityBox *widgets.SizedBox
	methodBox            *widgets.SizedBox
	mapBox, probeBox     *widgets.SizedBox

	title   *widget.Label
	overlay *canvas.Image
	legend  *canvas.Image
	caption *widget.Label
	status  *widget.Label
	probes  *fyne.Container
	filters *canvas.Image
	// filterHint says what the filters' patches are.
	filterHint *widget.Label
	empty      fyne.CanvasObject
	body       *container.Scroll

	// entry is the picture explained; want the one to explain once the
	// view is shown.
	entry, want *host.Picture
	// gen counts requests: a result for an older one is dropped. cancel
	// stops the work of the last request.
	gen    int
	cancel context.CancelFunc
	// result is the last map shown, and base the picture it is drawn on.
	result *explain.Map
	base   image.Image
	// probesOf and filtersOf say for what the probes and filters shown
	// were made, so that they are not made again for every map.
	probesOf  *host.Picture
	probesFor *engine.Model
	filtersOf *engine.Model
	// second is a second model's Grad-CAM beside the first (second.go).
	second *secondCAM
	// runChecks runs the trust checks of the first map shown (--check).
	runChecks bool
	// elapsed is how long the last map took from the request to its
	// display (for the status line and the tests).
	elapsed time.Duration
}

// Options are what the command line chose for the view.
type Options struct {
	// Method is the method at first (a name of explain.Methods; the first
	// of a comma-separated list); "" for Grad-CAM.
	Method string
	// RunChecks runs the trust checks of the first map shown.
	RunChecks bool
}

// New builds the Explain view on h: it explains the picture the Explore
// view shows (h.Picture, OnPicture).
func New(h *host.Host, opts Options) *View {
	v := &View{h: h, runChecks: opts.RunChecks}
	v.method = widget.NewSelect(widgets.MethodLabels(), func(string) { v.optionsChanged() })
	v.method.Selected = methodGradCAM
	if opts.Method != "" {
		first, _, _ := strings.Cut(opts.Method, ",")
		v.method.Selected = widgets.MethodLabel(widgets.MethodOf(first))
	}
	v.sentence = widget.NewLabel(widgets.MethodOf(v.method.Selected).Sentence)
	v.sentence.Wrapping = fyne.TextWrapWord
	stop := widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() {
		if v.cancel != nil {
			v.cancel()
		}
	})
	v.working = container.NewHBox(widget.NewProgressBarInfinite(), stop)
	v.working.Hide()
	v.layer = widget.NewSelect(nil, func(string) { v.optionsChanged() })
	v.class = widget.NewSelect(nil, func(string) { v.optionsChanged() })
	v.opacity = widget.NewSlider(0, 1)
	v.opacity.Step = 0.05
	v.opacity.Value = 0.5
	v.opacity.OnChangeEnded = func(float64) { v.redrawOverlay() }

	v.classBox, v.opacityBox = widgets.NewSizedBox(v.class), widgets.NewSizedBox(v.opacity)
	v.methodBox = widgets.NewSizedBox(v.method)
	v.layerRow = container.NewHBox(widget.NewLabel("Layer:"), v.layer)
	if !widgets.MethodOf(v.method.Selected).ReadsPlace {
		v.layerRow.Hide() // --method chose a method that reads no place
	}
	controls := container.New(&widgets.FlowLayout{OnResize: v.relayout},
		container.NewHBox(widget.NewLabel("Method:"), v.methodBox),
		v.layerRow,
		container.NewHBox(widget.NewLabel("Why:"), v.classBox),
		container.NewHBox(widget.NewLabel("Opacity:"), v.opacityBox),
	)
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.title.Wrapping = fyne.TextWrapWord
	v.overlay = canvas.NewImageFromImage(nil)
	v.overlay.FillMode = canvas.ImageFillContain
	v.legend = canvas.NewImageFromImage(nil)
	v.legend.FillMode = canvas.ImageFillStretch
	v.caption = widget.NewLabel("")
	v.caption.Wrapping = fyne.TextWrapWord
	v.caption.TextStyle.Italic = true
	v.status = widget.NewLabel("")
	v.status.TextStyle.Italic = true

	probeTitle := widget.NewLabelWithStyle("What if…", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	probeTitle.SizeName = theme.SizeNameSubHeadingText
	probeHint := widget.NewLabel("The network's answer for changed versions of the picture: is it the colour, the orientation, the fine detail or the whole composition that decides?")
	probeHint.Wrapping = fyne.TextWrapWord
	probeHint.TextStyle.Italic = true
	v.probes = container.New(&widgets.FlowLayout{OnResize: v.relayout})

	filterTitle := widget.NewLabelWithStyle("What the first layer looks for", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	filterTitle.SizeName = theme.SizeNameSubHeadingText
	v.filterHint = widget.NewLabel("")
	v.filterHint.Wrapping = fyne.TextWrapWord
	v.filterHint.TextStyle.Italic = true
	v.filters = canvas.NewImageFromImage(nil)
	v.filters.FillMode = canvas.ImageFillContain
	v.filters.ScaleMode = canvas.ImageScalePixels

	// The map and the probes side by side when the window is wide enough.
	v.mapBox = widgets.NewSizedBox(container.NewVBox(v.overlay, container.NewCenter(v.legend), v.caption, v.status, v.working))
	v.probeBox = widgets.NewSizedBox(container.NewVBox(probeTitle, probeHint, v.probes))
	// A second model's Grad-CAM (second.go) beside the first, when set.
	v.second = newSecondCAM(h)
	row := container.New(&widgets.FlowLayout{OnResize: v.relayout}, v.mapBox, v.second.box, v.probeBox)
	v.trust = newTrustPanel(v)
	body := container.NewVBox(v.title, controls, v.sentence, row, widget.NewSeparator(), v.trust.content, widget.NewSeparator(),
		filterTitle, v.filterHint, container.NewHBox(v.filters))
	v.body = container.NewVScroll(container.NewPadded(body))
	v.body.Hide()
	hint := widget.NewLabelWithStyle("Select a picture in Explore to see why the network answers what it does.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.empty = container.NewCenter(hint)
	v.content = container.NewStack(v.empty, v.body)
	v.applySizes()

	h.OnModel(v.modelChanged)
	h.OnStyle(v.applySizes)
	h.OnOutput(v.modelChanged) // calibrated confidence or the threshold: the answers in the title and the probes
	h.OnPicture(v.selected)
	return v
}

func (v *View) relayout() { v.h.Later(func() { v.body.Refresh() }) }

// applySizes sets the sizes that follow the zoom.
func (v *View) applySizes() {
	z := v.h.Zoom()
	v.classBox.Width, v.opacityBox.Width, v.methodBox.Width = 220*z, 160*z, 210*z
	v.mapBox.Width, v.probeBox.Width = 560*z, 3*(150*z+theme.Padding())
	v.overlay.SetMinSize(fyne.NewSquareSize(480 * z))
	v.second.box.Width = 400 * z
	v.second.image.SetMinSize(fyne.NewSquareSize(360 * z))
	v.legend.SetMinSize(fyne.NewSize(300*z, 18*z))
	v.filters.SetMinSize(fyne.NewSize(8*40*z, 4*40*z))
	for _, o := range v.probes.Objects {
		o.Refresh()
	}
}

// Content is the view.
func (v *View) Content() fyne.CanvasObject { return v.content }

// visible reports whether the Explain tab is showing.
func (v *View) visible() bool { return v.h.Showing("explain") }

// selected is called when Explore shows e: the work starts at once when
// the view is showing, else when it is opened (see shown).
func (v *View) selected(e *host.Picture) {
	v.want = e
	if v.visible() {
		v.explain()
	} else if v.cancel != nil {
		v.cancel() // what was being computed is no longer wanted
	}
}

// Shown is called when the Explain tab is selected.
func (v *View) Shown() {
	if v.want != nil && (v.want != v.entry || v.result == nil) {
		v.explain()
	}
}

func (v *View) modelChanged() {
	v.probesOf, v.filtersOf, v.result = nil, nil, nil
	if v.want != nil && v.visible() {
		v.explain()
	}
}

func (v *View) optionsChanged() {
	me := widgets.MethodOf(v.method.Selected)
	v.sentence.SetText(me.Sentence)
	if me.ReadsPlace {
		v.layerRow.Show()
	} else {
		v.layerRow.Hide()
	}
	if v.entry != nil && v.visible() {
		v.explain()
	}
}

// fillLayers offers the places of m (a chain's conv layers; a graph's
// conv layers and blocks, by name); Grad-CAM's default place (the last
// conv layer of a chain) is chosen at first and whenever the chosen one
// is not in m.
func (v *View) fillLayers(m *engine.Model) {
	places := m.Places()
	n := len(places)
	graph := n > len(m.ConvLayers())
	if len(v.layer.Options) == n && !graph {
		return
	}
	opts := make([]string, n)
	for i, p := range places {
		opts[i] = fmt.Sprintf("conv layer %d", i+1)
		if graph {
			opts[i] = fmt.Sprintf("%d %s (%d × %d × %d)", i+1, p.Name, p.Width, p.Height, p.Channels)
		}
	}
	keep := v.layer.SelectedIndex()
	if slices.Equal(opts, v.layer.Options) {
		return
	}
	v.layer.Options = opts
	if keep < 0 || keep >= n || graph {
		keep = m.CAMPlace() - 1
	}
	if n > 0 {
		v.layer.Selected = opts[keep]
	}
	v.layer.Refresh()
}

// fillClasses offers "the answer (class)" and every class of m.
func (v *View) fillClasses(m *engine.Model, p *engine.Prediction) {
	answer := classAnswer
	if p != nil {
		answer = fmt.Sprintf("%s (%s)", classAnswer, host.ClassName(m, p.Class))
	}
	opts := []string{answer}
	opts = append(opts, m.Meta.Classes...)
	keep := v.class.Selected
	v.class.Options = opts
	if keep == "" || !slices.Contains(m.Meta.Classes, keep) {
		keep = answer
	}
	v.class.Selected = keep
	v.class.Refresh()
}

// request is what one explanation is computed from, read on the UI
// goroutine.
type request struct {
	e         *host.Picture
	m         *engine.Model
	input     []float32
	picture   image.Image
	method    string
	layer     int
	class     int // -1: the predicted class
	known     int // the predicted class when known, else -1
	opacity   float64
	probes    bool
	filters   bool
	legendPx  image.Point
	rise      int // RISE's masks (0: the default)
	startedAt time.Time
}

// response is what the background work hands back.
type response struct {
	mp      explain.Map
	base    image.Image
	overlay image.Image
	legend  image.Image
	err     error
}

// explain computes the chosen map of the wanted picture in the background,
// cancelling the previous request's work.
func (v *View) explain() {
	e, m := v.want, v.h.Model()
	if e == nil {
		return
	}
	v.empty.Hide()
	v.body.Show()
	if v.cancel != nil {
		v.cancel()
	}
	v.gen++
	gen := v.gen
	if e != v.entry {
		v.result, v.base = nil, nil
		v.overlay.Image = nil
		v.overlay.Refresh()
	}
	v.entry = e
	v.title.SetText(e.Name)
	if m == nil {
		v.status.SetText("No model is loaded: open one with File › Open model….")
		return
	}
	if e.Shape != m.Input() {
		// Explore reads the picture again at this model's input and then
		// selects it anew, which calls explain again.
		v.status.SetText("Reading the picture for this model…")
		return
	}
	v.fillLayers(m)
	v.fillClasses(m, e.Answer(m))
	r := request{e: e, m: m, input: e.Input, picture: e.Preview, startedAt: time.Now(),
		method: v.method.Selected, layer: v.layer.SelectedIndex() + 1, class: -1, opacity: v.opacity.Value, rise: v.riseMasks,
		probes: v.probesOf != e || v.probesFor != m, filters: v.filtersOf != m}
	if i := v.class.SelectedIndex(); i > 0 {
		r.class = i - 1
	}
	r.known = -1
	if p := e.Answer(m); p != nil {
		r.known = p.Class // saves Grad-CAM a pass to find it
	}
	scale := v.h.PixelScale() * v.h.Zoom()
	r.legendPx = image.Pt(int(300*scale+0.5), int(18*scale+0.5))
	v.status.SetText("Computing the " + widgets.MethodLabel(widgets.MethodOf(r.method)) + " map…")
	v.working.Show()
	v.trust.mapChanging()
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	s := v.h
	s.Busy.Add(1)
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		res := compute(ctx, r)
		s.Do(func() {
			if gen == v.gen { // else a newer request replaced this one
				v.show(r, res)
			}
		})
		if res.err != nil || (!r.probes && !r.filters) {
			return
		}
		// The probes and filters come after the map, which is what the
		// click asked for.
		extra := computeExtras(ctx, r, res.base)
		s.Do(func() {
			if gen == v.gen {
				v.showExtras(r, extra)
			}
		})
	}()
}

// compute makes the map, its overlay and, when asked, the probes and the
// filters. It runs off the UI goroutine.
func compute(ctx context.Context, r request) response {
	var res response
	me := widgets.MethodOf(r.method)
	class := r.class
	if class < 0 {
		class = r.known // -1 when not known: the method finds it
	}
	place := 0
	if me.ReadsPlace {
		place = r.layer
	}
	res.mp, res.err = me.Run(ctx, r.m, r.explainRequest(class, place))
	if res.err != nil {
		return res
	}
	res.base = r.picture
	if res.base == nil {
		if img, err := host.LoadPreview(r.e); err == nil {
			res.base = img
		} else {
			in := r.m.Input()
			res.base = picture.FromInputShape(r.input, in.Channels, in.Width, in.Height)
		}
	}
	sc := widgets.ScaleOf(r.m, res.mp)
	res.overlay, res.err = widgets.OverlayOf(res.base, res.mp, sc, r.opacity)
	if res.err != nil {
		return res
	}
	res.legend = widgets.LegendOf(sc, r.legendPx.X, r.legendPx.Y)
	return res
}

// extras are the probes and the first layer's filters.
type extras struct {
	probes  []explain.Probe
	filters image.Image
	kernels []int // shape of the first conv layer's weights
}

// computeExtras makes what r asks for besides the map. It runs off the UI
// goroutine.
func computeExtras(ctx context.Context, r request, base image.Image) extras {
	var x extras
	if r.probes && ctx.Err() == nil {
		x.probes, _ = explain.Probes(r.m, base) // the preview keeps the centre's detail
	}
	if r.filters {
		for _, p := range r.m.Weights() {
			if len(p.Shape) == 4 { // the first conv layer's kernels
				x.filters, _ = plots.FilterPatches(p, 12, 8)
				x.kernels = p.Shape
				break
			}
		}
	}
	return x
}

// showExtras puts the probes and filters on screen.
func (v *View) showExtras(r request, x extras) {
	if x.probes != nil {
		v.probesOf, v.probesFor = r.e, r.m
		v.showProbes(r.m, x.probes)
	}
	if x.filters != nil {
		v.filtersOf = r.m
		v.filters.Image = x.filters
		v.filters.Refresh()
		colour := "RGB"
		if x.kernels[1] == 1 {
			colour = "grey"
		}
		v.filterHint.SetText(fmt.Sprintf("The %d kernels of conv layer 1, each a %d × %d patch of %s weights, enlarged, from its lowest weight (black) to its highest (full colour): each filter responds where the picture looks like its patch.",
			x.kernels[0], x.kernels[2], x.kernels[3], colour))
	}
	v.relayout()
}

// show puts a computed explanation on screen.
func (v *View) show(r request, res response) {
	v.working.Hide()
	if res.err != nil {
		if errors.Is(res.err, context.Canceled) {
			v.status.SetText("Stopped.")
			return
		}
		v.status.SetText("The explanation could not be computed: " + res.err.Error())
		return
	}
	m := r.m
	v.result, v.base = &res.mp, res.base
	v.overlay.Image = res.overlay
	v.overlay.Refresh()
	v.legend.Image = res.legend
	v.legend.Refresh()
	class := host.ClassName(m, res.mp.Class)
	probs := v.h.Shown(m, res.mp.Probabilities) // calibrated when asked (outputs.go)
	answer := engine.Argmax(probs)
	head := fmt.Sprintf("%s — why %s (%s)?", r.e.Name, class, host.OutputText(m, probs[res.mp.Class]))
	if m.Output() == engine.OutputSigmoid {
		head += " Its labels: " + v.h.AnswerLine(m, res.mp.Probabilities) + " (independent scores, several can be high)."
	} else if answer != res.mp.Class {
		head += fmt.Sprintf(" The answer is %s (%s).", host.ClassName(m, answer), host.OutputText(m, probs[answer]))
	}
	v.title.SetText(head)
	v.elapsed = time.Since(r.startedAt)
	if res.mp.Method == explain.MethodOcclusion {
		in := m.Input()
		v.caption.SetText(fmt.Sprintf("Bright where hiding a %d-pixel patch (of the network's %d × %d input) lowers the probability of %s most; the largest drop is %.1f points. Colours from 0 to that drop.",
			explain.OcclusionOptions{}.For(in).Patch, in.Width, in.Height, class, 100*res.mp.Max()))
	} else if res.mp.Method == explain.MethodGradCAM {
		where := fmt.Sprintf("conv layer %d", res.mp.Layer)
		if places := m.Places(); len(places) > len(m.ConvLayers()) {
			where = fmt.Sprintf("%s (layer %d)", places[res.mp.Layer-1].Name, res.mp.Layer)
		}
		v.caption.SetText(fmt.Sprintf("Bright where the evidence for %s lies, as %s sees it (%d × %d cells, smoothed over the picture): Grad-CAM weighs the layer's %d filters by how much each raises the score of %s. Colours from 0 to 1 (the strongest place).",
			class, where, res.mp.Width, res.mp.Height, m.PlaceChannels()[res.mp.Layer-1], class))
	} else {
		sc := widgets.ScaleOf(m, res.mp)
		v.caption.SetText(fmt.Sprintf("%s%s: %s (%d × %d values). Colours from %s to %s.",
			widgets.MethodLabel(widgets.MethodOf(r.method)), widgets.PlaceText(m, res.mp), sc.What, res.mp.Width, res.mp.Height, sc.LoText, sc.HiText))
	}
	v.status.SetText(fmt.Sprintf("Computed in %d ms.", v.elapsed.Milliseconds()))
	v.trust.mapShown(r, res.mp)
	v.relayout()
}

// showProbes lays out one tile per probe: the changed picture as the
// network sees it, and its answer; an answer that differs from the
// original's is in bold.
func (v *View) showProbes(m *engine.Model, probes []explain.Probe) {
	z := v.h.Zoom()
	in := m.Input()
	var tiles []fyne.CanvasObject
	for _, p := range probes {
		img := canvas.NewImageFromImage(picture.FromInputShape(p.Input, in.Channels, in.Width, in.Height))
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSquareSize(112 * z))
		name := widget.NewLabelWithStyle(p.Name, fyne.TextAlignCenter, fyne.TextStyle{})
		ans := widget.NewLabelWithStyle(v.h.AnswerLine(m, p.Probabilities),
			fyne.TextAlignCenter, fyne.TextStyle{Bold: p.Class != probes[0].Class})
		if p.Class != probes[0].Class {
			ans.Importance = widget.WarningImportance
		}
		box := widgets.NewSizedBox(container.NewVBox(img, name, ans))
		box.Width = 150 * z
		tiles = append(tiles, box)
	}
	v.probes.Objects = tiles
	v.probes.Refresh()
}

// redrawOverlay draws the shown map again at a new opacity.
func (v *View) redrawOverlay() {
	if v.result == nil || v.base == nil {
		return
	}
	mp, base, opacity := *v.result, v.base, v.opacity.Value
	sc := widgets.ScaleOf(v.h.Model(), mp)
	gen := v.gen
	s := v.h
	s.Busy.Add(1)
	go func() {
		img, err := widgets.OverlayOf(base, mp, sc, opacity)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if err != nil || gen != v.gen {
				return
			}
			v.overlay.Image = img
			v.overlay.Refresh()
		})
	}()
}
