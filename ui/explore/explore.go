package explore

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/examples"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// keepFull is how many recently viewed images keep their preview and
// feature maps in memory; older ones keep their thumbnail, input and class
// probabilities, and are read and run again when selected.
const keepFull = 8

// View is the main view: the list of opened images on the left, and
// for the selected one the picture as given, the picture as the network
// sees it, the class probabilities and the feature maps.
type View struct {
	h       *host.Host
	content fyne.CanvasObject

	entries []*entry
	current *entry
	recent  []*entry // most recently viewed first, at most keepFull
	// selGen counts selections: a result for an older selection is
	// dropped (the latest wins).
	selGen int
	// modelGen counts model changes, for the background re-runs.
	modelGen atomic.Int64

	list  *widget.List
	count *widget.Label

	activity *fyne.Container
	actLabel *widget.Label
	// actBar is the busy bar in actSlot while activity shows, nil
	// otherwise. It is made for each showing and stopped and dropped
	// after: a bar starts animating when its renderer is made, hidden or
	// not (a theme change makes them all), and Fyne then repaints it
	// sixty times a second for as long as the window is open (2 % of a
	// core with nothing to do).
	actBar     *widget.ProgressBarInfinite
	actShare   *widget.ProgressBar // instead of actBar when the share done is known
	actSlot    *fyne.Container
	activities []activity
	actSeq     int
	// opening holds the batches being opened, by openKey: the same files
	// or folders opened again meanwhile are not read twice.
	opening map[string]bool
	// folder is the state of the analyses of large folders
	// (explore_folder.go).
	folder folderState

	empty   fyne.CanvasObject // shown until an image is opened
	scroll  *container.Scroll
	title   *widget.Label
	picture *canvas.Image
	picCap  *widget.Label
	seen    *canvas.Image
	seenCap *widget.Label
	answer  *widget.Label
	sure    *widget.Label
	bars    *fyne.Container
	picBox  *widgets.SizedBox
	seenBox *widgets.SizedBox
	ansBox  *widgets.SizedBox
	maps    *featureMaps
	// ans is the rest of the answer: the record beside it, the threshold
	// and the calibrated switch (explore_answer.go).
	ans *answerPanel
	// opinion is a second model's answer beside the first (second.go).
	opinion *secondOpinion
	// filters is where "Pictures that excite this filter" goes.
	filters Filters
}

// Filters is what the Explore view needs of the Collection view: its
// pictures ranked by a filter's peak (layer and filter from 1), shown.
type Filters interface {
	ShowFilter(layer, filter int)
}

// Options are what the Explore view is built with.
type Options struct {
	// Filters is where an enlarged map's "Pictures that excite this
	// filter" goes; nil leaves the button without effect.
	Filters Filters
}

type activity struct {
	id   int
	text string
	// done is the share done (0 to 1) of an activity that knows it,
	// shown by a still bar; -1 otherwise, shown by the busy bar.
	done float64
}

// New builds the Explore view on h: it shows the picture selected through
// h.SetPicture and the list through h.SetPictures, serves Show("explore",
// …) and takes the second opinion from h.Second.
func New(h *host.Host, opts Options) *View {
	x := &View{h: h, filters: opts.Filters}
	if x.filters == nil {
		x.filters = noFilters{}
	}
	x.count = widget.NewLabel("")
	x.count.TextStyle.Italic = true
	x.list = widget.NewList(func() int { return len(x.entries) }, x.newRow, x.updateRow)
	x.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(x.entries) && x.entries[id] != x.current {
			x.show(x.entries[id])
		}
	}
	openImage := widget.NewButtonWithIcon("Open image…", theme.FileImageIcon(), x.OpenImageDialog)
	openFolder := widget.NewButtonWithIcon("Open folder…", theme.FolderOpenIcon(), x.OpenFolderDialog)
	left := container.NewBorder(container.NewVBox(openImage, openFolder, x.count), nil, nil, nil, x.list)

	x.actLabel = widget.NewLabel("")
	x.actSlot = container.NewStack()
	x.activity = container.NewBorder(nil, nil, x.actLabel, nil, x.actSlot)
	x.activity.Hide()

	x.empty = x.newEmptyState()
	x.newDetail()
	x.scroll.Hide()
	detail := container.NewStack(x.empty, x.scroll)

	split := container.NewHSplit(left, container.NewBorder(x.activity, nil, nil, nil, detail))
	split.Offset = 0.2
	x.content = split
	x.updateCount()

	h.OnModel(x.modelChanged)
	h.OnStyle(x.styleChanged)
	h.Serve("explore", func(path string, _ image.Image) { x.Open([]string{path}) })
	h.OnOutput(x.outputChanged)
	return x
}

