package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/artlens/artlens/ui"
)

// runWindow opens the desktop app (package ui) with the command line's
// options and images.
func runWindow(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("", "", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: artlens [--screenshot FILE] [--view NAME] [--theme dark|light] [--fullscreen] [--zoom F] [--model FILE] [IMAGE|FOLDER...]")
		fmt.Fprintln(stderr, "\nOpens the desktop app with these images. Options:")
		fs.PrintDefaults()
	}
	screenshot := fs.String("screenshot", "", "capture the window to this PNG `file` once the images are analysed, then quit")
	view := fs.String("view", "explore", "tab to show first: "+strings.Join(ui.Views, ", "))
	theme := fs.String("theme", "", "colour theme: dark or light (default: the desktop's)")
	fullscreen := fs.Bool("fullscreen", false, "start full screen (F11 toggles)")
	zoom := fs.Float64("zoom", 1, "size of text and feature maps, from 0.75 to 2.5 (Ctrl+= and Ctrl+- change it)")
	model := fs.String("model", "", "weights `file` to open (default: the shipped model)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts := ui.Options{
		Version:    Version,
		Images:     fs.Args(),
		Screenshot: *screenshot,
		View:       *view,
		Theme:      *theme,
		Scale:      float32(*zoom),
		FullScreen: *fullscreen,
	}
	if err := opts.Check(); err != nil {
		return fail(stderr, "%v (see 'artlens --help')", err)
	}
	if *model != "" {
		m, err := loadModel(*model)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		opts.Model, opts.ModelName = m, filepath.Base(*model)
	}
	return ui.Run(opts)
}
