package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("maps", "write the conv layers' feature maps of images as PNG figures", runMaps)
}

// mapsOptions are the parsed options of the maps command.
type mapsOptions struct {
	layers  []int // 1-based conv layer numbers
	filters []int // nil: all
	grid    plots.GridOptions
	out     string
}

func runMaps(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("maps", "IMAGE|FOLDER... --out DIR [--layers 1,3,4] [--filters 1,6,8] [--normalize map|layer] [--order index|activation] [--model FILE]", stdout, stderr)
	out := fs.String("out", "", "`folder` to write the figures to (created if missing); required")
	layers := fs.String("layers", "", "conv `layers` to draw, numbered from 1 (the study's model has 5): a list such as 1,3,4 or a range such as 2-4, or layers' names (a graph's blocks: layer3.1,layer4.1) (default: all)")
	filters := fs.String("filters", "", "draw only these `filters` (numbered from 1 as in the app, e.g. 1,6,8 or 1-8), each enlarged (default: all)")
	normalize := fs.String("normalize", "map", "colour `scale`: map (each map from its own min to max) or layer (one scale for the layer)")
	order := fs.String("order", "index", "filter `order`: index, or activation (most active first, by mean activation)")
	scale := fs.Int("scale", 0, "enlarge each map `n` times, nearest neighbour (default: about 128 pixels, 256 with --filters)")
	columns := fs.Int("columns", 0, "`number` of maps per row (default: chosen from the number of maps)")
	model := fs.String("model", "", modelUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if strings.ContainsFunc(*layers, unicode.IsLetter) {
		// Names: the model says which numbers they are.
		m, err := loadModel(*model)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		var nums []string
		for _, name := range strings.Split(*layers, ",") {
			l, err := m.PlaceNumber(name)
			if err != nil {
				return usageError(stderr, "maps", "--layers: %q is not a number, nor the name of a layer (%v)", name, err)
			}
			nums = append(nums, strconv.Itoa(l))
		}
		*layers = strings.Join(nums, ",")
	}
	opt, err := mapsParse(*out, *layers, *filters, *normalize, *order, *scale, *columns, fs.NArg())
	if err != nil {
		return usageError(stderr, "maps", "%v", err)
	}

	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := mapsForModel(&opt, m.PlaceChannels()); err != nil {
		return usageError(stderr, "maps", "%v", err)
	}
	files, err := imageInputs(fs.Args(), false, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}

	names := outputNames(files)
	bar := newProgressBar(stderr, "maps", len(files))
	failed, written := 0, 0
	for i, f := range files {
		n, err := mapsFile(m, f, names[i], opt)
		written += n
		if errors.Is(err, errOutputFolder) {
			bar.interrupt()
			return fail(stderr, "%v", err)
		}
		if err != nil {
			failed++
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %s: %s\n", f, reason(f, err))
		}
		bar.update(i + 1)
	}
	if written == 0 {
		return fail(stderr, "no figures written: none of the %d file%s could be read", len(files), plural(len(files)))
	}
	fmt.Fprintf(stdout, "wrote %d figure%s to %s\n", written, plural(written), opt.out)
	if failed > 0 {
		return exitFailure
	}
	return 0
}

// errOutputFolder marks a failure to create the output folder, which ends
// the command: no other file could be written either.
var errOutputFolder = errors.New("cannot create the output folder")

// mapsParse checks the maps command's options; an error is a one-line
// reason for exit code 2.
func mapsParse(out, layers, filters, normalize, order string, scale, columns, nargs int) (mapsOptions, error) {
	var opt mapsOptions
	if out == "" {
		return opt, errors.New("--out DIR is required: the folder to write the figures to")
	}
	if nargs == 0 {
		return opt, errors.New("give at least one image or folder")
	}
	opt.out = out
	var err error
	if opt.layers, err = parseLayers(layers); err != nil {
		return opt, err
	}
	if opt.filters, err = parseFilters(filters); err != nil {
		return opt, err
	}
	switch normalize {
	case "map":
		opt.grid.Normalize = plots.PerMap
	case "layer":
		opt.grid.Normalize = plots.PerLayer
	default:
		return opt, fmt.Errorf("--normalize must be map or layer, not %q", normalize)
	}
	switch order {
	case "index":
		opt.grid.Order = plots.ByIndex
	case "activation":
		opt.grid.Order = plots.ByActivation
	default:
		return opt, fmt.Errorf("--order must be index or activation, not %q", order)
	}
	if scale < 0 || scale > 64 {
		return opt, fmt.Errorf("--scale must be 0 (automatic) to 64, not %d", scale)
	}
	if columns < 0 {
		return opt, fmt.Errorf("--columns must not be negative, got %d", columns)
	}
	opt.grid.Scale, opt.grid.Columns = scale, columns
	return opt, nil
}

// parseLayers parses the --layers option: conv layers, numbered from 1;
// none when s is empty.
func parseLayers(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	layers, err := parseIntList(s)
	if err != nil {
		return nil, fmt.Errorf("--layers: %v", err)
	}
	for _, l := range layers {
		if l < 1 {
			return nil, fmt.Errorf("--layers: there is no conv layer %d; the layers are numbered from 1", l)
		}
	}
	return layers, nil
}

// parseFilters parses the --filters option: filters numbered from 1; none
// when s is empty.
func parseFilters(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	filters, err := parseIntList(s)
	if err != nil {
		return nil, fmt.Errorf("--filters: %v", err)
	}
	for _, f := range filters {
		if f < 1 {
			return nil, fmt.Errorf("--filters: filter numbers start at 1, got %d", f)
		}
	}
	return filters, nil
}

// parseIntList parses "1,3,4", "2-4" or a mix ("0-3,7") into numbers in
// the order given, without repeats.
func parseIntList(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	add := func(v int) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("empty item in %q", s)
		}
		lo, hi, isRange := strings.Cut(part[1:], "-") // part[1:]: allow a leading minus
		if isRange {
			lo = part[:1] + lo
		} else {
			lo = part
		}
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", part)
		}
		if !isRange {
			add(a)
			continue
		}
		b, err := strconv.Atoi(hi)
		if err != nil || b < a {
			return nil, fmt.Errorf("%q is not a range such as 2-4", part)
		}
		if b-a > 1000 {
			return nil, fmt.Errorf("range %q is too long", part)
		}
		for v := a; v <= b; v++ {
			add(v)
		}
	}
	return out, nil
}

