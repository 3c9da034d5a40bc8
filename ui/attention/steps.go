package attention

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
)

// arrows are the arrow keys' steps on the grid, (x, y).
var arrows = map[fyne.KeyName][2]int{fyne.KeyLeft: {-1, 0}, fyne.KeyRight: {1, 0}, fyne.KeyUp: {0, -1}, fyne.KeyDown: {0, 1}}

// shownValues is how many of a row's values the step-through writes out.
const shownValues = 8

// stepDialog is a step-through open in a dialog: computed off the UI
// goroutine, then its lines shown.
type stepDialog struct {
	dlg   *dialog.CustomDialog
	body  *fyne.Container
	lines []string // what it shows, for the tests
	done  bool
	// The LayerNorm's channel, stepped by the buttons; the weight's key
	// token, moved by the arrow keys.
	channel, key int
}

// newStepDialog opens a dialog titled title saying that it computes.
func (v *View) newStepDialog(title string) *stepDialog {
	d := &stepDialog{body: container.NewVBox(widget.NewLabel("Computing…"))}
	d.dlg = dialog.NewCustom(title, "Close", container.NewVScroll(d.body), v.h.Window())
	d.dlg.Resize(v.h.DialogSize())
	d.dlg.Show()
	return d
}

// show replaces the dialog's body with lines (each wrapped), then the
// result large, then extra objects.
func (v *View) fill(d *stepDialog, lines []string, result string, extra ...fyne.CanvasObject) {
	d.lines = append(lines, result)
	var objs []fyne.CanvasObject
	for _, l := range lines {
		lb := widget.NewLabel(l)
		lb.Wrapping = fyne.TextWrapWord
		objs = append(objs, lb)
	}
	big := canvas.NewText(result, theme.Color(theme.ColorNameForeground))
	big.TextSize = 30 * v.h.Zoom()
	big.TextStyle.Bold = true
	objs = append(objs, widget.NewSeparator(), big)
	objs = append(objs, extra...)
	d.body.Objects = objs
	d.body.Refresh()
	d.done = true
}

// row writes the first shownValues of vals, and how many there are.
func row(vals []float32) string {
	var parts []string
	for _, x := range vals[:min(shownValues, len(vals))] {
		parts = append(parts, format(x))
	}
	s := strings.Join(parts, ", ")
	if len(vals) > shownValues {
		s += fmt.Sprintf(", … (the first %d of %d)", shownValues, len(vals))
	}
	return "(" + s + ")"
}

// showWeight opens the step-through of the weight that query gives key
// in head head of block a, computed by the engine off the UI goroutine.
func (v *View) showWeight(a engine.AttentionMap, head, query, key int) *stepDialog {
	d := v.newStepDialog("How this attention weight is computed")
	d.key = key
	if a.Window != nil {
		v.fill(d, []string{"The step-through is shown for attention over all tokens (a ViT's). A Swin's window attention adds a " +
			"relative position bias and, in shifted blocks, a mask to the scores, which it does not show yet."}, "")
		return d
	}
	m, input, block := v.model, v.input, v.block
	mean := v.head < 0
	var compute func()
	compute = func() {
		key := d.key
		shown := a.Row(head, query)[key] // the number the map holds
		var meanValue float32
		for h := range a.Heads {
			meanValue += a.Row(h, query)[key] / float32(a.Heads)
		}
		v.h.Busy.Add(1)
		go func() {
			st, err := m.AttentionStep(input, block, head, query, key)
			v.h.Do(func() {
				defer v.h.Busy.Add(-1)
				if key != d.key {
					return // the user stepped on
				}
				if err != nil {
					v.fill(d, []string{"This weight cannot be shown: " + err.Error()}, "")
					return
				}
				v.fill(d, weightLines(a, st, mean, meanValue, shown), "= "+format(st.Value), hint("Arrow keys: the neighbouring patches as the key."))
			})
		}()
	}
	// The arrow keys move the key over the grid, as the value view's move
	// its cell; other keys go to the window.
	c := v.h.Window().Canvas()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		step, ok := arrows[ev.Name]
		if !ok || d.key < a.Extra {
			if prev != nil {
				prev(ev)
			}
			return
		}
		p := d.key - a.Extra
		x := min(max(p%a.GridWidth+step[0], 0), a.GridWidth-1)
		y := min(max(p/a.GridWidth+step[1], 0), a.GridHeight-1)
		if k := a.Extra + y*a.GridWidth + x; k != d.key {
			d.key = k
			compute()
		}
	})
	d.dlg.SetOnClosed(func() { c.SetOnTypedKey(prev) })
	compute()
	return d
}

