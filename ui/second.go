package ui

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
	"github.com/artlens/artlens/weights"
)

// secondOpinion is the Explore view's second model: its answer on the
// shown picture, beside the current model's, and whether the two agree.
// The File menu chooses the model (a shipped one or a file) or none; the
// Collection view runs it too (collection_pair.go).
type secondOpinion struct {
	x     *exploreView
	model *engine.Model // nil: no second model
	name  string

	box                            *widgets.SizedBox
	caption, answer, sure, verdict *widget.Label
	// preds holds the second model's answers by entry, for model, and
	// cams its Grad-CAMs at its default place, for the Explain view.
	preds map[*entry]*engine.Prediction
	cams  map[*entry]widgets.CAM
	// camBox is the second Grad-CAM in the Explain view, beside the
	// first.
	camBox     *widgets.SizedBox
	camImage   *canvas.Image
	camCaption *widget.Label
	gen        int // counts shown pictures and model changes, for late answers
}

func newSecondOpinion(x *exploreView) *secondOpinion {
	o := &secondOpinion{x: x, preds: map[*entry]*engine.Prediction{}, cams: map[*entry]widgets.CAM{}}
	o.camImage = canvas.NewImageFromImage(nil)
	o.camImage.FillMode = canvas.ImageFillContain
	o.camCaption = widget.NewLabel("")
	o.camCaption.Wrapping = fyne.TextWrapWord
	o.camCaption.TextStyle.Italic = true
	o.camBox = widgets.NewSizedBox(container.NewVBox(o.camImage, o.camCaption))
	o.camBox.Hide()
	o.caption = widget.NewLabel("")
	o.caption.TextStyle.Italic = true
	o.caption.Wrapping = fyne.TextWrapWord
	o.answer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	o.answer.SizeName = theme.SizeNameHeadingText
	o.sure = widget.NewLabel("")
	o.verdict = widget.NewLabel("")
	o.verdict.TextStyle.Bold = true
	o.verdict.Wrapping = fyne.TextWrapWord
	o.sure.Wrapping = fyne.TextWrapWord
	o.box = widgets.NewSizedBox(container.NewVBox(o.caption, o.answer, o.sure, o.verdict))
	o.box.Hide()
	x.s.onSelect = append(x.s.onSelect, o.show)
	x.s.OnModel(func() { o.refresh() })
	x.s.OnOutput(func() { o.refresh() }) // calibrated confidence, the threshold
	return o
}

// set makes m (named name) the second model; nil removes it.
func (o *secondOpinion) set(m *engine.Model, name string) {
	o.model, o.name = m, name
	o.x.s.SetSecond(m, name) // the Collection view's second model
	clear(o.preds)
	clear(o.cams)
	o.gen++
	o.refresh()
	if c := o.x.s.collection; c != nil {
		c.secondChanged()
	}
}

// refresh shows the second answer for the picture shown, if any.
func (o *secondOpinion) refresh() {
	if o.model == nil {
		o.box.Hide()
		o.camBox.Hide()
		return
	}
	o.box.Show()
	o.camBox.Show()
	o.caption.SetText("Second opinion: " + o.name)
	if e := o.x.current; e != nil {
		o.show(e)
	}
}

// show writes the second model's answer on e, running it off the UI
// goroutine the first time.
func (o *secondOpinion) show(e *entry) {
	m := o.model
	if m == nil {
		return
	}
	o.gen++
	if p := o.preds[e]; p != nil {
		o.write(e, p)
		return
	}
	o.answer.SetText("…")
	o.sure.SetText("")
	o.verdict.SetText("")
	o.camImage.Image = nil
	o.camImage.Refresh()
	o.camCaption.SetText("Computing the second model's Grad-CAM…")
	gen, s := o.gen, o.x.s
	preview := e.Preview
	s.Busy.Add(1)
	go func() {
		var p *engine.Prediction
		var cam widgets.CAM
		input, _, err := host.InputFor(e, m.Input())
		if err == nil {
			p, err = m.Predict(input)
		}
		if err == nil {
			base := preview
			if base == nil {
				base, _ = host.LoadPreview(e) // unreadable now: the network's input will do
			}
			cam = widgets.GradCAMOf(m, input, base, p.Class)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			if o.model != m {
				return
			}
			if err != nil {
				if gen == o.gen {
					o.answer.SetText("—")
					o.sure.SetText(fmt.Sprintf("Could not analyse the picture: %v", err))
				}
				return
			}
			o.preds[e] = &engine.Prediction{Probabilities: p.Probabilities, Class: p.Class}
			o.cams[e] = cam
			if gen == o.gen {
				o.write(e, o.preds[e])
			}
		})
	}()
}

// write fills the box with p, the second model's answer on e, and says
// whether the current model's answer is the same class.
func (o *secondOpinion) write(e *entry, p *engine.Prediction) {
	name := host.ClassName(o.model, p.Class)
	o.answer.SetText(name)
	probs := o.x.s.Shown(o.model, p.Probabilities) // its own temperature when calibrated
	o.sure.SetText(fmt.Sprintf("%s %s", host.OutputText(o.model, probs[p.Class]), engine.ScoreWord(o.model.Output())))
	if o.model.Output() == engine.OutputSigmoid {
		o.answer.SetText(answerLine(o.x.s.Host, o.model, p.Probabilities))
		o.sure.SetText("Independent scores, several can be high; highest " + name + ", " + host.OutputText(o.model, probs[p.Class]) + ".")
	}
	first := e.Answer(o.x.s.Model())
	switch {
	case first == nil:
		o.verdict.SetText("")
	case host.ClassName(o.x.s.Model(), first.Class) == name:
		o.verdict.SetText("The two models agree.")
	default:
		o.verdict.SetText("The two models disagree.")
	}
	cam := o.cams[e]
	o.camImage.Image = cam.Overlay
	o.camImage.Refresh()
	if cam.Err != nil {
		o.camCaption.SetText("The second model's Grad-CAM could not be computed: " + cam.Err.Error())
		return
	}
	o.camCaption.SetText(fmt.Sprintf("Second opinion, %s: why %s (%s)? Its Grad-CAM at %s, its default place: bright where the evidence lies, from 0 to 1.",
		o.name, name, host.OutputText(o.model, probs[p.Class]), cam.Place))
}

// secondMenuItems are the File menu's items for the second opinion: each
// shipped model, a model file, none.
func secondMenuItems(s *shell) []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, e := range weights.Shipped {
		items = append(items, fyne.NewMenuItem("Second opinion: "+e.Name, func() {
			m, err := e.Load()
			if err != nil {
				s.ShowError("Could not load the shipped model", err.Error())
				return
			}
			s.explore.opinion.set(m, e.Name)
		}))
	}
	items = append(items,
		fyne.NewMenuItem("Second opinion from a model file…", func() {
			s.PickFile([]string{modelExtension, onnxExtension}, s.modelPickFailed, s.openSecond)
		}),
		fyne.NewMenuItem("No second opinion", func() { s.explore.opinion.set(nil, "") }))
	return items
}

// openSecond loads a model file in the background as the second opinion.
func (s *shell) openSecond(path string) {
	s.Busy.Add(1)
	go func() {
		m, err := loadModelFile(path)
		s.Do(func() {
			defer s.Busy.Add(-1)
			if err != nil {
				s.ShowError("Could not open the model", err.Error())
				return
			}
			s.explore.opinion.set(m, filepath.Base(path))
		})
	}()
}
