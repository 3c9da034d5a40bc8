package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:generate go run ./internal/mkicon -o icon.png

// Icon is the application icon: a 512x512 PNG of an eye whose iris is a
// lens, over a grid of feature-map squares.
//
//go:embed icon.png
var Icon []byte

// IconResource returns the icon as a Fyne resource, for
// fyne.App.SetIcon and fyne.Window.SetIcon.
func IconResource() fyne.Resource {
	return fyne.NewStaticResource("icon.png", Icon)
}