func (x *View) newEmptyState() fyne.CanvasObject {
	icon := widget.NewIcon(theme.MediaPhotoIcon())
	iconBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), icon))
	title := widget.NewLabelWithStyle("Drop art images or a folder of images here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle("or open them with the buttons on the left, or File › Open image…", fyne.TextAlignCenter, fyne.TextStyle{})
	sub.TextStyle.Italic = true
	try := widget.NewButtonWithIcon("Try an example", theme.MediaPlayIcon(), func() { x.TryExamples(examples.All) })
	try.Importance = widget.HighImportance
	return container.NewCenter(container.NewVBox(iconBox, title, sub, container.NewCenter(try)))
}

func (x *View) newDetail() {
	x.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	x.title.SizeName = theme.SizeNameSubHeadingText
	x.title.Truncation = fyne.TextTruncateEllipsis

	x.picture = canvas.NewImageFromImage(nil)
	x.picture.FillMode = canvas.ImageFillContain
	x.picCap = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	x.picCap.Wrapping = fyne.TextWrapWord
	x.seen = canvas.NewImageFromImage(nil)
	x.seen.FillMode = canvas.ImageFillContain
	x.seen.ScaleMode = canvas.ImageScalePixels
	x.seenCap = widget.NewLabelWithStyle(seenCaption(engine.StudyArch().Input), fyne.TextAlignCenter, fyne.TextStyle{})
	x.seenCap.Wrapping = fyne.TextWrapWord

	caption := widget.NewLabel("The network's answer")
	caption.TextStyle.Italic = true
	x.answer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	x.answer.SizeName = theme.SizeNameHeadingText
	x.answer.Importance = widget.HighImportance
	x.sure = widget.NewLabel("")
	x.bars = container.New(layout.NewFormLayout())

	x.picBox = widgets.NewSizedBox(container.NewBorder(nil, x.picCap, nil, nil, x.picture))
	x.seenBox = widgets.NewSizedBox(container.NewBorder(nil, x.seenCap, nil, nil, x.seen))
	x.ans = newAnswerPanel(x, caption) // explore_answer.go
	x.ansBox = widgets.NewSizedBox(container.NewVBox(caption, x.answer, x.sure, x.ans.trust, x.bars, x.ans.controls))

	x.maps = newFeatureMaps(x)
	x.opinion = newSecondOpinion(x)
	top := container.New(&widgets.FlowLayout{OnResize: x.relayout}, x.picBox, x.seenBox, x.ansBox, x.opinion.box)
	body := container.NewVBox(x.title, top, widget.NewSeparator(), x.maps.content)
	x.scroll = container.NewVScroll(container.NewPadded(body))
	x.applySizes()
}

// relayout lets the scroll container take a new content height (see
// flowLayout).
func (x *View) relayout() {
	x.h.Later(func() { x.scroll.Refresh() })
}

