package app

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"

	"github.com/artlens/artlens/featviz"
)

func init() {
	register("visualize", "draw what a filter or a class looks for: the picture the network would draw for it", runVisualize)
}

// visualizeResult is one line of `visualize --json`.
type visualizeResult struct {
	Layer       int      `json:"layer,omitempty"`
	Filter      int      `json:"filter,omitempty"`
	Peak        *float32 `json:"peak,omitempty"`
	Class       string   `json:"class,omitempty"`
	Probability *float32 `json:"probability,omitempty"`
	// Output is the model's output kind: for "sigmoid", Probability is
	// the class's own independent score, and Predicted its highest score.
	Output    string `json:"output"`
	Predicted string `json:"predicted"`
	File      string `json:"file,omitempty"`
}

func runVisualize(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("visualize", "(--layer N [--filter F] | --class NAME) [--out DIR] [--json] [--centre] [--steps 256] [--size N] [--model FILE]", stdout, stderr)
	layer := fs.Int("layer", 0, "conv `layer`, from 1: its filter --filter, or all its filters")
	filter := fs.Int("filter", 0, "`filter` of --layer, from 1 (default: every filter of the layer)")
	class := fs.String("class", "", "the `class` whose picture to draw (a name of the model's classes)")
	out := fs.String("out", "", "`folder` to write the pictures to (created if missing)")
	asJSON := fs.Bool("json", false, "print one JSON object per picture: layer and filter with the peak activation reached, or class with its probability")
	centre := fs.Bool("centre", false, "maximise the centre of the filter's map (one instance of its pattern) instead of the map's mean (a texture of it)")
	steps := fs.Int("steps", 256, "`steps` of gradient ascent")
	scale := fs.Int("scale", 4, "enlarge each picture `n` times, nearest neighbour")
	size := fs.Int("size", 0, "side of the canvas a filter's mean is drawn on, in `pixels` (default: the larger of 128 and the input's side); a class and --centre are drawn at the input's size")
	model := fs.String("model", "", modelUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "visualize", "visualize takes no files, only options (got %q)", fs.Arg(0))
	case (*layer == 0) == (*class == ""):
		return usageError(stderr, "visualize", "give either --layer N (with --filter F or not) or --class NAME")
	case *filter != 0 && *layer == 0:
		return usageError(stderr, "visualize", "--filter goes with --layer")
	case *layer < 0 || *filter < 0:
		return usageError(stderr, "visualize", "layers and filters are numbered from 1")
	case *out == "" && !*asJSON:
		return usageError(stderr, "visualize", "give --out DIR to write the pictures, or --json to print what they reach (or both)")
	case *steps < 1 || *steps > 10000:
		return usageError(stderr, "visualize", "--steps wants 1 to 10000, not %d", *steps)
	case *scale < 1 || *scale > 32:
		return usageError(stderr, "visualize", "--scale wants 1 to 32, not %d", *scale)
	case *size != 0 && (*class != "" || *centre):
		return usageError(stderr, "visualize", "--size is for a filter's mean: a class and --centre are drawn at the input's size")
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if in := m.Input(); *size != 0 && (*size < max(in.Height, in.Width) || *size > maxCanvas) {
		return usageError(stderr, "visualize", "--size wants %d (the input's side) to %d, not %d", max(in.Height, in.Width), maxCanvas, *size)
	}
	var goals []featviz.Goal
	switch convs := m.ConvLayers(); {
	case *class != "":
		c := findClass(m.Meta.Classes, strings.TrimSpace(*class))
		if c < 0 {
			return usageError(stderr, "visualize", "--class: the model has no class %q; its classes are %s", *class, strings.Join(m.Meta.Classes, ", "))
		}
		goals = append(goals, featviz.Goal{Class: c})
	case *layer > len(convs):
		return usageError(stderr, "visualize", "--layer: the model's conv layers are 1 to %d, not %d", len(convs), *layer)
	case *filter > convs[*layer-1]:
		return usageError(stderr, "visualize", "--filter: conv layer %d has filters 1 to %d, not %d", *layer, convs[*layer-1], *filter)
	case *filter > 0:
		goals = append(goals, featviz.Goal{Layer: *layer, Filter: *filter - 1, Centre: *centre})
	default:
		for f := range convs[*layer-1] {
			goals = append(goals, featviz.Goal{Layer: *layer, Filter: f, Centre: *centre})
		}
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fail(stderr, "%v: %v", errOutputFolder, err)
		}
	}
	enc := json.NewEncoder(stdout)
	bar := newProgressBar(stderr, "visualize", len(goals))
	for i, g := range goals {
		r, err := featviz.Visualize(context.Background(), m, g, featviz.Options{Steps: *steps, Size: *size}, nil)
		if err != nil {
			bar.interrupt()
			return fail(stderr, "%v", err)
		}
		res := visualizeResult{Predicted: m.Meta.Classes[r.Class], Output: m.Output()}
		name := ""
		if g.Layer == 0 {
			res.Class, res.Probability = m.Meta.Classes[g.Class], &r.Probability
			name = "class_" + safeName(res.Class) + ".png"
		} else {
			res.Layer, res.Filter, res.Peak = g.Layer, g.Filter+1, &r.Peak
			name = fmt.Sprintf("conv%d_filter%d.png", g.Layer, g.Filter+1)
		}
		if *out != "" {
			res.File = filepath.Join(*out, name)
			if err := writePNG(res.File, enlarge(r.Image, *scale)); err != nil {
				bar.interrupt()
				return fail(stderr, "%v", err)
			}
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				return fail(stderr, "%v", err)
			}
		}
		bar.update(i + 1)
	}
	if *out != "" && !*asJSON {
		fmt.Fprintf(stdout, "wrote %d picture%s to %s\n", len(goals), plural(len(goals)), *out)
	}
	return 0
}

// maxCanvas is the largest --size: 1024 pixels take the study's network
// about 250 times as long as its 64 (and ImageNet's 224-pixel networks
// 20 times their input's time), each step.
const maxCanvas = 1024

// safeName keeps the letters and digits of a class name for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			return r
		}
		return '_'
	}, s)
}

// enlarge returns img n times larger, each pixel a square, as the maps are.
func enlarge(img image.Image, n int) image.Image {
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx()*n, b.Dy()*n))
	draw.NearestNeighbor.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
