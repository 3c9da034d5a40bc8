package app

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/graphdraw"
	"github.com/artlens/artlens/internal/atomicfile"
)

func init() {
	register("summary", "print the network's layer table (the study's Figure 1)", runSummary)
}

func runSummary(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("summary", "[--model FILE] [--arch] [--graph FILE.svg|FILE.png [--fold]]", stdout, stderr)
	model := fs.String("model", "", "weights `file` (or .onnx model), or the name of a shipped model, to describe (default: the study's)")
	asArch := fs.Bool("arch", false, "print the architecture as JSON, the form 'artlens train --arch' reads")
	graph := fs.String("graph", "", "also draw the network's graph (its blocks and skip connections) into `file`, SVG or PNG by its extension")
	fold := fs.Bool("fold", false, "with --graph, draw each block as one row (a transformer's repeated encoder blocks as one)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "summary", "summary takes no arguments, got %q", fs.Arg(0))
	}
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(*graph), "."))
	if *graph != "" && format != "svg" && format != "png" {
		return usageError(stderr, "summary", "--graph %q: the file must end in .svg or .png", *graph)
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if *graph != "" {
		d := graphdraw.Lay(graphdraw.FromModel(m), graphdraw.Options{Fold: *fold, Repeat: m.HasAttention()})
		var data []byte
		if format == "svg" {
			data, err = graphdraw.SVG(d)
		} else {
			data, err = graphdraw.PNG(d, 2)
		}
		if err == nil {
			err = atomicfile.WriteFile(*graph, data, 0o644)
		}
		if err != nil {
			return fail(stderr, "%v", err)
		}
		defer fmt.Fprintf(stdout, "\nwrote %s (%d rows, %d edges)\n", *graph, len(d.Boxes)-1, len(d.Edges))
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
	places := m.Places()
	if extra := len(places) - len(m.ConvLayers()); extra > 0 {
		what = fmt.Sprintf("a graph CNN of %d conv layers and %d other places", len(m.ConvLayers()), extra)
	}
	classes := strings.Join(m.Meta.Classes, ", ")
	if len(m.Meta.Classes) > 10 {
		classes = strings.Join(m.Meta.Classes[:5], ", ") + ", ..."
	}
	fmt.Fprintf(stdout, "Model: %s; input %dx%dx%d; %d classes: %s\n", what, in.Width, in.Height, in.Channels, len(m.Meta.Classes), classes)
	if m.Meta.Arch != nil {
		fmt.Fprintf(stdout, "Preprocessing: %s\n", m.Meta.Preprocessing)
	}
	fmt.Fprintf(stdout, "Output: %s: %s\n", m.Output(), engine.OutputNote(m.Output()))
	if len(places) > len(m.ConvLayers()) {
		// A graph's places beyond its conv layers: blocks, and the maps
		// that Grad-CAM explains by default.
		var names []string
		for _, p := range places[len(m.ConvLayers()):] {
			names = append(names, fmt.Sprintf("%d %s (%dx%dx%d)", p.Layer, p.Name, p.Width, p.Height, p.Channels))
		}
		fmt.Fprintf(stdout, "Places after the conv layers (--layer N or NAME): %s\n", strings.Join(names, ", "))
		cam := places[m.CAMPlace()-1]
		fmt.Fprintf(stdout, "Grad-CAM's default place: %d %s\n", cam.Layer, cam.Name)
	}
	fmt.Fprintln(stdout)
	if err := engine.WriteSummary(stdout, m.Summary()); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}