// applySizes sets the sizes of the pictures for the current zoom. The
// picture as given keeps its aspect ratio within a 240-unit square, so that
// its caption sits right under it.
func (x *View) applySizes() {
	z := x.h.Zoom()
	side := 240 * z
	size := fyne.NewSquareSize(side)
	if img := x.picture.Image; img != nil {
		b := img.Bounds()
		if b.Dx() >= b.Dy() {
			size.Height = side * float32(b.Dy()) / float32(b.Dx())
		} else {
			size.Width = side * float32(b.Dx()) / float32(b.Dy())
		}
	}
	x.picture.SetMinSize(size)
	x.seen.SetMinSize(fyne.NewSquareSize(192 * z))
	x.picBox.Width = side
	x.seenBox.Width = 200 * z
	x.ansBox.Width = 330 * z
	x.opinion.box.Width = 180 * z
	x.maps.orderBox.Width = 210 * z
}

func (x *View) newRow() fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(48))
	label := widget.NewLabel("name\nclass")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, img, nil, label)
}

func (x *View) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(x.entries) {
		return
	}
	e := x.entries[id]
	for _, c := range o.(*fyne.Container).Objects {
		switch c := c.(type) {
		case *canvas.Image:
			if t := x.thumbOf(e); c.Image != t {
				c.Image = t
				c.Refresh()
			}
			c.SetMinSize(fyne.NewSquareSize(48 * x.h.Zoom()))
		case *widget.Label:
			c.SetText(e.Name + "\n" + x.classLine(e))
		}
	}
}

func (x *View) updateCount() {
	switch len(x.entries) {
	case 0:
		x.count.SetText("No images yet")
	case 1:
		x.count.SetText("1 image")
	default:
		x.count.SetText(fmt.Sprintf("%d images", len(x.entries)))
	}
}

// startActivity shows a busy bar with text until endActivity(id).
func (x *View) startActivity(text string) int {
	x.actSeq++
	x.activities = append(x.activities, activity{x.actSeq, text, -1})
	x.showActivity()
	return x.actSeq
}

func (x *View) setActivity(id int, text string) {
	x.setProgress(id, text, -1)
}

// setProgress sets an activity's text and the share of it done (0 to 1;
// -1 when not known). A known share shows in a still bar: the busy bar's
// sixty frames a second cost the window a share of a core for as long
// as an analysis of minutes runs.
func (x *View) setProgress(id int, text string, done float64) {
	for i := range x.activities {
		if x.activities[i].id == id {
			x.activities[i].text, x.activities[i].done = text, done
		}
	}
	x.showActivity()
}

func (x *View) endActivity(id int) {
	for i, a := range x.activities {
		if a.id == id {
			x.activities = append(x.activities[:i], x.activities[i+1:]...)
			break
		}
	}
	x.showActivity()
}

func (x *View) showActivity() {
	if len(x.activities) == 0 {
		if x.actBar != nil {
			x.actBar.Stop()
			x.actBar = nil
			x.actSlot.RemoveAll()
		}
		x.activity.Hide()
		return
	}
	top := x.activities[len(x.activities)-1]
	x.actLabel.SetText(top.text)
	if top.done >= 0 {
		if x.actBar != nil {
			x.actBar.Stop()
			x.actBar = nil
		}
		if x.actShare == nil {
			x.actShare = widget.NewProgressBar()
		}
		if len(x.actSlot.Objects) != 1 || x.actSlot.Objects[0] != x.actShare {
			x.actSlot.Objects = []fyne.CanvasObject{x.actShare}
			x.actSlot.Refresh()
		}
		x.actShare.SetValue(top.done)
		x.activity.Show()
		return
	}
	if x.actBar == nil {
		x.actBar = widget.NewProgressBarInfinite()
		x.actSlot.Objects = []fyne.CanvasObject{x.actBar}
		x.actSlot.Refresh()
	}
	x.activity.Show()
}

