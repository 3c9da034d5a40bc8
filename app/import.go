package app

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
)

func init() {
	register("import", "convert a small CNN exported to ONNX (PyTorch, Keras via tf2onnx) into an ArtLens weights file", runImport)
}

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", "[--classes a,b,...] [--mean r,g,b --std r,g,b] --out FILE.safetensors MODEL.onnx", stdout, stderr)
	out := fs.String("out", "", "weights `file` to write (safetensors); required")
	classes := fs.String("classes", "", "class `names` in output order, comma-separated (default: class 1, class 2, ...)")
	mean := fs.String("mean", "", "per-channel `mean` the model was trained to subtract from inputs in [0,1], e.g. 0.485,0.456,0.406")
	std := fs.String("std", "", "per-channel standard `deviation` to divide by after the mean, e.g. 0.229,0.224,0.225")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *out == "" || fs.NArg() != 1 {
		return usageError(stderr, "import", "import needs --out FILE and one ONNX model")
	}
	var opt importer.Options
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
	fmt.Fprintf(stdout, "wrote %s: %d conv layers, %d classes (%s), input %dx%dx%d\n\n", *out, len(m.ConvLayers()),
		len(m.Meta.Classes), strings.Join(m.Meta.Classes, ", "), in.Width, in.Height, in.Channels)
	if err := engine.WriteSummary(stdout, m.Summary()); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
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
