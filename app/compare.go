package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("compare", "draw 2 to 4 images side by side: answers, Grad-CAMs and the same filters' maps on one scale", runCompare)
}

// compareOptions are the parsed options of the compare command.
type compareOptions struct {
	layers  []int // 1-based conv layers; empty: chosen for the model
	filters []int // 0-based, for every layer; nil: the most different
	count   int   // filters per layer when chosen automatically
	out     string
	tile    int
}

func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("compare", "[--layers 1,3,5] [--filters 1,6,8] [--class NAME] [--model FILE] --out FILE.png IMAGE IMAGE...", stdout, stderr)
	out := fs.String("out", "", "PNG `file` to write the figure to; required")
	layers := fs.String("layers", "", "conv `layers` whose maps are shown, from 1: a list such as 1,3,4 or a range such as 2-4 (default: the first, middle and last, 1,3,5 for the study's network)")
	filters := fs.String("filters", "", "show these `filters` of every layer (numbered from 1, e.g. 1,6,8) (default: those whose mean activation differs most between the pictures)")
	count := fs.Int("count", 3, "`number` of filters per layer chosen when --filters is not given")
	class := fs.String("class", "", "explain this class, by `name`, in every Grad-CAM (default: each picture's predicted class)")
	tile := fs.Int("tile", 200, "side of each picture and map in `pixels`")
	model := fs.String("model", "", modelUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opt, err := compareParse(*out, *layers, *filters, *count, *tile, fs.NArg())
	if err != nil {
		return usageError(stderr, "compare", "%v", err)
	}
	files, err := imageInputs(fs.Args(), false, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if len(files) < plots.CompareMin || len(files) > plots.CompareMax {
		return usageError(stderr, "compare", "give %d to %d images, not %d", plots.CompareMin, plots.CompareMax, len(files))
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := compareForModel(&opt, m.ConvLayers()); err != nil {
		return usageError(stderr, "compare", "%v", err)
	}
	classIndex := -1
	if *class != "" {
		if classIndex = findClass(m.Meta.Classes, *class); classIndex < 0 {
			return usageError(stderr, "compare", "--class: the model has no class %q; its classes are %s", *class, strings.Join(m.Meta.Classes, ", "))
		}
	}
	items, err := compareItems(m, files, classIndex)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	chosen, err := compareFilters(items, opt)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fig, err := plots.Comparison(items, plots.CompareOptions{Layers: opt.layers, Filters: chosen, Tile: opt.tile})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if dir := filepath.Dir(opt.out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(stderr, "cannot create the output folder: %v", err)
		}
	}
	if err := writePNG(opt.out, fig); err != nil {
		return fail(stderr, "%v", err)
	}
	for _, it := range items {
		fmt.Fprintf(stdout, "%s: %s, Grad-CAM %s\n", it.Name, it.Answer, it.CAMLabel)
	}
	how := "chosen"
	if opt.filters == nil {
		how = "most different between the pictures"
	}
	var parts []string
	for i, l := range opt.layers {
		nums := make([]string, len(chosen[i]))
		for j, f := range chosen[i] {
			nums[j] = fmt.Sprintf("#%d", f+1)
		}
		parts = append(parts, fmt.Sprintf("conv%d %s", l, strings.Join(nums, " ")))
	}
	fmt.Fprintf(stdout, "filters (%s): %s\nwrote %s\n", how, strings.Join(parts, ", "), opt.out)
	return 0
}

// compareParse checks the compare command's options; an error is a
// one-line reason for exit code 2.
func compareParse(out, layers, filters string, count, tile, nargs int) (compareOptions, error) {
	opt := compareOptions{out: out, count: count, tile: tile}
	if out == "" {
		return opt, errors.New("--out FILE.png is required: the figure to write")
	}
	if !strings.EqualFold(filepath.Ext(out), ".png") {
		return opt, fmt.Errorf("--out must name a .png file, not %q", out)
	}
	if nargs == 0 {
		return opt, fmt.Errorf("give %d to %d images", plots.CompareMin, plots.CompareMax)
	}
	var err error
	if opt.layers, err = parseLayers(layers); err != nil {
		return opt, err
	}
	if opt.filters, err = parseFilters(filters); err != nil {
		return opt, err
	}
	if len(opt.filters) > 8 {
		return opt, fmt.Errorf("--filters: at most 8 filters fit a figure, got %d", len(opt.filters))
	}
	if count < 1 || count > 8 {
		return opt, fmt.Errorf("--count must be 1 to 8, not %d", count)
	}
	if tile < 64 || tile > 1024 {
		return opt, fmt.Errorf("--tile must be 64 to 1024 pixels, not %d", tile)
	}
	return opt, nil
}

// compareForModel checks the layers and filters against the model's conv
// layers and makes the filters 0-based.
func compareForModel(opt *compareOptions, convs []int) error {
	if len(opt.layers) == 0 && len(convs) > 0 {
		// The first, middle and last conv layers: low, middle and high
		// features.
		for _, l := range []int{1, (len(convs) + 1) / 2, len(convs)} {
			if len(opt.layers) == 0 || opt.layers[len(opt.layers)-1] != l {
				opt.layers = append(opt.layers, l)
			}
		}
	}
	return checkConvChoice(opt.layers, opt.filters, convs)
}

// compareItems reads each file and computes its answer, its Grad-CAM (of
// class, or of its predicted class when class < 0) and its activations.
func compareItems(m *engine.Model, files []string, class int) ([]plots.CompareItem, error) {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	items := make([]plots.CompareItem, len(files))
	for i, f := range files {
		img, _, err := picture.Open(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", f, reason(f, err))
		}
		in := m.Input()
		input := picture.ToInputShape(img, in.Channels, in.Width, in.Height)
		p, err := m.Predict(input)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		c := class
		if c < 0 {
			c = p.Class
		}
		cam, err := explain.GradCAM(m, input, 0, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		answer := fmt.Sprintf("%s %.0f%%", m.Meta.Classes[p.Class], 100*p.Probabilities[p.Class])
		if m.Output() == engine.OutputSigmoid {
			// Independent scores: the labels at or above the threshold
			// (Grad-CAM's class is still the highest score).
			scores := map[string]float64{}
			var labels []string
			for _, k := range engine.Answer(m.Output(), p.Probabilities, engine.DefaultThreshold) {
				labels = append(labels, m.Meta.Classes[k])
				scores[m.Meta.Classes[k]] = float64(p.Probabilities[k])
			}
			answer = "scores: " + labelsText(labels, scores, engine.DefaultThreshold)
		}
		items[i] = plots.CompareItem{
			Name:        names[i],
			Answer:      answer,
			Picture:     img,
			CAM:         cam.Values,
			CAMWidth:    cam.Width,
			CAMHeight:   cam.Height,
			CAMLabel:    fmt.Sprintf("why %s, conv%d", m.Meta.Classes[c], cam.Layer),
			Activations: p.Activations,
		}
	}
	return items, nil
}

// compareFilters returns the filters to show for each layer: the chosen
// ones, or the opt.count whose mean activation differs most between the
// pictures.
func compareFilters(items []plots.CompareItem, opt compareOptions) ([][]int, error) {
	out := make([][]int, len(opt.layers))
	for i, l := range opt.layers {
		if opt.filters != nil {
			out[i] = opt.filters
			continue
		}
		acts := make([]engine.Activation, len(items))
		for j, it := range items {
			acts[j] = it.Activations[l-1]
		}
		f, err := explain.DistinctFilters(acts, opt.count)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}
