package explain

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// secondCAM is the second opinion's Grad-CAM (host.Second) of the picture
// shown, at its default place for its own answer, beside the first map;
// hidden when there is no second model. It is computed when Explore shows
// a picture, whether or not the Explain view is showing, as Explore
// computes the second answer.
type secondCAM struct {
	h       *host.Host
	box     *widgets.SizedBox
	image   *canvas.Image
	caption *widget.Label
	// preds and cams hold the second model's answers and Grad-CAMs by
	// picture, for the second model of the moment.
	preds map[*host.Picture]*engine.Prediction
	cams  map[*host.Picture]widgets.CAM
	gen   int // counts shown pictures and model changes, for late answers
}

func newSecondCAM(h *host.Host) *secondCAM {
	o := &secondCAM{h: h, preds: map[*host.Picture]*engine.Prediction{}, cams: map[*host.Picture]widgets.CAM{}}
	o.image = canvas.NewImageFromImage(nil)
	o.image.FillMode = canvas.ImageFillContain
	o.caption = widget.NewLabel("")
	o.caption.Wrapping = fyne.TextWrapWord
	o.caption.TextStyle.Italic = true
	o.box = widgets.NewSizedBox(container.NewVBox(o.image, o.caption))
	o.box.Hide()
	h.OnPicture(o.show)
	h.OnSecond(func() {
		clear(o.preds)
		clear(o.cams)
		o.gen++
		o.refresh()
	})
	h.OnModel(o.refresh)
	h.OnOutput(o.refresh) // calibrated confidence, the threshold
	o.refresh()
	return o
}

// refresh shows the second Grad-CAM of the picture shown, if any.
func (o *secondCAM) refresh() {
	if o.h.Second() == nil {
		o.box.Hide()
		return
	}
	o.box.Show()
	if e := o.h.Picture(); e != nil {
		o.show(e)
	}
}

// show draws the second model's Grad-CAM of e, computing it off the UI
// goroutine the first time.
func (o *secondCAM) show(e *host.Picture) {
	m := o.h.Second()
	if m == nil || e == nil {
		return
	}
	o.gen++
	if p := o.preds[e]; p != nil {
		o.write(p, o.cams[e])
		return
	}
	o.image.Image = nil
	o.image.Refresh()
	o.caption.SetText("Computing the second model's Grad-CAM…")
	gen, h := o.gen, o.h
	preview := e.Preview
	h.Busy.Add(1)
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
		h.Do(func() {
			defer h.Busy.Add(-1)
			if h.Second() != m || err != nil {
				return // the Explore view says why the picture could not be analysed
			}
			o.preds[e] = &engine.Prediction{Probabilities: p.Probabilities, Class: p.Class}
			o.cams[e] = cam
			if gen == o.gen {
				o.write(o.preds[e], cam)
			}
		})
	}()
}

// write shows cam, the second model's Grad-CAM for its answer p.
func (o *secondCAM) write(p *engine.Prediction, cam widgets.CAM) {
	m := o.h.Second()
	o.image.Image = cam.Overlay
	o.image.Refresh()
	if cam.Err != nil {
		o.caption.SetText("The second model's Grad-CAM could not be computed: " + cam.Err.Error())
		return
	}
	probs := o.h.Shown(m, p.Probabilities) // its own temperature when calibrated
	o.caption.SetText(fmt.Sprintf("Second opinion, %s: why %s (%s)? Its Grad-CAM at %s, its default place: bright where the evidence lies, from 0 to 1.",
		o.h.SecondName(), host.ClassName(m, p.Class), host.OutputText(m, probs[p.Class]), cam.Place))
}