// Open opens images and folders in the background. Each image is added to
// the list as soon as it is analysed; the first one of the batch is shown
// unless something else was selected or opened meanwhile (the latest
// wins). What could not be opened is reported in the notice bar; what was
// shown before stays.
func (x *View) Open(paths []string) {
	if len(paths) == 0 {
		return
	}
	s := x.h
	key := openKey(paths)
	if x.opening[key] {
		s.Notice.Post(host.NoticeInfo, "Already opening "+widgets.QuoteNames(paths)+": the images appear in the list as they are read.")
		return
	}
	if x.opening == nil {
		x.opening = map[string]bool{}
	}
	x.opening[key] = true
	x.selGen++
	gen := x.selGen
	m := s.Model()
	if s.LastDir == "" { // file dialogs start where the images are
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			s.LastDir = paths[0]
		} else {
			s.LastDir = filepath.Dir(paths[0])
		}
	}
	label := filepath.Base(paths[0])
	if len(paths) > 1 {
		label = fmt.Sprintf("%d items", len(paths))
	}
	act := x.startActivity("Opening " + label + "…")
	s.Busy.Add(1)
	done := func(opened int, skipped []string) {
		s.Do(func() {
			defer s.Busy.Add(-1)
			delete(x.opening, key)
			x.endActivity(act)
			if strings.HasPrefix(s.Notice.Text(), "Already opening") {
				s.Notice.Dismiss() // done now
			}
			x.report(paths, opened, skipped)
		})
	}
	var ctx context.Context
	if m != nil && anyFolder(paths) {
		ctx = x.newAnalysis() // a folder opened stops the one being analysed
	}
	go func() {
		files, skipped := expandPaths(paths)
		if ctx != nil && len(files) >= lazyFolderMin {
			opened, skipped := x.analyseFiles(ctx, m, paths, files, skipped, act, gen)
			done(opened, skipped)
			return
		}
		opened := 0
		for i, f := range files {
			if len(files) > 1 {
				text := fmt.Sprintf("Analysing %s (%d of %d)…", filepath.Base(f), i+1, len(files))
				s.Do(func() { x.setActivity(act, text) })
			} else {
				text := "Analysing " + filepath.Base(f) + "…"
				s.Do(func() { x.setActivity(act, text) })
			}
			e, err := host.LoadPicture(f, m)
			if err != nil {
				skipped = append(skipped, err.Error())
				continue
			}
			first := opened == 0
			opened++
			s.Do(func() { x.add(e, first && gen == x.selGen) })
		}
		done(opened, skipped)
	}()
}

// openKey names a batch of paths to open, the same for the same files
// and folders however they are written.
func openKey(paths []string) string {
	keys := make([]string, len(paths))
	for i, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		keys[i] = filepath.Clean(p)
	}
	return strings.Join(keys, "\x00")
}

// report tells in the notice bar what a batch could not open.
func (x *View) report(paths []string, opened int, skipped []string) {
	if len(skipped) == 0 {
		if opened == 0 {
			x.h.Notice.Post(host.NoticeWarning, "No image files were found in "+widgets.QuoteNames(paths)+".")
		}
		return
	}
	if opened == 0 && len(skipped) == 1 {
		x.h.Notice.Post(host.NoticeError, "Could not open "+skipped[0]+".")
		return
	}
	head := fmt.Sprintf("Opened %s from %s. Skipped:", widgets.CountNoun(opened, "image"), widgets.QuoteNames(paths))
	if opened == 0 {
		head = fmt.Sprintf("Could not open any image from %s:", widgets.QuoteNames(paths))
	}
	// The bar names a few; Details… lists them all.
	const shown = 3
	short, details := head, ""
	for i, r := range skipped {
		if i == shown {
			short += fmt.Sprintf("\n• and %d more", len(skipped)-shown)
			details = head + "\n• " + strings.Join(skipped, "\n• ")
			break
		}
		short += "\n• " + r
	}
	kind := host.NoticeWarning
	if opened == 0 {
		kind = host.NoticeError
	}
	x.h.Notice.PostDetails(kind, short, details)
}

