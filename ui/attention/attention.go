package attention

import (
	"context"
	"fmt"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// What a click on the attention map does.
const (
	clickLooks  = "Show where that patch looks"
	clickWeight = "Show how one weight is computed"
	clickNorm   = "Show the block's LayerNorm there"
)

// meanHeads is the head choice that averages the block's heads.
const meanHeads = "Mean"

// Sizes of the maps at zoom 1, in Fyne units.
const (
	mainSide  = 400
	sideSide  = 190
	smallSide = 150
)

// caution is said beside every map of this view.
const caution = "Attention is not explanation: a map shows where a token (the class token, or the patch clicked) reads from, not why the answer. " +
	"Weights are given to tokens that the earlier blocks have already mixed, so a patch's token carries more than its patch."

// View is the Attention view (see the package comment).
type View struct {
	h *host.Host

	// The picture and what the model made of it (maps nil: nothing yet).
	path    string
	img     image.Image // the picture as opened
	pic     image.Image // the network's input, as a picture
	input   []float32
	model   *engine.Model
	maps    []engine.AttentionMap
	pred    *engine.Prediction
	rollout []float32
	cam     explain.Map
	camErr  error

	// What is shown: block (0-based), head (-1: the heads' mean), the
	// query token, all heads side by side.
	block, head, query int
	allHeads           bool

	// gen counts analyses: the result of an older one is dropped; cancel
	// stops the one running.
	gen    int
	cancel context.CancelFunc

	content    *fyne.Container
	body       fyne.CanvasObject
	none       *widget.Label
	blockSel   *widget.Select
	headSel    *widget.Select
	allCheck   *widget.Check
	clickRadio *widget.RadioGroup
	classBtn   *widget.Button
	title      *widget.Label
	what       *widget.Label
	mainBox    *fyne.Container
	sideBox    *fyne.Container
	mainMap    *widgets.TapArea
	mainImg    *canvas.Image
	// steps is the step-through dialog open, for the tests.
	steps *stepDialog
	// pending is what OpenWhenReady asked for, applied once the next
	// picture is analysed.
	pending string
}

// New builds the Attention view on h and registers it with
// h.Serve("attention", …).
func New(h *host.Host) *View {
	v := &View{h: h, head: -1}
	open := widget.NewButtonWithIcon("Open picture…", theme.FolderOpenIcon(), func() {
		h.PickFile(host.ImageExtensions, func(err error) {
			h.Notice.Post(host.NoticeError, "The picture could not be opened: "+err.Error())
		}, func(path string) { v.Open(path, nil) })
	})
	v.blockSel = widget.NewSelect(nil, func(s string) {
		if i := v.blockSel.SelectedIndex(); i >= 0 && i != v.block {
			v.block = i
			v.redraw()
		}
	})
	v.headSel = widget.NewSelect(nil, func(s string) {
		head := v.headSel.SelectedIndex() - 1
		if head != v.head {
			v.head = head
			v.redraw()
		}
	})
	v.allCheck = widget.NewCheck("All heads", func(on bool) {
		if on != v.allHeads {
			v.allHeads = on
			v.redraw()
		}
	})
	v.clickRadio = widget.NewRadioGroup([]string{clickLooks, clickWeight, clickNorm}, nil)
	v.clickRadio.Horizontal = true
	v.clickRadio.Required = true
	v.clickRadio.SetSelected(clickLooks)
	v.classBtn = widget.NewButton("Back to the class token", func() {
		v.query = 0
		v.redraw()
	})
	v.title = widget.NewLabel("")
	v.title.TextStyle.Bold = true
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.what = widget.NewLabel("Open a picture, or drop one here, to see where the class token looks.")
	v.what.Wrapping = fyne.TextWrapWord
	warn := widget.NewLabel(caution)
	warn.Wrapping = fyne.TextWrapWord
	warn.TextStyle.Italic = true
	v.mainBox = container.NewStack()
	v.sideBox = container.NewHBox()
	controls := container.NewHBox(open, v.blockSel, v.headSel, v.allCheck, v.classBtn)
	click := container.NewHBox(widget.NewLabel("A click on a patch:"), v.clickRadio)
	top := container.NewVBox(controls, click, v.title, v.what)
	v.body = container.NewBorder(top, warn, nil, nil,
		container.NewHBox(layout.NewSpacer(), v.mainBox, widget.NewSeparator(), v.sideBox, layout.NewSpacer()))
	v.none = widget.NewLabel("")
	v.none.Wrapping = fyne.TextWrapWord
	v.content = container.NewStack(v.body, v.none)
	h.Serve("attention", v.Open)
	h.OnModelChange(v.modelChanged)
	h.OnStyle(v.redraw)
	v.modelChanged(h.Model())
	return v
}

// hasAttention says whether m has attention the view shows: a ViT's over
// all tokens, or a Swin's within windows.
func hasAttention(m *engine.Model) bool {
	if m == nil {
		return false
	}
	if m.HasAttention() {
		return true
	}
	for _, l := range m.Arch().Layers {
		if l.Kind == engine.WindowAttention {
			return true
		}
	}
	return false
}

// Content is the view's content.
func (v *View) Content() fyne.CanvasObject { return v.content }

// modelChanged shows the view for a model with attention, a line for
// another, and analyses the open picture again with the new model.
func (v *View) modelChanged(m *engine.Model) {
	v.stop()
	v.model, v.maps, v.pred, v.rollout, v.input = m, nil, nil, nil, nil
	if !hasAttention(m) {
		v.none.SetText("This model has no attention layers: the Attention view shows a transformer's (a ViT's) attention. " +
			"Open one with File > Open model (docs/transformers.md says how to import one).")
		v.none.Show()
		v.body.Hide()
		return
	}
	v.none.Hide()
	v.body.Show()
	if v.img != nil {
		v.Open(v.path, v.img)
		return
	}
	v.redraw()
}

// stop cancels the analysis running, if any.
func (v *View) stop() {
	v.gen++
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
}

// Open analyses the picture at path (img, when not nil, is the picture
// already decoded) off the UI goroutine: the attention of every block,
// the rollout and Grad-CAM.
func (v *View) Open(path string, img image.Image) {
	m := v.h.Model()
	v.path = path
	if !hasAttention(m) {
		v.img = img
		return
	}
	v.stop()
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	gen := v.gen
	v.what.SetText("Analysing " + host.BaseName(path) + "…")
	v.h.Busy.Add(1)
	go func() {
		r := analyse(ctx, m, path, img)
		v.h.Do(func() {
			defer v.h.Busy.Add(-1)
			if gen != v.gen {
				return // an older picture or model
			}
			v.cancel = nil
			cancel()
			if r.err != nil {
				v.what.SetText("")
				v.h.Notice.Post(host.NoticeError, host.FileError(path, r.err).Error())
				return
			}
			v.img, v.pic, v.input = r.img, r.pic, r.input
			v.maps, v.pred, v.rollout, v.cam, v.camErr = r.maps, r.pred, r.rollout, r.cam, r.camErr
			v.query = 0
			v.block = min(v.block, len(v.maps)-1)
			v.redraw()
			if spec := v.pending; spec != "" {
				v.pending = ""
				v.apply(spec)
			}
		})
	}()
}

// analysis is what analyse makes of one picture.
type analysis struct {
	img, pic image.Image
	input    []float32
	maps     []engine.AttentionMap
	pred     *engine.Prediction
	rollout  []float32
	cam      explain.Map
	camErr   error
	err      error
}

// analyse decodes the picture (unless img is given) and runs the model:
// attention, rollout, Grad-CAM at the default place. It stops between
// the steps once ctx is cancelled.
func analyse(ctx context.Context, m *engine.Model, path string, img image.Image) analysis {
	var r analysis
	if img == nil {
		if img, _, r.err = picture.Open(path); r.err != nil {
			return r
		}
	}
	in := m.Input()
	r.img = img
	r.input = picture.ToInputShape(img, in.Channels, in.Width, in.Height)
	r.pic = picture.FromInputShape(r.input, in.Channels, in.Width, in.Height)
	if r.maps, r.pred, r.err = m.Attention(r.input); r.err != nil {
		return r
	}
	if r.err = ctx.Err(); r.err != nil {
		return r
	}
	if m.HasAttention() { // rollout needs attention over all tokens (not a Swin's windows)
		if r.rollout, r.err = explain.RolloutOf(r.maps, 0); r.err != nil {
			return r
		}
	}
	if r.err = ctx.Err(); r.err != nil {
		return r
	}
	r.cam, r.camErr = explain.GradCAM(m, r.input, 0, -1)
	return r
}

// tokenName names token t of a: the class token, another token before
// the grid, or a patch by its row and column (from 1).
func tokenName(a engine.AttentionMap, t int) string {
	switch {
	case t == 0 && a.Extra > 0:
		return "the class token"
	case t < a.Extra || a.GridWidth == 0:
		return "token " + strconv.Itoa(t)
	}
	p := t - a.Extra
	return fmt.Sprintf("the patch at row %d, column %d", p/a.GridWidth+1, p%a.GridWidth+1)
}

// blockName is the block of attention layer a: its name without the
// attention module's.
func blockName(a engine.AttentionMap) string {
	return strings.TrimSuffix(strings.TrimSuffix(a.Name, ".self_attention"), ".attention")
}

// redraw shows the current block, head and query: the selects, the
// lines above the maps, the maps.
func (v *View) redraw() {
	if len(v.maps) == 0 {
		v.title.SetText("")
		v.mainBox.Objects = nil
		v.sideBox.Objects = nil
		v.mainBox.Refresh()
		v.sideBox.Refresh()
		v.blockSel.Disable()
		v.headSel.Disable()
		v.allCheck.Disable()
		v.classBtn.Disable()
		return
	}
	v.blockSel.Enable()
	v.headSel.Enable()
	v.allCheck.Enable()
	a := v.maps[v.block]
	if v.query >= a.Tokens {
		v.query = 0 // a block of another grid (a Swin's stages)
	}
	var blocks []string
	for i := range v.maps {
		blocks = append(blocks, fmt.Sprintf("Block %d", i+1))
	}
	v.blockSel.Options = blocks
	v.blockSel.SetSelectedIndex(v.block)
	heads := []string{meanHeads}
	for h := range a.Heads {
		heads = append(heads, fmt.Sprintf("Head %d", h+1))
	}
	v.head = min(v.head, a.Heads-1)
	v.headSel.Options = heads
	v.headSel.SetSelectedIndex(v.head + 1)
	if a.Extra > 0 {
		v.classBtn.Show()
	} else {
		v.classBtn.Hide() // a Swin has no class token
	}
	if v.query == 0 || a.Extra == 0 {
		v.classBtn.Disable()
	} else {
		v.classBtn.Enable()
	}
	v.title.SetText(fmt.Sprintf("%s: %s (%s)", host.BaseName(v.path), v.answer(), v.h.ModelName()))
	if a.GridWidth == 0 {
		v.what.SetText(fmt.Sprintf("%s has %d tokens that are no patch grid ArtLens can show on the picture.", a.Name, a.Tokens))
		v.mainBox.Objects = nil
		v.mainBox.Refresh()
		return
	}
	if v.allHeads {
		v.showAllHeads(a)
	} else {
		v.showOne(a)
	}
	v.showSide(a)
}

// answer is the model's answer in words: the class and its probability.
func (v *View) answer() string {
	if v.pred == nil || len(v.model.Meta.Classes) == 0 {
		return ""
	}
	c := v.pred.Class
	return fmt.Sprintf("%s, %.1f %%", v.model.Meta.Classes[c], 100*v.pred.Probabilities[c])
}

// headName is "head h" (from 1) or the heads' mean.
func headName(h int) string {
	if h < 0 {
		return "the heads' mean"
	}
	return fmt.Sprintf("head %d", h+1)
}

// showOne shows one head's (or the mean's) map for the query, large.
func (v *View) showOne(a engine.AttentionMap) {
	grid := a.OnGrid(v.head, v.query)
	var self float64 // what the query gives the tokens before the grid
	var heads []int
	if v.head < 0 {
		for h := range a.Heads {
			heads = append(heads, h)
		}
	} else {
		heads = []int{v.head}
	}
	for _, h := range heads {
		for _, w := range a.Row(h, v.query)[:a.Extra] {
			self += float64(w) / float64(len(heads))
		}
	}
	hi := maxOf(grid)
	mark := -1
	if v.query >= a.Extra {
		mark = v.query - a.Extra
	}
	line := fmt.Sprintf("Block %d (%s), %s: where %s looks. Each patch's colour is the weight it gets (0 to %s, the largest here, white); ",
		v.block+1, blockName(a), headName(v.head), tokenName(a, v.query), format(hi))
	switch {
	case a.Window != nil:
		line += fmt.Sprintf("a position looks only within its %d×%d window (shifted by %d×%d in this block), where the weights sum to 1.",
			a.Window[0], a.Window[1], a.Shift[0], a.Shift[1])
	case a.Extra > 0:
		line += fmt.Sprintf("the weights of the %d tokens sum to 1, %s to the class token itself (not on the grid).", a.Tokens, format(float32(self)))
	default:
		line += fmt.Sprintf("the weights of the %d tokens sum to 1.", a.Tokens)
	}
	if mark >= 0 {
		line += " The query patch is framed."
	}
	v.what.SetText(line)
	v.mainImg = v.overlay(grid, a, hi, mark, mainSide)
	v.mainMap = widgets.NewTapArea(v.mainImg, func(p fyne.Position) { v.tapped(a, p) })
	legend := widget.NewLabel(fmt.Sprintf("Colour: black 0, white %s", format(hi)))
	v.mainBox.Objects = []fyne.CanvasObject{container.NewVBox(container.NewCenter(v.mainMap), legend)}
	v.mainBox.Refresh()
}

// overlay is map m over the picture as an image side units wide.
func (v *View) overlay(m []float32, a engine.AttentionMap, hi float32, mark int, side float32) *canvas.Image {
	z := v.h.Zoom()
	px := int(side * z * v.h.PixelScale())
	img := canvas.NewImageFromImage(gridOverlay(v.pic, m, a.GridWidth, a.GridHeight, hi, mark, px))
	img.FillMode = canvas.ImageFillStretch
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSquareSize(side * z))
	return img
}

