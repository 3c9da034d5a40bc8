package app

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/artlens/artlens/weights"
)

func init() {
	register("models", "list the models shipped inside ArtLens (for --model NAME)", runModels)
}

// shippedModel is one line of `artlens models`; TestAccuracy is nil when
// the model's file holds no test evaluation.
type shippedModel struct {
	Name         string   `json:"name"`
	Default      bool     `json:"default"`
	About        string   `json:"about"`
	Input        []int    `json:"input"` // channels, height, width
	Classes      []string `json:"classes"`
	Parameters   int      `json:"parameters"`
	TestAccuracy *float64 `json:"test_accuracy"`
	TestTotal    int      `json:"test_total,omitempty"`
	// Output is the model's output kind: "softmax" or "sigmoid".
	Output string `json:"output"`
}

func runModels(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("models", "[--json]", stdout, stderr)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "models", "models takes no arguments, got %q", fs.Arg(0))
	}
	var list []shippedModel
	for i, e := range weights.Shipped {
		m, err := e.Load()
		if err != nil {
			return fail(stderr, "%v", err)
		}
		in := m.Input()
		s := shippedModel{Name: e.Name, Default: i == 0, About: e.About, Input: []int{in.Channels, in.Height, in.Width},
			Classes: m.Meta.Classes, Parameters: m.ParamCount(), Output: m.Output()}
		if t := m.Meta.Test; t != nil {
			acc := t.Accuracy
			s.TestAccuracy, s.TestTotal = &acc, t.Total
		}
		list = append(list, s)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "Name\tInput\tParameters\tOutput\tTest accuracy\tAbout")
	for _, s := range list {
		acc := "not measured"
		if s.TestAccuracy != nil {
			acc = fmt.Sprintf("%.2f %% of %d", 100**s.TestAccuracy, s.TestTotal)
		}
		name := s.Name
		if s.Default {
			name += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%dx%dx%d\t%d\t%s\t%s\t%s\n", name, s.Input[2], s.Input[1], s.Input[0], s.Parameters, s.Output, acc, s.About)
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}
