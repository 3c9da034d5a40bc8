// Command artlens shows what a convolutional network for art images sees.
// With no arguments, or with image files, it opens the desktop app; with a
// subcommand (summary, predict, eval, train, maps, plot) it works on the
// command line. See README.md.
package main

import (
	"os"

	"github.com/artlens/artlens/app"
	_ "github.com/artlens/artlens/internal/clocale" // before Fyne reads the locale
)

func main() {
	attachConsole()
	os.Exit(app.Run(os.Args[1:], os.Stdout, os.Stderr))
}