// tapped answers a click at p on the large map: the patch becomes the
// query, or its weight or LayerNorm is stepped through.
func (v *View) tapped(a engine.AttentionMap, p fyne.Position) {
	size := v.mainImg.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	gx := min(max(int(p.X/size.Width*float32(a.GridWidth)), 0), a.GridWidth-1)
	gy := min(max(int(p.Y/size.Height*float32(a.GridHeight)), 0), a.GridHeight-1)
	v.clickPatch(gx, gy)
}

// clickPatch does what a click on patch (gx, gy) does (see the radio).
func (v *View) clickPatch(gx, gy int) {
	if len(v.maps) == 0 {
		return
	}
	a := v.maps[v.block]
	token := a.Extra + gy*a.GridWidth + gx
	switch v.clickRadio.Selected {
	case clickWeight:
		head := max(v.head, 0)
		v.steps = v.showWeight(a, head, v.query, token)
	case clickNorm:
		v.steps = v.showNorm(a, token)
	default:
		v.query = token
		v.redraw()
	}
}

// showAllHeads shows every head's map for the query side by side, on one
// scale, each labelled; a click on one shows it alone.
func (v *View) showAllHeads(a engine.AttentionMap) {
	maps := make([][]float32, a.Heads)
	for h := range a.Heads {
		maps[h] = a.OnGrid(h, v.query)
	}
	hi := maxOf(maps...)
	mark := -1
	if v.query >= a.Extra {
		mark = v.query - a.Extra
	}
	v.what.SetText(fmt.Sprintf("Block %d (%s), all %d heads: where %s looks in each, on one scale (black 0, white %s, the largest of them). "+
		"Click a head to see it alone.", v.block+1, blockName(a), a.Heads, tokenName(a, v.query), format(hi)))
	tiles := container.NewGridWrap(fyne.NewSize(smallSide*v.h.Zoom(), (smallSide+28)*v.h.Zoom()))
	for h := range a.Heads {
		img := v.overlay(maps[h], a, hi, mark, smallSide)
		label := widget.NewLabelWithStyle(fmt.Sprintf("Head %d · max %s", h+1, format(maxOf(maps[h]))), fyne.TextAlignCenter, fyne.TextStyle{})
		tiles.Add(container.NewBorder(nil, label, nil, nil, widgets.NewTapArea(img, func(fyne.Position) {
			v.head, v.allHeads = h, false
			v.allCheck.SetChecked(false)
			v.redraw()
		})))
	}
	scroll := container.NewVScroll(tiles)
	scroll.SetMinSize(fyne.NewSize(4*(smallSide+4)*v.h.Zoom()+16, mainSide*v.h.Zoom()))
	v.mainBox.Objects = []fyne.CanvasObject{scroll}
	v.mainBox.Refresh()
}

