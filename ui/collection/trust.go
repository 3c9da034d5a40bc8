package collection

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/trust"
	"github.com/artlens/artlens/ui/widgets"
)

// trustSamples are the sample sizes the "Which map to trust" panel
// offers; "all" checks every picture.
var trustSamples = []string{"5", "10", "25", "50", "100", "all"}

// trustDefaultSample is the sample checked at first: every method on ten
// pictures takes minutes on a laptop (a check is a few seconds).
const trustDefaultSample = "10"

// trustTable is the Collection view's "Which map to trust" panel: package
// trust's summary (deletion and insertion AUCs with 95 % intervals, the
// sanity check) per explanation method over the collection's pictures or
// a sample of them, computed in the background.
type trustTable struct {
	c       *View
	content fyne.CanvasObject

	methods  *widgets.MethodChecks
	sample   *widget.Select
	runBtn   *widget.Button
	stopBtn  *widget.Button
	progress *widget.ProgressBar
	status   *widget.Label
	grid     *fyne.Container
	notes    *widget.Label

	gen    int
	cancel context.CancelFunc
	// result is the last summary shown and files the pictures it covers.
	result []trust.MethodSummary
	files  []string
	auto   bool
}

// trustColumns are the table's headings.
var trustColumns = []string{"Method", "Pictures", "Deletion AUC ↓ [95 % CI]", "Insertion AUC ↑ [95 % CI]", "Sanity: last step", "Follows the network"}

// newTrustPanel makes the panel; c.trust holds it.
func (c *View) newTrustPanel() fyne.CanvasObject {
	t := &trustTable{c: c}
	c.trust = t
	title := widget.NewLabelWithStyle("Which map to trust", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	hint := widget.NewLabel("Every ticked method explains each picture of the sample (the class the model answers), and package trust checks each map: deletion and insertion, and the sanity check. A check takes a few seconds per picture and method.")
	hint.Wrapping = fyne.TextWrapWord
	hint.TextStyle.Italic = true
	var all []string
	for _, me := range explain.Methods() {
		all = append(all, me.Name)
	}
	if c.opts.Method != "" {
		all = strings.Split(c.opts.Method, ",") // --method: the methods ticked
	}
	t.methods = widgets.NewMethodChecks(3, all, nil)
	t.sample = widget.NewSelect(trustSamples, nil)
	t.sample.Selected = trustDefaultSample
	t.runBtn = widget.NewButtonWithIcon("Check the methods", theme.SearchIcon(), t.run)
	t.runBtn.Importance = widget.HighImportance
	t.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), t.stop)
	t.stopBtn.Hide()
	t.progress = widget.NewProgressBar()
	t.progress.Hide()
	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord
	t.grid = container.New(layout.NewGridLayoutWithColumns(len(trustColumns)))
	t.notes = widget.NewLabel("Lower deletion and higher insertion areas are better; where two methods' intervals overlap, the difference may be chance. " +
		"Sanity, last step: the map's mean rank correlation with the original once every layer is random (near 0: the map follows the network). " +
		"Deletion blacks pixels out and insertion starts from a blur, pictures the network never saw: compare methods with each other on the same pictures, not with an ideal. " +
		"Passing the sanity check means a map depends on the weights, not that it is right.")
	t.notes.Wrapping = fyne.TextWrapWord
	t.notes.TextStyle.Italic = true
	t.notes.Hide()
	controls := container.NewHBox(widget.NewLabel("Pictures:"), t.sample, t.runBtn, t.stopBtn)
	body := container.NewVBox(title, hint, t.methods.Content, controls, t.progress, t.status,
		container.NewHScroll(t.grid), t.notes)
	t.content = container.NewVScroll(container.NewPadded(body))
	c.h.OnModel(t.reset)
	return t.content
}

// reset puts away the summary shown: of the previous model or collection.
func (t *trustTable) reset() {
	t.stop()
	t.result, t.files = nil, nil
	t.grid.Objects = nil
	t.grid.Refresh()
	t.notes.Hide()
	t.status.SetText("")
}

// sampleOf returns up to n of files (all for n <= 0), spread evenly over
// them in name order so that every folder has its share, and the step
// between two taken.
func sampleOf(files []string, n int) ([]string, int) {
	files = slices.Clone(files)
	slices.Sort(files)
	if n <= 0 || n >= len(files) {
		return files, 1
	}
	out := make([]string, n)
	for i := range out {
		out[i] = files[i*len(files)/n]
	}
	return out, len(files) / n
}

// stop cancels the running summary, if any.
func (t *trustTable) stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.gen++
	t.progress.Hide()
	t.stopBtn.Hide()
	t.runBtn.Enable()
}