// add puts an analysed entry in the list, and selects it when sel. An
// image opened again replaces its entry.
func (x *View) add(e *entry, sel bool) {
	m := x.h.Model()
	if e.PredModel != m {
		e.Pred, e.PredModel = nil, nil // analysed with a model replaced meanwhile
	}
	i := x.indexOfPath(e.Path)
	if i >= 0 {
		old := x.entries[i]
		x.entries[i] = e
		x.recent = slices.DeleteFunc(x.recent, func(r *entry) bool { return r == old })
		if x.current == old {
			x.current, sel = nil, true
		}
	} else {
		x.entries = append(x.entries, e)
		i = len(x.entries) - 1
	}
	x.touch(e)
	x.updateCount()
	x.list.Refresh()
	x.h.SetPictures(x.entries)
	if sel {
		x.list.Unselect(i) // so that selecting it shows it even if it was selected
		x.list.Select(i)
	} else if e.Pred == nil && m != nil {
		x.predictInBackground([]*entry{e})
	}
}

// touch marks e as recently viewed; entries beyond keepFull give back their
// preview and activations.
func (x *View) touch(e *entry) {
	for i, r := range x.recent {
		if r == e {
			x.recent = append(x.recent[:i], x.recent[i+1:]...)
			break
		}
	}
	x.recent = append([]*entry{e}, x.recent...)
	for len(x.recent) > keepFull {
		i := len(x.recent) - 1
		if x.recent[i] == x.current { // the shown entry keeps all
			i--
		}
		old := x.recent[i]
		x.recent = append(x.recent[:i], x.recent[i+1:]...)
		old.Preview = nil
		if old.Lazy { // read again when shown (showLazy)
			old.Input, old.Seen, old.Shape = nil, nil, engine.Input{}
		}
		if old.Pred != nil {
			old.Pred = &engine.Prediction{Probabilities: old.Pred.Probabilities, Class: old.Pred.Class}
		}
	}
}

// Step selects the next (dir > 0) or previous image of the list.
func (x *View) Step(dir int) {
	if len(x.entries) == 0 {
		return
	}
	i := 0
	for j, e := range x.entries {
		if e == x.current {
			i = j + dir
		}
	}
	i = max(0, min(len(x.entries)-1, i))
	x.list.Select(i)
	x.list.ScrollTo(i)
}

// show displays e, reading its picture again and running the network when
// what it holds is not enough (a model change, or memory given back).
func (x *View) show(e *entry) {
	x.selGen++
	gen := x.selGen
	x.current = e
	x.touch(e)
	m := x.h.Model()
	if e.Full(m) {
		x.display(e)
		return
	}
	if e.Lazy && e.Seen == nil {
		x.showLazy(e, gen)
		return
	}
	s := x.h
	act := x.startActivity("Analysing " + e.Name + "…")
	s.Busy.Add(1)
	needPreview, input := e.Preview == nil, e.Input
	var shape engine.Input
	var seen *image.NRGBA
	if m != nil && m.Input() != e.Shape {
		input, shape = nil, m.Input() // the picture is read again at the model's size
	}
	go func() {
		var preview image.Image
		var perr, err error
		var pred *engine.Prediction
		if needPreview {
			preview, perr = host.LoadPreview(e) // reads only fields set before e was listed
		}
		var ierr error
		if input == nil {
			input, seen, ierr = host.InputFor(e, shape)
		}
		if m != nil && ierr == nil {
			pred, err = m.Predict(input)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			x.endActivity(act)
			if gen != x.selGen {
				return
			}
			if needPreview {
				switch {
				case errors.Is(perr, host.ErrChanged):
					preview = e.Seen
					s.Notice.Post(host.NoticeWarning, "“"+e.Name+"” has changed since it was opened: the picture as the network "+
						"saw it then is shown, with its answer. Open the file again to analyse the new picture.")
				case perr != nil:
					preview = e.Seen
					s.Notice.Post(host.NoticeWarning, "Could not read "+perr.Error()+
						". The picture as the network saw it when it was opened is shown instead.")
				}
				e.Preview = preview
			}
			if seen != nil {
				e.Input, e.Seen, e.Shape = input, seen, shape
			}
			switch {
			case errors.Is(ierr, host.ErrChanged):
				s.Notice.Post(host.NoticeWarning, "“"+e.Name+"” has changed since it was opened, and this model needs the picture read "+
					"again at its own input size. Open the file again to analyse the new picture.")
			case ierr != nil:
				s.Notice.Post(host.NoticeWarning, "Could not read "+ierr.Error()+
					". This model needs the picture read again at its own input size, so it cannot analyse it.")
			case err != nil:
				s.Notice.Post(host.NoticeError, fmt.Sprintf("The network could not analyse %s: %v", e.Name, err))
			case pred != nil:
				e.Pred, e.PredModel = pred, m
			}
			x.display(e)
		})
	}()
}