// showSide shows the rollout and Grad-CAM beside the attention.
func (v *View) showSide(a engine.AttentionMap) {
	card := func(title, sub string, m []float32, w, h int) fyne.CanvasObject {
		am := a
		am.GridWidth, am.GridHeight = w, h
		img := v.overlay(m, am, maxOf(m), -1, sideSide)
		t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		s := widget.NewLabel(sub)
		s.Wrapping = fyne.TextWrapWord
		return container.NewVBox(t, container.NewCenter(img), widgets.NewSizedBoxW(s, sideSide*v.h.Zoom()))
	}
	var objs []fyne.CanvasObject
	if v.rollout != nil {
		objs = append(objs, card("Attention rollout",
			"Every block's mean attention and residual, (A+I)/2, multiplied: the class token's row. The same for every class.",
			v.rollout, v.maps[len(v.maps)-1].GridWidth, v.maps[len(v.maps)-1].GridHeight))
	} else {
		note := widget.NewLabel("No rollout: it multiplies attention over all tokens, and a Swin's stays within its windows.")
		note.Wrapping = fyne.TextWrapWord
		objs = append(objs, widgets.NewSizedBoxW(note, sideSide*v.h.Zoom()))
	}
	switch {
	case v.camErr != nil:
		objs = append(objs, widget.NewLabel("Grad-CAM: "+v.camErr.Error()))
	case len(v.cam.Values) > 0:
		place := v.model.Places()[v.cam.Layer-1].Name
		if parts := strings.Split(place, "."); len(parts) > 2 {
			place = strings.Join(parts[len(parts)-2:], ".") // the block and the layer
		}
		objs = append(objs, card("Grad-CAM, "+v.model.Meta.Classes[v.cam.Class],
			"At "+place+", by the gradient of this class: it changes with the class.", v.cam.Values, v.cam.Width, v.cam.Height))
	}
	v.sideBox.Objects = objs
	v.sideBox.Refresh()
}