// started is called when the collection's analysis is done: with the
// --check option the summary runs once.
func (t *trustTable) started() {
	if t.c.opts.RunChecks && !t.auto && len(t.c.items) > 0 {
		t.auto = true
		t.c.side.SelectIndex(slices.IndexFunc(t.c.side.Items, func(it *container.TabItem) bool { return it.Content == t.content }))
		t.run()
	}
}

// run checks the ticked methods on the sample in the background.
func (t *trustTable) run() {
	c := t.c
	m := c.h.Model()
	if m == nil {
		t.status.SetText("No model is loaded.")
		return
	}
	var all []string
	for _, it := range c.items {
		all = append(all, it.Path)
	}
	if len(all) == 0 {
		t.status.SetText("Open a folder of pictures first: the methods are checked on its pictures.")
		return
	}
	names := t.methods.Names()
	if len(names) == 0 {
		t.status.SetText("Tick at least one method.")
		return
	}
	n, _ := strconv.Atoi(t.sample.Selected) // "all": 0
	files, step := sampleOf(all, n)
	t.stop()
	gen := t.gen
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.progress.SetValue(0)
	t.progress.Show()
	t.stopBtn.Show()
	t.runBtn.Disable()
	what := fmt.Sprintf("all %d pictures", len(files))
	if len(files) < len(all) {
		what = fmt.Sprintf("a sample of %d of the %d pictures (every %s by name)", len(files), len(all), ordinal(step))
	}
	t.status.SetText(fmt.Sprintf("Checking %d methods on %s…", len(names), what))
	s := c.h
	s.Busy.Add(1)
	start := time.Now()
	go func() {
		defer s.Do(func() { s.Busy.Add(-1) })
		sum, err := trust.Summarise(ctx, m, files, trust.SummaryOptions{Methods: names, Seed: widgets.TrustSeed,
			Progress: func(done, total int) {
				s.Do(func() {
					if gen == t.gen {
						t.progress.SetValue(float64(done) / float64(max(total, 1)))
					}
				})
			}})
		s.Do(func() {
			if gen != t.gen {
				return
			}
			t.cancel = nil
			t.progress.Hide()
			t.stopBtn.Hide()
			t.runBtn.Enable()
			switch {
			case errors.Is(err, context.Canceled):
				t.status.SetText("Stopped: nothing is shown for a summary cut short.")
			case err != nil:
				t.status.SetText("The methods could not be checked: " + err.Error())
			default:
				t.result, t.files = sum, files
				t.status.SetText(fmt.Sprintf("%d methods checked on %s with %s, in %s (the sanity check seeded %d).",
					len(names), what, c.h.ModelName(), time.Since(start).Round(time.Second), widgets.TrustSeed))
				t.fill(sum)
			}
		})
	}()
}

// ordinal writes n-th in words for small n ("2nd", "3rd", "10th").
func ordinal(n int) string {
	switch {
	case n == 1:
		return "one"
	case n%10 == 2 && n%100 != 12:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3 && n%100 != 13:
		return fmt.Sprintf("%drd", n)
	case n%10 == 1 && n%100 != 11:
		return fmt.Sprintf("%dst", n)
	}
	return fmt.Sprintf("%dth", n)
}

// interval writes a mean with its 95 % interval, or the mean alone with
// its count where there is no interval.
func interval(iv trust.Interval) string {
	if iv.N == 0 {
		return "—"
	}
	if !iv.Defined {
		return fmt.Sprintf("%.3f (n = %d, no interval)", iv.Mean, iv.N)
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", iv.Mean, iv.Low, iv.High)
}

// fill lays out one row per method.
func (t *trustTable) fill(sum []trust.MethodSummary) {
	var cells []fyne.CanvasObject
	for _, h := range trustColumns {
		cells = append(cells, widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, ms := range sum {
		pics := strconv.Itoa(ms.Pictures)
		if ms.Failed > 0 {
			pics += fmt.Sprintf(" (%d failed)", ms.Failed)
		}
		follows := "—"
		if ms.Pictures > ms.Failed {
			follows = fmt.Sprintf("%d of %d", ms.Follows, ms.Pictures-ms.Failed)
		}
		for _, text := range []string{widgets.MethodLabel(widgets.MethodOf(ms.Method)), pics, interval(ms.Deletion), interval(ms.Insertion), interval(ms.SanityLast), follows} {
			cells = append(cells, widget.NewLabel(text))
		}
	}
	t.grid.Objects = cells
	t.grid.Refresh()
	t.notes.Show()
	if len(sum) > 0 && len(sum[0].Errors) > 0 {
		t.status.SetText(t.status.Text + " First failure: " + filepath.Base(sum[0].Errors[0]))
	}
}
