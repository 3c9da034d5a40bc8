package explore

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// secondOpinion is the Explore view's second model (host.Second): its
// answer on the shown picture, beside the current model's, and whether the
// two agree. The File menu chooses the model (a shipped one or a file) or
// none; the Explain view draws its Grad-CAM, the Collection view runs it
// too.
type secondOpinion struct {
	x *View

	box                            *widgets.SizedBox
	caption, answer, sure, verdict *widget.Label
	// preds holds the second model's answers by entry, for the second
	// model of the moment.
	preds map[*entry]*engine.Prediction
	gen   int // counts shown pictures and model changes, for late answers
}

func newSecondOpinion(x *View) *secondOpinion {
	o := &secondOpinion{x: x, preds: map[*entry]*engine.Prediction{}}
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
	x.h.OnPicture(o.show)
	x.h.OnSecond(func() {
		clear(o.preds)
		o.gen++
		o.refresh()
	})
	x.h.OnModel(func() { o.refresh() })
	x.h.OnOutput(func() { o.refresh() }) // calibrated confidence, the threshold
	o.refresh()
	return o
}

// refresh shows the second answer for the picture shown, if any.
func (o *secondOpinion) refresh() {
	if o.x.h.Second() == nil {
		o.box.Hide()
		return
	}
	o.box.Show()
	o.caption.SetText("Second opinion: " + o.x.h.SecondName())
	if e := o.x.current; e != nil {
		o.show(e)
	}
}

// show writes the second model's answer on e, running it off the UI
// goroutine the first time.
func (o *secondOpinion) show(e *entry) {
	m := o.x.h.Second()
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
	gen, s := o.gen, o.x.h
	s.Busy.Add(1)
	go func() {
		var p *engine.Prediction
		input, _, err := host.InputFor(e, m.Input())
		if err == nil {
			p, err = m.Predict(input)
		}
		s.Do(func() {
			defer s.Busy.Add(-1)
			if s.Second() != m {
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
			if gen == o.gen {
				o.write(e, o.preds[e])
			}
		})
	}()
}

// write fills the box with p, the second model's answer on e, and says
// whether the current model's answer is the same class.
func (o *secondOpinion) write(e *entry, p *engine.Prediction) {
	h, m := o.x.h, o.x.h.Second()
	name := host.ClassName(m, p.Class)
	o.answer.SetText(name)
	probs := h.Shown(m, p.Probabilities) // its own temperature when calibrated
	o.sure.SetText(fmt.Sprintf("%s %s", host.OutputText(m, probs[p.Class]), engine.ScoreWord(m.Output())))
	if m.Output() == engine.OutputSigmoid {
		o.answer.SetText(h.AnswerLine(m, p.Probabilities))
		o.sure.SetText("Independent scores, several can be high; highest " + name + ", " + host.OutputText(m, probs[p.Class]) + ".")
	}
	first := e.Answer(h.Model())
	switch {
	case first == nil:
		o.verdict.SetText("")
	case host.ClassName(h.Model(), first.Class) == name:
		o.verdict.SetText("The two models agree.")
	default:
		o.verdict.SetText("The two models disagree.")
	}
}
