// Package assets holds the files that ship inside the artlens binary: the
// application icon (icon.png, 512x512), used for the window and by
// `fyne package` (FyneApp.toml points at it).
//
// The icon is drawn by a program, not by hand; after changing
// internal/mkicon, run `go generate ./assets` and commit the new icon.png.
package assets