// weightLines are the step-through's lines for st, the weight the map
// of a holds as shown (mean: the map is the heads' mean, meanValue).
func weightLines(a engine.AttentionMap, st *engine.AttentionStep, mean bool, meanValue, shown float32) []string {
	q, k := tokenName(a, st.Query), tokenName(a, st.Key)
	lines := []string{
		fmt.Sprintf("Block %d (%s), head %d of %d: how much %s (the query) reads from %s (the key).", st.Block+1, st.Name, st.Head+1, st.Heads, q, k),
	}
	if mean {
		lines = append(lines, fmt.Sprintf("The map shows the mean of the %d heads' weights (%s); here is head %d's. Choose a head to follow another.",
			a.Heads, format(meanValue), st.Head+1))
	}
	return append(lines,
		fmt.Sprintf("1. The query row: the head's %d values of %s's query (the in-projection of the block's LayerNorm output): q = %s",
			st.Dim, q, row(st.QueryRow)),
		fmt.Sprintf("2. The key row: the head's %d values of %s's key: k = %s", st.Dim, k, row(st.KeyRow)),
		fmt.Sprintf("3. Their products, q₁k₁, q₂k₂, …: %s", row(st.Products)),
		fmt.Sprintf("4. Their sum, the dot product q·k = %s", format(st.Dot)),
		fmt.Sprintf("5. Scaled by 1/√%d = %s: the score %s × %s = %s", st.Dim, format(st.Scale), format(st.Dot), format(st.Scale), format(st.Score)),
		fmt.Sprintf("6. The softmax over the query's row of %d scores (one for each token): the largest is %s (%s); "+
			"each score minus it, exponentiated, and summed: Σ exp(score − %s) = %s.",
			st.Tokens, format(st.Max), tokenName(a, st.MaxKey), paren(st.Max), format(float32(st.SumExp))),
		fmt.Sprintf("7. This key's exp(%s − %s) = %s, divided by the sum: %s / %s", format(st.Score), paren(st.Max),
			format(float32(st.Exp)), format(float32(st.Exp)), format(float32(st.SumExp))),
		fmt.Sprintf("The map of head %d holds %s (the engine's attention as the model ran); the steps give %s.", st.Head+1, format(shown), format(st.Value)),
	)
}

// hint is an italic line.
func hint(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.TextStyle.Italic = true
	return l
}

// showNorm opens the step-through of block a's LayerNorm (the one its
// attention reads, ln_1) at token, channel by channel.
func (v *View) showNorm(a engine.AttentionMap, token int) *stepDialog {
	name := v.model.AttentionNorm(v.block)
	d := v.newStepDialog("How a LayerNorm output is computed")
	if a.Window != nil {
		name = "" // AttentionNorm counts a ViT's attention layers only
	}
	if name == "" {
		v.fill(d, []string{a.Name + " reads no LayerNorm through its in-projection."}, "")
		return d
	}
	m, input := v.model, v.input
	var step func()
	step = func() {
		ch := d.channel
		v.h.Busy.Add(1)
		go func() {
			st, err := m.LayerNormStep(input, name, token, ch)
			v.h.Do(func() {
				defer v.h.Busy.Add(-1)
				if ch != d.channel {
					return // the user stepped on
				}
				if err != nil {
					v.fill(d, []string{"This value cannot be shown: " + err.Error()}, "")
					return
				}
				sign, shift := "+", st.Shift
				if shift < 0 {
					sign, shift = "−", -shift
				}
				lines := []string{
					fmt.Sprintf("%s at %s, channel %d of %d: a LayerNorm normalises each token over its %d channels, then scales and shifts each channel by its own learned weight and bias.",
						st.Name, tokenName(a, token), ch+1, st.Channels, st.Channels),
					fmt.Sprintf("1. The token's %d values: %s", st.Channels, row(st.Inputs)),
					fmt.Sprintf("2. Their mean: %s", format(float32(st.Mean))),
					fmt.Sprintf("3. Their variance (the mean of the squared differences from it): %s", format(float32(st.Variance))),
					fmt.Sprintf("4. Plus ε = %g, square root: √(%s + %g) = %s", st.Epsilon, format(float32(st.Variance)), st.Epsilon, format(float32(st.Std))),
					fmt.Sprintf("5. Channel %d's value, normalised: (%s − %s) / %s = %s", ch+1, format(st.Input), paren(float32(st.Mean)), format(float32(st.Std)), format(st.Normalised)),
					fmt.Sprintf("6. Times the channel's scale %s, %s its shift %s: %s × %s %s %s", format(st.Scale), plusWord(sign), format(shift),
						format(st.Normalised), format(st.Scale), sign, format(shift)),
					fmt.Sprintf("The engine's output there: %s.", format(st.Engine)),
				}
				prev := widget.NewButtonWithIcon("Channel", theme.NavigateBackIcon(), func() {
					if d.channel > 0 {
						d.channel--
						step()
					}
				})
				next := widget.NewButtonWithIcon("Channel", theme.NavigateNextIcon(), func() {
					if d.channel < st.Channels-1 {
						d.channel++
						step()
					}
				})
				v.fill(d, lines, "= "+format(st.Value), container.NewHBox(prev, next))
			})
		}()
	}
	step()
	return d
}

// paren writes v, in parentheses when it is negative (after a minus).
func paren(v float32) string {
	if v < 0 {
		return "(" + format(v) + ")"
	}
	return format(v)
}

// plusWord says "plus" or "minus" for a sign.
func plusWord(sign string) string {
	if sign == "−" {
		return "minus"
	}
	return "plus"
}
