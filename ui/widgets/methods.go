package widgets

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/explain"
)

// TrustSeed seeds the sanity check's random weights, as the command
// line's explain --check does, so that the window (the Explain view's
// check, the Collection view's summary) and the command line give the
// same figures.
const TrustSeed = 25

// MethodLabel is a method's name in the window: its sentence's opening
// words ("Grad-CAM", "Integrated Gradients").
func MethodLabel(me explain.Method) string {
	label, _, ok := strings.Cut(me.Sentence, ":")
	if !ok {
		return me.Name
	}
	return label
}

// MethodLabels lists every method of explain.Methods by its label, in the
// table's order.
func MethodLabels() []string {
	var out []string
	for _, me := range explain.Methods() {
		out = append(out, MethodLabel(me))
	}
	return out
}

// MethodOf returns the method whose label or name is s; Grad-CAM when
// none is.
func MethodOf(s string) explain.Method {
	for _, me := range explain.Methods() {
		if MethodLabel(me) == s || me.Name == s {
			return me
		}
	}
	me, _ := explain.LookupMethod(explain.MethodGradCAM)
	return me
}

// MethodChecks is a tick box per method of explain.Methods, laid out in
// columns so that nine of them never widen a panel.
type MethodChecks struct {
	Checks  []*widget.Check
	Content *fyne.Container
	// onChanged, when set, is called after a tick changed.
	onChanged func()
	setting   bool
}

// NewMethodChecks lays the methods out in cols columns, those named in
// ticked ticked; onChanged (may be nil) is called after a tick changed.
func NewMethodChecks(cols int, ticked []string, onChanged func()) *MethodChecks {
	mc := &MethodChecks{onChanged: onChanged}
	var objs []fyne.CanvasObject
	for _, me := range explain.Methods() {
		ch := widget.NewCheck(MethodLabel(me), func(bool) {
			if mc.onChanged != nil && !mc.setting {
				mc.onChanged()
			}
		})
		ch.Checked = slices.Contains(ticked, me.Name)
		mc.Checks = append(mc.Checks, ch)
		objs = append(objs, ch)
	}
	mc.Content = container.NewGridWithColumns(cols, objs...)
	return mc
}

// Names returns the ticked methods' names, in the table's order.
func (mc *MethodChecks) Names() []string {
	var out []string
	for i, me := range explain.Methods() {
		if mc.Checks[i].Checked {
			out = append(out, me.Name)
		}
	}
	return out
}

// Set ticks the methods named (names or labels) and no other, then calls
// onChanged once.
func (mc *MethodChecks) Set(names ...string) {
	mc.setting = true
	for i, me := range explain.Methods() {
		mc.Checks[i].SetChecked(slices.Contains(names, me.Name) || slices.Contains(names, MethodLabel(me)))
	}
	mc.setting = false
	if mc.onChanged != nil {
		mc.onChanged()
	}
}
