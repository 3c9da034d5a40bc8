package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// zoomSteps are the sizes the Larger/Smaller controls step through.
var zoomSteps = []float32{0.75, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2, 2.5}

// lensTheme wraps a base theme: every size is multiplied by zoom (text,
// padding, icons), and the light or dark variant can be forced whatever the
// desktop prefers.
type lensTheme struct {
	base    fyne.Theme
	zoom    float32
	variant fyne.ThemeVariant
	forced  bool // use variant instead of the system's
}

var _ fyne.Theme = (*lensTheme)(nil)

func (t *lensTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	return t.base.Color(n, v)
}

func (t *lensTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t *lensTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *lensTheme) Size(n fyne.ThemeSizeName) float32 {
	return t.base.Size(n) * t.zoom
}

// newLensTheme returns the app theme for a theme name ("light", "dark" or
// "" for the system's choice) and a zoom factor.
func newLensTheme(name string, zoom float32) *lensTheme {
	t := &lensTheme{base: theme.DefaultTheme(), zoom: zoom}
	switch name {
	case "light":
		t.forced, t.variant = true, theme.VariantLight
	case "dark":
		t.forced, t.variant = true, theme.VariantDark
	}
	return t
}

// nextZoom returns the zoom step after (dir > 0) or before (dir < 0) z.
func nextZoom(z float32, dir int) float32 {
	if dir > 0 {
		for _, s := range zoomSteps {
			if s > z+0.001 {
				return s
			}
		}
		return zoomSteps[len(zoomSteps)-1]
	}
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < z-0.001 {
			return zoomSteps[i]
		}
	}
	return zoomSteps[0]
}