// outputNames gives each input the base of its figures' file names: its
// file name without extension, with "-2", "-3"... added when two inputs
// would otherwise share one.
func outputNames(files []string) []string {
	names := make([]string, len(files))
	used := map[string]bool{}
	for i, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		name := base
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s-%d", base, k)
		}
		used[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// mapsForModel checks the layers and filters of opt against the model's
// conv layers (convs[i] filters in layer i+1), fills in all layers when
// none were chosen, and makes filter numbers count from 0 as plots does.
func mapsForModel(opt *mapsOptions, convs []int) error {
	if len(opt.layers) == 0 {
		for l := range convs {
			opt.layers = append(opt.layers, l+1)
		}
	}
	return checkConvChoice(opt.layers, opt.filters, convs)
}

// checkConvChoice checks chosen conv layers (from 1) and filters (from 1,
// as the app numbers them) against a model whose conv layer i+1 has
// convs[i] filters, and makes the filter numbers count from 0 in place, as
// package plots does.
func checkConvChoice(layers, filters, convs []int) error {
	for _, l := range layers {
		if l > len(convs) {
			return fmt.Errorf("--layers: there is no conv layer %d; the layers are 1 to %d", l, len(convs))
		}
	}
	for i, f := range filters {
		for _, l := range layers {
			if n := convs[l-1]; f > n {
				return fmt.Errorf("--filters: conv layer %d has %d filters (1 to %d), so there is no filter %d", l, n, n, f)
			}
		}
		filters[i] = f - 1
	}
	return nil
}

// mapsFile draws the chosen layers of one image into opt.out as
// <name>_conv<N>.png and reports how many figures it wrote.
func mapsFile(m *engine.Model, path, name string, opt mapsOptions) (int, error) {
	img, _, err := picture.Open(path)
	if err != nil {
		return 0, err
	}
	in := m.Input()
	p, err := m.Predict(picture.ToInputShape(img, in.Channels, in.Width, in.Height))
	if err != nil {
		return 0, err
	}
	class, prob := "", float32(0)
	if p.Class >= 0 && p.Class < len(m.Meta.Classes) && p.Class < len(p.Probabilities) {
		class, prob = m.Meta.Classes[p.Class], p.Probabilities[p.Class]
	}
	written := 0
	for _, l := range opt.layers {
		if l > len(p.Activations) {
			return written, fmt.Errorf("the model gave no activation for conv layer %d", l)
		}
		a := p.Activations[l-1]
		g := opt.grid
		g.Filters = opt.filters
		shown := a.Channels
		if g.Filters != nil {
			shown = len(g.Filters)
		}
		g.Title = plots.GridTitleOf(filepath.Base(path), a, shown, class, prob, m.Output())
		fig, err := plots.FeatureGrid(a, g)
		if err != nil {
			return written, err
		}
		// The folder is made only now, so that a run that draws
		// nothing leaves no empty folder behind.
		if err := os.MkdirAll(opt.out, 0o755); err != nil {
			return written, fmt.Errorf("%w %s: %v", errOutputFolder, opt.out, errors.Unwrap(err))
		}
		if err := writePNG(filepath.Join(opt.out, fmt.Sprintf("%s_conv%d.png", name, l)), fig); err != nil {
			return written, err
		}
		written++
	}
	return written, nil
}

// writePNG encodes img as PNG into the file at path, replacing it.
func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return writeOutput(path, buf.Bytes())
}

// writeOutput writes data to the file at path atomically, so that a failed
// or killed write leaves the old file or none, never a half-written figure.
func writeOutput(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o644)
}

// reason is err's message without the file name that package picture puts
// in front, since the caller prints the path itself.
func reason(path string, err error) string {
	return strings.TrimPrefix(err.Error(), filepath.Base(path)+": ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
