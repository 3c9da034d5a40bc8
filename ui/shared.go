package ui

import (
	"image"

	"fyne.io/fyne/v2"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// The Collection view's names for what it shares with the other views,
// now in ui/host and ui/widgets, until it has a package of its own.

const (
	previewSide = host.PreviewSide
	trustSeed   = widgets.TrustSeed
)

func quoteNames(paths []string) string { return widgets.QuoteNames(paths) }

func answerLine(h *host.Host, m *engine.Model, probs []float32) string { return h.AnswerLine(m, probs) }

func methodLabel(me explain.Method) string { return widgets.MethodLabel(me) }

func methodOf(s string) explain.Method { return widgets.MethodOf(s) }

// methodChecks is widgets.MethodChecks.
type methodChecks struct {
	*widgets.MethodChecks
	content *fyne.Container
}

func newMethodChecks(cols int, ticked []string, onChanged func()) *methodChecks {
	mc := widgets.NewMethodChecks(cols, ticked, onChanged)
	return &methodChecks{mc, mc.Content}
}

func (mc *methodChecks) names() []string { return mc.Names() }

// secondCAM is widgets.CAM.
type secondCAM struct {
	overlay image.Image
	place   string
	err     error
}

func gradCAMOf(m *engine.Model, input []float32, base image.Image, class int) secondCAM {
	c := widgets.GradCAMOf(m, input, base, class)
	return secondCAM{c.Overlay, c.Place, c.Err}
}
