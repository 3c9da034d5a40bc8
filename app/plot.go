package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("plot", "write the training history and confusion matrix of a model as figures", runPlot)
}

// plotOptions are the parsed options of the plot command.
type plotOptions struct {
	out     string
	formats []string
	width   vg.Length // 0: each figure's default
	height  vg.Length // 0: from the width
	dpi     float64
	percent bool
	theme   plots.Theme
}

// Default figure sizes.
const (
	defaultPlotWidth = 8 * vg.Inch
	historyAspect    = 2.0 / 3 // height / width
	confusionAspect  = 7.0 / 8
)

func runPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot", "--out DIR [--format png,svg,pdf] [--width 8in | --width-px N] [--height LEN | --height-px N] [--dpi 150] [--percent=true] [--theme light|dark] [--model FILE]", stdout, stderr)
	out := fs.String("out", "", "`folder` to write history_accuracy.*, history_loss.* and confusion.* to (created if missing); required")
	formats := fs.String("format", "png", "file `formats`, comma-separated: png, svg, pdf")
	width := fs.String("width", "", "figure `width` with unit: in, cm, mm or pt (default 8in)")
	widthPx := fs.Int("width-px", 0, "figure width in `pixels` at --dpi (instead of --width)")
	height := fs.String("height", "", "figure `height` with unit (default: 2/3 of the width for the history, 7/8 for the confusion matrix)")
	heightPx := fs.Int("height-px", 0, "figure height in `pixels` at --dpi (instead of --height)")
	dpi := fs.Float64("dpi", 150, "`resolution` of PNG figures in dots per inch")
	percent := fs.Bool("percent", true, "confusion matrix in percent of all test images (false: image counts)")
	theme := fs.String("theme", "light", "chart `colours`: light (white background, for paper and slides) or dark")
	model := fs.String("model", "", "weights `file`, or the name of a shipped model, whose metadata to plot (default: the study's)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opt, err := plotParse(*out, *formats, *width, *widthPx, *height, *heightPx, *dpi, *percent, *theme)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("plot takes no arguments, got %q", fs.Arg(0))
	}
	if err != nil {
		return usageError(stderr, "plot", "%v", err)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	meta := m.Meta
	if len(meta.History) == 0 && meta.Test == nil {
		return fail(stderr, "the model has no training history and no test metrics, so there is nothing to plot (a model trained with 'artlens train' has both)")
	}
	if err := os.MkdirAll(opt.out, 0o755); err != nil {
		return fail(stderr, "cannot create the output folder: %v", err)
	}

	type figure struct {
		name   string
		aspect float64
		make   func() (*plot.Plot, error)
	}
	var figs []figure
	missing := 0
	if len(meta.History) > 0 {
		best := meta.BestEpoch
		if best != 0 && !hasEpoch(meta, best) {
			fmt.Fprintf(stderr, "artlens: the best epoch %d is not in the training history; it is not marked\n", best)
			best = 0
		}
		for _, metric := range plots.Metrics {
			figs = append(figs, figure{"history_" + metric, historyAspect, func() (*plot.Plot, error) {
				return plots.History(meta.History, metric, best, opt.theme)
			}})
		}
	} else {
		missing++
		fmt.Fprintln(stderr, "artlens: the model has no training history: history figures not written")
	}
	if meta.Test != nil {
		figs = append(figs, figure{"confusion", confusionAspect, func() (*plot.Plot, error) {
			return plots.Confusion(*meta.Test, opt.percent, opt.theme)
		}})
	} else {
		missing++
		fmt.Fprintln(stderr, "artlens: the model has no test metrics: confusion matrix not written")
	}

	failed := 0
	for _, f := range figs {
		p, err := f.make()
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "artlens: %s: %v\n", f.name, err)
			continue
		}
		w, h := opt.size(f.aspect)
		for _, format := range opt.formats {
			path := filepath.Join(opt.out, f.name+"."+format)
			data, err := plots.Render(p, w, h, format, opt.dpi)
			if err == nil {
				err = writeOutput(path, data)
			}
			if err != nil {
				failed++
				fmt.Fprintf(stderr, "artlens: %s: %v\n", path, err)
				continue
			}
			fmt.Fprintln(stdout, path)
		}
	}
	if failed > 0 || missing > 0 {
		return 1
	}
	return 0
}

// plotParse checks the plot command's options; an error is a one-line
// reason for exit code 2.
func plotParse(out, formats, width string, widthPx int, height string, heightPx int, dpi float64, percent bool, theme string) (plotOptions, error) {
	opt := plotOptions{out: out, dpi: dpi, percent: percent}
	if out == "" {
		return opt, errors.New("--out DIR is required: the folder to write the figures to")
	}
	if !(dpi > 0 && dpi <= 2400) {
		return opt, fmt.Errorf("--dpi must be above 0 and at most 2400, not %g", dpi)
	}
	switch theme {
	case "light":
		opt.theme = plots.Light
	case "dark":
		opt.theme = plots.Dark
	default:
		return opt, fmt.Errorf("--theme must be light or dark, not %q", theme)
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(formats, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "png", "svg", "pdf":
		default:
			return opt, fmt.Errorf("--format: unknown format %q (want png, svg or pdf)", f)
		}
		if !seen[f] {
			seen[f] = true
			opt.formats = append(opt.formats, f)
		}
	}
	var err error
	if opt.width, err = plotLength("width", width, widthPx, dpi); err != nil {
		return opt, err
	}
	if opt.height, err = plotLength("height", height, heightPx, dpi); err != nil {
		return opt, err
	}
	return opt, nil
}

// plotLength reads a --width/--height (with unit) or its -px form; 0 when
// neither is given.
func plotLength(name, s string, px int, dpi float64) (vg.Length, error) {
	switch {
	case s != "" && px != 0:
		return 0, fmt.Errorf("give --%s or --%s-px, not both", name, name)
	case px < 0 || px > 20000:
		return 0, fmt.Errorf("--%s-px must be 1 to 20000, not %d", name, px)
	case px > 0:
		return vg.Length(float64(px)/dpi) * vg.Inch, nil
	case s == "":
		return 0, nil
	}
	l, err := vg.ParseLength(s)
	if err != nil || !strings.ContainsAny(s[len(s)-1:], "nmt") {
		return 0, fmt.Errorf("--%s: %q is not a length with a unit such as 8in, 20cm or 576pt", name, s)
	}
	if l <= 0 || l > 100*vg.Inch {
		return 0, fmt.Errorf("--%s must be above 0 and at most 100in, not %s", name, s)
	}
	return l, nil
}

// size is a figure's page size: the width given (or the default) and the
// height given (or the width times aspect).
func (o plotOptions) size(aspect float64) (w, h vg.Length) {
	w, h = o.width, o.height
	if w == 0 {
		w = defaultPlotWidth
		if h != 0 {
			w = h / vg.Length(aspect)
		}
	}
	if h == 0 {
		h = w * vg.Length(aspect)
	}
	return w, h
}

// hasEpoch reports whether the history has epoch n, numbered as
// plots.History numbers them.
func hasEpoch(meta engine.Metadata, n int) bool {
	for i, e := range meta.History {
		if e.Epoch == n || e.Epoch == 0 && i+1 == n {
			return true
		}
	}
	return false
}