// format writes a weight with four significant digits.
func format(v float32) string {
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(v), 'g', 4, 32)
}

// Shows describes the values OpenWhenReady takes, for --open.
const Shows = "attention:block=B,head=H,query=R:C,all,weight=R:C,norm=R:C (the Attention view: block B and head H from 1, " +
	"head 0 the mean; the query patch at row R, column C; all heads; the step-through of the weight the query gives patch R:C, " +
	"or of the block's LayerNorm there; each part optional)"

// CheckSpec reports whether spec (what follows "attention:" in --open)
// is one OpenWhenReady takes.
func CheckSpec(spec string) error {
	_, err := parseSpec(spec)
	return err
}

// specPart is one part of a spec: a key and its numbers.
type specPart struct {
	key  string
	nums []int
}

// parseSpec splits a spec into its parts.
func parseSpec(spec string) ([]specPart, error) {
	var parts []specPart
	for _, p := range strings.Split(spec, ",") {
		if p == "" {
			continue
		}
		key, val, _ := strings.Cut(p, "=")
		want := map[string]int{"block": 1, "head": 1, "query": 2, "all": 0, "weight": 2, "norm": 2}
		n, ok := want[key]
		var nums []int
		if val != "" {
			for _, s := range strings.Split(val, ":") {
				k, err := strconv.Atoi(s)
				if err != nil || k < 0 {
					ok = false
				}
				nums = append(nums, k)
			}
		}
		if !ok || len(nums) != n {
			return nil, fmt.Errorf("cannot open %q: use %s", "attention:"+spec, Shows)
		}
		parts = append(parts, specPart{key, nums})
	}
	return parts, nil
}