// display fills the detail with e (which holds its preview and, with a
// model, its prediction) and starts drawing its feature maps.
func (x *View) display(e *entry) {
	x.empty.Hide()
	x.scroll.Show()
	x.h.Window().SetTitle("ArtLens — " + e.Name)
	x.title.SetText(e.Name)
	x.picture.Image = e.Preview
	x.applySizes()
	x.picture.Refresh()
	x.picCap.SetText(fmt.Sprintf("As given: %d × %d pixels, %s", e.Size.X, e.Size.Y, strings.ToUpper(e.Format)))
	x.seen.Image = nil // not a nil *image.NRGBA: a lazy entry not read again has none
	if e.Seen != nil {
		x.seen.Image = e.Seen
	}
	x.seen.Refresh()
	x.seenCap.SetText(seenCaption(e.Shape))
	x.showAnswer(e)
	x.list.RefreshItem(x.indexOf(e))
	x.maps.draw(e, true)
	x.scroll.Refresh()
	x.h.SetPicture(e)
}

func (x *View) indexOfPath(path string) int {
	for i, c := range x.entries {
		if c.Path == path {
			return i
		}
	}
	return -1
}

func (x *View) indexOf(e *entry) int {
	for i, c := range x.entries {
		if c == e {
			return i
		}
	}
	return -1
}

// modelChanged runs the new model on the shown image now and on the other
// opened images in the background.
func (x *View) modelChanged() {
	x.modelGen.Add(1)
	x.maps.setLayers(x.h.Model())
	var others, lazy []*entry
	for _, e := range x.entries {
		switch {
		case e == x.current:
		case e.Lazy:
			lazy = append(lazy, e)
		default:
			others = append(others, e)
		}
	}
	if x.current != nil {
		x.show(x.current)
	}
	x.list.Refresh()
	x.predictInBackground(others)
	x.reanalyse(lazy)
}

// predictInBackground runs the current model on entries one after another
// for the list's class line; a later model change stops it.
func (x *View) predictInBackground(entries []*entry) {
	m := x.h.Model()
	if m == nil || len(entries) == 0 {
		return
	}
	s := x.h
	gen := x.modelGen.Load()
	inputs := make([][]float32, len(entries))
	for i, e := range entries {
		if e.Shape == m.Input() {
			inputs[i] = e.Input
		}
	}
	s.Busy.Add(1)
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		for i, e := range entries {
			if x.modelGen.Load() != gen {
				return
			}
			if inputs[i] == nil {
				// Read again at this model's size; the entry keeps its
				// own input until it is shown.
				var err error
				if inputs[i], _, err = host.InputFor(e, m.Input()); err != nil {
					continue
				}
			}
			p, err := m.Predict(inputs[i])
			if err != nil {
				continue
			}
			short := &engine.Prediction{Probabilities: p.Probabilities, Class: p.Class}
			s.Do(func() {
				if x.h.Model() != m || e.Answer(m) != nil {
					return
				}
				e.Pred, e.PredModel = short, m
				x.list.RefreshItem(x.indexOf(e))
			})
		}
	}()
}

// styleChanged applies a new zoom or theme.
func (x *View) styleChanged() {
	x.applySizes()
	x.list.Refresh()
	if x.current != nil && x.scroll.Visible() {
		x.maps.draw(x.current, false)
	}
	x.scroll.Refresh()
}
