package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/artlens/artlens/engine"
)

func init() {
	register("summary", "print the network's layer table (the study's Figure 1)", runSummary)
}

func runSummary(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("summary", "[--model FILE] [--arch]", stdout, stderr)
	model := fs.String("model", "", "weights `file` (or .onnx model), or the name of a shipped model, to describe (default: the study's)")
	asArch := fs.Bool("arch", false, "print the architecture as JSON, the form 'artlens train --arch' reads")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "summary", "summary takes no arguments, got %q", fs.Arg(0))
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if *asArch {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m.Arch()); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	in := m.Input()
	what := "the seed study's CNN"
	if m.Meta.Arch != nil {
		what = fmt.Sprintf("a sequential CNN of %d conv layers", len(m.ConvLayers()))
	}
	fmt.Fprintf(stdout, "Model: %s; input %dx%dx%d; %d classes: %s\n", what, in.Width, in.Height, in.Channels, len(m.Meta.Classes), strings.Join(m.Meta.Classes, ", "))
	if m.Meta.Arch != nil {
		fmt.Fprintf(stdout, "Preprocessing: %s\n", m.Meta.Preprocessing)
	}
	fmt.Fprintln(stdout)
	if err := engine.WriteSummary(stdout, m.Summary()); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}