// OpenWhenReady applies spec (see Shows) once the next picture is
// analysed: for screenshots and demonstrations.
func (v *View) OpenWhenReady(spec string) {
	v.pending = spec
}

// apply applies spec to the picture shown; numbers out of range are
// clamped to the model's.
func (v *View) apply(spec string) {
	parts, err := parseSpec(spec)
	if err != nil || len(v.maps) == 0 {
		return
	}
	patch := func(nums []int) (int, int) {
		a := v.maps[v.block]
		return min(max(nums[1], 1), a.GridWidth) - 1, min(max(nums[0], 1), a.GridHeight) - 1
	}
	for _, p := range parts {
		switch p.key {
		case "block":
			v.block = min(max(p.nums[0], 1), len(v.maps)) - 1
		case "head":
			v.head = min(p.nums[0], v.maps[v.block].Heads) - 1
		case "query":
			x, y := patch(p.nums)
			a := v.maps[v.block]
			v.query = a.Extra + y*a.GridWidth + x
		case "all":
			v.allHeads = true
			v.allCheck.SetChecked(true)
		}
	}
	v.redraw()
	for _, p := range parts {
		switch p.key {
		case "weight", "norm":
			x, y := patch(p.nums)
			v.clickRadio.SetSelected(map[string]string{"weight": clickWeight, "norm": clickNorm}[p.key])
			v.clickPatch(x, y)
		}
	}
}
