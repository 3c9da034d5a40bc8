package app

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/artlens/artlens/ui"
	liveview "github.com/artlens/artlens/ui/live"
)

// windowOptions are the window's command-line options, bound to a flag set
// by windowFlags.
type windowOptions struct {
	screenshot, view, theme, model, show, data, second, open string
	trainArch, trainSave, method                             string
	trainEpochs, trainSize                                   int
	liveSource                                               string
	liveFrames                                               int
	liveFPS                                                  float64
	trainClasses                                             []string
	fullscreen, calibrated, check                            bool
	zoom, threshold                                          float64
	screenshotWait                                           time.Duration
	catalogue                                                string
}

// windowFlags returns the flag set of the window's options, parsed into o;
// its help goes to stdout.
func windowFlags(stdout, stderr io.Writer, o *windowOptions) *flagSet {
	// No name: its errors point to the general help, which lists these options.
	fs := &flagSet{FlagSet: flag.NewFlagSet("", flag.ContinueOnError), stdout: stdout, stderr: stderr}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.help = func() {
		fmt.Fprintln(stdout, "Usage: artlens [WINDOW OPTIONS] [IMAGE|FOLDER...]")
		fmt.Fprintln(stdout, "\nOpens the desktop app with these images.\n\nWindow options:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fs.StringVar(&o.screenshot, "screenshot", "", "capture the window to this PNG `file` once the images are analysed, then quit")
	fs.StringVar(&o.view, "view", "explore", "tab to show first: "+strings.Join(ui.Views, ", "))
	fs.StringVar(&o.theme, "theme", "", "colour theme: dark or light (default: the desktop's)")
	fs.BoolVar(&o.fullscreen, "fullscreen", false, "start full screen (F11 toggles)")
	fs.Float64Var(&o.zoom, "zoom", 1, "size of text and feature maps, from 0.75 to 2.5 (Ctrl+= and Ctrl+- change it)")
	fs.StringVar(&o.model, "model", "", "weights `file` to open, or the name of a shipped model ('artlens models'; default: the study's)")
	fs.StringVar(&o.second, "second", "", "weights `file`, or the name of a shipped model, whose answer the Explore view shows beside the model's (File menu: Second opinion)")
	fs.DurationVar(&o.screenshotWait, "screenshot-wait", 30*time.Second, "with --screenshot, the longest wait for the pictures to be analysed (a large collection needs minutes)")
	fs.StringVar(&o.data, "data", "", "`folder` of the Art Images data set (holding validation_set/), whose test pictures a click on the Confusion tab's cells lists (default: the folder chosen there last time)")
	fs.StringVar(&o.trainArch, "arch", "", "with --view train FOLDER: the network to train: small, small-residual, study or an architecture `file` (JSON)")
	fs.IntVar(&o.trainEpochs, "epochs", 0, "with --view train FOLDER: the number of epochs (default 10)")
	fs.IntVar(&o.trainSize, "size", 0, "with --view train FOLDER: the input size, one of 32, 48, 64, 96, 128 (default: the network's own)")
	fs.Func("class", "with --view train FOLDER: make FOLDER a set of classes in the window, with class `NAME=PATH` holding copies of the pictures of PATH (a file or folder), as dropping PATH onto the class does; repeat for each class", func(c string) error {
		o.trainClasses = append(o.trainClasses, c)
		return nil
	})
	fs.StringVar(&o.trainSave, "save", "", "with --view train FOLDER: the weights `file` written once training has finished")
	fs.StringVar(&o.liveSource, "source", "", "with --view live: the camera (camera, camera:N, a device path), video file (GIF, Motion-JPEG AVI) or folder to run live")
	fs.IntVar(&o.liveFrames, "frames", 0, "with --view live --screenshot: capture the window after this `number` of frames (default 5)")
	fs.Float64Var(&o.liveFPS, "fps", 1, "with --view live: a folder's slide show speed in `pictures` a second")
	fs.StringVar(&o.show, "show", "", "with --view collection, what to show once the pictures are analysed: "+ui.CollectionShows)
	fs.BoolVar(&o.calibrated, "calibrated", false, "start with calibrated confidence on: probabilities through the model's temperature (View menu)")
	fs.Float64Var(&o.threshold, "threshold", 0, "a sigmoid model's threshold at start, in (0, 1] (default 0.5)")
	fs.StringVar(&o.open, "open", "", "once the first picture is analysed, open: "+ui.LookShows)
	fs.StringVar(&o.catalogue, "catalogue", "", "with --view collection: "+catalogueUsage+" (File menu: Open catalogue)")
	fs.StringVar(&o.method, "method", "", "the explanation method at first in the Explain view (a name 'artlens explain --help' lists; default gradcam); a comma-separated list ticks those methods in Compare's \"One picture, several methods\" and the Collection's \"Which map to trust\"")
	fs.BoolVar(&o.check, "check", false, "run the trust checks once there is something to check: the Explain view's map of the first picture, or with --view collection the \"Which map to trust\" table")
	return fs
}

// runWindow opens the desktop app (package ui) with the command line's
// options and images.
func runWindow(args []string, stdout, stderr io.Writer) int {
	var o windowOptions
	fs := windowFlags(stdout, stderr, &o)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts := ui.Options{
		Version:    Version,
		Images:     fs.Args(),
		Screenshot: o.screenshot,
		View:       o.view,
		Theme:      o.theme,
		Scale:      float32(o.zoom),
		FullScreen: o.fullscreen,
		Show:       o.show,
		DataDir:    o.data,
		Open:       o.open,
		Catalogue:  o.catalogue,
		Calibrated: o.calibrated,
		Threshold:  o.threshold,
		Method:     o.method,
		RunChecks:  o.check,

		ScreenshotTimeout: o.screenshotWait,
		TrainArch:         o.trainArch,
		TrainEpochs:       o.trainEpochs,
		TrainSize:         o.trainSize,
		TrainClasses:      o.trainClasses,
		TrainSave:         o.trainSave,
	}
	if o.view == "live" {
		return runLiveWindow(o, fs.NArg(), stderr)
	}
	if o.liveSource != "" || o.liveFrames != 0 {
		return usageError(stderr, "", "--source and --frames go with --view live")
	}
	if o.view == "train" {
		if len(opts.Images) > 1 {
			return usageError(stderr, "", "--view train takes one folder of class folders, not %d", len(opts.Images))
		}
		waitSet := false
		fs.Visit(func(f *flag.Flag) { waitSet = waitSet || f.Name == "screenshot-wait" })
		if !waitSet {
			opts.ScreenshotTimeout = 4 * time.Hour // the screenshot waits for training to finish
		}
	} else if o.trainArch != "" || o.trainEpochs != 0 || o.trainSize != 0 || o.trainSave != "" || len(o.trainClasses) > 0 {
		return usageError(stderr, "", "--arch, --epochs, --size, --class and --save go with --view train FOLDER")
	}
	if err := opts.Check(); err != nil {
		return usageError(stderr, "", "%v", err)
	}
	if o.model != "" {
		m, err := loadModel(o.model)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		opts.Model, opts.ModelName = m, modelName(o.model)
	}
	if o.second != "" {
		m, err := loadModel(o.second)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		opts.Second, opts.SecondName = m, modelName(o.second)
	}
	if err := displayAvailable(); err != nil {
		return fail(stderr, "%v; the commands work without one (see 'artlens --help')", err)
	}
	return ui.Run(opts)
}

// runLiveWindow opens the live view alone in its window (package ui/live),
// until the window's tabs hold it.
func runLiveWindow(o windowOptions, nargs int, stderr io.Writer) int {
	if nargs > 0 {
		return usageError(stderr, "", "--view live takes its frames from --source, not from files named after the options")
	}
	if o.liveFrames < 0 || o.liveFPS <= 0 {
		return usageError(stderr, "", "--frames must not be negative and --fps must be above 0")
	}
	if o.zoom < 0.75 || o.zoom > 2.5 {
		return usageError(stderr, "", "zoom %g is out of range: use 0.75 to 2.5", o.zoom)
	}
	lo := liveview.Options{Source: o.liveSource, FPS: o.liveFPS, Frames: o.liveFrames}
	if o.open != "" {
		// --open filter:L:F follows filter F of layer L from the start.
		var l, f int
		if n, err := fmt.Sscanf(o.open, "filter:%d:%d", &l, &f); n != 2 || err != nil || l < 1 || f < 1 {
			return usageError(stderr, "", "with --view live, --open takes filter:LAYER:FILTER (both from 1), not %q", o.open)
		}
		lo.FollowLayer, lo.FollowFilter = l, f
	}
	m, err := loadModel(o.model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := displayAvailable(); err != nil {
		return fail(stderr, "%v; 'artlens live' runs without one", err)
	}
	return liveview.RunWindow(m, liveview.WindowOptions{
		Options:    lo,
		Screenshot: o.screenshot,
		Scale:      float32(o.zoom),
		FullScreen: o.fullscreen,
		// The zoom is FYNE_SCALE's (Scale), not the theme's as well.
		Theme: ui.Theme(o.theme, 1),
	})
}
