package app

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
)

func init() {
	register("import", "convert an image classifier exported to ONNX by PyTorch (every torchvision CNN family, ConvNeXt, ViT, or your own) into an ArtLens weights file", runImport)
}

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", "[--classes a,b,... | --classes-file FILE] [--mean r,g,b --std r,g,b] --out FILE.safetensors MODEL.onnx", stdout, stderr)
	out := fs.String("out", "", "weights `file` to write (safetensors); required")
	classes := fs.String("classes", "", "class `names` in output order, comma-separated (default: class 1, class 2, ...)")
	classesFile := fs.String("classes-file", "", "text `file` of the class names in output order, one a line (ImageNet's 1,000, say)")
	mean := fs.String("mean", "", "per-channel `mean` the model was trained to subtract from inputs in [0,1], e.g. 0.485,0.456,0.406")
	std := fs.String("std", "", "per-channel standard `deviation` to divide by after the mean, e.g. 0.229,0.224,0.225")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *out == "" || fs.NArg() != 1 {
		return usageError(stderr, "import", "import needs --out FILE and one ONNX model")
	}
	var opt importer.Options
	if *classes != "" && *classesFile != "" {
		return usageError(stderr, "import", "give --classes or --classes-file, not both")
	}
	if *classesFile != "" {
		var err error
		if opt.Classes, err = readClassesFile(*classesFile); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	if *classes != "" {
		for _, c := range strings.Split(*classes, ",") {
			if c = strings.TrimSpace(c); c == "" {
				return usageError(stderr, "import", "--classes: a class name is empty in %q", *classes)
			}
			opt.Classes = append(opt.Classes, c)
		}
	}
	var err error
	if opt.Mean, err = parseFloats(*mean); err != nil {
		return usageError(stderr, "import", "--mean: %v", err)
	}
	if opt.Std, err = parseFloats(*std); err != nil {
		return usageError(stderr, "import", "--std: %v", err)
	}
	if (opt.Mean == nil) != (opt.Std == nil) {
		return usageError(stderr, "import", "--mean and --std go together")
	}
	m, err := importer.ImportFile(fs.Arg(0), opt)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := m.SaveFile(*out); err != nil {
		return fail(stderr, "cannot write %s: %v", *out, err)
	}
	in := m.Input()
	names := strings.Join(m.Meta.Classes, ", ")
	if len(m.Meta.Classes) > 10 {
		names = strings.Join(m.Meta.Classes[:5], ", ") + ", ..."
	}
	fmt.Fprintf(stdout, "wrote %s: %d conv layers, %d classes (%s), input %dx%dx%d\n\n", *out, len(m.ConvLayers()),
		len(m.Meta.Classes), names, in.Width, in.Height, in.Channels)
	if m.Output() == engine.OutputSigmoid {
		fmt.Fprintf(stdout, "Output: sigmoid: %s\n\n", engine.OutputNote(m.Output()))
	}
	if err := engine.WriteSummary(stdout, m.Summary()); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}

// readClassesFile reads class names, one a line (blank lines at the end
// ignored). A name that comes again (ImageNet has two "crane"s) gets its
// line number, so that every output keeps its own name.
func readClassesFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the class names: %w", err)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n \t"), "\n")
	seen := map[string]bool{}
	var names []string
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			return nil, fmt.Errorf("%s: line %d is empty; the file holds one class name a line", path, i+1)
		}
		if seen[l] {
			l = fmt.Sprintf("%s (line %d)", l, i+1)
		}
		seen[l] = true
		names = append(names, l)
	}
	return names, nil
}

// parseFloats reads a comma-separated list of numbers; empty gives nil.
func parseFloats(s string) ([]float32, error) {
	if s == "" {
		return nil, nil
	}
	var out []float32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, float32(v))
	}
	return out, nil
}
