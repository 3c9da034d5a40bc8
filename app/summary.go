package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/artlens/artlens/engine"
)

func init() {
	register("summary", "print the network's layer table (the study's Figure 1)", runSummary)
}

func runSummary(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("summary", "[--model FILE]", stdout, stderr)
	model := fs.String("model", "", "weights `file` to describe (default: the shipped model)")
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
	fmt.Fprintf(stdout, "Model: the seed study's CNN; input %dx%dx3; %d classes: %s\n\n", engine.InputSize, engine.InputSize, len(m.Meta.Classes), strings.Join(m.Meta.Classes, ", "))
	if err := engine.WriteSummary(stdout, m.Summary()); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}
