package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/artlens/artlens/calibration"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
)

func init() {
	register("explain", "show why the network answers what it does: Grad-CAM, occlusion, RISE and other maps over images", runExplain)
}

// explainOptions are the parsed options of the explain command.
type explainOptions struct {
	method    string
	layer     int    // from 1 (0: Grad-CAM's default place); 0 for occlusion
	layerName string // a place named rather than numbered
	className string
	occlusion explain.OcclusionOptions
	rise      explain.RISEOptions
	seed      uint64
	opacity   float64
	out       string
	json      bool
	check     bool // --check: the trust figures (explain_check.go)

	// temperature divides the logits of the probabilities shown (0: none).
	temperature float64
}

// explainResult is one line of `explain --json`.
type explainResult struct {
	File          string `json:"file"`
	Method        string `json:"method,omitempty"`
	Layer         int    `json:"layer,omitempty"`
	LayerName     string `json:"layer_name,omitempty"` // in a graph network: the place's name
	placeLabel    string
	Patch         int                `json:"patch,omitempty"`
	Stride        int                `json:"stride,omitempty"`
	Class         string             `json:"class,omitempty"`
	Predicted     string             `json:"predicted,omitempty"`
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	// Output is the model's output kind; a sigmoid model's independent
	// scores are in Scores (not Probabilities) and its answer, the labels
	// at or above engine.DefaultThreshold, in Labels. Predicted is then
	// the highest score, which Grad-CAM explains by default because one
	// class must be chosen.
	Output string             `json:"output,omitempty"`
	Scores map[string]float64 `json:"scores,omitempty"`
	Labels []string           `json:"labels,omitempty"`
	// Heatmap is the method's own values before display scaling: at the
	// place's resolution for the CAMs, per input pixel for the others
	// (occlusion's drops spread over the pixels each patch covers, as
	// Captum attributes them: explain.OcclusionPixels).
	Heatmap [][]float32 `json:"heatmap,omitempty"`
	// HeatmapPositions is occlusion's map at its patch positions (one
	// value per position, rows down the picture).
	HeatmapPositions [][]float32 `json:"heatmap_positions,omitempty"`
	Figure           string      `json:"figure,omitempty"`
	Error            string      `json:"error,omitempty"`
	trustResult                  // --check's figures (explain_check.go)
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", "[--method "+strings.Join(methodNames(), "|")+"] [--layer N|NAME] [--class NAME] [--out DIR] [--json] [--recursive] [--model FILE] IMAGE|FOLDER...", stdout, stderr)
	method := fs.String("method", explain.MethodGradCAM, "`method`, one of:"+methodHelp())
	layer := fs.String("layer", "", "`layer` that a CAM (gradcam, hirescam, gradcam++, scorecam, eigencam) explains: a conv layer's number from 1, or a layer's name (a graph's block, \"layer4.1\"); default: the last conv layer (5 for the study's network), or in a graph the maps that enter the global pooling")
	class := fs.String("class", "", "the class to explain, by `name` (default: the predicted class of each image)")
	out := fs.String("out", "", "`folder` to write one overlay figure per image to (created if missing), as NAME_METHOD.png (NAME_gradcam.png...)")
	asJSON := fs.Bool("json", false, "print one JSON object per image: file, method, layer, class, probabilities and heatmap (the method's own values, rows before enlarging: at the layer's resolution for the CAMs, per input pixel for the others; occlusion's drops per patch position in heatmap_positions), or error")
	patch := fs.Int("patch", 0, "occlusion: side of the hiding patch in `pixels` of the network's input (default: a quarter of its shorter side, 16 for the study's 64x64)")
	stride := fs.Int("stride", 0, "occlusion: step between patch positions in `pixels` of the network's input (default: an eighth of its shorter side, 8 for the study's)")
	masks := fs.Int("masks", 0, "rise: the number of random `masks` (default 2000)")
	seed := fs.Uint64("seed", 0, "smoothgrad and rise: the `seed` of their random numbers (the same seed gives the same map)")
	opacity := fs.Float64("opacity", 0.5, "`opacity` of the map over the picture, 0 to 1")
	recursive := fs.Bool("recursive", false, "look for images in the folders' subfolders too")
	model := fs.String("model", "", modelUsage)
	calibrated := fs.Bool("calibrated", false, "probabilities from the logits divided by the model's temperature ('artlens calibrate'); the maps stay the same")
	check, summary := checkFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *summary {
		return runCheckSummary(fs, *method, set["method"], *layer, *asJSON, *model, stdout, stderr)
	}
	opt, err := explainParse(*method, *layer, set["layer"], *class, *patch, *stride, set["patch"] || set["stride"], *opacity, *out, *asJSON || *check, fs.NArg())
	if err == nil && set["masks"] {
		if opt.method != explain.MethodRISE {
			err = errors.New("--masks belongs to --method rise")
		} else if *masks < 1 {
			err = fmt.Errorf("--masks must be at least 1, not %d", *masks)
		}
	}
	if err != nil {
		return usageError(stderr, "explain", "%v", err)
	}
	opt.rise, opt.seed = explain.RISEOptions{Masks: *masks}, *seed
	opt.json, opt.check = *asJSON, *check
	files, err := imageInputs(fs.Args(), *recursive, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if len(files) == 0 {
		return fail(stderr, "no image files to explain")
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if opt.temperature, err = temperatureOf(m, *calibrated); err != nil {
		return fail(stderr, "%v", err)
	}
	if err := explainForModel(&opt, m); err != nil {
		return usageError(stderr, "explain", "%v", err)
	}
	classIndex := -1
	if opt.className != "" {
		if classIndex = findClass(m.Meta.Classes, opt.className); classIndex < 0 {
			return usageError(stderr, "explain", "--class: the model has no class %q; its classes are %s", opt.className, strings.Join(m.Meta.Classes, ", "))
		}
	}
	if opt.out != "" {
		if err := os.MkdirAll(opt.out, 0o755); err != nil {
			return fail(stderr, "cannot create the output folder: %v", err)
		}
	}

	names := outputNames(files)
	enc := json.NewEncoder(stdout)
	bar := newProgressBar(stderr, "explain", len(files))
	failed, written := 0, 0
	for i, f := range files {
		res := explainFile(m, f, names[i], classIndex, opt)
		bar.update(i + 1)
		if res.Error != "" {
			failed++
		}
		if res.Figure != "" {
			written++
		}
		if opt.json {
			if err := enc.Encode(res); err != nil {
				return fail(stderr, "%v", err)
			}
			continue
		}
		if res.Error != "" {
			bar.interrupt()
			fmt.Fprintf(stderr, "artlens: %s: %s\n", f, res.Error)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s\n", f, explainLine(res))
		printChecks(stdout, res)
	}
	if !opt.json && opt.out != "" {
		fmt.Fprintf(stdout, "wrote %d figure%s to %s\n", written, plural(written), opt.out)
	}
	if failed > 0 {
		return exitFailure
	}
	return 0
}

// explainParse checks the explain command's options; an error is a one-line
// reason for exit code 2. layerSet and occlusionSet say whether --layer and
// --patch or --stride were given.
func explainParse(method string, layerText string, layerSet bool, class string, patch, stride int, occlusionSet bool, opacity float64, out string, asJSON bool, nargs int) (explainOptions, error) {
	opt := explainOptions{method: method, className: strings.TrimSpace(class), opacity: opacity, out: out, json: asJSON}
	me, err := explain.LookupMethod(method)
	if err != nil {
		return opt, fmt.Errorf("--method must be one of %s, not %q", strings.Join(methodNames(), ", "), method)
	}
	switch {
	case me.ReadsPlace:
		if occlusionSet {
			return opt, errors.New("--patch and --stride belong to --method occlusion")
		}
		layer, err := strconv.Atoi(strings.TrimSpace(layerText))
		if err != nil && layerSet {
			opt.layerName = strings.TrimSpace(layerText) // checked against the model by explainForModel
			break
		}
		if layer < 0 || layerSet && layer == 0 {
			return opt, fmt.Errorf("--layer: conv layers are numbered from 1, not %d", layer)
		}
		opt.layer = layer // 0: the default; checked against the model by explainForModel
	case method == explain.MethodOcclusion:
		if layerSet {
			return opt, errors.New("--layer belongs to the methods that read a layer's maps (" + strings.Join(placeMethods(), ", ") + "): occlusion explains the whole network")
		}
		if patch < 0 || occlusionSet && patch == 0 && stride == 0 {
			return opt, fmt.Errorf("--patch must be at least 1 pixel, not %d", patch)
		}
		if stride < 0 {
			return opt, fmt.Errorf("--stride must be at least 1 pixel, not %d", stride)
		}
		opt.occlusion = explain.OcclusionOptions{Patch: patch, Stride: stride}
	case method == explain.MethodRollout:
		if layerSet || occlusionSet {
			return opt, errors.New("--layer, --patch and --stride do not belong to --method rollout: it reads every attention layer")
		}
	default:
		if layerSet {
			return opt, fmt.Errorf("--layer belongs to the methods that read a layer's maps (%s): %s explains the whole network", strings.Join(placeMethods(), ", "), method)
		}
		if occlusionSet {
			return opt, errors.New("--patch and --stride belong to --method occlusion")
		}
	}
	if opacity < 0 || opacity > 1 {
		return opt, fmt.Errorf("--opacity must be 0 to 1, not %g", opacity)
	}
	if out == "" && !asJSON {
		return opt, errors.New("give --out DIR to write the figures, or --json to print the maps (or both)")
	}
	if nargs == 0 {
		return opt, errors.New("give at least one image or folder")
	}
	return opt, nil
}

// explainForModel checks the options that depend on the model: the layer
// (0 becomes the last conv layer) and the patch and stride, which must fit
// the model's input.
func explainForModel(opt *explainOptions, m *engine.Model) error {
	convs := len(m.Places())
	if me, _ := explain.LookupMethod(opt.method); me.ReadsPlace {
		if opt.layerName != "" {
			l, err := m.PlaceNumber(opt.layerName)
			if err != nil {
				return fmt.Errorf("--layer: %v", err)
			}
			opt.layer = l
		}
		if opt.layer == 0 {
			opt.layer = m.CAMPlace()
		}
		if opt.layer > convs {
			return fmt.Errorf("--layer: there is no conv layer %d; the layers are 1 to %d", opt.layer, convs)
		}
		return nil
	}
	if opt.method == explain.MethodRollout && !m.HasAttention() {
		return errors.New("--method rollout: the model has no attention layers (rollout explains transformers such as ViT)")
	}
	if opt.method != explain.MethodOcclusion {
		return nil
	}
	in := m.Input()
	side := min(in.Width, in.Height)
	opt.occlusion = opt.occlusion.For(in)
	if opt.occlusion.Patch > side {
		return fmt.Errorf("--patch must be 1 to %d pixels (the model's input is %dx%d), not %d", side, in.Width, in.Height, opt.occlusion.Patch)
	}
	if opt.occlusion.Stride > side {
		return fmt.Errorf("--stride must be 1 to %d pixels (the model's input is %dx%d), not %d", side, in.Width, in.Height, opt.occlusion.Stride)
	}
	return nil
}

// findClass returns the index of the class called name (ignoring case), or -1.
func findClass(classes []string, name string) int {
	for i, c := range classes {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// explainFile explains one image and, with opt.out, writes its figure as
// <name>_<method>.png; a failure is reported in Error.
func explainFile(m *engine.Model, path, name string, class int, opt explainOptions) explainResult {
	res := explainResult{File: path, Method: opt.method}
	img, _, err := picture.Open(path)
	if err != nil {
		res.Error = reason(path, err)
		return res
	}
	in := m.Input()
	input := picture.ToInputShape(img, in.Channels, in.Width, in.Height)
	me, err := explain.LookupMethod(opt.method)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	mp, err := me.Run(context.Background(), m, explain.Request{Input: input, Class: class, Place: opt.layer,
		Occlusion: opt.occlusion, RISE: opt.rise, Seed: opt.seed})
	if err != nil {
		res.Error = err.Error()
		return res
	}
	mp.Probabilities = calibration.Rescale(mp.Probabilities, opt.temperature)
	res.Layer = mp.Layer
	if me.ReadsPlace {
		res.placeLabel = placeLabel(m, mp.Layer)
		if len(m.Places()) > len(m.ConvLayers()) {
			res.LayerName = m.Places()[mp.Layer-1].Name
		}
	}
	if opt.method == explain.MethodOcclusion {
		res.Patch, res.Stride = opt.occlusion.Patch, opt.occlusion.Stride
	}
	res.Class = m.Meta.Classes[mp.Class]
	res.Predicted = m.Meta.Classes[engine.Argmax(mp.Probabilities)]
	res.Probabilities = map[string]float64{}
	for i, c := range m.Meta.Classes {
		res.Probabilities[c] = float64(mp.Probabilities[i])
	}
	res.Output = m.Output()
	if res.Output == engine.OutputSigmoid {
		res.Scores, res.Probabilities, res.Labels = res.Probabilities, nil, []string{}
		for _, c := range engine.Answer(res.Output, mp.Probabilities, engine.DefaultThreshold) {
			res.Labels = append(res.Labels, m.Meta.Classes[c])
		}
	}
	res.Heatmap = mp.Rows()
	if opt.method == explain.MethodOcclusion {
		pix, err := explain.OcclusionPixels(mp, in, opt.occlusion)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		res.HeatmapPositions = res.Heatmap
		res.Heatmap = explain.Map{Width: in.Width, Height: in.Height, Values: pix}.Rows()
	}
	if opt.check {
		if err := addChecks(&res, m, input, mp, opt); err != nil {
			res.Error = err.Error()
			return res
		}
	}
	if opt.out == "" {
		return res
	}
	fig, err := explainFigure(m, img, filepath.Base(path), mp, opt.opacity)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	figPath := filepath.Join(opt.out, fmt.Sprintf("%s_%s.png", name, opt.method))
	if err := writePNG(figPath, fig); err != nil {
		res.Error = err.Error()
		return res
	}
	res.Figure = figPath
	return res
}

// methodNames lists the explanation methods' names, in the window's order.
func methodNames() []string {
	var names []string
	for _, me := range explain.Methods() {
		names = append(names, me.Name)
	}
	return names
}

// placeMethods lists the methods that read a layer's maps.
func placeMethods() []string {
	var names []string
	for _, me := range explain.Methods() {
		if me.ReadsPlace {
			names = append(names, me.Name)
		}
	}
	return names
}

// methodHelp is --method's list of methods, one per line with its sentence.
func methodHelp() string {
	var b strings.Builder
	for _, me := range explain.Methods() {
		fmt.Fprintf(&b, "\n  %s: %s", me.Name, me.Sentence)
	}
	return b.String()
}

// methodTitles are the methods' names in figures and lines.
var methodTitles = map[string]string{
	explain.MethodGradCAM: "Grad-CAM", explain.MethodOcclusion: "occlusion", explain.MethodHiResCAM: "HiResCAM",
	explain.MethodGradCAMPP: "Grad-CAM++", explain.MethodScoreCAM: "Score-CAM", explain.MethodEigenCAM: "Eigen-CAM",
	explain.MethodIntegratedGradients: "Integrated Gradients", explain.MethodSmoothGrad: "SmoothGrad", explain.MethodRISE: "RISE",
	explain.MethodRollout: "attention rollout",
}

// explainFigure draws map mp over the picture as given, with a title that
// says what is explained and a legend. The CAMs run from 0 to 1; the
// other maps from their own least to their own largest value (occlusion
// and SmoothGrad from 0), Integrated Gradients' signed values on a
// diverging scale symmetric about 0.
func explainFigure(m *engine.Model, img image.Image, file string, mp explain.Map, opacity float64) (image.Image, error) {
	lo, hi := float32(0), float32(1)
	loText, hiText := "0", "1"
	class := m.Meta.Classes[mp.Class]
	caption := "where the evidence for " + class + " lies (brighter: more)"
	method := methodTitles[mp.Method]
	if mp.Layer > 0 {
		method += ", " + placeLabel(m, mp.Layer)
	}
	diverging := false
	switch mp.Method {
	case explain.MethodEigenCAM:
		caption = "the main pattern of the layer's maps, the same for every class (brighter: stronger)"
	case explain.MethodRollout:
		caption = "where the class token gathers from through all attention layers (brighter: more)"
	case explain.MethodOcclusion:
		// Drops below 0 (hiding made the class more likely) show as 0.
		hi = max(mp.Max(), 1e-6)
		hiText = fmt.Sprintf("%.1f points", 100*hi)
		loText = "0 (or a rise)"
		caption = "how much hiding each place lowers the probability of " + class
		if m.Output() == engine.OutputSigmoid {
			hiText = fmt.Sprintf("%.3f", hi)
			caption = "how much hiding each place lowers the score of " + class
		}
	case explain.MethodSmoothGrad:
		hi = max(mp.Max(), 1e-12)
		hiText = fmt.Sprintf("%.3g", hi)
		caption = "how strongly each pixel sways the score of " + class + " (mean absolute gradient)"
	case explain.MethodRISE:
		lo, hi = mp.Values[0], mp.Values[0]
		for _, v := range mp.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
		loText, hiText = fmt.Sprintf("%.1f%%", 100*lo), fmt.Sprintf("%.1f%%", 100*hi)
		caption = "probability of " + class + " when the pixel is kept, on average over random masks"
	case explain.MethodIntegratedGradients:
		diverging = true
		hi = 0 // the scale is the map's largest magnitude, however small
		for _, v := range mp.Values {
			hi = max(hi, v, -v)
		}
		if hi == 0 {
			hi = 1
		}
		loText, hiText = fmt.Sprintf("-%.3g (against)", hi), fmt.Sprintf("+%.3g (for)", hi)
		caption = "what each pixel adds to (red) or takes from (blue) the score of " + class
	}
	var ov *image.NRGBA
	var err error
	if diverging {
		ov, err = plots.DivergingOverlay(img, mp.Values, mp.Width, mp.Height, hi, opacity)
	} else {
		ov, err = plots.Overlay(img, mp.Values, mp.Width, mp.Height, lo, hi, opacity)
	}
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s — %s — why %s (%.1f%%)", file, method, class, 100*mp.Probabilities[mp.Class])
	if pred := engine.Argmax(mp.Probabilities); pred != mp.Class {
		title += fmt.Sprintf("; the answer is %s (%.1f%%)", m.Meta.Classes[pred], 100*mp.Probabilities[pred])
	}
	if m.Output() == engine.OutputSigmoid {
		// Independent scores: the answer is a set of labels, never one
		// class's share of 100 %.
		title = fmt.Sprintf("%s — %s — why %s (score %.3f; scores are independent, several can be high)", file, method, class, mp.Probabilities[mp.Class])
	}
	if diverging {
		return plots.DivergingExplainFigure(ov, title, loText, hiText, caption), nil
	}
	return plots.ExplainFigure(ov, title, loText, hiText, caption), nil
}

// placeLabel names place layer of m for people: "conv layer 5" in a
// chain, "layer4.0 (layer 16)" in a graph, whose places have names.
func placeLabel(m *engine.Model, layer int) string {
	if len(m.Places()) == len(m.ConvLayers()) || layer < 1 || layer > len(m.Places()) {
		return fmt.Sprintf("conv layer %d", layer)
	}
	return fmt.Sprintf("%s (layer %d)", m.Places()[layer-1].Name, layer)
}

// explainLine is the one-line summary of a result for the terminal.
func explainLine(res explainResult) string {
	var b strings.Builder
	switch {
	case res.placeLabel != "":
		fmt.Fprintf(&b, "%s of %s at %s", methodTitles[res.Method], res.Class, res.placeLabel)
	case res.Method == explain.MethodOcclusion:
		fmt.Fprintf(&b, "occlusion map of %s (patch %d, stride %d)", res.Class, res.Patch, res.Stride)
	default:
		fmt.Fprintf(&b, "%s map of %s", methodTitles[res.Method], res.Class)
	}
	if res.Output == engine.OutputSigmoid {
		fmt.Fprintf(&b, "; labels at or above %g: %s (%s; the class explained by default is the highest score, as one must be chosen)",
			engine.DefaultThreshold, labelsText(res.Labels, res.Scores, engine.DefaultThreshold), sigmoidNote)
	} else {
		fmt.Fprintf(&b, "; answer %s (%.1f%%)", res.Predicted, 100*res.Probabilities[res.Predicted])
	}
	if res.Figure != "" {
		fmt.Fprintf(&b, " -> %s", res.Figure)
	}
	return b.String()
}
